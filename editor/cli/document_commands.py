"""`get`, `set`, `add`, `remove` and `bump`: reading and exactly editing front matter fields from the shell.

Every edit is an operation of the core applied under the file's lock to the file as it is at that
moment (`files.save.update_file`), so two commands editing different fields of one file at once both
land, and a change made by another program meanwhile is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from editor.core.bump import plan_file, write_plan
from editor.core.document.article import ArticleDocument
from editor.core.document.edits import AddKey, InsertItem, RemoveItem, RemoveKey, set_path_value
from editor.core.document.errors import ArticleError, CorpusEditorError, EditError, FieldPathError, SaveConflict
from editor.core.document.fieldpath import format_path, parse_path
from editor.core.document.values import convert_like, format_value, parse_date, read_scalar
from editor.core.files.diff import file_diff
from editor.core.files.leftovers import remove_stale
from editor.core.files.messages import not_written, os_reason
from editor.core.files.save import FileIdentity, read_with_identity, sync_folders, update_file
from editor.core.files.walk import iter_article_files
from editor.core.validation.schema import find_corpus_root, load_schema

# commands whose last positional is a value that may start with '-' (`set F title ---`)
VALUE_COMMANDS = ("set", "add")


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    if command == "get":
        parser.add_argument("file", help="article file")
        parser.add_argument("field", help="field path, e.g. title or atomic_facts[0].statement")
    elif command == "set":
        parser.add_argument("file", help="article file")
        parser.add_argument("field", help="field path, e.g. title or atomic_facts[0].statement")
        parser.add_argument("value", help="new value (the last argument, even if it starts with '-'); it takes "
                                          "the type the schema declares, else that of the value it replaces")
        parser.add_argument("--force", action="store_true", help="write even if the schema refuses the value")
        parser.add_argument("--dry-run", action="store_true", help="print the diff instead of writing")
    elif command == "add":
        parser.add_argument("file", help="article file")
        parser.add_argument("list", metavar="LIST_PATH", help="the list to add to, e.g. known_gaps or atomic_facts")
        parser.add_argument("value", metavar="JSON", help="the new item: a JSON object, array or scalar (text that "
                                                          "is not JSON is taken as a string)")
        parser.add_argument("--index", type=int, metavar="N",
                            help="insert before item N (negative: from the end); default: append")
        parser.add_argument("--force", action="store_true", help="write even if the schema refuses the item")
        parser.add_argument("--dry-run", action="store_true", help="print the diff instead of writing")
    elif command == "remove":
        parser.add_argument("file", help="article file")
        parser.add_argument("item", metavar="ITEM_PATH",
                            help="a list item (atomic_facts[2], known_gaps[-1]) or a key (x-review.notes)")
        parser.add_argument("--force", action="store_true", help="remove even a field the schema requires")
        parser.add_argument("--dry-run", action="store_true", help="print the diff instead of writing")
    elif command == "bump":
        parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or corpus folders")
        parser.add_argument("--field", action="append", dest="fields", metavar="F",
                            help="date field to set (repeatable; default last_verified)")
        parser.add_argument("--date", default="today", help="YYYY-MM-DD or 'today' (default)")
        parser.add_argument("--dry-run", action="store_true", help="print the diff instead of writing")


def run(args: argparse.Namespace) -> int:
    return {"get": run_get, "set": run_set, "add": run_add, "remove": run_remove,
            "bump": run_bump}[args._command](args)


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
        report(path, None, os_reason(exc))
    return None


def _field_path(args, text: str) -> tuple | int:
    """The parsed field path, or the exit status 2 (bad usage) after saying why."""
    try:
        return parse_path(text)
    except FieldPathError as exc:
        print(f"corpus-editor {args._command}: {exc.message}", file=sys.stderr)
        return 2


def run_get(args) -> int:
    path = _field_path(args, args.field)
    if isinstance(path, int):
        return path
    opened = _open(args.file)
    if opened is None:
        return 1
    doc, _ = opened
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
    schema = _schema_of(doc)
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


def _schema_of(doc: ArticleDocument):
    return load_schema(find_corpus_root(Path(doc.path))) if doc.path else None


class _Refused(Exception):
    """The edit cannot be made to this file: `line` and `message` for the user; nothing is written."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _run_edit(args, edit: Callable[[ArticleDocument], object]) -> int:
    """Apply `edit(doc)` (which applies core operations to `doc`) to the file under its lock, or print
    the diff with `--dry-run`. Exit status 0 (written, or nothing to change), 1 (refused)."""
    def change(data: bytes) -> bytes | None:
        doc = ArticleDocument.from_bytes(data, args.file)
        edit(doc)
        return doc.to_bytes()

    try:
        if args.dry_run:
            data, _ = read_with_identity(args.file)
            new = change(data)
            if new is not None and new != data:
                sys.stdout.write(file_diff(data, new, args.file))
            return 0
        update_file(args.file, change)
    except _Refused as exc:
        report(args.file, exc.line, exc.message)
    except (ArticleError, EditError, FieldPathError) as exc:
        report(args.file, exc.line, exc.message)
    except SaveConflict as exc:
        report(args.file, None, not_written(exc))
    except OSError as exc:
        report(args.file, None, not_written(exc) if getattr(exc, "during_write", False) else os_reason(exc))
    else:
        return 0
    return 1


def _line(doc: ArticleDocument, path, exc: CorpusEditorError | None = None) -> int | None:
    line = getattr(exc, "line", None)
    return line or doc.line_of(path)


