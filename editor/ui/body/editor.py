"""MarkdownEditor: the plain-text editor for the body (or, in raw mode, the whole file).

Its own undo is off: undo and redo belong to the article session's QUndoStack, so the window's
Ctrl+Z reaches them even while this widget has the focus.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit

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


class MarkdownEditor(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = theme.monospace_font()
        font.setPointSizeF(max(self.font().pointSizeF(), 10))
        self.setFont(font)
        self.document().setDocumentMargin(8)
        self.setAccessibleName("Markdown body")

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
