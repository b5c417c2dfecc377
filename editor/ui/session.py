"""ArticleSession: one open article in the window, with its undo stack, dirty state and safe save.

The session owns the ArticleDocument. Every change, from the form, the body editor or a batch action,
is an operation of the core applied here and pushed on the QUndoStack as its exact splice, so undo and
redo give back the very bytes. "Dirty" is a comparison of texts, never a flag set by widgets.
"""

from __future__ import annotations

import difflib
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from editor.core.document import edits
from editor.core.document.article import ArticleDocument, TextEdit
from editor.core.document.errors import ArticleError
from editor.core.files.save import FileIdentity, read_with_identity, safe_save

_TYPING_ID = 1001


class _EditCommand(QUndoCommand):
    """An applied edit: redo/undo re-apply the splice. The first redo is the apply itself."""

    def __init__(self, session: ArticleSession, applied: edits.AppliedEdit, merge_typing: bool = False):
        super().__init__(applied.description)
        self.session = session
        self.applied = [applied]
        self.merge_typing = merge_typing
        self._first = True

    def id(self) -> int:
        return _TYPING_ID if self.merge_typing else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, _EditCommand) and other.merge_typing and self.merge_typing):
            return False
        self.applied.extend(other.applied)
        return True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        for applied in self.applied:
            self.session._replay(applied.edit)

    def undo(self) -> None:
        for applied in reversed(self.applied):
            self.session._replay(applied.edit.inverse())


