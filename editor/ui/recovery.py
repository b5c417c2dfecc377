"""Crash recovery in the window: journaling open articles' unsaved edits, and offering them back.

`SessionJournal` writes an open session's unsaved bytes to the journal (`editor.core.files.journal`) a
moment after it changes: at most `delay_ms` (0.5 s) after the first unjournaled change, so the last
keystroke is on disk half a second later and steady typing is journaled too. The GUI thread only takes
the bytes; `_JournalWriter` writes them (fsync and all) in a thread of its own, keeping only the newest
bytes of each article when the disk is slow. The entry is removed when the session is saved or back to
clean. `close()` is the normal close: it removes the entries of every session it watched.

`RecoveryDialog` lists what the journal holds at the next start, one article per row with the diff
against the disk, each checked for restoring; `restore_into(session, entry)` puts an entry's bytes into
a session as unsaved edits (nothing is written until the user saves). The window journals every article
it holds with unsaved edits, the ones not on screen too.
"""

from __future__ import annotations

import datetime as dt
import os
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from editor.core.files.journal import Journal, JournalEntry
from editor.core.files.save import safe_save
from editor.ui.dialogs.diff_view import DiffView

JOURNAL_DELAY_MS = 500


class _JournalWriter:
    """Writes and removes journal entries in its own thread, newest bytes first-come per article.

    `submit(path, item)` replaces whatever was still waiting for that article (`item`: (base sha256,
    bytes) to record, None to remove the entry); `wait()` returns once everything submitted is on disk.
    The thread ends when it has had nothing to do for a moment, and starts again with the next submit.
    """

    IDLE_S = 2.0

    def __init__(self, journal: Journal, on_error):
        self.journal = journal
        self.on_error = on_error  # (path, OSError), called in the writer thread
        self._cond = threading.Condition()
        self._pending: dict[str, tuple[str | None, bytes] | None] = {}
        self._busy = False
        self._thread: threading.Thread | None = None

    def submit(self, path: str, item: tuple[str | None, bytes] | None) -> None:
        with self._cond:
            self._pending[path] = item
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait(self, timeout: float = 30.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: self._pending, self.IDLE_S):
                    self._thread = None
                    return
                path, item = next(iter(self._pending.items()))
                del self._pending[path]
                self._busy = True
            try:
                if item is None:
                    self.journal.remove(path)
                else:
                    self.journal.record(path, item[0], item[1])
            except OSError as exc:
                self.on_error(path, exc)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


class SessionJournal(QObject):
    """Journals the unsaved edits of the sessions it watches."""

    failed = Signal(str)  # a journal write failed (disk full...): for the status bar

    def __init__(self, journal: Journal | None = None, delay_ms: int = JOURNAL_DELAY_MS,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.journal = journal if journal is not None else Journal()
        self._writer = _JournalWriter(self.journal, self._write_failed)
        self._sessions: dict[int, object] = {}
        self._paths: dict[int, str] = {}  # the path each session was journaled under
        self._pending: set[int] = set()
        self._connections: dict[int, list] = {}  # Qt connections, undone by unwatch
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)

    def watch(self, session) -> None:
        key = id(session)
        if key in self._sessions:
            return
        self._sessions[key] = session
        self._paths[key] = session.path
        self._connections[key] = [
            session.changed.connect(lambda: self._schedule(key)),
            session.saved.connect(lambda: self._settle(key)),
            session.path_changed.connect(lambda _path: self._moved(key)),
        ]
        if session.is_dirty:
            self._schedule(key)

    def unwatch(self, session, remove: bool = True) -> None:
        """Stop journaling `session` (closed); `remove` its entry (the user saved or discarded)."""
        key = id(session)
        if key not in self._sessions:
            return
        for connection in self._connections.pop(key):
            QObject.disconnect(connection)
        del self._sessions[key]
        path = self._paths.pop(key)
        self._pending.discard(key)
        if remove:
            self._remove_now(path)

    def close(self) -> None:
        """The normal close: every watched session's entry goes (and what killed writers left)."""
        for session in list(self._sessions.values()):
            self.unwatch(session, remove=True)
        self._timer.stop()
        self._writer.wait()
        self.journal.sweep()

    def flush(self) -> None:
        """Journal every pending session now, and wait until it is on disk."""
        self._timer.stop()
        pending, self._pending = self._pending, set()
        for key in pending:
            session = self._sessions.get(key)
            if session is not None:
                self._write(key, session)
        self._writer.wait()

    def _forget(self, key: int) -> None:
        self._connections.pop(key, None)
        self._sessions.pop(key, None)
        self._paths.pop(key, None)
        self._pending.discard(key)

    def _schedule(self, key: int) -> None:
        self._pending.add(key)
        if not self._timer.isActive():
            self._timer.start()

    def _remove_now(self, path: str) -> None:
        """Remove an entry (saved, closed, moved), after any write of it still under way."""
        self._writer.submit(path, None)
        self._writer.wait()

    def _settle(self, key: int) -> None:
        self._pending.discard(key)
        self._remove_now(self._paths[key])

    def _moved(self, key: int) -> None:
        self._remove_now(self._paths[key])
        self._paths[key] = self._sessions[key].path
        self._schedule(key)

    def _write(self, key: int, session) -> None:
        try:
            dirty = session.is_dirty
        except RuntimeError:  # the session's Qt object is gone (closed without unwatch): keep its entry
            self._forget(key)
            return
        if dirty:
            base = session.identity.sha256 if session.identity is not None else None
            self._writer.submit(session.path, (base, session.current_bytes()))
        else:
            self._writer.submit(session.path, None)

    def _write_failed(self, path: str, exc: OSError) -> None:
        """In the writer thread: the signal reaches the GUI thread queued."""
        self.failed.emit(f"Could not keep a recovery copy of {os.path.basename(path)}: {exc.strerror or exc}")


