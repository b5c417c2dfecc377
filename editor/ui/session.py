"""ArticleSession: one open article in the window, with its undo history, dirty state and safe save.

The session owns the ArticleDocument. Every change, from the form, the body editor, a merge, a clash
choice or a conversion, is applied here and pushed on the article's one history (a `HistoryStack`) as
its exact splice (or, for steps that replace the file's bytes, the bytes before and after), so undo and
redo give back the very bytes. "Dirty" is a comparison of bytes, never a flag set by widgets.

Bytes that are not UTF-8 (or that hold NUL bytes) are never decoded for editing: the session is
read-only (`read_only`, `undecoded` says what is wrong and where), shows them as `display_text`, and
its bytes stay the file's until the user converts them (`convert_encoding`, one undoable step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from editor.core.document import edits
from editor.core.document.article import ArticleDocument, TextEdit
from editor.core.document.encoding import ByteProblem, Conversion, display_text, exact_diff, inspect_bytes
from editor.core.document.errors import ArticleError
from editor.core.files.merge import Clash
from editor.core.files.save import FileIdentity, read_with_identity, safe_save
from editor.ui.history import HistoryStack

_TYPING_ID = 1001
NOT_AN_ARTICLE_CODES = ("not-an-article", "empty-file")


class ReadOnlyArticle(ArticleError):
    """An edit of an article whose bytes are not text this editor may rewrite."""

    code = "read-only"


@dataclass(frozen=True)
class TextProblem:
    """Why the open file has no form: one description that the banner, the form, the problems list and
    the status bar all show. `kind`: "not-an-article", "parse-error", "not-utf8" or "binary"."""

    kind: str
    message: str
    line: int | None = None
    offset: int | None = None  # byte offset of the first bad byte (not-utf8, binary)
    code: str = "parse-error"

    @property
    def read_only(self) -> bool:
        return self.kind in ("not-utf8", "binary")

    @property
    def title(self) -> str:
        return {"not-an-article": "Not an article", "parse-error": "Raw text mode",
                "not-utf8": "Read-only: not UTF-8", "binary": "Read-only: binary file"}[self.kind]

    @property
    def location(self) -> str:
        if self.line is None:
            return ""
        return f"line {self.line}" + (f", byte offset {self.offset}" if self.offset is not None else "")

    def one_line(self) -> str:
        """'line 3: mapping values are not allowed here' (the status bar's words, after the title)."""
        where = self.location
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class _Base:
    """What the session's text is based on: the disk version, its identity, a clash still to decide."""

    saved: bytes
    identity: FileIdentity | None
    clash: Clash | None
    deleted: bool


class _EditCommand(QUndoCommand):
    """An applied edit: redo/undo re-apply the splice. The first redo is the apply itself."""

    def __init__(self, session: ArticleSession, applied: edits.AppliedEdit, merge_typing: bool = False,
                 starts_step: bool = False):
        super().__init__(applied.description)
        self.session = session
        self.applied = [applied]
        self.merge_typing = merge_typing
        self.starts_step = starts_step  # typing that must not join the step before (the user came back)
        self._first = True

    def id(self) -> int:
        return _TYPING_ID if self.merge_typing else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, _EditCommand) and other.merge_typing and self.merge_typing) or other.starts_step:
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


class _BytesCommand(QUndoCommand):
    """A step that replaces the article's bytes (a conversion, a clash choice, a restore), and may move
    what the text is based on (`before` -> `after`). Undo gives back the old bytes exactly, and the old
    base as long as the base is still the one this step set (after a save it is not: then only the
    bytes come back)."""

    def __init__(self, session: ArticleSession, text: str, old: bytes, new: bytes,
                 before: _Base | None = None, after: _Base | None = None):
        super().__init__(text)
        self.session = session
        self.old, self.new = old, new
        self.before, self.after = before, after
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        if self.after is not None and self.session._base() == self.before:
            self.session._set_base(self.after)
        self.session._set_buffer(self.new)

    def undo(self) -> None:
        if self.before is not None and self.session._base() == self.after:
            self.session._set_base(self.before)
        self.session._set_buffer(self.old)


