"""`corpus-editor check-links [--format text|json|markdown] [--timeout S] [--max-age D] [--offline] PATH...`

Checks every source the articles cite (URLs, DOIs, arXiv ids; see `editor.core.verify`). Text output
is one `file:line: verdict: field: url: detail` line per reference that needs a look (everything but a
plain alive); JSON is one array with an object per reference; Markdown is a report grouped by verdict.
A file that cannot be read is reported as `FILE:LINE: message` on stderr and skipped. Articles are only
read, never written. Exit 0 when nothing is broken, 1 when a source is broken or a file could not be
read, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return value


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 days or more: {text!r}")
    return value


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or corpus folders")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="text: a line per reference needing a look; json: every reference; "
                             "markdown: a report grouped by verdict")
    parser.add_argument("--timeout", type=_positive_seconds, default=20.0, metavar="SECONDS",
                        help="seconds to wait for one answer (default: 20)")
    parser.add_argument("--max-age", type=_days, metavar="DAYS",
                        help="reuse remembered alive, moved and blocked results younger than DAYS "
                             "(default: 7 days for alive, 1 for moved and blocked; 0: check everything)")
    parser.add_argument("--offline", action="store_true",
                        help="report remembered results only; nothing goes to the network")


class _ProgressLine:
    """`check-links: 37/120 (30 alive, 2 broken)` rewritten in place on a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.last = 0.0
        self.width = 0

    def __call__(self, done: int, total: int, counts) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        per_verdict = ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        line = f"check-links: {done}/{total}" + (f" ({per_verdict})" if per_verdict else "")
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _fail(message: str) -> int:
    print(f"corpus-editor check-links: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from editor.cli import escape_unencodable_output
    from editor.core.document.article import ArticleDocument
    from editor.core.document.errors import ArticleError, NotAnArticle
    from editor.core.files.read import FileRefused, read_regular
    from editor.core.files.walk import iter_article_files
    from editor.core.verify import check_references, extract_references
    from editor.core.verify.report import json_report, markdown_report, summary, text_report

    escape_unencodable_output()
    for path in args.paths:
        if not os.path.exists(path):
            return _fail(f"no such file or folder: {path}")

    references = []
    unreadable = 0
    seen: set[str] = set()
    named = {os.path.normpath(p) for p in args.paths}
    for path in iter_article_files(args.paths):
        name = os.path.normpath(path)
        real = os.path.normcase(os.path.realpath(name))
        if real in seen:
            continue
        seen.add(real)
        try:
            data, _ = read_regular(name)
            document = ArticleDocument.from_bytes(data, name)
        except NotAnArticle as exc:
            if name in named:  # a file met in a folder walk may well be a README; one named was meant
                print(f"{name}:{exc.line or 1}: not an article: {exc.message}", file=sys.stderr)
                unreadable += 1
            continue
        except ArticleError as exc:
            print(f"{name}:{exc.line or 1}: {exc.message}", file=sys.stderr)
            unreadable += 1
            continue
        except OSError as exc:
            refused = isinstance(exc, FileRefused)  # a FIFO, a device, too large: said as every command says it
            print(f"{name}:1: {'' if refused else 'cannot be read: '}{exc.strerror or exc}", file=sys.stderr)
            unreadable += 1
            continue
        references.extend(extract_references(document, name))

    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        results = check_references(references, timeout=args.timeout, max_age=args.max_age,
                                   offline=args.offline, progress=progress)
    finally:
        if progress is not None:
            progress.clear()

    if args.format == "json":
        sys.stdout.write(json_report(results))
    elif args.format == "markdown":
        sys.stdout.write(markdown_report(results))
    else:
        sys.stdout.write(text_report(results))
    sys.stdout.flush()
    print(summary(results) + (f"; {unreadable} file(s) could not be read" if unreadable else ""), file=sys.stderr)
    broken = any(r.verdict == "broken" for r in results)
    return 1 if broken or unreadable else 0