def display_path(path: str, root: str | None) -> str:
    """`path` relative to the corpus `root` when it lies inside it, else as it is."""
    if root:
        rel = os.path.relpath(path, root)
        if not rel.startswith(".."):
            return rel
    return path


def restore_into(session, entry: JournalEntry) -> None:
    """Put the journaled bytes into `session` (the same article) as unsaved edits: one undoable step,
    byte for byte (whatever they are: text, raw text, a conversion not saved yet)."""
    session.replace_bytes(entry.data, "Restore unsaved edits")


def recreate(entry: JournalEntry) -> None:
    """The article was deleted since and the user chose to restore it: write it back, never over a file."""
    if os.path.lexists(entry.path):
        raise FileExistsError(entry.path)
    os.makedirs(os.path.dirname(entry.path), exist_ok=True)
    safe_save(entry.path, entry.data, None)


_STATES = {
    "base": "unsaved edits of the file as it is on disk",
    "changed": "the file changed on disk since: restoring replaces that change (see the diff)",
    "missing": "the file was deleted since: restoring recreates it",
    "same": "already saved: nothing to restore",
}


class RecoveryDialog(QDialog):
    """'Unsaved edits were found': per article, with the diff; the checked ones are restored."""

    def __init__(self, entries: list[JournalEntry], root: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved edits")
        self.entries = entries
        self.root = root
        intro = QLabel(f"Corpus Editor did not close normally. Unsaved edits of {len(entries)} article(s) were "
                       "kept. Check the ones to restore: they open as unsaved changes, nothing is written until "
                       "you save.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Articles with unsaved edits")
        for entry in entries:
            state = entry.disk_state()
            when = dt.datetime.fromtimestamp(entry.saved_at).strftime("%Y-%m-%d %H:%M:%S")
            item = QListWidgetItem(f"{self._name(entry.path)}  ({when}; {_STATES[state]})")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if state == "same" else Qt.CheckState.Checked)
            self.list.addItem(item)
        self.diff = DiffView()
        self.state = QLabel()
        self.state.setWordWrap(True)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.state)
        details_layout.addWidget(self.diff)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(details)
        splitter.setStretchFactor(1, 3)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("Restore checked")
        self.discard_button = QPushButton("Discard all")
        self.later_button = QPushButton("Decide later")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self.accept)
        self.discard_button.clicked.connect(self._discard_all)
        self.later_button.clicked.connect(self.reject)
        self.discarded = False
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        if entries:
            self.list.setCurrentRow(0)
        self.resize(900, 640)

    def _name(self, path: str) -> str:
        return display_path(path, self.root)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        self.state.setText(f"{entry.path}: {_STATES[entry.disk_state()]}")
        self.diff.set_diff(entry.diff_against_disk())

    def _discard_all(self) -> None:
        self.discarded = True
        self.reject()

    def chosen(self) -> list[JournalEntry]:
        """The checked entries (after Restore)."""
        return [entry for i, entry in enumerate(self.entries)
                if self.list.item(i).checkState() == Qt.CheckState.Checked]
