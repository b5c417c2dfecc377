"""MarkdownEditor: the plain-text editor for the body (or, in raw mode, the whole file).

Its own undo is off: undo and redo belong to the article session's history, so the window's Ctrl+Z
reaches them even while this widget has the focus. For the whole file (raw mode) it shows line numbers
in a gutter and marks the line of the error.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QTextCursor, QTextFormat, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from editor.core.document.edits import text_diff
from editor.ui import theme


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@contextlib.contextmanager
def view_kept(editor: QPlainTextEdit):
    """Keep an editor's selection and scroll position across a change of its text made elsewhere (a
    reload from disk): positions before the changed stretch stay, positions after it move with it."""
    before = editor.toPlainText()
    cursor = editor.textCursor()
    anchor, position = cursor.anchor(), cursor.position()
    vertical, horizontal = editor.verticalScrollBar().value(), editor.horizontalScrollBar().value()
    try:
        yield
    finally:
        after = editor.toPlainText()
        edit = text_diff(before, after)
        if edit is not None:
            # Qt counts positions in UTF-16 code units
            start = utf16_len(before[: edit.offset])
            end_before, end_after = start + utf16_len(edit.old), start + utf16_len(edit.new)
            length = utf16_len(after)

            def moved(pos: int) -> int:
                if pos <= start:
                    return pos
                if pos >= end_before:
                    return pos + end_after - end_before
                return min(pos, end_after)

            kept = editor.textCursor()
            kept.setPosition(min(moved(anchor), length))
            kept.setPosition(min(moved(position), length), QTextCursor.MoveMode.KeepAnchor)
            editor.setTextCursor(kept)
        editor.verticalScrollBar().setValue(vertical)
        editor.horizontalScrollBar().setValue(horizontal)


class LineNumbers(QWidget):
    """The gutter of a MarkdownEditor: the number of every line of the file, the error line marked."""

    def __init__(self, editor: MarkdownEditor):
        super().__init__(editor)
        self.editor = editor
        self.setAccessibleName("Line numbers")

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_gutter(self, event.rect())


class MarkdownEditor(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.gutter = LineNumbers(self)
        self.gutter.hide()
        self.error_line: int | None = None  # 1-based line marked as the error (raw mode)
        self.first_line = 1  # the number shown for the first line
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = theme.monospace_font()
        font.setPointSizeF(max(self.font().pointSizeF(), 10))
        self.setFont(font)
        self.document().setDocumentMargin(8)
        self.setAccessibleName("Markdown body")

    # -- line numbers -------------------------------------------------------------------------------
    def set_line_numbers(self, shown: bool, first_line: int = 1) -> None:
        self.first_line = first_line
        self.gutter.setVisible(shown)
        self._fit_gutter()
        self.gutter.update()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount() + self.first_line - 1)))
        return 14 + self.fontMetrics().horizontalAdvance("9") * max(3, digits)

    def _fit_gutter(self, *_args) -> None:
        self.setViewportMargins(self.gutter_width() if self.gutter.isVisibleTo(self) else 0, 0, 0, 0)
        self._place_gutter()

    def _place_gutter(self) -> None:
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def _scroll_gutter(self, rect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_gutter()

    def paint_gutter(self, gutter: QWidget, rect) -> None:
        painter = QPainter(gutter)
        palette = self.palette()
        painter.fillRect(rect, palette.alternateBase())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        muted = theme.muted_color()
        while block.isValid() and top <= rect.bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= rect.top():
                number = block.blockNumber() + self.first_line
                font = painter.font()
                if number == self.error_line:
                    painter.fillRect(QRect(0, top, gutter.width(), bottom - top), theme.error_color())
                    painter.setPen(QColor("white"))
                    font.setBold(True)
                else:
                    painter.setPen(muted)
                    font.setBold(False)
                painter.setFont(font)
                painter.drawText(0, top, gutter.width() - 6, height, Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom
        painter.end()

    def set_error_line(self, line: int | None) -> None:
        """Mark a 1-based line of the file (raw mode's error), or none."""
        self.error_line = line
        selections = []
        if line is not None:
            block = self.document().findBlockByNumber(line - self.first_line)
            if block.isValid():
                selection = QTextEdit.ExtraSelection()
                background, _ = theme.banner_colors()
                selection.format.setBackground(background)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                cursor = QTextCursor(block)
                cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor  # every wrapped row of the line, not only its first
                selections.append(selection)
        self.setExtraSelections(selections)
        self.gutter.update()

    def event(self, e: QEvent) -> bool:
        # let the window's undo/redo shortcuts through (QPlainTextEdit would claim them)
        if e.type() == QEvent.Type.ShortcutOverride and (
                e.matches(QKeySequence.StandardKey.Undo) or e.matches(QKeySequence.StandardKey.Redo)
                or (e.key() == Qt.Key.Key_Z and e.modifiers() & Qt.KeyboardModifier.ControlModifier)):
            e.ignore()
            return False
        return super().event(e)

    def replace_text_minimally(self, new: str) -> None:
        """Change the text to `new` by replacing only the differing middle, keeping cursor and scroll."""
        old = self.toPlainText()
        edit = text_diff(old, new)
        if edit is None:
            return
        u_start = utf16_len(old[: edit.offset])
        u_end = u_start + utf16_len(edit.old)
        cursor = QTextCursor(self.document())
        cursor.setPosition(u_start)
        cursor.setPosition(u_end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(edit.new)
        # put the caret at the end of the change so the user sees what undo/redo did
        caret = self.textCursor()
        caret.setPosition(u_start + utf16_len(edit.new))
        self.setTextCursor(caret)

    def go_to_line(self, line: int) -> None:
        """Move the caret to a 1-based line of this editor's text and show it."""
        block = self.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = self.textCursor()
        cursor.setPosition(block.position())
        self.setTextCursor(cursor)
        self.centerCursor()
