"""`corpus-editor list`: the corpus from its index, filtered, searched and sorted.

    corpus-editor list [--format table|json|csv] [--stale DAYS] [--where FIELD=VALUE]...
                       [--search TEXT] [--sort FIELD] [--rescan] PATH

(`--sort=-FIELD` sorts descending: the `=` keeps argparse from reading `-FIELD` as an option.)

PATH is the corpus folder, or a folder or file inside it (the whole corpus is indexed, the listing
keeps to PATH). Files that are not articles are left out and counted on stderr; articles that cannot
be read are listed with their error. Exit status: 0 when the list was produced (whatever the articles'
problems: `validate` judges those), 2 for a bad argument, 1 when the index cannot be built.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import time
import unicodedata
from pathlib import Path

from editor.core.document.errors import CorpusEditorError
from editor.core.index.store import (
    FILTER_FIELDS,
    SORT_FIELDS,
    CorpusIndex,
    IndexQueryError,
    IndexUnavailable,
    Row,
)
from editor.core.validation.schema import corpus_folder

JSON_FIELDS = ("path", "id", "title", "slug", "category", "language", "confidence", "status", "last_verified",
               "updated", "created_date", "facts", "sources", "gaps", "errors", "warnings", "duplicate_id",
               "error", "error_line")
PROGRESS_MIN_FILES = 200  # smaller scans finish before a progress line would help


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="the corpus folder, or a folder or file inside it")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help="output format (default: table)")
    parser.add_argument("--stale", type=_days, metavar="DAYS",
                        help="only articles last verified more than DAYS days ago (or never)")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                        help="keep rows whose FIELD equals VALUE (also !=, <, <=, >, >=; * and ? glob; an "
                             "empty VALUE means missing; repeat: the same field ORs, different fields AND; path "
                             "is relative to the corpus root); fields: " + ", ".join(FILTER_FIELDS))
    parser.add_argument("--search", metavar="TEXT",
                        help='full-text search in titles, statements, gaps and bodies: words, "a phrase", '
                             "prefix*, -excluded, title:word; best matches first")
    parser.add_argument("--sort", metavar="FIELD",
                        help="sort by FIELD; descending with a minus, written --sort=-FIELD; several: "
                             "--sort=a,-b; score: best match first; fields: " + ", ".join(SORT_FIELDS))
    parser.add_argument("--rescan", action="store_true", help="re-read every file instead of trusting the index")


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError("DAYS must be 0 or more")
    return value


class _ProgressLine:
    """`indexing 1,234/50,000 files` on a terminal's stderr, redrawn at most ten times a second."""

    def __init__(self, stream):
        self.stream = stream
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        percent = 100 * done // total if total else 100
        self.stream.write(f"\rindexing {done:,}/{total:,} files ({percent}%)")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    given = args.path
    path = Path(given)
    if not path.exists():
        print(f"corpus-editor list: error: {given}: no such file or folder", file=sys.stderr)
        return 2
    root = corpus_folder(path).resolve()
    target = path.resolve()
    under = None if target == root else target
    sort = [part.strip() for part in args.sort.split(",") if part.strip()] if args.sort else None
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        with CorpusIndex(root) as index:
            try:
                # a listing without --search leaves the full-text index to the first search
                stats = index.refresh(progress, rescan=args.rescan, full_text=bool(args.search))
            finally:
                if progress is not None:
                    progress.finish()
            query = dict(where=args.where, search=args.search, stale_days=args.stale, sort=sort, under=under)
            try:
                rows = index.rows(**query)
            except IndexUnavailable as exc:
                # damage found only now (in the full-text tables): the cache was reset; build it again
                cause = exc.__cause__ or exc
                rebuilt = index.refresh(progress, full_text=True)
                rebuilt.notes.insert(0, f"the index cache was damaged ({cause}): it was rebuilt")
                stats.notes.extend(rebuilt.notes)
                rows = index.rows(**query)
            rel_under = index.relative_path(under) if under is not None else ""
            non_articles = [p for p in index.non_articles() if _inside(p, rel_under)]
    except IndexQueryError as exc:
        print(f"corpus-editor list: error: {exc.message}", file=sys.stderr)
        return 2
    except (CorpusEditorError, OSError) as exc:
        print(f"corpus-editor list: error: {exc}", file=sys.stderr)
        return 1
    for note in stats.notes:
        print(f"corpus-editor list: {note}", file=sys.stderr)
    display = _display_paths(given, target, rel_under)
    out = sys.stdout
    if args.format == "json":
        _write_json(out, rows, display, searching=bool(args.search))
    elif args.format == "csv":
        _write_csv(out, rows, display, searching=bool(args.search))
    else:
        _write_table(out, rows, display, searching=bool(args.search))
    unreadable = sum(1 for row in rows if row.error)
    if non_articles:
        print(f"{len(non_articles):,} non-article file{'s' if len(non_articles) != 1 else ''} left out",
              file=sys.stderr)
    if unreadable:
        print(f"{unreadable:,} article{'s' if unreadable != 1 else ''} could not be read (listed with the error)",
              file=sys.stderr)
    return 0