class ArticleSession(QObject):
    """An open article file. `doc` is None when the text does not parse (raw mode: `error` says why)."""

    changed = Signal()  # the text changed (edit, undo, redo, reload)
    dirty_changed = Signal(bool)
    saved = Signal()
    path_changed = Signal(str)  # renamed on disk: the session follows (see editor.ui.watcher)

    def __init__(self, path: str | os.PathLike, parent: QObject | None = None):
        super().__init__(parent)
        self.path = os.fspath(path)
        self.undo_stack = QUndoStack(self)
        self.doc: ArticleDocument | None = None
        self.error: ArticleError | None = None
        self.identity: FileIdentity | None = None
        self.saved_bytes = b""
        self.deleted_on_disk = False  # the file is gone: the buffer is kept, saving recreates it
        self._raw_text = ""
        self._saved_raw_text = ""  # saved_bytes decoded leniently, as raw mode shows them
        self._bom = False
        self._was_dirty = False
        self.load()

    # -- loading --------------------------------------------------------------------------------
    def load(self) -> None:
        data, self.identity = read_with_identity(self.path)
        self._set_saved(data)
        self.deleted_on_disk = False
        self._adopt_bytes(data)
        self.undo_stack.clear()
        self._notify()

    def _adopt_bytes(self, data: bytes) -> None:
        self._bom = data.startswith(b"\xef\xbb\xbf")
        try:
            self.doc = ArticleDocument.from_bytes(data, self.path)
            self.error = None
        except ArticleError as exc:
            self.doc = None
            self.error = exc
            self._raw_text = data.decode("utf-8", errors="replace").lstrip("\ufeff")

    def _set_saved(self, data: bytes) -> None:
        self.saved_bytes = data
        self._saved_raw_text = data.decode("utf-8", errors="replace").lstrip("\ufeff")

    # -- state ----------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.doc.text if self.doc is not None else self._raw_text

    def current_bytes(self) -> bytes:
        if self.doc is not None:
            return self.doc.to_bytes()
        if self._raw_text == self._saved_raw_text:
            # untouched: the file's own bytes, even where the lenient decoding could not show them
            return self.saved_bytes
        return (("\ufeff" if self._bom else "") + self._raw_text).encode("utf-8")

    @property
    def is_dirty(self) -> bool:
        return self.deleted_on_disk or self.current_bytes() != self.saved_bytes

    @property
    def raw_mode(self) -> bool:
        return self.doc is None

    def diff(self) -> str:
        """The exact change saving will write, as a unified diff."""
        old = self.saved_bytes.decode("utf-8", errors="replace").lstrip("\ufeff")
        name = os.path.basename(self.path)
        return "".join(difflib.unified_diff(old.splitlines(keepends=True), self.text.splitlines(keepends=True),
                                            fromfile=f"{name} (on disk)", tofile=f"{name} (unsaved)"))

    # -- editing --------------------------------------------------------------------------------
    def apply(self, operation: edits.Operation, merge_typing: bool = False) -> edits.AppliedEdit | None:
        """Apply a core operation and make it undoable. Raises EditError (nothing changes) if refused."""
        if self.doc is None:
            raise ArticleError("the article is in raw mode: fix the text first", self.error.line if self.error
                               else None, self.path)
        applied = self.doc.apply(operation)
        if applied is None:
            return None
        self.undo_stack.push(_EditCommand(self, applied, merge_typing))
        self._notify()
        return applied

    def set_text(self, text: str, merge_typing: bool = True) -> None:
        """Replace the whole text (body typing, raw mode). In raw mode, a text that parses leaves it."""
        if text == self.text:
            return
        old = self.text
        op = edits.ReplaceText(text)
        edit = edits.text_diff(old, text)
        applied = edits.AppliedEdit(op, edit, "Typing")
        self._replay(edit)  # notifies
        self.undo_stack.push(_EditCommand(self, applied, merge_typing))

    def set_body(self, body: str) -> None:
        if self.doc is None:
            raise ArticleError("the article is in raw mode", None, self.path)
        self.set_text(self.doc.text[: self.doc.source.body_start] + body)

    def _replay(self, edit: TextEdit) -> None:
        text = edit.apply(self.text)
        doc = self.doc.body_edited(edit) if self.doc is not None else None  # typing: no YAML re-parse
        if doc is not None:
            self.doc, self.error = doc, None
            self._notify()
            return
        data = (("\ufeff" if self._bom else "") + text).encode("utf-8")
        try:
            doc = ArticleDocument.from_bytes(data, self.path)
        except ArticleError as exc:
            self.doc, self.error, self._raw_text = None, exc, text
        else:
            self.doc, self.error = doc, None
        self._notify()

    def _notify(self) -> None:
        self.changed.emit()
        dirty = self.is_dirty
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    # -- saving ---------------------------------------------------------------------------------
    def save(self, force: bool = False) -> None:
        """Safe save. Raises SaveConflict if the file changed on disk (unless `force`), OSError on I/O."""
        data = self.current_bytes()
        self.identity = safe_save(self.path, data, None if force else self.identity,
                                  allow_missing=force or self.deleted_on_disk)
        self._set_saved(data)
        self.deleted_on_disk = False
        self.undo_stack.setClean()
        self.saved.emit()
        self._notify()

    # -- the file changed on disk (see editor.ui.watcher.DocumentSync) ------------------------------
    def adopt_merge(self, text: str, disk_bytes: bytes, identity: FileIdentity) -> None:
        """The file on disk is now `disk_bytes`: make it the saved base, and `text` (my edits merged
        onto it) the unsaved text, as one undoable step. Saving then writes the merge over that file."""
        self._set_saved(disk_bytes)
        self.identity = identity
        self.deleted_on_disk = False
        self.undo_stack.resetClean()
        if text == self.text:
            self._notify()
            return
        edit = edits.text_diff(self.text, text)
        applied = edits.AppliedEdit(edits.ReplaceText(text), edit, "Merge changes from disk")
        self._replay(edit)  # notifies
        self.undo_stack.push(_EditCommand(self, applied))

    def mark_deleted(self) -> None:
        """The file was deleted on disk: keep the buffer, count it as unsaved; saving recreates the file."""
        self.deleted_on_disk = True
        self._notify()

    def set_path(self, path: str | os.PathLike) -> None:
        """The file was renamed on disk: follow it (`changed` too, so titles and lists show the new name)."""
        self.path = os.fspath(path)
        if self.doc is not None:
            self.doc.path = self.path
        self.path_changed.emit(self.path)
        self._notify()
