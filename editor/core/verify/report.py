"""Check results as text (one clickable line per finding), JSON (every reference) or a Markdown report a
maintainer can paste into an issue, grouped by verdict."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from editor.core.verify.results import ALIVE, BROKEN, SKIPPED, VERDICTS, Result


def needs_attention(result: Result) -> bool:
    """Shown in the text report: everything but a plain alive (a mismatch is shown)."""
    return result.verdict != ALIVE or bool(result.mismatch)


def format_text_line(result: Result) -> str:
    reference = result.reference
    verdict = result.verdict
    if result.mismatch:
        verdict += f" ({' and '.join(result.mismatch)} mismatch)"
    return f"{reference.file}:{reference.line}: {verdict}: {reference.field}: {reference.text}: {result.detail}"


def text_report(results: Iterable[Result]) -> str:
    lines = [format_text_line(r) for r in results if needs_attention(r)]
    return "".join(line + "\n" for line in lines)


def json_report(results: Iterable[Result]) -> str:
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n"


def summary(results: list[Result]) -> str:
    """`12 reference(s) in 3 file(s): 9 alive, 1 broken, 2 blocked; 1 mismatch`."""
    counts = Counter(r.verdict for r in results)
    files = len({r.reference.file for r in results})
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
    mismatched = sum(1 for r in results if r.mismatch)
    tail = f"; {mismatched} mismatch" if mismatched else ""
    return f"{len(results)} reference(s) in {files} file(s): {', '.join(parts) or 'nothing to check'}{tail}"


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _link(text: str) -> str:
    if text.startswith(("http://", "https://")) and not any(c in text for c in " <>"):
        return f"<{text}>"
    return f"`{_cell(text).replace('`', '')}`"


def _table(results: list[Result]) -> list[str]:
    rows = ["| file | line | field | source | detail | checked |", "|---|---|---|---|---|---|"]
    for r in results:
        ref = r.reference
        if r.verdict == SKIPPED and not r.check.cached:
            when = "not checked"
        else:
            when = r.check.checked_at.date().isoformat() + (" (remembered)" if r.check.cached else "")
        rows.append(f"| `{_cell(ref.file)}` | {ref.line} | `{_cell(ref.field)}` | {_link(ref.text)} | "
                    f"{_cell(r.detail)} | {when} |")
    return rows


def markdown_report(results: list[Result]) -> str:
    broken = sum(1 for r in results if r.verdict == BROKEN)
    lines = ["## Source check", "", summary(results) + ".", ""]
    if broken:
        lines += [f"**{broken} broken** reference(s): the source is gone (a failure seen on several days is a "
                  "confirmed death). Blocked, rate-limited, timeout and error need a person or another try.", ""]
    mismatched = [r for r in results if r.verdict == ALIVE and r.mismatch]
    for verdict in VERDICTS:
        group = [r for r in results if r.verdict == verdict and not (verdict == ALIVE and r.mismatch)]
        if verdict == ALIVE and mismatched:
            lines += [f"### alive, but the title or year differs ({len(mismatched)})", "", *_table(mismatched), ""]
        if not group:
            continue
        if verdict in (ALIVE, SKIPPED):
            lines += [f"<details><summary>{verdict} ({len(group)})</summary>", "", *_table(group), "", "</details>", ""]
        else:
            lines += [f"### {verdict} ({len(group)})", "", *_table(group), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
