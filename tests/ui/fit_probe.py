"""Start the window as a user's first run would, on a virtual screen of a given size, and report what
fits as JSON (run by test_first_run.py in its own process: the screen size is fixed at start-up).

    python tests/ui/fit_probe.py WIDTHxHEIGHT [--remembered X,Y,W,H] [--shot FILE.png]

The environment must point HOME and the XDG folders at a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("screen")
    parser.add_argument("--remembered", help="a geometry saved by an earlier run, X,Y,W,H")
    parser.add_argument("--shot")
    args = parser.parse_args()
    width, height = (int(n) for n in args.screen.split("x"))
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "probe", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"

    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QApplication, QWidget

    from editor.ui.app import create_app, dispose, quiet_offscreen_platform, resolve_start, wait_until
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings

    create_app([])
    quiet_offscreen_platform()
    settings = Settings()
    if args.remembered:
        x, y, w, h = (int(n) for n in args.remembered.split(","))
        earlier = MainWindow(settings)
        earlier.setGeometry(QRect(x, y, w, h))
        earlier.save_settings()
        dispose(earlier)
    root, article = resolve_start(None, settings)  # the first run: the sample corpus copy
    window = MainWindow(settings)
    window.show()
    window.open_corpus(root, article)
    wait_until(lambda: window.source is not None and not window.source.refreshing, 60)
    wait_until(lambda: window.session is not None, 10)
    for _ in range(10):
        QApplication.processEvents()

    def rect(r: QRect) -> list[int]:
        return [r.x(), r.y(), r.width(), r.height()]

    def in_window(widget) -> list[int]:
        return rect(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))

    dates = {}
    for editor in window.form.findChildren(QWidget):
        spec = getattr(editor, "spec", None)
        if getattr(spec, "widget", None) != "date" or not hasattr(editor, "edit") or not editor.isVisible():
            continue
        edit = editor.edit
        edit.end(False)  # a text wider than its box scrolls: its start then lies left of the box
        first_shown = edit.cursorPositionAt(QPoint(1, edit.height() // 2))
        dates[editor.spec.name] = {"text": edit.text(), "first_shown": first_shown}
    panes = {"corpus list": window.corpus_panel, "form": window.form, "problems": window.problems_panel,
             "body": window.body_panel.editor, "outline": window.body_panel.outline,
             "preview": window.body_panel.preview, "status bar": window.statusBar()}
    report = {
        "available": rect(window.screen().availableGeometry()),
        "frame": rect(window.frameGeometry()),
        "window": [0, 0, window.width(), window.height()],
        "panes": {name: in_window(w) for name, w in panes.items()},
        "visible": {name: w.isVisible() for name, w in panes.items()},
        "minimum": {name: [w.minimumSizeHint().width(), w.minimumSizeHint().height()] for name, w in panes.items()},
        "dates": dates,
    }
    if args.shot:
        window.grab().save(args.shot)
    dispose(window)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
