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
