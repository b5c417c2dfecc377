"""A GUI process killed with unsaved edits: the next start offers them back, and they open unsaved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from PySide6.QtWidgets import QDialog

from editor.core.files.journal import Journal

ARTICLE = "ai/backpropagation.md"

CHILD = textwrap.dedent("""
    import os, sys, time
    from PySide6.QtWidgets import QApplication
    from editor.core.document.edits import SetValue
    from editor.ui.app import create_app, wait_until
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings

    root, article, cache = sys.argv[1:4]
    app = create_app([], "light")
    window = MainWindow(Settings(), cache_dir=cache, remember=False)
    window.open_corpus(root, open_path=article, refresh=False)
    window.session.apply(SetValue("title", "Edited before the crash"))
    body = window.session.doc.body
    window.session.set_body(body.replace("## TL;DR", "## TL;DR\\nTyped before the crash.", 1))
    journal = window.sync_hub.journal
    journal.flush()
    print("ready", flush=True)
    wait_until(lambda: False, 60)  # killed long before this returns
""")


def test_killed_gui_edits_are_offered_back(make_window, corpus, tmp_path, user_dirs):
    article = corpus / ARTICLE
    before = article.read_bytes()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(article), str(tmp_path / "cache")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True) as child:
        try:
            line = child.stdout.readline()
            assert line.strip() == "ready", child.stderr.read()
            time.sleep(0.2)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
    assert article.read_bytes() == before  # killed: nothing was saved
    entries = Journal().entries()
    assert [os.path.realpath(e.path) for e in entries] == [os.path.realpath(article)]

    window = make_window(corpus, wait=False)
    accept = lambda dialog: QDialog.DialogCode.Accepted  # noqa: E731 - the user presses "Restore checked"
    restored = window.sync_hub.offer_recovery(window, str(corpus), run_dialog=accept)
    assert os.path.realpath(restored) == os.path.realpath(article)
    window.open_article(restored)
    session = window.session
    assert session.is_dirty
    assert session.doc.get("title") == "Edited before the crash"
    assert "Typed before the crash." in session.doc.body
    assert article.read_bytes() == before  # restored as unsaved edits, nothing written yet
    window.answers.unsaved = "discard"
    assert window.close_article()
    assert Journal().entries() == []  # closing without saving drops the journal entry


TYPING_CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtTest import QTest
    from editor.ui.app import create_app, wait_until
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings

    root, article, cache, words = sys.argv[1:5]
    app = create_app([], "light")
    window = MainWindow(Settings(), cache_dir=cache, remember=False)
    window.resize(1200, 800)
    window.show()
    window.open_corpus(root, open_path=article, refresh=False)
    wait_until(lambda: window.session is not None, 10)
    editor = window.body_panel.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    for word in words.split():
        QTest.keyClicks(editor, word + " ")  # real key events, as typed
        wait_until(lambda: False, 0.05)
    print(f"typed {time.time()!r}", flush=True)  # the last edit: nothing is flushed by hand
    wait_until(lambda: False, 60)  # killed long before this returns
""")


def test_typing_is_journaled_within_half_a_second_and_survives_kill_9_a_second_later(corpus, tmp_path, user_dirs):
    """A real window, real keystrokes; SIGKILL one second after the last one; the text is offered back."""
    article = corpus / ARTICLE
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for run in range(2):
        words = f"Run {run}: the very last words typed before the crash"
        with subprocess.Popen([sys.executable, "-c", TYPING_CHILD, str(corpus), str(article), str(tmp_path / "cache"),
                               words], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True) as child:
            try:
                line = child.stdout.readline()
                assert line.startswith("typed "), child.stderr.read()
                last_edit = float(line.split()[1])
                time.sleep(max(0.0, last_edit + 1.0 - time.time()))
            finally:
                child.send_signal(signal.SIGKILL)
                child.wait(10)
        (entry,) = Journal().entries()
        assert words.encode() in entry.data  # every keystroke up to the last one
        assert entry.saved_at - last_edit <= 0.6, entry.saved_at - last_edit
        Journal().discard(entry.entry_file)