def run_set(args) -> int:
    path = _field_path(args, args.field)
    if isinstance(path, int):
        return path

    def edit(doc: ArticleDocument) -> None:
        try:
            if not doc.has(path) and (len(path) == 1 or doc.has(path[:-1])) and isinstance(path[-1], int) \
                    and not _appends(doc, path):
                raise FieldPathError(f"no field {args.field}: use an index inside the list, or its length to "
                                     "append")
            if not doc.has(path) and len(path) > 1 and not doc.has(path[:-1]):
                raise FieldPathError(f"no field {args.field}")
            value = typed_value(doc, path, args.value, args.force)
        except FieldPathError as exc:
            raise _Refused(_line(doc, path, exc), exc.message) from None
        except ValueError as exc:
            message = str(exc) if str(exc).startswith(args.field) else f"{args.field}: {exc}"
            raise _Refused(doc.line_of(path), message) from None
        schema = _schema_of(doc)
        key_order = schema.key_order(path[:-1]) if schema is not None else None
        doc.apply(set_path_value(path, value, key_order))

    return _run_edit(args, edit)


def _appends(doc: ArticleDocument, path) -> bool:
    """Is `path` the index just past the end of an existing list (`facts[2]` of two facts)?"""
    parent = path[:-1]
    if not parent or not doc.has(parent):
        return False
    items = doc.get(parent)
    return isinstance(items, list) and path[-1] == len(items)


def item_value(text: str) -> Any:
    """An item given on the command line: JSON (object, array, string, number, true, false, null); text
    that is not JSON is a string (`add F known_gaps 'No data after 2023'`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if text.strip()[:1] in ("{", "[", '"'):
            raise ValueError(f"not valid JSON: {exc.msg} at character {exc.pos + 1}") from None
        return text


def _check_against_schema(doc: ArticleDocument, path: tuple, value: Any, force: bool) -> None:
    schema = _schema_of(doc)
    messages = schema.check_value(path, value) if schema is not None else []
    if messages and not force:
        raise _Refused(doc.line_of(path[:-1]), "; ".join(messages) + " (use --force to write it anyway)")


def run_add(args) -> int:
    path = _field_path(args, args.list)
    if isinstance(path, int):
        return path
    try:
        value = item_value(args.value)
    except ValueError as exc:
        print(f"corpus-editor add: JSON: {exc}", file=sys.stderr)
        return 2

    def edit(doc: ArticleDocument) -> None:
        if not doc.has(path):
            parent = path[:-1]
            if isinstance(path[-1], int) or (parent and not doc.has(parent)):
                raise _Refused(doc.line_of(path), f"no field {format_path(path)}")
            if args.index not in (None, 0, -1):
                raise _Refused(doc.line_of(path), f"no field {format_path(path)}: a new list has no item "
                                                  f"{args.index} to insert before")
            _check_against_schema(doc, (*path, 0), value, args.force)
            doc.apply(AddKey(parent, path[-1], [value]))  # a new list holding the item
            return
        current = doc.get(path)
        if not isinstance(current, list):
            raise _Refused(doc.line_of(path), f"{format_path(path)} is not a list")
        index = args.index
        if index is not None:
            size = len(current)
            if index < 0:
                index += size + 1  # -1 appends, -2 inserts before the last item
            if not 0 <= index <= size:
                raise _Refused(doc.line_of(path), f"--index {args.index} is outside the list "
                                                  f"(it has {size} item{'s' if size != 1 else ''})")
        _check_against_schema(doc, (*path, index if index is not None else len(current)), value, args.force)
        schema = _schema_of(doc)
        doc.apply(InsertItem(path, index, value, schema.key_order(path) if schema is not None else None))

    return _run_edit(args, edit)


def run_remove(args) -> int:
    path = _field_path(args, args.item)
    if isinstance(path, int):
        return path
    if not path:
        print("corpus-editor remove: name an item or a key", file=sys.stderr)
        return 2

    def edit(doc: ArticleDocument) -> None:
        if not doc.has(path):
            try:
                doc.get(path)
            except FieldPathError as exc:
                raise _Refused(_line(doc, path, exc), exc.message) from None
        parent, last = path[:-1], path[-1]
        if isinstance(last, int):
            items = doc.get(parent)
            doc.apply(RemoveItem(parent, last + len(items) if last < 0 else last))
            return
        schema = _schema_of(doc)
        required = (schema.field(parent) or {}).get("required") or () if schema is not None else ()
        if last in required and not args.force:
            raise _Refused(doc.key_line(path), f"{format_path(path)} is required by the schema "
                                               "(use --force to remove it anyway)")
        doc.apply(RemoveKey(parent, last))

    return _run_edit(args, edit)


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
    leftovers: list[str] = []
    for path in iter_article_files(args.paths, leftovers=leftovers):
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
            identity = write_plan(plan, sync_folder=False)
        except ArticleError as exc:  # changed meanwhile into something that cannot be bumped
            report(plan.path, exc.line, exc.message)
            counts["failed"] += 1
            continue
        except (SaveConflict, OSError) as exc:
            report(plan.path, None, not_written(exc))
            counts["failed"] += 1
            continue
        if identity is None:  # someone else bumped it meanwhile
            counts["current"] += 1
            continue
        written_folders.add(os.path.dirname(os.path.realpath(plan.path)))
        counts["updated"] += 1
    sync_folders(written_folders)
    remove_stale(leftovers)
    verb = "would update" if args.dry_run else "updated"
    print(f"bump: {counts['updated']} {verb}, {counts['current']} already at {date.isoformat()}, "
          f"{counts['failed']} failed, {counts['skipped']} not articles", file=sys.stderr)
    return 1 if counts["failed"] else 0

