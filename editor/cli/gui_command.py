"""`corpus-editor [PATH] [--screenshot FILE.png [--size WxH]] [--theme system|light|dark]`: the editor window."""

from __future__ import annotations

import argparse
import os
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corpus-editor", description="Open the corpus editor window.")
    parser.add_argument("path", nargs="?", help="a corpus folder or one article (default: the last corpus)")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="load everything, save the window (1400x900, or --size) as a PNG and exit")
    parser.add_argument("--size", metavar="WxH", type=_size, default=None,
                        help="with --screenshot: the window's size, e.g. 1280x720")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system",
                        help="palette (default: follow the system)")
    return parser


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT (e.g. 1280x720)") from None
    if not (320 <= width <= 10000 and 240 <= height <= 10000):
        raise argparse.ArgumentTypeError(f"{text!r}: a window between 320x240 and 10000x10000")
    return width, height


def run_gui(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.size and not args.screenshot:
        parser.error("--size goes with --screenshot")
    if args.screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from editor.ui.app import create_app, dispose, quiet_offscreen_platform, resolve_start, take_screenshot
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings

    app = create_app([], args.theme)
    quiet_offscreen_platform()
    settings = Settings()
    try:
        root, article = resolve_start(args.path, settings)
    except (FileNotFoundError, OSError) as exc:
        print(f"corpus-editor: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(settings, remember=not args.screenshot)
    if args.screenshot:
        window.ask_unsaved = lambda _session: "discard"  # a screenshot edits nothing and never asks
    if not args.screenshot:
        # after a crash: offer the journaled unsaved edits; the first restored article opens
        article = window.sync_hub.offer_recovery(window, root) or article
    window.open_corpus(root, open_path=article)
    if args.screenshot:
        ok = take_screenshot(window, args.screenshot, size=args.size)
        dispose(window)
        if not ok:
            print(f"corpus-editor: could not write {args.screenshot}", file=sys.stderr)
            return 1
        return 0
    window.show()
    code = app.exec()
    dispose(window)
    return code
