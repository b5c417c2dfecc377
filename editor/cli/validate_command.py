"""`corpus-editor validate [--format text|json] [--min-severity warning|error] [--strict] PATH...`

Text output is one `file:line: severity: field: message (code)` line per problem, the form editors and
CI logs make clickable; JSON is an array of problem objects. Exit 0 without errors, 1 with errors,
2 for bad usage (a path that does not exist, an unusable `--schema` file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from editor.core.validation.problems import severity_rank


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or corpus folders")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: file:line: severity: field: message (code); json: an array of problems")
    parser.add_argument("--min-severity", choices=("warning", "error"), default="warning",
                        help="leave out problems below this severity (default: show warnings too)")
    parser.add_argument("--schema", metavar="FILE",
                        help="schema file to use instead of each corpus's .corpus-schema.yaml "
                             "(same format: extends / schema / rules)")
    parser.add_argument("--strict", action="store_true",
                        help="also report files without front matter (not-an-article); empty files are always "
                             "reported (empty-article)")
    parser.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                        help="the date staleness and future dates are measured against (default: today)")


def _fail(message: str) -> int:
    print(f"corpus-editor validate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from editor.cli import escape_unencodable_output
    from editor.core.document.errors import CorpusEditorError
    from editor.core.files.leftovers import remove_stale
    from editor.core.validation.rules import check_corpus, iter_article_paths
    from editor.core.validation.schema import load_schema_file

    escape_unencodable_output()
    try:
        iter_article_paths(args.paths)
    except FileNotFoundError as exc:
        return _fail(f"no such file or folder: {exc.args[0]}")
    leftovers: list[str] = []
    try:
        schema = load_schema_file(args.schema) if args.schema else None
        problems = check_corpus(args.paths, schema=schema, today=args.today, workers=None, strict=args.strict,
                                leftovers=leftovers)
    except CorpusEditorError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    except Exception as exc:  # never a traceback: say what broke
        return _fail(f"internal error: {type(exc).__name__}: {exc}")

    remove_stale(leftovers)
    minimum = severity_rank(args.min_severity)
    shown = [p for p in problems if severity_rank(p.severity) >= minimum]
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if args.format == "json":
        json.dump([p.to_dict() for p in shown], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for problem in shown:
            print(problem.format_text())
        files = len({p.file for p in problems})
        if problems:
            print(f"{errors} error(s), {warnings} warning(s) in {files} file(s)", file=sys.stderr)
    sys.stdout.flush()
    return 1 if errors else 0
