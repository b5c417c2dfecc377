"""Fixtures for the window tests: a corpus copy in tmp_path, settings and caches redirected there."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from PySide6.QtCore import QSettings

from editor.paths import resource

SAMPLE_CORPUS = resource("sample-corpus")
# The offscreen platform plugin cannot resize native windows, and says so (as a Qt warning) whenever a
# top-level widget with a layout is shown. That is the test platform talking, not our code.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _redirect_qsettings(tmp_path_factory):
    """QSettings goes to a temporary folder: no test reads or writes the real user's settings."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder


@pytest.fixture
def user_dirs(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "user"
    for var, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture
def corpus(tmp_path, user_dirs) -> Path:
    """A writable copy of the bundled sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, target)
    return target


class Answers:
    """Records what the window asked; answers the unsaved-changes prompts with `unsaved` (one article)
    and `unsaved_all` (asked once for all; None: the same as `unsaved`), and the conversion dialog with
    `encoding` (None: cancel)."""

    def __init__(self):
        self.unsaved = "cancel"
        self.unsaved_all: str | None = None
        self.asked: list[str] = []
        self.asked_all: list[list[str]] = []
        self.errors: list[tuple[str, str]] = []
        self.confirm = False  # the answer to a yes/no question (delete for good...)
        self.questions: list[str] = []
        self.encoding: str | None = None
        self.conversions: list = []


@pytest.fixture
def make_window(qtbot, user_dirs, monkeypatch):
    """make_window(root, open_path=None) -> a shown MainWindow with its corpus loaded and indexed."""
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings

    windows = []

    def make(root: Path, open_path: Path | None = None, wait: bool = True, resize: bool = True):
        window = MainWindow(Settings(), cache_dir=str(user_dirs / "cache" / "corpus-editor"))
        answers = Answers()
        window.answers = answers

        def ask(session):
            answers.asked.append(os.path.basename(session.path))
            return answers.unsaved

        def ask_all(sessions):
            names = [os.path.basename(s.path) for s in sessions]
            answers.asked_all.append(names)
            answers.asked.extend(names)
            return answers.unsaved_all or answers.unsaved

        def show_error(title, message):
            answers.errors.append((title, message))
            window.last_error = message

        def confirm(title, text):
            answers.questions.append(text)
            return answers.confirm

        def choose_conversion(session):
            from editor.core.document.encoding import convert

            if answers.encoding is None:
                answers.conversions.append(None)
                return None
            plan = convert(session.current_bytes(), answers.encoding, os.path.basename(session.path))
            answers.conversions.append(plan)
            return plan

        window.ask_unsaved = ask
        window.ask_unsaved_all = ask_all
        window.show_error = show_error
        # no test may wait on a real modal dialog: questions are answered, dialogs run only where a test says
        window.article_files.confirm = confirm
        window.article_files.run_dialog = lambda dialog: False
        window.corpus_panel.run_dialog = lambda dialog: False
        window.choose_conversion = choose_conversion
        qtbot.addWidget(window)
        if resize:
            window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        if wait:
            with qtbot.waitSignal(window.corpus_ready, timeout=30000):
                window.open_corpus(str(root), str(open_path) if open_path else None)
        else:
            window.open_corpus(str(root), str(open_path) if open_path else None)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.answers.unsaved = "discard"
        window.answers.unsaved_all = "discard"
        window.close()
