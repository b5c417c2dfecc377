"""PreviewBrowser: a QTextBrowser that renders the article and never fetches, opens or runs anything.

QTextBrowser runs no scripts. What it would load (images, style sheets, CSS `url()`s, `background`
images) it asks `loadResource` for, and when that answers nothing, Qt reads the file itself: a local path,
`file:` URL or relative name in an article would be read from disk (a FIFO there would hang the window,
`/dev/zero` exhaust its memory). So nothing is left for Qt to fall back to:

- before the HTML reaches Qt, every `<img src>` that is not an inline `data:` image is replaced by a
  placeholder name (Qt's image handler opens an image's name as a file when its resource is empty);
- `loadResource` answers every request itself: an inline `data:` image is decoded in memory, anything
  else gets a placeholder image or an empty style sheet, never a file; remote URLs get nothing (Qt has
  no network access to fall back to);
- `setSource` and `setSearchPaths` are disabled: the preview has no folder to resolve names in.

`blocked` lists the references refused, for the tests and the curious.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from editor.ui import theme

_EXTERNAL = ("http", "https", "mailto")
_REMOTE = ("http", "https", "ftp")
PLACEHOLDER = "corpus-editor:blocked-image"
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""(\ssrc\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_SIZE = re.compile(r"""\s(?:width|height)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^data:image/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*?(;base64)?,", re.IGNORECASE)
MAX_INLINE_IMAGE = 8 << 20  # bytes of a decoded data: image


def _placeholder_image() -> QImage:
    image = QImage(18, 14, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setPen(QPen(QColor(128, 128, 128, 180), 1))
    painter.drawRect(0, 0, 17, 13)
    painter.drawLine(3, 10, 7, 5)
    painter.drawLine(7, 5, 10, 8)
    painter.drawLine(10, 8, 14, 4)
    painter.end()
    return image


def inline_image(url: str) -> QImage | None:
    """The image of a `data:image/...` URL, decoded in memory; None if it is not one or does not decode."""
    match = _DATA_IMAGE.match(url)
    if match is None:
        return None
    payload = url[match.end():]
    try:
        if match.group(2):
            data = base64.b64decode(payload.strip(), validate=False)
        else:
            data = urllib.parse.unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    if not data or len(data) > MAX_INLINE_IMAGE:
        return None
    image = QImage.fromData(QByteArray(data))
    return None if image.isNull() else image


def _unquote(value: str) -> str:
    return value[1:-1] if value[:1] in ('"', "'") and value[-1:] == value[:1] else value


class PreviewBrowser(QTextBrowser):
    fact_clicked = Signal(int)  # index in atomic_facts
    link_opened = Signal(QUrl)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setAccessibleName("Preview")
        self.document().setDocumentMargin(14)
        self.document().setDefaultStyleSheet(theme.PREVIEW_CSS)
        self.anchorClicked.connect(self._on_anchor)
        self.open_url = QDesktopServices.openUrl  # replaced in tests
        self.blocked: list[str] = []
        self._placeholder = _placeholder_image()

    # -- what reaches Qt -----------------------------------------------------------------------------
    def setHtml(self, html: str) -> None:
        super().setHtml(self.safe_html(html))

    def safe_html(self, html: str) -> str:
        """`html` with every `<img src>` that is not an inline image replaced by the placeholder."""
        def tag(match: re.Match) -> str:
            blocked = []

            def src(attr: re.Match) -> str:
                value = _unquote(attr.group(2)).strip()
                if _DATA_IMAGE.match(value) or value == PLACEHOLDER:
                    return attr.group(0)
                self._block(value)
                blocked.append(value)
                return f'{attr.group(1)}"{PLACEHOLDER}"'
            new = _SRC.sub(src, match.group(0))
            # the placeholder keeps its own small size: stretched to the picture's, it would be a blur
            return _SIZE.sub("", new) if blocked else new
        return _IMG_TAG.sub(tag, html)

    def _block(self, reference: str) -> None:
        self.blocked.append(reference)
        if len(self.blocked) > 1000:  # a long session renders many previews: keep the recent ones
            del self.blocked[:500]

    def loadResource(self, kind: int, url: QUrl):
        """Every resource the document asks for, answered here without touching a file or the network."""
        text = url.toString()
        if kind == QTextDocument.ResourceType.ImageResource.value:
            image = inline_image(text) if url.scheme().lower() == "data" else None
            if image is not None:
                return image
        if text != PLACEHOLDER:
            self._block(text)
        if url.scheme().lower() in _REMOTE:
            return None  # refused: Qt's own fallback reads only local files, and a remote URL is none
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return self._placeholder
        if kind in (QTextDocument.ResourceType.StyleSheetResource.value, QTextDocument.ResourceType.HtmlResource.value,
                    QTextDocument.ResourceType.MarkdownResource.value):
            return ""
        return QByteArray(b" ")

    def setSource(self, name, type=None) -> None:  # Qt's names
        """The preview shows only what it is given: it never loads a document from a URL or a file."""
        if isinstance(name, QUrl) and name.hasFragment() and not name.path():
            self.scrollToAnchor(name.fragment())

    def setSearchPaths(self, paths) -> None:
        """No folders to look names up in: names are never resolved to files."""

    # -- behaviour -------------------------------------------------------------------------------------
    def focusNextPrevChild(self, next_child: bool) -> bool:
        # Tab leaves the preview instead of walking every link in it (dozens in a long article: a trap)
        return QWidget.focusNextPrevChild(self, next_child)

    def _on_anchor(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "fact":
            if url.path().isdigit():
                self.fact_clicked.emit(int(url.path()))
        elif scheme in _EXTERNAL:
            self.link_opened.emit(url)
            self.open_url(url)
        elif not scheme and url.hasFragment():
            self.scrollToAnchor(url.fragment())
