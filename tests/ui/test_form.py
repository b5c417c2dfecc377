"""The schema-generated article form on real files: values shown, minimal edits, undo, unknown fields."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from editor.ui.form.base import ERROR_COLOR, WARNING_COLOR
from editor.ui.form.object_list import ObjectListEditor
from editor.ui.form.scalar_editors import (
    BoolFieldEditor,
    DateFieldEditor,
    EnumFieldEditor,
    LineFieldEditor,
    NumberFieldEditor,
    TextFieldEditor,
)
from editor.ui.form.string_list import StringListEditor
from editor.ui.form.yaml_editor import YamlFieldEditor

try:
    from tests.ui.form_helpers import SAMPLE, changed_lines, open_form, settle, write_article
except ImportError:  # tests/ui is not a package
    from form_helpers import SAMPLE, changed_lines, open_form, settle, write_article


def test_form_is_generated_from_the_schema(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    specs = form.schema.form_fields()
    for spec in specs:
        assert form.editor_at(spec.name) is not None, spec.name
    assert isinstance(form.editor_at("title"), LineFieldEditor)
    assert isinstance(form.editor_at("confidence"), EnumFieldEditor)
    assert isinstance(form.editor_at("last_verified"), DateFieldEditor)
    assert isinstance(form.editor_at("derived_from_human_seed"), BoolFieldEditor)
    assert isinstance(form.editor_at("completeness"), NumberFieldEditor)
    assert isinstance(form.editor_at("ai_models"), StringListEditor)
    assert isinstance(form.editor_at("atomic_facts"), ObjectListEditor)
    assert isinstance(form.editor_at("disputed_statements"), YamlFieldEditor)
    assert list(form.sections)[:2] == ["Article", "Atomic facts"]

    assert form.editor_at("title").edit.text() == session.doc.get("title")
    assert form.editor_at("last_verified").edit.text() == "2026-05-24"
    confidence = form.editor_at("confidence")
    assert confidence.group.checkedButton().text() == "high"
    assert form.editor_at("completeness").spin.value() == 0.85
    assert form.editor_at("derived_from_human_seed").check.isChecked()
    facts = form.list_editor("atomic_facts")
    assert facts.model.rowCount() == 2
    assert facts.proxy.index(0, 0).data().startswith("af-ai-for-democratization-1 · The open-source AI movement")
    sources = form.list_editor("primary_sources")
    assert "(2024) · academic_paper" in sources.proxy.index(0, 0).data()
    assert form.sections["Atomic facts"].count_label.text() == "2"


def test_editing_the_title_changes_only_its_line_and_undo_restores_the_bytes(qtbot, tmp_path):
    path = write_article(tmp_path)
    form, session = open_form(qtbot, path)
    original = session.doc.text
    title = form.editor_at("title")
    edit = title.edit
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "Open AI: a plain title")
    assert session.doc.text == original  # nothing written per keystroke
    QTest.keyClick(edit, Qt.Key.Key_Return)  # editingFinished
    assert session.doc.get("title") == "Open AI: a plain title"
    assert changed_lines(original, session.doc.text) == [
        '- title: "AI Democratization: Open-Source Models, Low-Code AI, and Accessible Machine Learning"',
        '+ title: "Open AI: a plain title"',
    ]
    assert session.undo_stack.count() == 1
    assert form.editor_at("title") is title  # refreshed, not rebuilt
    assert edit.hasFocus()
    session.undo_stack.undo()
    assert session.current_bytes() == SAMPLE.read_bytes()
    assert edit.text() == "AI Democratization: Open-Source Models, Low-Code AI, and Accessible Machine Learning"


def test_editing_a_statement_keeps_the_folded_block(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    original = session.doc.text
    facts = form.list_editor("atomic_facts")
    facts.select_row(0)
    statement = facts.form.editor_for("statement")
    assert isinstance(statement, TextFieldEditor)
    statement.edit.setFocus()
    cursor = statement.edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    statement.edit.setTextCursor(cursor)
    QTest.keyClicks(statement.edit, " More text.")
    assert session.doc.text == original
    qtbot.waitUntil(lambda: session.doc.text != original, timeout=3000)  # after the pause
    assert session.doc.get("atomic_facts[0].statement").endswith("through paid APIs. More text.")
    new = session.doc.text
    assert "  - id: af-ai-for-democratization-1\n    statement: >-\n      The open-source AI movement" in new
    lines = changed_lines(original, new)
    assert all(line[2:].startswith("      ") for line in lines), lines  # only the block's content lines
    assert session.undo_stack.count() == 1
    assert statement.edit.hasFocus()
    assert statement.edit.textCursor().position() == len(statement.edit.toPlainText())


def test_problems_update_after_an_edit_and_mark_the_field(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    assert all(not p.is_error for p in form.problems)
    facts = form.list_editor("atomic_facts")
    facts.select_row(0)
    url = facts.form.editor_for("source_url")
    with qtbot.waitSignal(form.problems_changed, timeout=3000) as blocker:
        url.edit.setText("not a url")
        url.edit.editingFinished.emit()
    problems = blocker.args[0]
    bad = [p for p in problems if p.field == "atomic_facts[0].source_url" and p.is_error]
    assert bad, problems
    assert url.mark_color() == ERROR_COLOR
    assert "full URL" in url.toolTip()
    errors, _warnings = facts.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 4)
    assert errors >= 1
    assert form.sections["Atomic facts"].badge.isVisible()
    # fixing it clears the mark
    with qtbot.waitSignal(form.problems_changed, timeout=3000):
        url.edit.setText("https://arxiv.org/abs/2407.21783")
        url.edit.editingFinished.emit()
    assert url.mark_color() is None


def test_date_today_and_typed_iso_keep_the_files_quoting(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace('created_date: "2026-05-24"', "created_date: 2026-05-24")
    form, session = open_form(qtbot, write_article(tmp_path, text))
    today = dt.date.today().isoformat()
    form.editor_at("last_verified").today_button.click()
    assert f'last_verified: "{today}"\n' in session.doc.text
    created = form.editor_at("created_date")
    created.edit.setText("2025-01-02")
    created.edit.editingFinished.emit()
    assert "created_date: 2025-01-02\n" in session.doc.text
    assert session.doc.get("created_date") == dt.date(2025, 1, 2)
    created.edit.setText("2 January 2025")
    created.edit.editingFinished.emit()
    assert session.doc.get("created_date") == dt.date(2025, 1, 2)  # not a date: nothing written
    assert created.mark_color() == WARNING_COLOR
    created._picked(__import__("PySide6.QtCore", fromlist=["QDate"]).QDate(2024, 12, 31))
    assert "created_date: 2024-12-31\n" in session.doc.text


def test_enum_value_outside_the_vocabulary_is_shown_and_kept(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("confidence: high\nlast_verified", "confidence: certain\n"
                                                                                        "last_verified")
    form, session = open_form(qtbot, write_article(tmp_path, text))
    confidence = form.editor_at("confidence")
    assert confidence.extra_button.isVisible()
    assert confidence.extra_button.isChecked()
    assert "certain" in confidence.extra_button.text()
    assert confidence.mark_color() is not None
    title = form.editor_at("title")
    title.edit.setText("Another title")
    title.edit.editingFinished.emit()
    assert session.doc.get("confidence") == "certain"
    confidence.buttons[1].click()
    assert session.doc.get("confidence") == "medium"
    assert not confidence.extra_button.isVisible()


def test_unknown_fields_survive_and_are_editable_as_yaml(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "updated: \"2026-05-24\"\n", "updated: \"2026-05-24\"\nconfidence_rationale: two good sources  # why\n"
        "x-review:\n  notes: [a, b]\n")
    form, session = open_form(qtbot, write_article(tmp_path, text))
    assert form.other.keys == ["confidence_rationale", "x-review"]
    title = form.editor_at("title")
    title.edit.setText("Edited")
    title.edit.editingFinished.emit()
    assert "confidence_rationale: two good sources  # why\nx-review:\n  notes: [a, b]\n" in session.doc.text
    rationale = form.other.editor_for("confidence_rationale")
    assert rationale.edit.toPlainText() == "two good sources"
    rationale.edit.setPlainText("three sources")
    rationale.flush()
    assert session.doc.get("confidence_rationale") == "three sources"
    before = session.doc.text
    review = form.other.editor_for("x-review")
    review.edit.setPlainText("notes: [a, b\n")
    review.flush()
    assert session.doc.text == before  # refused
    assert review.message.isVisibleTo(form) and "Not valid YAML" in review.message.text()
    review.edit.setPlainText("notes:\n- a\n- c\n")
    review.flush()
    assert session.doc.get("x-review") == {"notes": ["a", "c"]}


def test_an_edit_the_core_refuses_is_reported_not_raised(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "updated: \"2026-05-24\"\n", "updated: \"2026-05-24\"\nx-review:\n  notes: [a, b]\n")
    form, _session = open_form(qtbot, write_article(tmp_path, text))
    messages = []
    form.ctx.error.connect(messages.append)
    edits = __import__("editor.core.document.edits", fromlist=["SetValue"])
    form.ctx.apply(edits.SetValue(("atomic_facts", 0), {"id": "x"}))
    assert messages and form.message_bar.isVisibleTo(form)


def test_numbers_booleans_and_years(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    original = session.doc.text
    completeness = form.editor_at("completeness")
    completeness.spin.setValue(0.9)
    assert "completeness: 0.9\n" in session.doc.text
    form.editor_at("is_live_document").check.click()
    assert session.doc.get("is_live_document") is True
    sources = form.list_editor("secondary_sources")
    sources.select_row(2)
    year = sources.form.editor_for("year")
    year.spin.setValue(2026)
    assert session.doc.get("secondary_sources[2].year") == 2026
    assert len(changed_lines(original, session.doc.text)) == 6
    for _ in range(3):
        session.undo_stack.undo()
    assert session.doc.text == original


def test_absent_field_is_added_in_schema_order(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    form.editor_at("status").buttons[0].click()
    lines = session.doc.text.splitlines()
    assert lines[lines.index("status: draft") + 1] == "schema_type: article"
    slug = form.editor_at("slug")
    slug.edit.setText("ai-democratization")
    slug.edit.editingFinished.emit()
    assert "slug: ai-democratization\nstatus: draft\n" in session.doc.text


def test_undo_redo_refresh_the_form(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    gaps = form.editor_at("known_gaps")
    form.editor_at("confidence").buttons[2].click()
    assert session.doc.get("confidence") == "low"
    session.undo_stack.undo()
    assert form.editor_at("confidence").group.checkedButton().text() == "high"
    session.undo_stack.redo()
    assert form.editor_at("confidence").group.checkedButton().text() == "low"
    assert form.editor_at("known_gaps") is gaps


def test_raw_mode_disables_the_form(qtbot, tmp_path):
    path = write_article(tmp_path, "---\ntitle: [unclosed\n---\nbody\n")
    form, session = open_form(qtbot, path)
    assert session.doc is None
    assert not form.scroll.isEnabled()
    assert form.status.isVisibleTo(form) and "line" in form.status.text()
    assert form.problems == []
    assert path.read_text(encoding="utf-8") == "---\ntitle: [unclosed\n---\nbody\n"


def test_switching_sessions_reuses_the_form(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    title = form.editor_at("title")
    other = write_article(tmp_path, SAMPLE.read_text(encoding="utf-8").replace(
        'title: "AI Democratization', 'title: "Second'), name="second.md")
    from editor.ui.session import ArticleSession

    form.set_session(ArticleSession(other))
    settle()
    assert form.editor_at("title") is title
    assert title.edit.text().startswith("Second")
    form.set_session(None)
    assert not form.scroll.isEnabled()


def test_screenshots_light_and_dark(qtbot, tmp_path):
    """Render the form (for a look: saved under tmp_path) in both palettes without warnings."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    form, _session = open_form(qtbot, write_article(tmp_path))
    form.list_editor("atomic_facts").select_row(0)
    settle()
    assert not form.grab().isNull()
    form.grab().save(str(tmp_path / "form-light.png"))
    app = QApplication.instance()
    old = app.palette()
    dark = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e0e0e0"),
                        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e0e0e0")):
        dark.setColor(role, QColor(color))
    try:
        app.setPalette(dark)
        settle()
        form.grab().save(str(tmp_path / "form-dark.png"))
    finally:
        app.setPalette(old)
    assert (tmp_path / "form-dark.png").stat().st_size > 0


