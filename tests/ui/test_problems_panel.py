"""The problems panel: counts, entries, activation focusing the field, F8 / Shift+F8, marks rolled up."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from editor.core.validation.problems import Problem
from editor.ui.form.problems_panel import ProblemsPanel, count_text, entry_text

try:
    from tests.ui.form_helpers import SAMPLE, open_form, settle, write_article
except ImportError:  # tests/ui is not a package
    from form_helpers import SAMPLE, open_form, settle, write_article


def problem(field, severity="error", line=3, code="x", message="is wrong"):
    return Problem("a.md", field, line, severity, code, message)


def test_counts_and_entries(qtbot):
    panel = ProblemsPanel(install_shortcuts=False)
    qtbot.addWidget(panel)
    assert panel.counts.text() == "No problems"
    panel.set_problems([problem("title"), problem("atomic_facts[12].source_url", "warning", 9, "homepage",
                                                  "is a homepage"), problem("id", "warning", 2)])
    assert panel.counts.text() == "1 error, 2 warnings"
    assert count_text([problem("a"), problem("b")]) == "2 errors"
    texts = [panel.model.index(i).data() for i in range(panel.model.rowCount())]
    assert texts[0] == "title \u2014 is wrong"  # errors first
    assert "atomic_facts[12].source_url \u2014 is a homepage" in texts
    assert entry_text(problem("")) == "article \u2014 is wrong"


def test_f8_cycles_through_the_problems(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    panel = ProblemsPanel(host)
    QVBoxLayout(host).addWidget(panel)
    panel.set_problems([problem("a", line=1), problem("b", line=2), problem("c", line=3)])
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow, timeout=2000)
    seen = []
    panel.problem_activated.connect(lambda p: seen.append(p.field))
    for _ in range(4):
        QTest.keyClick(host, Qt.Key.Key_F8)
    assert seen == ["a", "b", "c", "a"]
    QTest.keyClick(host, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(host, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert seen[-2:] == ["c", "b"]


def test_activating_a_problem_selects_the_row_and_focuses_the_field(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    panel = ProblemsPanel(form.test_host, install_shortcuts=False)
    form.problems_changed.connect(panel.set_problems)
    panel.problem_activated.connect(lambda p: form.focus_field(p.field))
    panel.set_problems(form.problems)
    fields = [p.field for p in panel.problems]
    assert "atomic_facts[1].source_url" in fields
    form.sections["Atomic facts"].set_expanded(False)
    row = fields.index("atomic_facts[1].source_url")
    panel._activated(panel.model.index(row))
    settle()
    facts = form.list_editor("atomic_facts")
    assert form.sections["Atomic facts"].is_expanded()
    assert facts.current_row() == 1
    url = facts.form.editor_for("source_url")
    assert url.edit.hasFocus()
    assert url.mark_color() is not None
    # the viewport shows the field
    top = url.mapTo(form.scroll.widget(), url.rect().topLeft()).y()
    value = form.scroll.verticalScrollBar().value()
    assert value <= top <= value + form.scroll.viewport().height()
    # nested and string-list paths
    assert form.focus_field("secondary_sources[1].authors[1]")
    authors = form.list_editor("secondary_sources").form.editor_for("authors")
    assert authors.view.hasFocus() and authors.view.currentRow() == 1
    assert form.focus_field("known_gaps[1]")
    assert form.editor_at("known_gaps").view.currentRow() == 1
    assert form.focus_field("last_verified")
    assert form.editor_at("last_verified").edit.hasFocus()
    assert not form.focus_field("no_such_field")
    assert not form.focus_field("")


def test_marks_roll_up_to_rows_and_sections(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("    year: 2023\n", "    year: 2999\n").replace(
        "source_url: https://huggingface.co/\n", "source_url: not a url\n", 1)
    form, _session = open_form(qtbot, write_article(tmp_path, text))
    by_field = {p.field: p for p in form.problems}
    assert "atomic_facts[1].source_url" in by_field
    facts = form.list_editor("atomic_facts")
    errors, _warnings = facts.proxy.index(1, 0).data(Qt.ItemDataRole.UserRole + 4)
    assert errors == 1
    assert facts.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 4) == (0, 0)
    assert "full URL" in facts.proxy.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert form.sections["Atomic facts"].badge.isVisibleTo(form)
    assert any(p.field.startswith("secondary_sources[1]") for p in form.problems)
    assert form.sections["Secondary sources"].badge.isVisibleTo(form)
    assert form.sections["Article"].badge.isVisibleTo(form)  # last_verified is stale
