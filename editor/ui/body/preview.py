"""PreviewBrowser: a QTextBrowser that renders the article and never fetches or runs anything.

QTextBrowser runs no scripts. Remote resources (images, style sheets) are refused in loadResource, so
opening an article never touches the network; links open in the system browser only when clicked.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from editor.ui import theme

_EXTERNAL = ("http", "https", "mailto")


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

    def loadResource(self, kind: int, url: QUrl):
        if url.scheme().lower() in ("http", "https", "ftp", "file") or (url.isRelative() and url.path()):
            self.blocked.append(url.toString())
            return None
        return super().loadResource(kind, url)

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
