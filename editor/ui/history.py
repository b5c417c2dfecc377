"""One undo history per open article, the corpus-wide steps beside it, and what Ctrl+Z reaches.

Every change the user makes to an article (form, body, raw text, a merge, a conversion, a clash
choice) is one step of that article's `HistoryStack`, whatever widget has the focus. Batch actions on
files (the bump) are steps of the window's corpus stack. The rule for Undo and Redo (`UndoRouter`):

- a text input that holds typing of its own (a form field not yet written, the search box...) gets
  Ctrl+Z first, until it has nothing left to undo; form fields forget their typing once it is written
  into the article, so Ctrl+Z then reaches the article;
- otherwise Undo undoes the current article's last step; from the corpus list it undoes the last
  corpus-wide step instead when that is the most recent thing done in the window (Redo: the most
  recently undone). The Edit menu names the step ("Undo Set title", "Undo Bump last_verified on 2
  articles").

Each stack stamps its steps with one window-wide clock, so "most recent" is a comparison of numbers.
"""

from __future__ import annotations

import contextlib
import itertools
import weakref

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_clock = itertools.count(1)
_stacks: weakref.WeakSet = weakref.WeakSet()


class HistoryStack(QUndoStack):
    """A QUndoStack that remembers when each of its steps was done (or undone), on one shared clock."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._done: list[int] = []  # one stamp per step below the index
        self._undone: list[int] = []  # one stamp per step above it, the next redo last
        self._quiet = 0
        self._macro = 0
        self.indexChanged.connect(self._moved)
        _stacks.add(self)

    def push(self, command) -> None:
        self._quiet += 1
        try:
            super().push(command)
        finally:
            self._quiet -= 1
        if not self._macro:
            self._did()

    def beginMacro(self, text: str) -> None:
        self._macro += 1
        super().beginMacro(text)

    def endMacro(self) -> None:
        self._quiet += 1
        try:
            super().endMacro()
        finally:
            self._quiet -= 1
            self._macro -= 1
        if not self._macro:
            self._did()

    def _did(self) -> None:
        """A step was pushed (or merged into the last one, as typing is): it is the latest action."""
        index = self.index()
        del self._done[index:]
        while len(self._done) < index:
            self._done.append(next(_clock))
        if self._done:
            self._done[-1] = next(_clock)
        self._undone.clear()

    def _moved(self, index: int) -> None:
        if self._quiet:
            return
        if self.count() == 0:
            self._done.clear()
            self._undone.clear()
            return
        while len(self._done) > index:  # undone
            self._done.pop()
            self._undone.append(next(_clock))
        while len(self._done) < index:  # redone
            if self._undone:
                self._undone.pop()
            self._done.append(next(_clock))
        del self._undone[: max(0, len(self._undone) - (self.count() - index))]

    def last_done(self) -> int:
        """When the step Undo would undo was done (0: nothing to undo)."""
        return self._done[-1] if self._done and self.canUndo() else 0

    def last_undone(self) -> int:
        """When the step Redo would redo was undone (0: nothing to redo)."""
        return self._undone[-1] if self._undone and self.canRedo() else 0


def _latest(stamp, exclude: QUndoStack | None) -> int:
    latest = 0
    for stack in list(_stacks):
        if stack is exclude:
            continue
        try:
            latest = max(latest, stamp(stack))
        except RuntimeError:  # the stack of a closed article, already deleted
            _stacks.discard(stack)
    return latest


def latest_done(exclude: QUndoStack | None = None) -> int:
    """The stamp of the most recent step done (and not undone) in any history but `exclude`."""
    return _latest(HistoryStack.last_done, exclude)


def latest_undone(exclude: QUndoStack | None = None) -> int:
    return _latest(HistoryStack.last_undone, exclude)


# -- text inputs with a history of their own -----------------------------------------------------------

def _line_edit(widget: QWidget | None) -> QLineEdit | None:
    if isinstance(widget, QLineEdit):
        return widget
    if isinstance(widget, (QComboBox, QAbstractSpinBox)):
        return widget.lineEdit()
    return None


def holds_typing(widget: QWidget | None, redo: bool = False) -> bool:
    """Does this text input have typing of its own to undo (redo)?"""
    line = _line_edit(widget)
    if line is not None:
        if line.isReadOnly():
            return False
        return line.isRedoAvailable() if redo else line.isUndoAvailable()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        if widget.isReadOnly() or not widget.isUndoRedoEnabled():
            return False
        document = widget.document()
        return document.isRedoAvailable() if redo else document.isUndoAvailable()
    return False


def undo_typing(widget: QWidget, redo: bool = False) -> None:
    line = _line_edit(widget)
    target = line if line is not None else widget
    if redo:
        target.redo()
    else:
        target.undo()


def forget_typing(widget: QWidget | None) -> None:
    """The input now shows the article's value: its own undo history goes (Ctrl+Z then reaches the
    article's history, never an older private copy of the text). Cursor and selection are kept."""
    line = _line_edit(widget)
    if line is not None:
        if not (line.isUndoAvailable() or line.isRedoAvailable()):
            return
        position, start, length = line.cursorPosition(), line.selectionStart(), len(line.selectedText())
        blocked = line.blockSignals(True)
        try:
            line.setText(line.text())  # setText drops QLineEdit's undo history
            if start >= 0 and length:
                line.setSelection(start, length) if position == start + length else line.setSelection(
                    start + length, -length)
            else:
                line.setCursorPosition(position)
        finally:
            line.blockSignals(blocked)
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        widget.document().clearUndoRedoStacks()


