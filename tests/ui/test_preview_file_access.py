"""The preview touches no file and no device, whatever the article's HTML and Markdown point at.

A real window process renders an article full of local references (absolute paths, `file:` URLs in
every spelling, relative names, a FIFO that would block whoever opens it, `/dev/zero` that would fill
memory, an unreadable file) in `<img>`, `<link>`, CSS `url()` and `background`. Nothing may be opened:
Python's audit hook sees the process's own `open` calls, and inotify on the folder sees any open by Qt's
C++ code; a FIFO opened by mistake would hang the child, `/dev/zero` exhaust it. The child must finish
in seconds and draw the inline `data:` image it was given.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from editor.ui.body.preview import PLACEHOLDER, PreviewBrowser

ROOT = Path(__file__).resolve().parents[2]
IN_OPEN, IN_ACCESS = 0x20, 0x01


def _png(width: int = 2, height: int = 2) -> bytes:
    """A small red PNG, built by hand (no file, no Qt)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = base64.b64encode(_png()).decode()

CHILD = textwrap.dedent("""
    import json, os, sys, time
    sys.path.insert(0, sys.argv[1])
    folder = sys.argv[2]
    opened = []
    recording = [False]

    def hook(event, args):
        if recording[0] and event == "open" and args and isinstance(args[0], (str, bytes)):
            path = os.fsdecode(args[0])
            if path.startswith(folder) or not os.path.isabs(path) or path.startswith("/dev"):
                opened.append(path)

    sys.addaudithook(hook)
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from editor.core.document.article import ArticleDocument
    from editor.ui.body.panel import BodyPanel
    from editor.ui.session import ArticleSession
    os.chdir(folder)  # relative names would be resolved here
    session = ArticleSession(os.path.join(folder, "article.md"))
    panel = BodyPanel()
    panel.resize(900, 900)
    panel.show()
    app.processEvents()
    recording[0] = True
    started = time.perf_counter()
    panel.set_session(session)
    panel.render_preview()
    panel.preview.grab()  # layout and paint: every image is asked for now
    app.processEvents()
    seconds = time.perf_counter() - started
    recording[0] = False
    html = panel.preview.toHtml()
    print(json.dumps({"opened": opened, "seconds": seconds, "blocked": panel.preview.blocked,
                      "inline_drawn": "data:image/png" in html}), flush=True)
""")


def _hostile_article(folder: Path) -> Path:
    secret = folder / "secret.png"
    secret.write_bytes(b"\x89PNG not really")
    (folder / "style.css").write_text("p { color: red; }")
    unreadable = folder / "unreadable.png"
    unreadable.write_bytes(b"x")
    unreadable.chmod(0)
    os.mkfifo(folder / "fifo.png")
    os.mkfifo(folder / "fifo.css")
    os.symlink("/dev/zero", folder / "zero.png")
    s = str(secret)
    refs = [s, f"file://{s}", f"FILE://{s}", f"file:{s}", f"File:///{s.lstrip('/')}", "secret.png", "./secret.png",
            "fifo.png", str(folder / "fifo.png"), f"file://{folder / 'fifo.png'}", "/dev/zero", "zero.png",
            "unreadable.png", "../" + folder.name + "/secret.png"]
    body = ["## TL;DR", "", "Pictures everywhere.", ""]
    body += [f'<p><img src="{ref}" alt="img {n}"></p>' for n, ref in enumerate(refs)]
    body += [f"![markdown {n}]({ref})" for n, ref in enumerate([*refs[:6], "fifo.png", "zero.png"])]
    body += [
        f'<link rel="stylesheet" type="text/css" href="{folder / "style.css"}">',
        '<link rel="stylesheet" type="text/css" href="fifo.css">',
        '<link rel="stylesheet" type="text/css" href="file:///dev/zero">',
        f'<p style="background-image: url({s})">css url</p>',
        "<style>body { background-image: url('fifo.png'); } h2 { background-image: url(/dev/zero); }</style>",
        f'<table background="{s}"><tr><td background="fifo.png">cell</td></tr></table>',
        f'<p><img src="data:image/png;base64,{PNG}" alt="inline"></p>',
    ]
    article = folder / "article.md"
    article.write_text("---\ntitle: Hostile pictures\n---\n" + "\n".join(body) + "\n")
    return article


class _Inotify:
    """Opens and reads of anything in one folder, seen by the kernel (so Qt's C++ opens count too)."""

    def __init__(self, folder: Path):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self.fd >= 0, os.strerror(ctypes.get_errno())
        assert self.libc.inotify_add_watch(self.fd, os.fsencode(folder), IN_OPEN | IN_ACCESS) >= 0

    def names(self) -> list[str]:
        found = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return found
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, size = struct.unpack_from("iIII", data, offset)
                name = data[offset + 16 : offset + 16 + size].rstrip(b"\0").decode()
                found.append(name or ".")
                offset += 16 + size

    def close(self) -> None:
        os.close(self.fd)


@pytest.mark.timeout(60)
def test_preview_opens_no_file_and_no_device(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    article = _hostile_article(folder)
    watch = _Inotify(folder)
    try:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        result = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(folder)], capture_output=True,
                                text=True, timeout=45, env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        seen = watch.names()
    finally:
        watch.close()
    # the article itself is read once by the session; nothing else in the folder, by Python or by Qt
    assert [name for name in seen if name not in ("article.md", ".")] == []
    assert [p for p in report["opened"] if not p.endswith("article.md")] == []
    assert report["seconds"] < 5
    assert report["inline_drawn"]
    for ref in ("secret.png", "fifo.png", "/dev/zero", "zero.png", "unreadable.png", f"FILE://{folder}/secret.png",
                "fifo.css"):
        assert any(ref in blocked for blocked in report["blocked"]), ref
    assert article.exists()


def test_every_resource_is_answered_without_qt_falling_back(qtbot, tmp_path):
    browser = PreviewBrowser()
    qtbot.addWidget(browser)
    image = QTextDocument.ResourceType.ImageResource.value
    sheet = QTextDocument.ResourceType.StyleSheetResource.value
    for name in (str(tmp_path / "x.png"), "file:///etc/passwd", "FILE:///etc/passwd", "file:/etc/passwd",
                 "relative.png", "/dev/zero", "qrc:/x.png", "weird:thing"):
        answer = browser.loadResource(image, QUrl(name))
        assert isinstance(answer, QImage) and not answer.isNull(), name  # a placeholder: never None
        assert browser.loadResource(sheet, QUrl(name)) == "", name
    inline = browser.loadResource(image, QUrl(f"data:image/png;base64,{PNG}"))
    assert isinstance(inline, QImage) and inline.width() == 2
    broken = browser.loadResource(image, QUrl("data:image/png;base64,AAAA"))
    assert isinstance(broken, QImage) and not broken.isNull()  # undecodable: the placeholder


def test_img_sources_are_replaced_before_qt_sees_them(qtbot):
    browser = PreviewBrowser()
    qtbot.addWidget(browser)
    html = browser.safe_html(f"""<img src="/etc/passwd"><IMG alt='x' SRC='file:///etc/passwd'>
        <img src=relative.png><img src="data:image/png;base64,{PNG}"><p>src="/etc/passwd" stays text</p>""")
    assert html.count(PLACEHOLDER) == 3
    assert "/etc/passwd\" stays text" in html and f"base64,{PNG}" in html
    assert "/etc/passwd" in browser.blocked and "relative.png" in browser.blocked
    browser.setSource(QUrl.fromLocalFile("/etc/passwd"))
    browser.setSearchPaths(["/etc"])
    assert browser.searchPaths() == [] and browser.toPlainText() == ""
