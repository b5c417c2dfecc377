"""The first run fits the screen: the window, its panes and the full dates at 1280x720, 1366x768 and
1920x1080; a remembered geometry that no longer fits is brought back; the welcome panel while no
article is open."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from editor.ui.window_fit import FRAME_ALLOWANCE, PREFERRED_SIZE, clamp_geometry, first_geometry, proportional_sizes

PROBE = Path(__file__).resolve().parent / "fit_probe.py"
SCREENS = [(1280, 720), (1366, 768), (1920, 1080)]


def contains(outer: list[int], inner: list[int]) -> bool:
    return QRect(*outer).contains(QRect(*inner))


# -- the rules, against given screens ------------------------------------------------------------------
@pytest.mark.parametrize("screen", [QRect(0, 0, 1280, 720), QRect(0, 0, 1366, 768), QRect(0, 0, 1920, 1080),
                                    QRect(1920, 0, 1280, 1024), QRect(0, 27, 1280, 693)])
def test_a_first_window_fits_the_available_area_with_its_frame(screen):
    rect = first_geometry(screen)
    framed = rect.marginsAdded(FRAME_ALLOWANCE)
    assert screen.contains(framed)
    assert rect.size() == PREFERRED_SIZE.boundedTo(screen.marginsRemoved(FRAME_ALLOWANCE).size())
    assert abs(framed.center().x() - screen.center().x()) <= 1  # centred


def test_a_remembered_geometry_is_clamped_only_when_it_does_not_fit():
    small = QRect(0, 0, 1280, 720)
    kept = QRect(100, 80, 900, 600)
    assert clamp_geometry(kept, small) == kept
    too_big = clamp_geometry(QRect(300, 200, 1400, 900), small)
    assert small.contains(too_big.marginsAdded(FRAME_ALLOWANCE))
    gone = clamp_geometry(QRect(2200, 100, 1000, 600), small)  # last seen on a second screen
    assert small.contains(gone.marginsAdded(FRAME_ALLOWANCE)) and gone.size() == QSize(1000, 600)


def test_pane_sizes_are_proportional_and_add_up():
    assert proportional_sizes(1000, (1, 3)) == [250, 750]
    for total in (1239, 1325, 1367):
        sizes = proportional_sizes(total, (0.33, 0.67))
        assert sum(sizes) == total and abs(sizes[0] / total - 0.33) < 0.01


# -- the real window, on virtual screens ------------------------------------------------------------------
def probe(tmp_path: Path, screen: tuple[int, int], *extra: str) -> dict:
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, str(PROBE), f"{screen[0]}x{screen[1]}", *extra], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_first_window_and_every_pane_fit_the_screen(tmp_path, screen):
    report = probe(tmp_path, screen)
    assert report["available"] == [0, 0, *screen]
    assert contains(report["available"], report["frame"])
    for name, rect in report["panes"].items():
        assert report["visible"][name], name
        assert contains(report["window"], rect), name  # nothing cut off at the window's edge
        assert rect[2] >= report["minimum"][name][0] and rect[3] >= report["minimum"][name][1], name
    panes = report["panes"]
    for name in ("corpus list", "form", "preview"):
        assert panes[name][2] >= 340, name  # room to work in, not a sliver
    assert panes["body"][2] >= 200 and panes["form"][3] >= 300
    assert set(report["dates"]) >= {"last_verified", "created_date", "updated"}
    for name, date in report["dates"].items():
        assert len(date["text"]) == 10 and date["first_shown"] == 0, name  # "2026-07-04", not "07-04"


def test_a_geometry_remembered_on_a_larger_screen_is_brought_onto_this_one(tmp_path):
    report = probe(tmp_path, (1280, 720), "--remembered", "500,300,1600,1000")
    assert contains(report["available"], report["frame"])


# -- the window in the test process ------------------------------------------------------------------------
def test_a_form_of_any_width_shows_whole_dates(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / "ai" / "backpropagation.md")
    dates = [w for w in window.form.findChildren(QWidget)
             if getattr(getattr(w, "spec", None), "widget", None) == "date" and w.isVisible()]
    assert len(dates) >= 3
    total = sum(window.editor_splitter.sizes())
    squeezed = []
    for width in range(300, 701, 10):  # from its narrowest (labels above fields) to roomy
        window.editor_splitter.setSizes([width, total - width])
        qtbot.wait(5)
        for editor in dates:
            editor.edit.end(False)  # a text wider than its box scrolls, hiding its start
            if editor.edit.cursorPositionAt(QPoint(1, editor.edit.height() // 2)) != 0:
                squeezed.append((window.form.width(), editor.spec.name))
    assert not squeezed


def test_no_article_open_shows_the_welcome_panel(make_window, tmp_path, corpus, qtbot):
    empty = tmp_path / "new-corpus"
    empty.mkdir()
    window = make_window(empty)
    assert window.session is None
    assert window.editor_stack.currentWidget() is window.welcome
    assert "new-corpus has no articles yet" in window.welcome.status.text()
    # the window has a new-article action now: the panel offers it, with its keys
    assert not window.welcome.new_button.isHidden() and window.welcome.new_button.isEnabled()
    started = []
    window.article_files.new_article = lambda: started.append(True)
    window.welcome.new_button.click()
    assert started == [True]

    window.settings.add_recent_corpus(str(corpus))
    window.open_corpus(str(empty))  # the panel afresh, with the recent corpora
    (recent,) = window.welcome.recent_buttons
    assert recent.label.text() == "corpus" and recent.toolTip() == str(corpus)
    with qtbot.waitSignal(window.corpus_ready, timeout=30000):
        recent.click()
    assert window.root == os.path.realpath(corpus) and window.session is not None
    assert window.editor_stack.currentWidget() is window.editor_splitter

    window.close_article()
    assert window.editor_stack.currentWidget() is window.welcome
    assert "pick one in the list, or press Ctrl+P" in window.welcome.status.text()


def test_the_welcome_panel_opens_the_sample_and_a_chosen_folder(make_window, tmp_path, corpus, user_dirs, qtbot,
                                                                monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    window = make_window(empty)
    with qtbot.waitSignal(window.corpus_ready, timeout=30000):
        window.welcome.sample_button.click()
    sample = user_dirs / "data" / "corpus-editor" / "sample-corpus"
    assert (sample / "ai" / "backpropagation.md").is_file()
    assert window.root == os.path.realpath(sample) and window.session is not None

    window.open_corpus(str(empty))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args, **_kw: str(corpus))
    with qtbot.waitSignal(window.corpus_ready, timeout=30000):
        window.welcome.open_button.click()
    assert window.root == os.path.realpath(corpus)


def test_new_article_is_offered_once_the_window_has_the_action(make_window, tmp_path, qtbot):
    empty = tmp_path / "empty"
    empty.mkdir()
    window = make_window(empty)
    new_article = QAction("&New Article…", window)
    new_article.setShortcut("Ctrl+N")
    triggered = []
    new_article.triggered.connect(lambda: triggered.append(True))
    window.welcome.set_new_article_action(new_article)
    button = window.welcome.new_button
    assert button.isVisibleTo(window) and button.label.text() == "New Article…" and button.detail.text() == "Ctrl+N"
    button.click()
    assert triggered == [True]
    new_article.setEnabled(False)
    assert not button.isEnabled()
    window.welcome.set_new_article_action(None)
    assert button.isHidden()


def test_tab_reaches_the_welcome_panel(make_window, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    window = make_window(empty)
    sequence = window.tab_sequence()
    assert window.welcome.open_button in sequence and window.welcome.sample_button in sequence
    assert not [w for w in sequence if window.editor_splitter.isAncestorOf(w)]  # the hidden editors are skipped
