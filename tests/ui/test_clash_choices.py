"""Take theirs / Keep mine per clashing field, in the window with real files and the real watcher: the
edits that do not clash stay merged, each choice is one undo step, and "Take theirs for everything"
asks first, naming what it drops."""

from __future__ import annotations

from PySide6.QtTest import QTest

from editor.core.document.edits import SetValue
from editor.core.files.merge import BODY
from tests.ui.test_watcher import edited

ARTICLE = "ai/backpropagation.md"
TITLE = "Backpropagation: How Neural Networks Compute Gradients"


def with_body(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1
    return data.replace(old, new)


def open_with_my_title(make_window, corpus):
    """(path, original bytes, window, session): the article open with an unsaved title of mine."""
    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    window.session.apply(SetValue("title", "My title"))
    return path, original, window, window.session


def clash_in_window(qtbot, window, path, theirs: bytes):
    path.write_bytes(theirs)
    qtbot.waitUntil(lambda: window.session.clash is not None, timeout=5000)
    banner = window.sync_hub.banner
    assert banner.kind == "clash" and not banner.isHidden()
    banner.compare_button.click()
    dialog = window.sync_hub.conflicts.compare_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_take_theirs_for_the_title_keeps_the_unrelated_body_edit(make_window, corpus, qtbot):
    path, original, window, session = open_with_my_title(make_window, corpus)
    editor = window.body_panel.editor
    editor.setFocus()
    QTest.keyClicks(editor, "Mine ")  # an unsaved body edit that nothing on disk touches
    theirs = edited(original, SetValue("title", "Their title"))
    dialog = clash_in_window(qtbot, window, path, theirs)
    assert list(dialog.choice_buttons) == ["title"]
    assert "My title" in dialog.left.toPlainText() and "Their title" in dialog.right.toPlainText()
    steps = session.undo_stack.count()

    dialog.choice_buttons["title"][1].click()  # Take theirs, for the title only
    assert session.clash is None  # the last clash decided: merged with the disk version
    assert session.doc.get("title") == "Their title" and session.doc.body.startswith("Mine ## TL;DR")
    assert window.form.editor_at("title").edit.text() == "Their title"
    assert session.saved_bytes == theirs and session.is_dirty
    assert session.undo_stack.count() == steps + 1 and path.read_bytes() == theirs
    assert window.sync_hub.banner.kind == "merged"
    assert window.save()
    expected = with_body(theirs, b"\n---\n## TL;DR", b"\n---\nMine ## TL;DR")
    assert path.read_bytes() == expected

    window.actions.undo.trigger()  # after the save: the text comes back, the file stays as saved
    assert session.doc.get("title") == "My title" and session.doc.body.startswith("Mine ")


def test_each_choice_is_one_undo_step_and_undo_brings_the_clash_back(make_window, corpus, qtbot):
    path, original, window, session = open_with_my_title(make_window, corpus)
    session.apply(SetValue("completeness", 0.95))  # mine only: stays merged
    session.set_body(session.doc.body.replace("## Core Explanation", "## Core explanation", 1))
    mine = session.current_bytes()
    theirs = with_body(edited(original, SetValue("title", "Their title"), SetValue("confidence", "low")),
                       b"## Core Explanation", b"## How it works")
    dialog = clash_in_window(qtbot, window, path, theirs)
    assert set(dialog.choice_buttons) == {"title", BODY}
    assert "confidence" in window.sync_hub.banner.message.text() or "confidence" in dialog.intro.text()

    dialog.choice_buttons["title"][0].click()  # Keep mine for the title: no text change, one step
    assert session.current_bytes() == mine and session.clash.chosen == {"title": "mine"}
    assert window.undo_router.undo_target().undoText() == "Keep mine: title"
    assert not dialog.choice_buttons["title"][0].isEnabled() and dialog.choice_buttons[BODY][1].isEnabled()
    assert not window.save() and path.read_bytes() == theirs  # still a clash to decide: nothing written

    window.actions.undo.trigger()  # the choice comes back undecided
    assert session.clash is not None and session.clash.chosen == {}
    assert dialog.choice_buttons["title"][0].isEnabled()
    window.actions.redo.trigger()
    assert session.clash.chosen == {"title": "mine"}

    dialog.choice_buttons[BODY][1].click()  # their heading for the clashing body lines: the merge is made
    assert session.clash is None and session.saved_bytes == theirs
    merged = session.current_bytes()
    assert merged == edited(theirs, SetValue("title", "My title"), SetValue("completeness", 0.95))
    window.actions.undo.trigger()  # one step back: the clash, my text, the old base
    assert session.clash is not None and session.clash.chosen == {"title": "mine"}
    assert session.current_bytes() == mine and session.saved_bytes == original
    assert window.sync_hub.banner.kind == "clash"
    window.actions.redo.trigger()
    assert session.current_bytes() == merged and session.clash is None
    assert window.save() and path.read_bytes() == merged


def test_take_theirs_for_everything_asks_first_naming_what_goes(make_window, corpus, qtbot):
    path, original, window, session = open_with_my_title(make_window, corpus)
    session.set_body("Mine " + session.doc.body)
    mine = session.current_bytes()
    theirs = edited(original, SetValue("title", "Their title"))
    clash_in_window(qtbot, window, path, theirs)
    asked = []
    answer = [False]
    window.sync_hub.conflicts.confirm_take_all = lambda s, lost: asked.append(lost) or answer[0]
    window.sync_hub.banner.take_theirs_button.click()
    assert asked == [["title", BODY]]  # both unsaved edits are named, not only the clashing one
    assert session.current_bytes() == mine and session.clash is not None  # declined: nothing changed
    answer[0] = True
    window.sync_hub.banner.take_theirs_button.click()
    assert session.current_bytes() == theirs and not session.is_dirty and session.clash is None
    window.actions.undo.trigger()  # nothing unsaved is lost for good: undo gives it all back
    assert session.current_bytes() == mine and session.clash is not None
    assert path.read_bytes() == theirs


def test_keep_mine_for_everything_saves_my_text_over_the_disk_version(make_window, corpus, qtbot):
    path, original, window, session = open_with_my_title(make_window, corpus)
    mine = session.current_bytes()
    theirs = edited(original, SetValue("title", "Their title"))
    dialog = clash_in_window(qtbot, window, path, theirs)
    dialog.keep_all_button.click()
    assert session.clash is None and session.saved_bytes == theirs and session.current_bytes() == mine
    assert window.save() and path.read_bytes() == mine