def _is_undo_key(event) -> str | None:
    if event.matches(QKeySequence.StandardKey.Undo):
        return "undo"
    if event.matches(QKeySequence.StandardKey.Redo) or QKeySequence(event.keyCombination()) in (
            QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")):
        return "redo"
    return None


class UndoRouter(QObject):
    """Chooses what the window's Undo and Redo act on (see the module's rule) and keeps their text.

    `group` (a QUndoGroup) holds every stack, its active stack the one Undo acts on now, for callers
    that undo through the group. `corpus_area` is the corpus list's panel."""

    def __init__(self, window: QWidget, group: QUndoGroup, corpus_stack: HistoryStack, undo: QAction,
                 redo: QAction, corpus_area: QWidget | None = None):
        super().__init__(window)
        self.window = window
        self.group = group
        self.corpus_stack = corpus_stack
        self.corpus_area = corpus_area
        self.undo_action, self.redo_action = undo, redo
        self.article: HistoryStack | None = None
        group.addStack(corpus_stack)
        corpus_stack.indexChanged.connect(self.update)
        corpus_stack.cleanChanged.connect(self.update)
        undo.triggered.connect(lambda: self.trigger(False))
        redo.triggered.connect(lambda: self.trigger(True))
        self._app = QApplication.instance()
        if self._app is not None:
            self._app.focusChanged.connect(self._focus_changed)
            self._app.installEventFilter(self)
        window.destroyed.connect(self.close)
        self.update()

    def close(self) -> None:
        if self._app is not None:
            app, self._app = self._app, None
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusChanged.disconnect(self._focus_changed)
            with contextlib.suppress(RuntimeError):
                app.removeEventFilter(self)

    # -- the stacks ----------------------------------------------------------------------------------
    def add_stack(self, stack: HistoryStack) -> None:
        if stack not in self.group.stacks():
            self.group.addStack(stack)
            stack.indexChanged.connect(self.update)

    def remove_stack(self, stack: HistoryStack) -> None:
        if stack is self.article:
            self.set_article(None)
        if stack in self.group.stacks():
            self.group.removeStack(stack)
            stack.indexChanged.disconnect(self.update)

    def set_article(self, stack: HistoryStack | None) -> None:
        """The history of the article on screen (None: no article)."""
        if stack is not None:
            self.add_stack(stack)
        self.article = stack
        self.update()

    def _in_corpus_list(self) -> bool:
        focus = QApplication.focusWidget()
        area = self.corpus_area
        return area is not None and focus is not None and (focus is area or area.isAncestorOf(focus))

    def undo_target(self) -> QUndoStack | None:
        article, corpus = self.article, self.corpus_stack
        if self._in_corpus_list() and corpus.canUndo() and corpus.last_done() >= latest_done(exclude=corpus):
            return corpus
        if article is not None and article.canUndo():
            return article
        return corpus if self._in_corpus_list() and corpus.canUndo() else None

    def redo_target(self) -> QUndoStack | None:
        article, corpus = self.article, self.corpus_stack
        if self._in_corpus_list() and corpus.canRedo() and corpus.last_undone() >= latest_undone(exclude=corpus):
            return corpus
        if article is not None and article.canRedo():
            return article
        return corpus if self._in_corpus_list() and corpus.canRedo() else None

    # -- the actions --------------------------------------------------------------------------------
    def _focused_input(self) -> QWidget | None:
        focus = QApplication.focusWidget()
        if focus is None or not (focus is self.window or self.window.isAncestorOf(focus)):
            return None
        return focus

    def trigger(self, redo: bool) -> None:
        focus = self._focused_input()
        if focus is not None and holds_typing(focus, redo):
            undo_typing(focus, redo)
            return
        target = self.redo_target() if redo else self.undo_target()
        if target is not None:
            target.redo() if redo else target.undo()
        self.update()

    def update(self, *_args) -> None:
        try:
            self._update()
        except RuntimeError:  # the window is being destroyed: stop following the application
            self.close()

    def _update(self) -> None:
        undo, redo = self.undo_target(), self.redo_target()
        active = undo or self.article or self.corpus_stack
        if self.group.activeStack() is not active:
            self.group.setActiveStack(active)
        focus = self._focused_input()
        for action, target, is_redo in ((self.undo_action, undo, False), (self.redo_action, redo, True)):
            verb = "Redo" if is_redo else "Undo"
            text = (target.redoText() if is_redo else target.undoText()) if target is not None else ""
            typing = focus is not None and holds_typing(focus, is_redo)
            if typing:
                label = f"&{verb} Typing"
            elif text:
                label = f"&{verb} {text}"
            else:
                label = f"&{verb}"
            action.setText(label)
            action.setEnabled(target is not None or typing)

    def _focus_changed(self, _old, _new) -> None:
        self.update()

    def eventFilter(self, obj, event) -> bool:
        try:
            return self._filter(obj, event)
        except RuntimeError:
            self.close()
            return False

    def _filter(self, obj, event) -> bool:
        # Ctrl+Z in a text input: the input's own typing first, else the window's Undo (QLineEdit and
        # friends would otherwise claim the key even with nothing to undo)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(obj, QWidget):
            kind = _is_undo_key(event)
            if kind is not None and (obj is self.window or self.window.isAncestorOf(obj)) \
                    and isinstance(obj, (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)):
                if holds_typing(obj, kind == "redo"):
                    return False
                self.update()
                event.ignore()
                return True
        return False
