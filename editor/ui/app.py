"""The application: QApplication set-up, the start-up corpus, and the off-screen screenshot."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QSize,
    Qt,
    QTimer,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from editor.core.validation.schema import corpus_folder
from editor.paths import APP_ID, ICON_SIZES, icon_path, resource
from editor.ui import theme
from editor.ui.settings import APPLICATION, ORGANIZATION, Settings

SCREENSHOT_SIZE = (1400, 900)


def create_app(argv: list[str] | None = None, scheme: str = "system") -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication([sys.argv[0] if sys.argv else "corpus-editor", *(argv or [])])
        app.setApplicationDisplayName("Corpus Editor")
        app.setDesktopFileName(APP_ID)  # editor/resources/desktop/APP_ID.desktop
        app.setWindowIcon(application_icon())
    theme.apply_theme(app, scheme)
    return app


def application_icon() -> QIcon:
    """The application icon at every size it ships in (PNGs: no SVG icon plugin needed)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_path(size)), QSize(size, size))
    return icon


# Qt's offscreen platform (screenshots, CI) cannot pass a window's size limits to a window system it does
# not have, and says so on every start; that is the platform, not a problem of the program
_OFFSCREEN_NOTICES = ("This plugin does not support propagateSizeHints()",)


def quiet_offscreen_platform() -> None:
    """On the offscreen platform, drop its notice about unsupported window features; every other message
    goes on to stderr as before."""
    if QGuiApplication.platformName() != "offscreen":
        return
    previous = None

    def handler(mode: QtMsgType, context, message: str) -> None:
        if message in _OFFSCREEN_NOTICES:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")  # as Qt's own handler would

    previous = qInstallMessageHandler(handler)


def sample_corpus_dir() -> Path:
    """Where the writable copy of the sample corpus lives (it may not exist yet)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APPLICATION)) / "sample-corpus"


def sample_corpus_copy() -> Path:
    """A writable copy of the bundled sample corpus in the user's data folder (made on first use)."""
    target = sample_corpus_dir()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(resource("sample-corpus"), target)
    return target


def resolve_start(path: str | None, settings: Settings) -> tuple[str, str | None]:
    """(corpus root, article to open or None) for `corpus-editor [PATH]`."""
    if path:
        p = Path(path).expanduser().absolute()
        if p.is_dir():
            return str(corpus_folder(p)), None
        if p.is_file():
            return str(corpus_folder(p)), str(p)
        raise FileNotFoundError(f"{path}: no such file or folder")
    last = settings.last_corpus()
    if last:
        return last, None
    return str(sample_corpus_copy()), None


def wait_until(condition, timeout_s: float) -> bool:
    """Process events until `condition()` holds or the time runs out."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            return False
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return True


def take_screenshot(window, filename: str, timeout_s: float = 600.0, size: tuple[int, int] | None = None) -> bool:
    """Wait for the index and the first article, render the window at `size` (default 1400x900) with the
    panes a first start gives that size, and save it as PNG."""
    size = size or SCREENSHOT_SIZE
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(*size)
    window.default_pane_sizes(QSize(*size))
    window.show()
    source = window.source
    wait_until(lambda: source is None or not source.refreshing, timeout_s)
    wait_until(lambda: window.session is not None or not window.corpus_panel.first_article(), 10)
    window.body_panel.render_preview()
    wait_until(lambda: not window.body_panel.preview_pending(), 5)
    QApplication.processEvents()
    window.resize(*size)
    QApplication.processEvents()
    image = window.grab()
    os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
    return image.save(filename, "PNG")


def dispose(*widgets) -> None:
    """Close and delete windows while the application still runs, so nothing Qt-owned is left for the
    interpreter's final garbage collection (where PySide objects can die in the wrong order)."""
    import gc

    for widget in widgets:
        if widget is not None:
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, 0)
    QApplication.processEvents()
    gc.collect()
