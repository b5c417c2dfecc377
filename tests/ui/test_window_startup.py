"""Start-up: the corpus or article given, the last corpus, the sample copy, and `--screenshot`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from editor.ui.app import resolve_start
from editor.ui.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_screenshot_on_first_start_copies_the_sample_corpus(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, "-m", "editor", "--screenshot", str(out)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    copy = tmp_path / "data" / "corpus-editor" / "sample-corpus"
    assert (copy / "ai" / "backpropagation.md").read_bytes() == (
        REPO / "editor" / "resources" / "sample-corpus" / "ai" / "backpropagation.md").read_bytes()
    # a screenshot leaves the user's settings alone
    assert not list((tmp_path / "config").rglob("*.ini"))


def test_start_path_resolution(corpus, tmp_path):
    settings = Settings()
    article = corpus / "ai" / "backpropagation.md"
    (corpus / ".corpus-schema.yaml").write_text("extends: default\n")
    assert resolve_start(str(corpus), settings) == (str(corpus), None)
    root, opened = resolve_start(str(article), settings)
    assert (root, opened) == (str(corpus), str(article))
    settings.add_recent_corpus(str(corpus))
    assert resolve_start(None, settings)[0] == str(corpus)


def test_opening_one_article_makes_its_corpus_the_corpus(make_window, corpus):
    article = corpus / "history" / "printing-press.md"
    root, opened = resolve_start(str(article), Settings())
    window = make_window(Path(root), Path(opened))
    assert window.session.path == os.path.realpath(article)
    assert window.root == os.path.realpath(root)


def run_app_code(code: str, home: Path) -> subprocess.CompletedProcess:
    """Python `code` in a fresh process with an offscreen application (each process has one)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home), HOME=str(home))
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)


def test_the_application_and_its_windows_carry_the_icon(tmp_path):
    result = run_app_code("from editor.ui.app import create_app\n"
                          "from editor.ui.mainwindow import MainWindow\n"
                          "app = create_app([])\n"
                          "window = MainWindow(remember=False)\n"
                          "print(sorted(s.width() for s in app.windowIcon().availableSizes()), app.desktopFileName(),"
                          " window.windowIcon().cacheKey() == app.windowIcon().cacheKey())\n", tmp_path)
    assert result.returncode == 0, result.stderr
    from editor.paths import APP_ID, ICON_SIZES

    assert result.stdout.split() == [*str(list(ICON_SIZES)).split(), APP_ID, "True"]


def test_offscreen_runs_drop_only_the_platform_notice(tmp_path):
    result = run_app_code("from PySide6.QtCore import qWarning\n"
                          "from editor.ui.app import create_app, quiet_offscreen_platform\n"
                          "app = create_app([])\n"
                          "quiet_offscreen_platform()\n"
                          "qWarning('This plugin does not support propagateSizeHints()')\n"
                          "qWarning('something else went wrong')\n", tmp_path)
    assert result.returncode == 0
    assert result.stderr == "something else went wrong\n"


def test_a_screenshot_at_a_given_size(tmp_path, corpus):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    out = tmp_path / "small.png"
    result = subprocess.run([sys.executable, "-m", "editor", str(corpus), "--screenshot", str(out), "--size",
                             "1280x720"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    bad = subprocess.run([sys.executable, "-m", "editor", str(corpus), "--screenshot", str(out), "--size", "wide"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "WIDTHxHEIGHT" in bad.stderr
