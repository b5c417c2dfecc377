"""`get`, `set` and `bump`: reading and exactly editing front matter fields from the shell."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from editor.core.bump import plan_file, write_plan
from editor.core.document.article import ArticleDocument
from editor.core.document.edits import set_path_value
from editor.core.document.errors import ArticleError, EditError, FieldPathError, SaveConflict
from editor.core.document.fieldpath import parse_path
from editor.core.document.values import convert_like, format_value, parse_date, read_scalar
from editor.core.files.save import FileIdentity, read_with_identity, safe_save, sync_folders
from editor.core.files.walk import iter_article_files
from editor.core.validation.schema import find_corpus_root, load_schema


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    if command == "get":
        parser.add_argument("file", help="article file")
        parser.add_argument("field", help="field path, e.g. title or atomic_facts[0].statement")
    elif command == "set":
        parser.add_argument("file", help="article file")
        parser.add_argument("field", help="field path, e.g. title or atomic_facts[0].statement")
        parser.add_argument("value", help="new value; it takes the type of the value it replaces")
        parser.add_argument("--force", action="store_true", help="write even if the schema refuses the value")
    elif command == "bump":
        parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or corpus folders")
        parser.add_argument("--field", action="append", dest="fields", metavar="F",
                            help="date field to set (repeatable; default last_verified)")
        parser.add_argument("--date", default="today", help="YYYY-MM-DD or 'today' (default)")
        parser.add_argument("--dry-run", action="store_true", help="print the diff instead of writing")


def run(args: argparse.Namespace) -> int:
    return {"get": run_get, "set": run_set, "bump": run_bump}[args._command](args)


def report(path: Any, line: int | None, message: str) -> None:
    print(f"{path}:{line or 1}: {message}", file=sys.stderr)


def load(path: str) -> tuple[ArticleDocument, FileIdentity]:
    data, identity = read_with_identity(path)
    return ArticleDocument.from_bytes(data, path), identity


def _open(path: str) -> tuple[ArticleDocument, FileIdentity] | None:
    try:
        return load(path)
    except ArticleError as exc:
        report(path, exc.line, exc.message)
    except OSError as exc:
        report(path, None, exc.strerror or str(exc))
    return None


def _open_field(args) -> tuple[tuple, ArticleDocument, FileIdentity] | int:
    """The parsed field path and the opened article, or the exit status to return."""
    try:
        path = parse_path(args.field)
    except FieldPathError as exc:
        print(f"corpus-editor {args._command}: {exc.message}", file=sys.stderr)
        return 2
    opened = _open(args.file)
    if opened is None:
        return 1
    return (path, *opened)


def run_get(args) -> int:
    opened = _open_field(args)
    if isinstance(opened, int):
        return opened
    path, doc, _ = opened
    try:
        value = doc.get(path)
    except FieldPathError as exc:
        report(args.file, exc.line or doc.line_of(path), exc.message)
        return 1
    print(format_value(value))
    return 0


def typed_value(doc: ArticleDocument, path, text: str, force: bool) -> Any:
    """The value `text` stands for at `path`.

    With a schema that declares the field, the declared type, refusing a value the schema forbids
    unless `force`; otherwise the type of the value it replaces; a new key's text is read as a YAML
    scalar. A date replacing an unquoted date stays a date (a quoted one stays quoted text).
    """
    schema = load_schema(find_corpus_root(Path(doc.path))) if doc.path else None
    exists = doc.has(path)
    current = doc.get(path) if exists else None
    if schema is not None and schema.field(path) is not None:
        try:
            value = schema.convert(path, text)
        except ValueError as exc:
            if not force:
                raise ValueError(f"{exc} (use --force to write it anyway)") from None
            value = convert_like(text, current) if exists else read_scalar(text)
        if isinstance(current, dt.date) and isinstance(value, str):
            value = convert_like(value, current)
        return value
    return convert_like(text, current) if exists else read_scalar(text)


def run_set(args) -> int:
    opened = _open_field(args)
    if isinstance(opened, int):
        return opened
    path, doc, identity = opened
    try:
        if not doc.has(path) and (len(path) == 1 or doc.has(path[:-1])) and isinstance(path[-1], int) \
                and not _appends(doc, path):
            raise FieldPathError(f"no field {args.field}: use an index inside the list, or its length to append")
        if not doc.has(path) and len(path) > 1 and not doc.has(path[:-1]):
            raise FieldPathError(f"no field {args.field}")
        value = typed_value(doc, path, args.value, args.force)
    except FieldPathError as exc:
        report(args.file, exc.line or doc.line_of(path), exc.message)
        return 1
    except ValueError as exc:
        message = str(exc) if str(exc).startswith(args.field) else f"{args.field}: {exc}"
        report(args.file, doc.line_of(path), message)
        return 1
    schema = load_schema(find_corpus_root(Path(doc.path))) if doc.path else None
    key_order = schema.key_order(path[:-1]) if schema is not None and len(path) > 1 else None
    if schema is not None and len(path) == 1:
        key_order = schema.key_order(())
    try:
        applied = doc.apply(set_path_value(path, value, key_order))
    except (EditError, FieldPathError) as exc:
        report(args.file, exc.line, exc.message)
        return 1
    if applied is None:
        return 0
    try:
        safe_save(args.file, doc.to_bytes(), identity)
    except SaveConflict as exc:
        report(args.file, None, f"not written: {exc.reason} since it was read")
        return 1
    except OSError as exc:
        report(args.file, None, f"not written: {exc.strerror or exc}")
        return 1
    return 0


def _appends(doc: ArticleDocument, path) -> bool:
    """Is `path` the index just past the end of an existing list (`facts[2]` of two facts)?"""
    parent = path[:-1]
    if not parent or not doc.has(parent):
        return False
    items = doc.get(parent)
    return isinstance(items, list) and path[-1] == len(items)


def run_bump(args) -> int:
    try:
        date = parse_date(args.date)
    except ValueError as exc:
        print(f"corpus-editor bump: --date: {exc}", file=sys.stderr)
        return 2
    fields = args.fields or ["last_verified"]
    for field in fields:
        try:
            if len(parse_path(field)) != 1:
                raise FieldPathError(f"--field must name a top-level field, not {field!r}")
        except FieldPathError as exc:
            print(f"corpus-editor bump: {exc.message}", file=sys.stderr)
            return 2
    counts = {"updated": 0, "current": 0, "failed": 0, "skipped": 0}
    written_folders: set[str] = set()
    for path in iter_article_files(args.paths):
        plan = plan_file(path, fields, date)
        if plan.not_article:
            counts["skipped"] += 1
            continue
        if plan.error:
            report(plan.path, plan.error_line, plan.error)
            counts["failed"] += 1
            continue
        if not plan.changes:
            counts["current"] += 1
            continue
        if args.dry_run:
            sys.stdout.write(plan.diff)
            counts["updated"] += 1
            continue
        try:
            write_plan(plan, sync_folder=False)
        except (SaveConflict, OSError) as exc:
            report(plan.path, None, f"not written: {getattr(exc, 'reason', None) or exc}")
            counts["failed"] += 1
            continue
        written_folders.add(os.path.dirname(os.path.realpath(plan.path)))
        counts["updated"] += 1
    sync_folders(written_folders)
    verb = "would update" if args.dry_run else "updated"
    print(f"bump: {counts['updated']} {verb}, {counts['current']} already at {date.isoformat()}, "
          f"{counts['failed']} failed, {counts['skipped']} not articles", file=sys.stderr)
    return 1 if counts["failed"] else 0
