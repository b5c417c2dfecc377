"""Helpers for the article form tests: a copy of the sample article, a form on a real session."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from editor.core.validation.schema import load_schema
from editor.ui.form.article_form import ArticleForm
from editor.ui.session import ArticleSession

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-article.md"


def write_article(tmp_path: Path, text: str | None = None, name: str = "article.md") -> Path:
    path = tmp_path / name
    path.write_bytes(SAMPLE.read_bytes() if text is None else text.encode("utf-8"))
    return path


def open_form(qtbot, path: Path, width: int = 700, height: int = 900, show: bool = True, schema_root=None):
    """An ArticleForm on a session of `path`, shown, problems computed (schema of `schema_root`)."""
    session = ArticleSession(path)
    # a host without a layout: the offscreen platform warns when a top-level's size hints change
    host = QWidget()
    host.resize(width, height)
    qtbot.addWidget(host)
    form = ArticleForm(host, schema=load_schema(schema_root))
    form.test_host = host  # qtbot keeps only a weak reference
    form.set_session(session)
    form.setGeometry(0, 0, width, height)
    if show:
        host.show()
        qtbot.waitExposed(host)
        host.activateWindow()
        settle()
    return form, session


def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def changed_lines(old: str, new: str) -> list[str]:
    """The lines that differ (`-old` / `+new`), without context."""
    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[:1] in "+-"]


def facts_article(count: int) -> str:
    """An article shaped like the sample with `count` facts (for the 1,000-fact test)."""
    head = SAMPLE.read_text(encoding="utf-8").split("atomic_facts:\n", 1)[0]
    tail = "primary_sources:\n" + SAMPLE.read_text(encoding="utf-8").split("primary_sources:\n", 1)[1]
    facts = []
    for i in range(1, count + 1):
        facts.append(
            f"  - id: af-big-{i}\n"
            "    statement: >-\n"
            f"      Statement number {i} says something checkable about open models and their benchmarks,\n"
            "      wrapped over two lines as real articles do.\n"
            f"    source_title: Source {i % 7}\n"
            f"    source_url: https://arxiv.org/abs/2407.{21783 + i % 5}\n"
            f"    confidence: {('high', 'medium', 'low')[i % 3]}\n")
    return head + "atomic_facts:\n" + "".join(facts) + tail


REAL_ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "validation" / "real-ai-for-democratization.md"


def long_real_article(count: int = 30) -> str:
    """The real article (ai-for-democratization) grown to `count` facts: its own two facts, then copies
    of them with the next ids, as long real articles look (folded statements wrapped near 200 columns)."""
    text = REAL_ARTICLE.read_text(encoding="utf-8")
    head, rest = text.split("atomic_facts:\n", 1)
    facts_text, tail = rest.split("primary_sources:\n", 1)
    blocks = ["  - id:" + block for block in facts_text.split("  - id:")[1:]]
    facts = []
    for i in range(count):
        block = blocks[i % len(blocks)]
        own = f"af-ai-for-democratization-{i % len(blocks) + 1}\n"
        block = block.replace(own, f"af-ai-for-democratization-{i + 1}\n", 1)
        if i >= len(blocks):
            block = block.replace("statement: >-\n      ", f"statement: >-\n      (Point {i + 1}) ", 1)
        facts.append(block)
    return head + "atomic_facts:\n" + "".join(facts) + "primary_sources:\n" + tail
