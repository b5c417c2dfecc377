"""Typing in a form field and adding an item, on an article with 1,000 facts in its front matter.

Each form edit is planned, re-parsed and checked; its cost is shown as a ratio to one parse of the
same file (what any checked edit must pay at least), measured in the same process:

    python tests/bench/bench_field_edit.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import AddKey, InsertItem, SetValue

PARAGRAPH = ("Measured across many studies, the effect holds in every region examined, with only small "
             "differences between the methods used and the years covered by the underlying data sets.")


def article(facts: int) -> bytes:
    body = "".join(f"  - id: fact-{i:04d}\n    statement: >-\n      Statement {i}: {PARAGRAPH[:90]}\n"
                   f"      {PARAGRAPH[90:170]}\n    source_title: \"Report {i}\"\n"
                   f"    source_url: https://example.org/{i}\n    confidence: high\n" for i in range(facts))
    return (f'---\nid: bench\ntitle: "A title"\nlast_verified: "2026-05-24"\natomic_facts:\n{body}---\n'
            "## TL;DR\nBody.\n").encode()


def median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    data = article(1000)
    doc = ArticleDocument.from_bytes(data, "bench.md")
    parse = median_ms(lambda: ArticleDocument.from_bytes(data, "bench.md"), 15)
    title = iter(range(10**6))
    typing = median_ms(lambda: doc.apply(SetValue("title", f"A title {next(title)}")), 30)
    statement = doc.get("atomic_facts[500].statement")
    words = iter(range(10**6))
    folded = median_ms(lambda: doc.apply(SetValue("atomic_facts[500].statement", f"{statement} {next(words)}")), 15)
    new = {"id": "new", "statement": PARAGRAPH, "source_title": "New", "source_url": "https://example.org/n",
           "confidence": "low"}
    insert = median_ms(lambda: doc.apply(InsertItem("atomic_facts", None, new)), 10)
    keys = iter(range(10**6))
    add = median_ms(lambda: doc.apply(AddKey("atomic_facts[10]", f"x-note-{next(keys)}", "n")), 10)
    print(f"article: {len(data) // 1024} KB, 1,000 facts; one parse: {parse:.1f} ms")
    for name, value in (("typing in the title", typing), ("a word added to a folded statement", folded),
                        ("a new fact like its siblings", insert), ("a new key in a fact", add)):
        print(f"{name}: {value:.1f} ms ({value / parse:.2f}x a parse)")


if __name__ == "__main__":
    main()
