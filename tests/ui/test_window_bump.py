"""The maintainer's batch bump: diff first, one write per file, one undo for the whole batch."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from editor.ui.dialogs.bump import BumpDialog

FILES = ["ai/backpropagation.md", "history/printing-press.md", "physics/quantum-entanglement.md"]
DAY = dt.date(2031, 5, 6)


def _paths(corpus):
    return [os.path.realpath(corpus / name) for name in FILES]


def test_batch_bump_writes_minimal_edits_and_one_undo_restores_every_file(make_window, corpus, qtbot):
    window = make_window(corpus)
    paths = _paths(corpus)
    before = {p: Path(p).read_bytes() for p in paths}
    window.corpus_panel.select_paths(paths)
    assert window.corpus_panel.selected_paths() == sorted(paths, key=window.corpus_panel.selected_paths().index)

    plan = window.plan_bump(paths, ["last_verified"], DAY)
    assert len(plan.to_write) == 3
    diff = plan.combined_diff()
    assert diff.count("+last_verified:") == 3 and "2031-05-06" in diff
    for p in paths:  # the plan writes nothing
        assert Path(p).read_bytes() == before[p]

    window.apply_bump(plan)
    for p in paths:
        after = Path(p).read_bytes()
        changed = [(a, b) for a, b in zip(before[p].splitlines(), after.splitlines(), strict=True) if a != b]
        assert len(changed) == 1 and changed[0][0].startswith(b"last_verified:")
        assert b"2031-05-06" in changed[0][1]
        # the file's own quoting is kept
        assert changed[0][1][len(b"last_verified: "):][:1] == changed[0][0][len(b"last_verified: "):][:1]
    model = window.corpus_panel.model
    assert model.row_at(model.row_for_path(paths[0])).last_verified == DAY
    assert window.corpus_stack.count() == 1

    window.corpus_panel.table.setFocus()
    QTest.keyClick(window.corpus_panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    for p in paths:
        assert Path(p).read_bytes() == before[p]
    assert model.row_at(model.row_for_path(paths[0])).last_verified != DAY

    window.corpus_stack.redo()
    assert all(b"2031-05-06" in Path(p).read_bytes() for p in paths)


def test_undo_refuses_a_file_changed_since_the_bump(make_window, corpus, qtbot):
    window = make_window(corpus)
    paths = _paths(corpus)
    before = {p: Path(p).read_bytes() for p in paths}
    command = window.apply_bump(window.plan_bump(paths, ["last_verified"], DAY))
    edited = Path(paths[1]).read_bytes() + b"\nSomeone else's line.\n"
    Path(paths[1]).write_bytes(edited)
    window.corpus_stack.undo()
    assert Path(paths[0]).read_bytes() == before[paths[0]]
    assert Path(paths[2]).read_bytes() == before[paths[2]]
    assert Path(paths[1]).read_bytes() == edited
    assert paths[1] in command.failed
    qtbot.waitUntil(lambda: bool(window.answers.errors), timeout=2000)
    assert "printing-press.md" in window.answers.errors[-1][1]


def test_bump_refuses_the_open_article_with_unsaved_changes_and_reloads_a_clean_one(make_window, corpus, qtbot):
    paths = _paths(corpus)
    window = make_window(corpus, corpus / FILES[0])
    window.body_panel.editor.setFocus()
    QTest.keyClicks(window.body_panel.editor, "x")
    plan = window.plan_bump(paths[:1], ["last_verified"], DAY)
    assert not plan.to_write and "unsaved" in plan.plans[0].error
    window.undo_group.undo()
    assert not window.session.is_dirty
    window.apply_bump(window.plan_bump(paths[:1], ["last_verified"], DAY))
    assert window.session.doc.data["last_verified"] in ("2031-05-06", DAY)


def test_bump_dialog_shows_the_diff_first_and_can_choose_another_field(make_window, corpus, qtbot):
    window = make_window(corpus)
    paths = _paths(corpus)
    dialog = BumpDialog(len(paths), window.date_fields(), lambda f, d: window.plan_bump(paths, f, d), today=DAY,
                        parent=window)
    qtbot.addWidget(dialog)
    assert dialog.selected_field() == "last_verified"
    assert "+last_verified:" in dialog.view.toPlainText()
    assert dialog.apply_button.isEnabled() and "3 articles" in dialog.apply_button.text()
    dialog.field_combo.setCurrentText("updated")
    assert "+updated:" in dialog.view.toPlainText() and "+last_verified" not in dialog.view.toPlainText()
    assert dialog.plan_set.fields == ["updated"]


def test_bump_action_goes_through_confirm(make_window, corpus, qtbot, monkeypatch):
    window = make_window(corpus)
    paths = _paths(corpus)
    seen = []

    def confirm(selected):
        seen.append(selected)
        return window.plan_bump(selected, ["updated"], DAY)

    window.confirm_bump = confirm
    window.corpus_panel.select_paths(paths, paths[0])
    window.actions.bump.trigger()
    assert sorted(seen[0]) == sorted(paths)
    assert all(b"2031-05-06" in Path(p).read_bytes() for p in paths)
