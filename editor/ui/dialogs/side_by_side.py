"""Two texts side by side with their changed lines marked (your text and the file on disk)."""

from __future__ import annotations

import difflib

from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from editor.ui import theme


class SideBySideView(QWidget):
    """Two read-only texts, changed lines marked, scrolling together."""

    def __init__(self, parent: QWidget | None = None, left_title: str = "Your unsaved text",
                 right_title: str = "The file on disk"):
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.left, self.right = QPlainTextEdit(), QPlainTextEdit()
        for view, name in ((self.left, left_title), (self.right, right_title)):
            view.setReadOnly(True)
            view.setFont(font)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            view.setAccessibleName(name)
        self.changed_left: list[int] = []
        self.changed_right: list[int] = []
        self.left.verticalScrollBar().valueChanged.connect(self.right.verticalScrollBar().setValue)
        self.right.verticalScrollBar().valueChanged.connect(self.left.verticalScrollBar().setValue)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"<b>{left_title}</b>"), 0, 0)
        layout.addWidget(QLabel(f"<b>{right_title}</b>"), 0, 1)
        layout.addWidget(self.left, 1, 0)
        layout.addWidget(self.right, 1, 1)

    def set_texts(self, mine: str, theirs: str) -> None:
        keep = self.left.verticalScrollBar().value()
        first_time = not self.left.toPlainText() and not self.right.toPlainText()
        self.left.setPlainText(mine)
        self.right.setPlainText(theirs)
        self.changed_left, self.changed_right = _changed_lines(mine, theirs)
        dark = theme.is_dark()
        self._mark(self.left, self.changed_left, "#4a2326" if dark else "#fdecea")
        self._mark(self.right, self.changed_right, "#1f3d25" if dark else "#e6f4ea")
        if first_time:
            first = min(self.changed_left or [0])
            self.left.setTextCursor(QTextCursor(self.left.document().findBlockByNumber(first)))
            self.left.centerCursor()
        else:
            self.left.verticalScrollBar().setValue(keep)

    @staticmethod
    def _mark(view: QPlainTextEdit, lines: list[int], colour: str) -> None:
        selections = []
        for number in lines:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(colour))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(view.document().findBlockByNumber(number))
            selections.append(selection)
        view.setExtraSelections(selections)


class SideBySideDialog(QDialog):
    """Two texts side by side, changed lines marked, scrolling together. Read-only."""

    def __init__(self, mine: str, theirs: str, title: str = "Compare", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.view = SideBySideView(self)
        self.view.set_texts(mine, theirs)
        self.left, self.right = self.view.left, self.view.right
        self.changed_left, self.changed_right = self.view.changed_left, self.view.changed_right
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(1200, 700)


def _changed_lines(left: str, right: str) -> tuple[list[int], list[int]]:
    """0-based numbers of the lines that differ, on each side."""
    a, b = left.splitlines(), right.splitlines()
    changed_a: list[int] = []
    changed_b: list[int] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed_a.extend(range(i1, i2))
            changed_b.extend(range(j1, j2))
    return changed_a, changed_b
