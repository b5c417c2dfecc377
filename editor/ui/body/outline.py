"""The outline of the body's headings: a short list, activated to jump to a heading."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from editor.ui.body.render import headings

LINE_ROLE = Qt.ItemDataRole.UserRole + 1


class OutlineView(QListWidget):
    heading_activated = Signal(int, str)  # 0-based line in the editor, heading text

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Outline of headings")
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._last: list[tuple[int, str, int]] = []
        self.itemActivated.connect(self._activate)
        self.itemClicked.connect(self._activate)

    def set_body(self, body: str) -> None:
        found = headings(body)
        if found == self._last:
            return
        self._last = found
        self.clear()
        for level, text, line in found:
            item = QListWidgetItem("    " * (level - 1) + text)
            item.setData(LINE_ROLE, line)
            item.setToolTip(f"{text} (line {line + 1})")
            self.addItem(item)

    def _activate(self, item: QListWidgetItem) -> None:
        self.heading_activated.emit(int(item.data(LINE_ROLE)), item.text().strip())
