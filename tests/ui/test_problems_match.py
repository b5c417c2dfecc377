"""The article's problems are the list's: corpus-level ones (a duplicate id, naming and linking the other
file) included, the same rule at the same field once with its count; the corpus problems view by rule
filters the list, opens an article at its field and changes a rule's severity for the corpus."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from editor.core.validation.schema import CORPUS_SCHEMA_NAME
from editor.ui.corpus.problems_view import CODE_ROLE, FIELD_ROLE, PATH_ROLE

ARTICLE = Path("ai/backpropagation.md")


def with_duplicate_ids(corpus: Path) -> tuple[Path, Path]:
    """Two articles of the sample corpus made to share the id of the first."""
    first, second = corpus / "ai" / "transformer-architecture.md", corpus / "physics" / "quantum-entanglement.md"
    text = second.read_text(encoding="utf-8").replace("id: quantum-entanglement\n", "id: transformer-architecture\n", 1)
    second.write_text(text, encoding="utf-8")
    return first, second


def row_of(window, path):
    model = window.corpus_panel.model
    return model.row_at(model.row_for_path(os.path.realpath(path)))


def test_list_and_article_agree_on_a_duplicate_id(make_window, corpus, qtbot):
    first, second = with_duplicate_ids(corpus)
    window = make_window(corpus, second)
    qtbot.waitUntil(lambda: any(p.code == "duplicate-id" for p in window.problems_panel.problems), timeout=3000)
    row = row_of(window, second)
    panel = window.problems_panel
    errors = sum(1 for p in panel.problems if p.is_error)
    assert (row.errors, row.warnings) == (errors, len(panel.problems) - errors)
    assert window.problem_label.text().startswith(f"{row.errors} error")
    duplicate = next(p for p in panel.problems if p.code == "duplicate-id")
    assert duplicate.field == "id" and "ai/transformer-architecture.md" in duplicate.message
    assert duplicate.related == (os.path.realpath(first),)
    assert window.form.editor_at("id").mark_color() is not None  # the ID field is marked
    index = panel.model.index(panel.model.problems.index(duplicate))
    assert "open transformer-architecture.md" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    # the link opens the other file
    rect = panel.view.visualRect(index)
    panel.view.scrollTo(index)
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(rect.right() - 10, rect.center().y()))
    qtbot.waitUntil(lambda: window.session.path == os.path.realpath(first), timeout=3000)
    # the other one says the same
    qtbot.waitUntil(lambda: any(p.code == "duplicate-id" for p in window.problems_panel.problems), timeout=3000)
    assert (row_of(window, first).errors) == sum(1 for p in window.problems_panel.problems if p.is_error)


def test_one_entry_per_rule_and_field_with_its_count(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    data = path.read_bytes().replace(b'title: "Backpropagation: How Neural Networks Compute Gradients"',
                                     b'title: "Back\rpro\rpa\rga\rti\ron"', 1)
    path.write_bytes(data)
    window = make_window(corpus, path)
    qtbot.waitUntil(lambda: any(p.code == "line-ending-damage" for p in window.problems_panel.problems), timeout=3000)
    entries = [p for p in window.problems_panel.problems if p.code == "line-ending-damage"]
    assert len(entries) == 1 and entries[0].count == 5 and entries[0].field == "title"
    shown = window.problems_panel.model.index(window.problems_panel.model.problems.index(entries[0])).data()
    assert shown.endswith("\u00d75")
    row = row_of(window, path)
    errors = sum(1 for p in window.problems_panel.problems if p.is_error)
    assert (row.errors, row.warnings) == (errors, len(window.problems_panel.problems) - errors)


def test_an_empty_problems_pane_folds_to_its_header(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / "history" / "printing-press.md")  # no problems
    qtbot.waitUntil(lambda: window.problems_panel.is_folded, timeout=3000)
    panel = window.problems_panel
    assert panel.height() <= panel.title.sizeHint().height() + 16
    assert not panel.view.isVisible()
    window.answers.unsaved = "discard"
    window.open_article(str(corpus / "biology" / "photosynthesis.md"))  # stale: an error
    qtbot.waitUntil(lambda: not window.problems_panel.is_folded, timeout=3000)
    rows = len(panel.problems) * panel.view.sizeHintForRow(0)
    assert panel.view.isVisible() and panel.view.height() >= rows  # the entries show, whole
    assert panel.height() <= panel.title.sizeHint().height() + rows + 30  # and no empty room below them


def test_corpus_problems_view_by_rule_filters_opens_and_silences(make_window, corpus, qtbot):
    first, second = with_duplicate_ids(corpus)
    window = make_window(corpus, corpus / ARTICLE)
    view = window.corpus_problems
    window.actions.corpus_problems.trigger()
    assert not view.is_folded and view.tree.hasFocus()
    codes = [view.model.item(r).data(CODE_ROLE) for r in range(view.model.rowCount())]
    assert codes[:2] == ["duplicate-id", "stale"] or codes[0] == "duplicate-id"  # errors first
    counts = {c.code: c for c in view.counts}
    assert counts["duplicate-id"].files == 2 and counts["duplicate-id"].severity == "error"
    assert "error" in view.totals.text()
    # expand a rule: its articles (loaded on demand)
    top = view.model.index(codes.index("duplicate-id"), 0)
    view.tree.expand(top)
    children = [view.model.itemFromIndex(top).child(i) for i in range(view.model.itemFromIndex(top).rowCount())]
    assert sorted(c.data(PATH_ROLE) for c in children) == sorted(os.path.join(window.root, p) for p in (
        "ai/transformer-architecture.md", "physics/quantum-entanglement.md"))
    assert all(c.data(FIELD_ROLE) == "id" for c in children)
    # the list shows only those
    view.select_code("duplicate-id")
    view.show_button.click()
    shown = {window.corpus_panel.proxy.path_at(r) for r in range(window.corpus_panel.proxy.rowCount())}
    assert shown == {os.path.realpath(first), os.path.realpath(second)}
    assert window.corpus_panel.problem.currentData() == "duplicate-id"
    # open one at its field
    view.tree.setCurrentIndex(children[1].index())
    QTest.keyClick(view.tree, Qt.Key.Key_Return)
    assert window.session.path in (os.path.realpath(first), os.path.realpath(second))
    # silence the rule for this corpus: written into .corpus-schema.yaml, counts follow at once
    before = row_of(window, second).errors
    assert window.set_rule_severity("duplicate-id", "warning")
    assert (corpus / CORPUS_SCHEMA_NAME).read_text() == "rules:\n  severity:\n    duplicate-id: warning\n"
    assert not window.corpus_panel.source.refreshing  # a recount of the index, nothing re-read
    assert row_of(window, second).errors == before - 1
    assert {c.code: c.severity for c in view.counts}["duplicate-id"] == "warning"
    window.form.recheck()
    duplicate = next(p for p in window.problems_panel.problems if p.code == "duplicate-id")
    assert duplicate.severity == "warning"
    assert window.set_rule_severity("duplicate-id", "off")
    assert "duplicate-id" not in {window.corpus_panel.problem.itemData(i)
                                  for i in range(window.corpus_panel.problem.count())} - {"duplicate-id"}
    window.form.recheck()
    assert not any(p.code == "duplicate-id" for p in window.problems_panel.problems)
    assert window.set_rule_severity("duplicate-id", None)  # back to the rule's own
    assert "duplicate-id" not in (corpus / CORPUS_SCHEMA_NAME).read_text()
    assert row_of(window, second).errors == before


def test_a_severity_change_keeps_the_schema_file_s_comments(make_window, corpus):
    (corpus / CORPUS_SCHEMA_NAME).write_text("# house rules\nrules:\n  stale_warning_days: 150  # shorter\n")
    window = make_window(corpus, corpus / ARTICLE)
    assert window.set_rule_severity("stale", "off")
    assert (corpus / CORPUS_SCHEMA_NAME).read_text() == (
        "# house rules\nrules:\n  stale_warning_days: 150  # shorter\n  severity:\n    stale: 'off'\n")
    assert "stale" not in {p.code for p in window.problems}


def test_a_broken_schema_file_is_not_rewritten(make_window, corpus):
    (corpus / CORPUS_SCHEMA_NAME).write_text("rules: [broken\n")
    window = make_window(corpus, corpus / ARTICLE)
    assert not window.set_rule_severity("stale", "off")
    assert (corpus / CORPUS_SCHEMA_NAME).read_text() == "rules: [broken\n"
    assert window.answers.errors and CORPUS_SCHEMA_NAME in window.answers.errors[-1][1]