class ArticleSession(QObject):
    """An open article file. `doc` is None when the text does not parse (raw mode: `error` says why),
    and when the bytes are not UTF-8 text (read-only: `undecoded` says why)."""

    changed = Signal()  # the text changed (edit, undo, redo, reload)
    dirty_changed = Signal(bool)
    saved = Signal()
    path_changed = Signal(str)  # renamed on disk: the session follows (see editor.ui.watcher)
    clash_changed = Signal()  # `clash` was set, decided or cleared

    def __init__(self, path: str | os.PathLike, parent: QObject | None = None):
        super().__init__(parent)
        self.path = os.fspath(path)
        self.undo_stack = HistoryStack(self)
        self.doc: ArticleDocument | None = None
        self.error: ArticleError | None = None
        self.undecoded: ByteProblem | None = None
        self.identity: FileIdentity | None = None
        self.saved_bytes = b""
        self.deleted_on_disk = False  # the file is gone: the buffer is kept, saving recreates it
        self.clash: Clash | None = None  # unsaved edits that clash with the file on disk, to decide
        self.view_state: dict = {}  # the window keeps cursor and scroll here while the article is not shown
        self._buffer = b""  # the bytes, while they are not text (read-only)
        self._raw_text = ""
        self._bom = False
        self._was_dirty = False
        self._typing_ended = False
        self.load()

    # -- loading --------------------------------------------------------------------------------
    def load(self) -> None:
        data, self.identity = read_with_identity(self.path)
        self.saved_bytes = data
        self.deleted_on_disk = False
        had_clash, self.clash = self.clash is not None, None
        self._adopt_bytes(data)
        self.undo_stack.clear()
        self._notify()
        if had_clash:
            self.clash_changed.emit()

    def _adopt_bytes(self, data: bytes) -> None:
        self._bom = data.startswith(b"\xef\xbb\xbf")
        problem = inspect_bytes(data)
        if problem is not None:
            # never decoded for editing: shown as it is, kept byte for byte
            self.doc, self.undecoded, self._buffer = None, problem, data
            self.error = ArticleError(problem.describe(), problem.line, self.path, problem.code)
            self._raw_text = display_text(data, problem)
            return
        self.undecoded, self._buffer = None, b""
        try:
            self.doc = ArticleDocument.from_bytes(data, self.path)
            self.error = None
        except ArticleError as exc:
            self.doc = None
            self.error = exc
            self._raw_text = data.decode("utf-8").lstrip("\ufeff")

    def _set_buffer(self, data: bytes) -> None:
        self._adopt_bytes(data)
        self._notify()

    # -- state ----------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.doc.text if self.doc is not None else self._raw_text

    def current_bytes(self) -> bytes:
        if self.undecoded is not None:
            return self._buffer
        if self.doc is not None:
            return self.doc.to_bytes()
        return (("\ufeff" if self._bom else "") + self._raw_text).encode("utf-8")

    @property
    def is_dirty(self) -> bool:
        return self.deleted_on_disk or self.current_bytes() != self.saved_bytes

    @property
    def raw_mode(self) -> bool:
        return self.doc is None

    @property
    def read_only(self) -> bool:
        """The bytes are not UTF-8 text: nothing may change them but an explicit conversion."""
        return self.undecoded is not None

    def problem(self) -> TextProblem | None:
        """Why there is no form (None: the article parses). The one description every view shows."""
        if self.doc is not None:
            return None
        if self.undecoded is not None:
            kind = "binary" if self.undecoded.kind == "binary" else "not-utf8"
            return TextProblem(kind, self.undecoded.detail, self.undecoded.line, self.undecoded.offset,
                               self.undecoded.code)
        err = self.error
        code = getattr(err, "code", "parse-error")
        message = err.message if err is not None else "the file cannot be read as an article"
        if code in NOT_AN_ARTICLE_CODES:
            text = ("the file is empty" if code == "empty-file" else
                    "it has no front matter (its first line is not '---')")
            return TextProblem("not-an-article", text, None, None, code)
        return TextProblem("parse-error", message, err.line if err is not None else None, None, code)

    def diff(self) -> str:
        """The exact change saving will write, as a unified diff of the bytes (bytes that are not UTF-8
        show as \\xNN, a changed BOM or line ending is spelled out)."""
        name = os.path.basename(self.path)
        return exact_diff(self.saved_bytes, self.current_bytes(), f"{name} (on disk)", f"{name} (unsaved)")

    # -- editing --------------------------------------------------------------------------------
    def _refuse_read_only(self) -> None:
        if self.undecoded is not None:
            raise ReadOnlyArticle(f"read-only: {self.undecoded.describe()}; convert it to UTF-8 first",
                                  self.undecoded.line, self.path)

    def apply(self, operation: edits.Operation, merge_typing: bool = False) -> edits.AppliedEdit | None:
        """Apply a core operation and make it undoable. Raises EditError (nothing changes) if refused."""
        self._refuse_read_only()
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
        self._refuse_read_only()
        if text == self.text:
            return
        old = self.text
        op = edits.ReplaceText(text)
        edit = edits.text_diff(old, text)
        applied = edits.AppliedEdit(op, edit, "Typing")
        self._replay(edit)  # notifies
        starts, self._typing_ended = self._typing_ended, False
        self.undo_stack.push(_EditCommand(self, applied, merge_typing, starts))

    def end_typing(self) -> None:
        """The next keystroke starts a new undo step (the user left the article and came back)."""
        self._typing_ended = True

    def set_body(self, body: str) -> None:
        if self.doc is None:
            raise ArticleError("the article is in raw mode", None, self.path)
        self.set_text(self.doc.text[: self.doc.source.body_start] + body)

    def replace_bytes(self, data: bytes, description: str) -> None:
        """Make `data` the article's unsaved bytes, as one undoable step (a journaled copy restored, a
        conversion). Works in every mode; undo gives back the bytes before, exactly."""
        old = self.current_bytes()
        if data == old:
            return
        self._set_buffer(data)
        self.undo_stack.push(_BytesCommand(self, description, old, data))

    def convert_encoding(self, conversion: Conversion) -> None:
        """Take a planned conversion to UTF-8 (see `editor.core.document.encoding.convert`): one step."""
        if conversion.old != self.current_bytes():
            raise ReadOnlyArticle("the conversion was planned for other bytes: plan it again", None, self.path)
        self.replace_bytes(conversion.new, f"Convert from {conversion.encoding} to UTF-8")

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
        self.saved_bytes = data
        self.deleted_on_disk = False
        had_clash, self.clash = self.clash is not None, None
        self.undo_stack.setClean()
        self.saved.emit()
        self._notify()
        if had_clash:
            self.clash_changed.emit()

    # -- the file changed on disk (see editor.ui.watcher.DocumentSync) ------------------------------
    def _base(self) -> _Base:
        return _Base(self.saved_bytes, self.identity, self.clash, self.deleted_on_disk)

    def _set_base(self, base: _Base) -> None:
        clash_moved = base.clash is not self.clash
        self.saved_bytes, self.identity, self.clash, self.deleted_on_disk = (base.saved, base.identity,
                                                                             base.clash, base.deleted)
        self.undo_stack.resetClean()
        if clash_moved:
            self.clash_changed.emit()

    def adopt_merge(self, text: str, disk_bytes: bytes, identity: FileIdentity) -> None:
        """The file on disk is now `disk_bytes`: make it the saved base, and `text` (my edits merged
        onto it) the unsaved text, as one undoable step. Saving then writes the merge over that file."""
        self._set_base(_Base(disk_bytes, identity, None, False))
        if text == self.text:
            self._notify()
            return
        edit = edits.text_diff(self.text, text)
        applied = edits.AppliedEdit(edits.ReplaceText(text), edit, "Merge changes from disk")
        self._replay(edit)  # notifies
        self.undo_stack.push(_EditCommand(self, applied))

    def set_clash(self, clash: Clash | None) -> None:
        """My unsaved edits clash with the file on disk (None: no longer). Not an edit: nothing changes
        until the user decides (`rebase`)."""
        if clash is not self.clash:
            self.clash = clash
            self.clash_changed.emit()

    def rebase(self, description: str, data: bytes, saved: bytes, identity: FileIdentity | None,
               clash: Clash | None) -> None:
        """One undoable step of deciding a clash: my bytes become `data`, based on the disk version
        `saved` (read as `identity`), with `clash` left to decide (None: nothing). Undo gives back the
        bytes and the clash before."""
        before = self._base()
        after = _Base(saved, identity, clash, False)
        old = self.current_bytes()
        self._set_base(after)
        self._adopt_bytes(data)
        self.undo_stack.push(_BytesCommand(self, description, old, data, before, after))
        self._notify()

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
