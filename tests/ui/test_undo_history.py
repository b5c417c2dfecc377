"""One undo history per open article, whatever has the focus; a field's own typing first; corpus-wide
steps (the batch bump) from the corpus list when they are the most recent thing done."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

ARTICLE = "ai/backpropagation.md"
OTHERS = ["history/printing-press.md", "physics/quantum-entanglement.md"]
TITLE = "Backpropagation: How Neural Networks Compute Gradients"


def ctrl_z(widget, shift: bool = False) -> None:
    modifiers = Qt.KeyboardModifier.ControlModifier | (Qt.KeyboardModifier.ShiftModifier if shift else
                                                        Qt.KeyboardModifier.NoModifier)
    QTest.keyClick(widget, Qt.Key.Key_Z, modifiers)


def focus(qtbot, widget) -> None:
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def title_edit(window):
    return window.form.editor_at("title").edit


def test_ctrl_z_in_a_line_edit_after_tab_away_undoes_the_article_step(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    session, edit = window.session, title_edit(window)
    focus(qtbot, edit)
    edit.end(False)
    QTest.keyClicks(edit, " (draft)")
    QTest.keyClick(edit, Qt.Key.Key_Tab)  # leaving the field writes it: one step "Set title"
    assert session.doc.get("title") == TITLE + " (draft)" and window.isWindowModified()
    assert window.actions.undo.text().replace("&", "") == "Undo Set title"

    focus(qtbot, edit)  # click back into the field and press Ctrl+Z
    ctrl_z(edit)
    assert session.doc.get("title") == TITLE  # the document, the field and the title bar agree
    assert edit.text() == TITLE and not window.isWindowModified()
    assert session.current_bytes() == original
    QTest.keyClick(edit, Qt.Key.Key_Tab)  # leaving the field again records nothing
    assert session.current_bytes() == original and not session.undo_stack.canUndo()
    focus(qtbot, edit)
    ctrl_z(edit, shift=True)  # redo from the field too
    assert session.doc.get("title") == TITLE + " (draft)" and edit.text() == TITLE + " (draft)"


def test_uncommitted_typing_is_undone_first_then_the_article(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    session, edit = window.session, title_edit(window)
    window.body_panel.editor.setFocus()
    QTest.keyClicks(window.body_panel.editor, "Body ")  # an article step before the field's typing
    focus(qtbot, edit)
    edit.end(False)
    QTest.keyClicks(edit, "XY")
    window.undo_router.update()
    assert window.actions.undo.text().replace("&", "") == "Undo Typing"
    ctrl_z(edit)
    assert TITLE in edit.text() and "XY" not in edit.text()  # the field's typing went first
    assert session.doc.body.startswith("Body ")  # the article is untouched so far
    ctrl_z(edit)
    assert not session.doc.body.startswith("Body ") and not session.is_dirty
    assert session.doc.get("title") == TITLE


def test_ctrl_z_in_the_search_box_acts_on_it_only_when_it_has_something_to_undo(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    session = window.session
    window.body_panel.editor.setFocus()
    QTest.keyClicks(window.body_panel.editor, "Q")
    search = window.corpus_panel.search
    focus(qtbot, search)
    assert window.actions.undo.isEnabled()  # never greyed out while the article can undo
    assert window.actions.undo.text().replace("&", "") == "Undo Typing"  # the article's typing step
    QTest.keyClicks(search, "press")
    ctrl_z(search)
    assert search.text() == "" and session.doc.body.startswith("Q")
    ctrl_z(search)  # nothing left in the box: the article's last step
    assert not session.doc.body.startswith("Q") and not session.is_dirty


def test_from_the_list_ctrl_z_undoes_the_bump_only_when_it_is_the_most_recent(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    session = window.session
    others = [os.path.realpath(corpus / name) for name in OTHERS]
    before = {p: Path(p).read_bytes() for p in others}
    edit = title_edit(window)
    focus(qtbot, edit)
    edit.end(False)
    QTest.keyClicks(edit, "!")
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    window.apply_bump(window.plan_bump(others, ["last_verified"], dt.date(2031, 5, 6)))  # after the title
    table = window.corpus_panel.table
    focus(qtbot, table)
    window.undo_router.update()
    assert window.actions.undo.text().replace("&", "") == "Undo Bump last_verified on 2 articles"
    ctrl_z(table)
    assert all(Path(p).read_bytes() == before[p] for p in others)
    assert session.doc.get("title") == TITLE + "!"  # the older title edit is still there
    assert window.actions.undo.text().replace("&", "") == "Undo Set title"
    ctrl_z(table)
    assert session.doc.get("title") == TITLE

    # now the other order: the bump first, the title edit after it
    window.apply_bump(window.plan_bump(others, ["last_verified"], dt.date(2031, 5, 6)))
    focus(qtbot, edit)
    edit.end(False)
    QTest.keyClicks(edit, "?")
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    focus(qtbot, table)
    assert window.actions.undo.text().replace("&", "") == "Undo Set title"
    ctrl_z(table)
    assert session.doc.get("title") == TITLE and all(b"2031-05-06" in Path(p).read_bytes() for p in others)
    ctrl_z(table)  # now the bump is the most recent step left
    assert all(Path(p).read_bytes() == before[p] for p in others)


def test_outside_the_list_ctrl_z_never_undoes_a_bump(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    session = window.session
    others = [os.path.realpath(corpus / name) for name in OTHERS]
    editor = window.body_panel.editor
    editor.setFocus()
    QTest.keyClicks(editor, "Z")
    window.apply_bump(window.plan_bump(others, ["last_verified"], dt.date(2031, 5, 6)))
    focus(qtbot, editor)
    assert window.actions.undo.text().replace("&", "") == "Undo Typing"
    ctrl_z(editor)
    assert not session.is_dirty
    assert all(b"2031-05-06" in Path(p).read_bytes() for p in others)
    ctrl_z(editor)  # nothing left in the article: the bump stays (it is undone from the list)
    assert all(b"2031-05-06" in Path(p).read_bytes() for p in others)


def test_each_article_keeps_its_own_history(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    first = window.session
    window.body_panel.editor.setFocus()
    QTest.keyClicks(window.body_panel.editor, "A")
    window.open_article(str(corpus / OTHERS[0]))
    second = window.session
    window.body_panel.editor.setFocus()
    QTest.keyClicks(window.body_panel.editor, "B")
    ctrl_z(window.body_panel.editor)
    assert not second.is_dirty and first.doc.body.startswith("A")  # only the article on screen
    window.open_article(str(corpus / ARTICLE))
    ctrl_z(window.body_panel.editor)
    assert not first.is_dirty
