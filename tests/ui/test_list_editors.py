"""Lists in the form: facts and sources as master-detail, strings one per row; each action one undo."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from editor.ui.form.object_list import ROW_MIME, fresh_id
from editor.ui.form.sources import source_usage

try:
    from tests.ui.form_helpers import SAMPLE, facts_article, open_form, settle, write_article
except ImportError:  # tests/ui is not a package
    from form_helpers import SAMPLE, facts_article, open_form, settle, write_article


def fact_ids(session):
    return [fact["id"] for fact in session.doc.get("atomic_facts")]


@pytest.mark.parametrize(("existing", "like", "expected"), [
    (["af-x-1", "af-x-2"], "af-x-1", "af-x-3"),
    (["fact-x-009", "fact-x-010"], "fact-x-009", "fact-x-011"),
    (["f1", "f2", "f7"], "f2", "f8"),
    (["intro"], "intro", "intro-2"),
    ([], None, "item-1"),
])
def test_fresh_id_bumps_the_trailing_number(existing, like, expected):
    assert fresh_id(existing, like) == expected


def test_add_a_fact_below_focuses_its_first_field_and_undo_restores_the_bytes(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    facts = form.list_editor("atomic_facts")
    facts.select_row(0)
    facts.buttons["below"].click()
    assert fact_ids(session) == ["af-ai-for-democratization-1", "af-ai-for-democratization-3",
                                 "af-ai-for-democratization-2"]
    assert facts.current_row() == 1
    assert facts.form.editor_for("id").edit.text() == "af-ai-for-democratization-3"
    assert facts.form.editor_for("id").edit.hasFocus()
    assert "  - id: af-ai-for-democratization-3\n    statement: >-\n" in session.doc.text
    assert form.sections["Atomic facts"].count_label.text() == "3"
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.current_bytes() == SAMPLE.read_bytes()
    assert facts.model.rowCount() == 2


def test_keyboard_row_actions(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    facts = form.list_editor("atomic_facts")
    facts.select_row(0)
    view = facts.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert fact_ids(session) == ["af-ai-for-democratization-2", "af-ai-for-democratization-1"]
    assert facts.current_row() == 1
    QTest.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert fact_ids(session) == ["af-ai-for-democratization-2", "af-ai-for-democratization-1",
                                 "af-ai-for-democratization-3"]
    dup = session.doc.get("atomic_facts[2]")
    assert dup["statement"] == session.doc.get("atomic_facts[1].statement")
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert len(fact_ids(session)) == 2
    QTest.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert fact_ids(session) == ["af-ai-for-democratization-1", "af-ai-for-democratization-2"]
    assert session.undo_stack.count() == 4
    while session.undo_stack.canUndo():
        session.undo_stack.undo()
    assert session.current_bytes() == SAMPLE.read_bytes()
    # Enter opens the item: focus in its first field; Esc only leaves the field (it used to jump to the
    # list, where the next keystrokes went on to act on rows)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Return)
    first = facts.form.editor_for("id").edit
    assert first.hasFocus()
    QTest.keyClick(first, Qt.Key.Key_Escape)
    assert not first.hasFocus() and not view.hasFocus()


def test_drag_and_drop_is_one_move(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    sources = form.list_editor("secondary_sources")
    mime = sources.model.mimeData([sources.model.index(0)])
    assert mime.hasFormat(ROW_MIME)
    # dropped before row 3: the first source ends up third
    assert sources.model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex()) is False
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1, timeout=2000)
    titles = [s["title"] for s in session.doc.get("secondary_sources")]
    assert titles[2] == "The Democratization of Artificial Intelligence: Theoretical Framework"
    assert sources.current_row() == 2
    session.undo_stack.undo()
    assert session.current_bytes() == SAMPLE.read_bytes()
    assert not sources.model.dropMimeData(QMimeData(), Qt.DropAction.MoveAction, 1, 0, QModelIndex())


def test_filter_shows_matching_items_and_counts(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    sources = form.list_editor("secondary_sources")
    QTest.keyClicks(sources.filter_edit, "no-code")
    assert sources.proxy.rowCount() == 1
    assert form.sections["Secondary sources"].count_label.text() == "1 of 4"
    assert not sources.view.dragEnabled()  # no reordering of a filtered view
    sources.proxy.index(0, 0)
    sources.view.setCurrentIndex(sources.proxy.index(0, 0))
    assert sources.current_row() == 3
    sources.filter_edit.clear()
    assert form.sections["Secondary sources"].count_label.text() == "4"


def test_nested_authors_and_source_usage(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    sources = form.list_editor("secondary_sources")
    sources.select_row(1)
    authors = sources.form.editor_for("authors")
    assert [authors.view.item(i).text() for i in range(authors.view.count())] == ["Seger, Elizabeth", "et al."]
    authors.view.item(1).setText("Ovadya, Aviv")
    assert session.doc.get("secondary_sources[1].authors") == ["Seger, Elizabeth", "Ovadya, Aviv"]
    assert "      - Ovadya, Aviv\n" in session.doc.text
    primary = form.list_editor("primary_sources")
    assert primary.model.usage == {0: 1, 1: 1}
    assert source_usage([{"id": "s1"}, {"doi": "10.1/x"}],
                        [{"source_ref": "s1"}, {"source_url": "https://doi.org/10.1/X"}]) == {0: 1, 1: 1}


def test_a_fact_cites_a_source_picked_from_the_article(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    facts = form.list_editor("atomic_facts")
    facts.select_row(1)
    picker = facts.source_picker
    picker._fill()
    assert picker.list.count() == 6  # 2 primary + 4 secondary sources
    picker.search.setText("llama")
    visible = [i for i in range(picker.list.count()) if not picker.list.isRowHidden(i)]
    assert len(visible) == 1
    picker._pick_first()
    assert session.doc.get("atomic_facts[1].source_url") == "https://arxiv.org/abs/2407.21783"
    assert session.undo_stack.count() == 1
    assert form.list_editor("primary_sources").model.usage == {0: 2, 1: 0}


def test_string_list_add_edit_paste_move_remove(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    models = form.editor_at("ai_models")
    models.view.setCurrentRow(0)
    models.add_item()
    editor = QGuiApplication.focusObject()
    QTest.keyClicks(editor, "gpt-5")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    settle()
    assert session.doc.get("ai_models") == ["claude-4.5-sonnet", "gpt-5"]
    assert "ai_models:\n  - claude-4.5-sonnet\n  - gpt-5\n" in session.doc.text
    QGuiApplication.clipboard().setText("llama-3\n\nmistral-7b\n")
    models.view.setCurrentRow(1)
    models.view.setFocus()
    QTest.keyClick(models.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert session.doc.get("ai_models") == ["claude-4.5-sonnet", "gpt-5", "llama-3", "mistral-7b"]
    count = session.undo_stack.count()
    session.undo_stack.undo()  # the paste is one step
    assert session.doc.get("ai_models") == ["claude-4.5-sonnet", "gpt-5"]
    session.undo_stack.redo()
    assert session.undo_stack.count() == count
    models.view.setCurrentRow(3)
    models.move(-1)
    assert session.doc.get("ai_models")[2] == "mistral-7b"
    models.remove_item()
    assert session.doc.get("ai_models") == ["claude-4.5-sonnet", "gpt-5", "llama-3"]
    assert models.count_label.text() == "3 items"
    while session.undo_stack.canUndo():
        session.undo_stack.undo()
    assert session.current_bytes() == SAMPLE.read_bytes()


def test_an_empty_new_string_row_writes_nothing(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    gaps = form.editor_at("known_gaps")
    gaps.add_item()
    assert gaps.view.count() == 3
    editor = QGuiApplication.focusObject()
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    settle()
    qtbot.waitUntil(lambda: gaps.view.count() == 2, timeout=2000)
    assert session.undo_stack.count() == 0


def test_a_thousand_facts_load_and_select_quickly(qtbot, tmp_path):
    path = write_article(tmp_path, facts_article(1000))
    start = time.perf_counter()
    form, session = open_form(qtbot, path)
    loaded = time.perf_counter() - start
    facts = form.list_editor("atomic_facts")
    assert facts.model.rowCount() == 1000
    assert form.sections["Atomic facts"].count_label.text() == "1000"
    assert loaded < 5.0, loaded
    start = time.perf_counter()
    for row in range(0, 1000, 37):
        facts.select_row(row)
    settle()
    per_row = (time.perf_counter() - start) / len(range(0, 1000, 37))
    assert per_row < 0.05, per_row
    assert facts.form.editor_for("id").edit.text() == "af-big-1000"
    facts.select_row(973)
    assert facts.form.editor_for("id").edit.text() == "af-big-974"
    # an edit of the 975th fact: one splice, the list model kept (no rebuild)
    model = facts.model
    statement = facts.form.editor_for("statement")
    start = time.perf_counter()
    statement.edit.setPlainText("A new statement for fact 974, long enough to pass the rules.")
    statement.flush()
    edit_time = time.perf_counter() - start
    assert session.doc.get("atomic_facts[973].statement").startswith("A new statement")
    assert facts.model is model and facts.current_row() == 973
    assert edit_time < 2.0, edit_time
    # the filter runs over all items
    start = time.perf_counter()
    facts.filter_edit.setText("af-big-99")
    assert facts.proxy.rowCount() == 11  # af-big-99 and af-big-990..999
    assert time.perf_counter() - start < 1.0


def test_a_detail_form_without_a_selected_item_reads_nothing(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    sources = form.list_editor("primary_sources")
    assert sources.current_row() is None
    assert not sources.form.bound
    assert sources.form.other.keys == []  # not the front matter's keys taken for the item's
    assert sources.placeholder.isVisibleTo(form)
    sources.select_row(0)
    assert sources.form.bound and sources.form.editor_for("title").edit.text().startswith("Llama 3")


def test_sorting_changes_the_view_never_the_saved_order(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path, facts_article(12)))
    facts = form.list_editor("atomic_facts")
    assert facts.sort_button.isVisible()
    before = session.current_bytes()
    facts.sort_by("confidence")
    confidences = [facts.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole + 3) for i in range(12)]
    assert confidences == sorted(confidences)
    assert not facts.view.dragEnabled()
    facts.view.setCurrentIndex(facts.proxy.index(0, 0))
    row = facts.current_row()
    assert session.doc.get(f"atomic_facts[{row}].confidence") == confidences[0]
    assert session.current_bytes() == before
    facts.sort_by("saved")
    assert facts.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 6) == 1
    assert facts.view.dragEnabled()


def test_an_unknown_key_in_a_fact_is_shown_and_survives(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "    confidence: high\n  - id: af-ai-for-democratization-2",
        "    confidence: high\n    reviewer_note: checked twice  # keep\n  - id: af-ai-for-democratization-2")
    form, session = open_form(qtbot, write_article(tmp_path, text))
    facts = form.list_editor("atomic_facts")
    facts.select_row(0)
    other = facts.form.other
    assert other.keys == ["reviewer_note"] and other.isVisibleTo(form)
    assert other.editor_for("reviewer_note").edit.toPlainText() == "checked twice"
    facts.form.editor_for("confidence").buttons[1].click()
    assert "    confidence: medium\n    reviewer_note: checked twice  # keep\n" in session.doc.text
    facts.select_row(1)
    assert facts.form.other.keys == [] and not facts.form.other.isVisibleTo(form)


def test_enter_edits_a_string_row(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    gaps = form.editor_at("known_gaps")
    gaps.focus_row(1)
    QTest.keyClick(gaps.view, Qt.Key.Key_Return)
    editor = QGuiApplication.focusObject()
    assert editor is not gaps.view
    editor.selectAll()
    QTest.keyClicks(editor, "Benchmarks for low-resource languages")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    settle()  # the delegate commits on a queued call
    assert session.doc.get("known_gaps[1]") == "Benchmarks for low-resource languages"
    assert session.undo_stack.count() == 1


def test_a_fact_says_which_source_it_cites(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    facts = form.list_editor("atomic_facts")
    facts.select_row(0)
    assert facts.source_hint.text().startswith("Cites primary source 1: Llama 3")
    url = facts.form.editor_for("source_url")
    url.edit.setText("https://example.org/elsewhere")
    url.edit.editingFinished.emit()
    assert "none of the article's sources" in facts.source_hint.text()
    session.undo_stack.undo()
    assert facts.source_hint.text().startswith("Cites primary source 1")