def _inside(rel: str, under: str) -> bool:
    return not under or rel == under or rel.startswith(under + "/")


def _display_paths(given: str, target: Path, rel_under: str):
    """row path (corpus-relative) -> the path to show: PATH joined with the path below it, as `find` does."""
    if target.is_file():
        return lambda rel: given
    prefix = rel_under + "/" if rel_under else ""
    base = given if given.endswith(("/", os.sep)) else given + os.sep
    skip = len(prefix)

    def display(rel: str) -> str:
        below = rel[skip:] if skip and rel.startswith(prefix) else rel
        return base + (below if os.sep == "/" else below.replace("/", os.sep))
    return display


def _record(row: Row, display, searching: bool) -> dict:
    data = row.to_dict()
    data["path"] = display(row.path)
    if searching and "score" not in data:
        data["score"] = data["snippet"] = None
    return data


def _write_json(out, rows: list[Row], display, searching: bool) -> None:
    """A JSON array, one article per line."""
    if not rows:
        out.write("[]\n")
        return
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out.write("[\n")
    out.write(",\n".join([encode(_record(row, display, searching)) for row in rows]))
    out.write("\n]\n")


def _write_csv(out, rows: list[Row], display, searching: bool) -> None:
    fields = list(JSON_FIELDS) + (["score", "snippet"] if searching else [])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        data = _record(row, display, searching)
        writer.writerow(["" if data.get(name) is None else _csv_value(data.get(name)) for name in fields])


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_table(out, rows: list[Row], display, searching: bool) -> None:
    if not rows:
        print("(no articles)", file=sys.stderr)
        return
    headers = ["PATH", "TITLE", "LANG", "CONF", "VERIFIED", "FACTS", "SRC", "ERR", "WARN"]
    if searching:
        headers.append("SCORE")
    table = []
    for row in rows:
        title = row.title or ""
        if row.error:
            title = f"! {row.error}" + (f" (line {row.error_line})" if row.error_line else "")
        cells = [display(row.path), _one_line(title), row.language or "", row.confidence or "",
                 row.last_verified or "", str(row.facts), str(row.sources), _count(row.errors), _count(row.warnings)]
        if searching:
            cells.append(f"{row.score:.2f}" if row.score is not None else "")
        table.append(cells)
    widths = [max(_width(h), *(_width(r[i]) for r in table)) for i, h in enumerate(headers)]
    if out.isatty():
        room = shutil.get_terminal_size((120, 24)).columns - sum(w + 2 for i, w in enumerate(widths) if i != 1)
        widths[1] = max(10, min(widths[1], room))
    numeric = {"FACTS", "SRC", "ERR", "WARN", "SCORE"}

    def line(cells: list[str]) -> str:
        parts = []
        for header, cell, width in zip(headers, cells, widths, strict=True):
            if _width(cell) > width:
                cell = _clip(cell, width)
            pad = " " * (width - _width(cell))
            parts.append(pad + cell if header in numeric else cell + pad)
        return "  ".join(parts).rstrip()

    out.write(line(headers) + "\n")
    out.write("".join(line(cells) + "\n" for cells in table))


def _width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def _clip(text: str, width: int) -> str:
    kept, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        kept.append(ch)
        used += w
    return "".join(kept) + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)
