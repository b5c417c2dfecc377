"""One click opens; switching keeps unsaved work in per-article sessions (marked in the list, journaled,
followed on disk); closing asks once for all; Save All writes exactly the articles edited."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from editor.core.document.edits import SetValue
from editor.core.files.journal import Journal
from editor.ui.corpus.model import COL_TITLE

A, B, C = "ai/backpropagation.md", "history/printing-press.md", "physics/quantum-entanglement.md"


def real(corpus, name: str) -> str:
    return os.path.realpath(corpus / name)


def type_at_start(window, text: str) -> None:
    editor = window.body_panel.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.Start)
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, text)


def with_body_prefix(data: bytes, prefix: bytes) -> bytes:
    cut = data.index(b"\n---\n", 3) + len(b"\n---\n")
    return data[:cut] + prefix + data[cut:]


def row_text(window, path: str) -> str:
    model = window.corpus_panel.model
    return model.index(model.row_for_path(path), COL_TITLE).data()


def click_row(window, path: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    panel = window.corpus_panel
    index = panel._proxy_index(path)
    rect = panel.table.visualRect(index)
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_one_click_opens_and_ctrl_click_only_selects(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / A)
    click_row(window, real(corpus, B))
    assert window.session.path == real(corpus, B)
    assert window.body_panel.editor.toPlainText().startswith("## TL;DR")
    click_row(window, real(corpus, C), Qt.KeyboardModifier.ControlModifier)
    assert window.session.path == real(corpus, B)  # extending the selection for a batch action
    assert set(window.corpus_panel.selected_paths()) == {real(corpus, B), real(corpus, C)}


def test_arrow_keys_open_after_a_rest_not_every_row_passed(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / A)
    opened = []
    window.article_opened.connect(opened.append)
    table = window.corpus_panel.table
    window.corpus_panel.show_path(window.session.path)
    table.setFocus()
    started = time.monotonic()
    for _ in range(4):  # a held key: faster than the delay
        QTest.keyClick(table, Qt.Key.Key_Down)
    assert opened == [] and window.corpus_panel.open_pending()
    target = window.corpus_panel.current_path()
    qtbot.waitUntil(lambda: opened == [target], timeout=2000)
    assert time.monotonic() - started >= 0.14
    assert window.session.path == target
    QTest.keyClick(table, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=2000)
    assert window.session.path == window.corpus_panel.current_path() != target


def test_three_edited_articles_close_with_one_question_and_save_all_writes_exactly_them(
        make_window, corpus, qtbot):
    paths = [corpus / name for name in (A, B, C)]
    before = {p: p.read_bytes() for p in paths}
    untouched = {p: p.read_bytes() for p in corpus.rglob("*.md") if p not in paths}
    window = make_window(corpus, paths[0])
    for path, word in zip(paths, (b"One ", b"Two ", b"Three "), strict=True):
        window.open_article(str(path))
        type_at_start(window, word.decode())
    for path in paths:  # nothing written by switching; each row marked
        assert path.read_bytes() == before[path]
        assert window.corpus_panel.model.is_dirty(real(corpus, path.relative_to(corpus)))
        assert row_text(window, os.path.realpath(path)).startswith("● ")
    window.open_article(str(paths[0]))
    assert window.session.text.count("One ") == 1 and "unsaved" in window.path_label.text()
    assert "2 other articles unsaved" in window.path_label.text()

    window.answers.unsaved_all = "cancel"
    window.close()
    assert window.isVisible() and window.answers.asked_all == [["backpropagation.md", "quantum-entanglement.md",
                                                                "printing-press.md"]]
    assert all(p.read_bytes() == before[p] for p in paths)
    window.answers.unsaved_all = "save"
    window.close()
    assert not window.isVisible() and len(window.answers.asked_all) == 2  # one question per close
    for path, word in zip(paths, (b"One ", b"Two ", b"Three "), strict=True):
        assert path.read_bytes() == with_body_prefix(before[path], word)
    assert all(p.read_bytes() == data for p, data in untouched.items())
    assert Journal().entries() == []


def test_save_all_and_save_only_the_current(make_window, corpus, qtbot):
    a, b = corpus / A, corpus / B
    before_a, before_b = a.read_bytes(), b.read_bytes()
    window = make_window(corpus, a)
    type_at_start(window, "A ")
    window.open_article(str(b))
    type_at_start(window, "B ")
    assert window.save()  # Save: the article on screen only
    assert b.read_bytes() == with_body_prefix(before_b, b"B ") and a.read_bytes() == before_a
    assert window.corpus_panel.model.is_dirty(real(corpus, A))
    type_at_start(window, "b ")
    window.actions.save_all.trigger()
    assert a.read_bytes() == with_body_prefix(before_a, b"A ")
    assert b.read_bytes() == with_body_prefix(before_b, b"b B ")
    assert not window.corpus_panel.model.is_dirty(real(corpus, A))


def test_coming_back_gives_the_cursor_scroll_and_history(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / A)
    editor = window.body_panel.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.setPosition(500)
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, "@")
    editor.verticalScrollBar().setValue(editor.verticalScrollBar().maximum() // 2)
    scroll = editor.verticalScrollBar().value()
    window.open_article(str(corpus / B))
    assert "@" not in editor.toPlainText()
    window.open_article(str(corpus / A))
    assert editor.toPlainText()[500] == "@" and editor.textCursor().position() == 501
    assert editor.verticalScrollBar().value() == scroll
    assert window.undo_router.undo_target() is window.session.undo_stack and window.session.undo_stack.canUndo()


def test_clean_sessions_are_kept_bounded(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / A)
    type_at_start(window, "kept ")
    names = [str(p) for p in sorted(corpus.rglob("*.md")) if not str(p).endswith(A)]
    for name in names:
        window.open_article(name)
    sessions = list(window.articles)
    clean = [s for s in sessions if not s.is_dirty and s is not window.session]
    assert len(clean) <= window.articles.keep_clean
    assert window.articles.find(str(corpus / A)) is not None  # the dirty one is never dropped
    assert len(sessions) <= window.articles.keep_clean + 2


def test_every_dirty_session_is_journaled(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / A)
    window.sync_hub.journal._timer.setInterval(50)
    type_at_start(window, "first ")
    window.open_article(str(corpus / B))
    type_at_start(window, "second ")
    window.open_article(str(corpus / C))  # the two edited ones are both in the background now
    qtbot.waitUntil(lambda: len(Journal().entries()) == 2, timeout=3000)
    journaled = {os.path.realpath(e.path): e.data for e in Journal().entries()}
    assert journaled[real(corpus, A)] == with_body_prefix((corpus / A).read_bytes(), b"first ")
    assert journaled[real(corpus, B)] == with_body_prefix((corpus / B).read_bytes(), b"second ")


def test_a_background_article_changed_on_disk_merges_when_dirty_and_reloads_when_clean(
        make_window, corpus, qtbot):
    a, b = corpus / A, corpus / B
    window = make_window(corpus, a)
    type_at_start(window, "Mine ")
    dirty = window.session
    window.open_article(str(b))
    clean = window.session
    window.open_article(str(corpus / C))
    assert window.articles.find(str(b)) is clean  # kept for a quick return

    theirs_a = a.read_bytes().replace(b"confidence: high", b"confidence: low", 1)
    assert theirs_a != a.read_bytes()
    a.write_bytes(theirs_a)
    theirs_b = b.read_bytes() + b"\nAppended outside.\n"
    b.write_bytes(theirs_b)
    qtbot.waitUntil(lambda: dirty.saved_bytes == theirs_a and clean.saved_bytes == theirs_b, timeout=5000)
    assert dirty.current_bytes() == with_body_prefix(theirs_a, b"Mine ") and dirty.is_dirty  # merged
    assert clean.current_bytes() == theirs_b and not clean.is_dirty  # reloaded
    assert a.read_bytes() == theirs_a and b.read_bytes() == theirs_b  # nothing written
    window.open_article(str(a))
    assert window.sync_hub.banner.kind == "merged" and "confidence" in window.sync_hub.banner.message.text()
    assert window.save()
    assert a.read_bytes() == with_body_prefix(theirs_a, b"Mine ")


def test_a_background_clash_is_marked_in_the_list_and_shown_on_return(make_window, corpus, qtbot):
    a = corpus / A
    window = make_window(corpus, a)
    window.session.apply(SetValue("title", "My title"))
    session = window.session
    window.open_article(str(corpus / B))
    theirs = a.read_bytes().replace(b'title: "Backpropagation', b'title: "Their Backpropagation', 1)
    a.write_bytes(theirs)
    qtbot.waitUntil(lambda: session.clash is not None, timeout=5000)
    assert window.corpus_panel.model.has_clash(real(corpus, A))
    assert row_text(window, real(corpus, A)).startswith("⇄ ● ")
    assert window.sync_hub.banner.isHidden()  # not on screen: nothing pops up over the other article
    assert "open it to choose" in window.statusBar().currentMessage()
    window.open_article(str(a))
    banner = window.sync_hub.banner
    assert banner.kind == "clash" and not banner.isHidden() and "title" in banner.message.text()
    assert not window.save() and a.read_bytes() == theirs  # never overwritten before the user chooses


def test_close_article_discards_only_after_asking(make_window, corpus, qtbot):
    a = corpus / A
    before = a.read_bytes()
    window = make_window(corpus, a)
    type_at_start(window, "x")
    window.answers.unsaved = "cancel"
    assert not window.close_article() and window.session is not None
    window.answers.unsaved = "discard"
    assert window.close_article() and window.session is None
    assert window.articles.find(str(a)) is None and a.read_bytes() == before
    assert not window.corpus_panel.model.is_dirty(real(corpus, A))
    assert Path(a).read_bytes() == before
