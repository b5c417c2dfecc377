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