def test_dirty_markers_and_per_field_revert(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    article = form.forms[0][1]
    title = form.editor_at("title")
    title.edit.setText("Changed")
    title.edit.editingFinished.emit()
    form.editor_at("status").buttons[1].click()  # added: not in the saved file
    assert article.labels["title"].text().endswith("\u2022")
    assert article.labels["status"].text().endswith("\u2022")
    assert not article.labels["id"].text().endswith("\u2022")
    assert article.revert("title")
    assert article.revert("status")
    assert not article.revert("id")
    assert session.current_bytes() == SAMPLE.read_bytes()
    assert not article.labels["title"].text().endswith("\u2022")
    facts = form.list_editor("atomic_facts")
    facts.select_row(1)
    confidence = facts.form.editor_for("confidence")
    confidence.buttons[2].click()
    assert facts.form.labels["confidence"].text().endswith("\u2022")
    session.save()
    assert not facts.form.labels["confidence"].text().endswith("\u2022")


CORPUS_SCHEMA = """\
schema:
  properties:
    region:
      type: string
      enum: [africa, americas, asia, europe, oceania, antarctica, arctic]
      x-label: Region
      x-order: 75
    review:
      type: object
      x-label: Review
      x-order: 235
      properties:
        reviewer: {type: string, x-label: Reviewer, x-order: 1}
        passed: {type: boolean, x-label: Passed, x-order: 2}
"""


def test_corpus_schema_fields_long_enums_and_nested_objects(qtbot, tmp_path):
    (tmp_path / ".corpus-schema.yaml").write_text(CORPUS_SCHEMA, encoding="utf-8")
    text = SAMPLE.read_text(encoding="utf-8").replace("language: en\n", "language: en\nregion: atlantis\n").replace(
        "updated: \"2026-05-24\"\n", "updated: \"2026-05-24\"\nreview:\n  reviewer: Ada\n")
    form, session = open_form(qtbot, write_article(tmp_path, text), schema_root=tmp_path)
    region = form.editor_at("region")
    assert isinstance(region, EnumFieldEditor) and not region.radios  # 7 options: a searchable combo
    assert region.combo.currentText().startswith("atlantis")
    assert region.mark_color() is not None
    region._activated(region.combo.findData("europe"))
    assert session.doc.get("region") == "europe"
    review = form.editor_at("review")
    reviewer = review.form.editor_for("reviewer")
    assert reviewer.edit.text() == "Ada"
    review.form.editor_for("passed").check.click()
    assert "review:\n  reviewer: Ada\n  passed: true\n" in session.doc.text
    assert form.focus_field("review.reviewer")
    assert reviewer.edit.hasFocus()


def test_a_value_of_the_wrong_type_is_shown_as_yaml_and_kept(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("ai_models:\n  - claude-4.5-sonnet\n",
                                                      "ai_models: claude-4.5-sonnet\n")
    form, session = open_form(qtbot, write_article(tmp_path, text))
    models = form.editor_at("ai_models")
    assert isinstance(models, YamlFieldEditor)
    assert models.edit.toPlainText() == "claude-4.5-sonnet"
    models.edit.setPlainText("- claude-4.5-sonnet\n- gpt-5\n")
    models.flush()
    assert session.doc.get("ai_models") == ["claude-4.5-sonnet", "gpt-5"]
    assert isinstance(form.editor_at("ai_models"), StringListEditor)  # back to its own editor
    session.undo_stack.undo()
    assert isinstance(form.editor_at("ai_models"), YamlFieldEditor)


def test_arrow_keys_move_between_one_line_fields(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    title = form.editor_at("title").edit
    title.setFocus()
    QTest.keyClick(title, Qt.Key.Key_Down)
    assert form.editor_at("slug").edit.hasFocus()
    QTest.keyClick(form.editor_at("slug").edit, Qt.Key.Key_Up)
    QTest.keyClick(title, Qt.Key.Key_Up)
    assert form.editor_at("id").edit.hasFocus()


def test_focus_field_reaches_other_fields(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("updated: \"2026-05-24\"\n",
                                                      "updated: \"2026-05-24\"\nnotes: keep me\n")
    form, _session = open_form(qtbot, write_article(tmp_path, text))
    form.other_section.set_expanded(False)
    assert form.focus_field("notes")
    assert form.other_section.is_expanded()
    assert form.other.editor_for("notes").edit.hasFocus()


def test_typing_in_the_body_rechecks_without_refreshing_the_form(qtbot, tmp_path, monkeypatch):
    form, session = open_form(qtbot, write_article(tmp_path))
    calls = []
    original_refresh = form.refresh
    monkeypatch.setattr(form, "refresh", lambda: (calls.append(1), original_refresh()))
    with qtbot.waitSignal(form.problems_changed, timeout=3000) as blocker:
        session.set_body(session.doc.body + "\nTODO: finish this.\n")
    assert calls == []
    assert any(p.field == "" and "TODO" in p.message for p in blocker.args[0]), blocker.args[0]
    form.editor_at("confidence").buttons[1].click()
    assert calls == [1]


def test_other_fields_can_be_added_and_removed(qtbot, tmp_path):
    form, session = open_form(qtbot, write_article(tmp_path))
    QTest.keyClicks(form.other.new_name, "reviewer_notes")
    QTest.keyClick(form.other.new_name, Qt.Key.Key_Return)
    assert session.doc.get("reviewer_notes") == ""
    assert form.other.keys == ["reviewer_notes"]
    assert form.other_section.count_label.text() == "1"
    editor = form.other.editor_for("reviewer_notes")
    editor.edit.setPlainText("check the DOI")
    editor.flush()
    assert session.doc.get("reviewer_notes") == "check the DOI"
    remove = [b for b in form.other.findChildren(type(form.other_section.button)) if b.text() == "\u2715"]
    remove[0].click()
    settle()
    assert not session.doc.has("reviewer_notes")
    assert form.other.keys == []
    while session.undo_stack.canUndo():
        session.undo_stack.undo()
    assert session.current_bytes() == SAMPLE.read_bytes()


def test_selecting_an_item_announces_its_path(qtbot, tmp_path):
    form, _session = open_form(qtbot, write_article(tmp_path))
    with qtbot.waitSignal(form.item_selected, timeout=2000) as blocker:
        form.list_editor("secondary_sources").select_row(2)
    assert blocker.args == ["secondary_sources[2]"]
    assert form.focus_field("atomic_facts[1]")  # what the preview asks for when a fact is clicked
    assert form.list_editor("atomic_facts").current_row() == 1
    assert form.list_editor("atomic_facts").view.hasFocus()
