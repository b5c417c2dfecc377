"""The window's file sync: the watcher, the banner's controller, the crash journal and index updates.

`ConflictController` connects the banner to `DocumentSync` for the current session.
`FileSyncHub` is what the window holds: the watcher for the open corpus, the banner and its controller,
and the crash-recovery journal for the open article, behind a few calls (`set_root`, `set_session`,
`close`) and signals (`status`, `index_changed`, `index_refresh_needed`).
"""

from __future__ import annotations

import contextlib
import os

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QPlainTextEdit,
    QWidget,
)

from editor.core.files.journal import Journal, JournalEntry
from editor.ui.body.editor import view_kept
from editor.ui.conflict_banner import ConflictBanner
from editor.ui.dialogs.side_by_side import SideBySideDialog
from editor.ui.recovery import RecoveryDialog, SessionJournal, recreate, restore_into
from editor.ui.watcher import CorpusWatcher, DocumentSync, SyncOutcome, affects, renamed_path


class ConflictController(QObject):
    """Ties the banner to DocumentSync for one session at a time."""

    resolved = Signal(str)  # "keep-mine" / "take-theirs": for the status bar

    def __init__(self, banner: ConflictBanner, sync: DocumentSync, parent: QObject | None = None):
        super().__init__(parent)
        self.banner = banner
        self.sync = sync
        self.session = None
        self.outcome: SyncOutcome | None = None
        self.compare_dialog: SideBySideDialog | None = None
        self.kept_views = contextlib.nullcontext  # FileSyncHub: keep the editors' cursor and scroll
        banner.compare_clicked.connect(self.compare)
        banner.keep_mine_clicked.connect(self.keep_mine)
        banner.take_theirs_clicked.connect(self.take_theirs)
        banner.dismissed.connect(self._forget)

    def show(self, session, outcome: SyncOutcome) -> None:
        """Show an outcome of `DocumentSync` for `session` (the article on screen). Quiet kinds
        ("unchanged", "reloaded", "renamed") clear a stale banner and show nothing."""
        if outcome.kind in ("unchanged", "reloaded", "renamed"):
            if self.outcome is not None and self.outcome.kind != "clash":
                self.clear()
            return
        self.session, self.outcome = session, outcome
        self.banner.show_outcome(outcome)

    def clear(self) -> None:
        self.banner.clear()
        self._forget()

    def _forget(self) -> None:
        self.session, self.outcome = None, None

    def compare(self) -> None:
        if self.session is None or self.outcome is None or self.outcome.disk_bytes is None:
            return
        theirs = self.outcome.disk_bytes.decode("utf-8", errors="replace").lstrip("\ufeff")
        parent = self.banner.window()
        self.compare_dialog = SideBySideDialog(self.session.text, theirs, "Your text and the file on disk", parent)
        self.compare_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog.open()

    def keep_mine(self) -> None:
        if self.session is None or self.outcome is None:
            return
        with self.kept_views():
            self.sync.keep_mine(self.session, self.outcome)
        self.clear()
        self.resolved.emit("keep-mine")

    def take_theirs(self) -> None:
        if self.session is None:
            return
        with self.kept_views():
            self.sync.take_theirs(self.session)
        self.clear()
        self.resolved.emit("take-theirs")


class FileSyncHub(QObject):
    """The window's side of issue 6, for a window that shows one article at a time.

    - `set_root(root)` when a corpus is opened (starts watching it), `set_session(session)` when an
      article is opened (None when it is closed), `close()` when the window closes normally;
    - `banner` goes above the article's editors;
    - `status` is a quiet note for the status bar; `index_changed(changed, removed)` asks for the index
      to take in a few files now; `index_refresh_needed` asks for a background refresh (a big batch,
      lost events);
    - `recovery_entries()` at start-up lists what a crash left in the journal (see RecoveryDialog).
    """

    status = Signal(str)
    index_changed = Signal(list, list)  # changed paths, removed paths (a removed path may be a folder)
    index_refresh_needed = Signal()

    def __init__(self, parent: QWidget | None = None, journal: Journal | None = None, batch_limit: int = 50,
                 journal_delay_ms: int = 2000):
        super().__init__(parent)
        self.banner = ConflictBanner(parent)
        self.sync = DocumentSync()
        self.conflicts = ConflictController(self.banner, self.sync, self)
        self.conflicts.kept_views = self._kept_views
        self.journal = SessionJournal(journal, journal_delay_ms, self)
        self.journal.failed.connect(self.status)
        self.batch_limit = batch_limit
        self.watcher: CorpusWatcher | None = None
        self.session = None
        self._restore_on_open: dict[str, JournalEntry] = {}
        self._views: list[QPlainTextEdit] = []

    # -- the window's calls ------------------------------------------------------------------------
    def set_root(self, root: str | None) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None
        self.sync.watcher = None
        if root is None:
            return
        watcher = CorpusWatcher(root, self)
        watcher.files_changed.connect(self._on_changed)
        watcher.files_removed.connect(self._on_removed)
        watcher.file_renamed.connect(self._on_renamed)
        watcher.rescan_needed.connect(self._on_rescan)
        watcher.status_message.connect(self.status)
        try:
            watcher.start()
        except OSError as exc:
            self.status.emit(f"Not watching the corpus for changes: {exc.strerror or exc}")
            watcher.deleteLater()
            return
        self.watcher = watcher
        self.sync.watcher = watcher

    def keep_view_of(self, editor: QPlainTextEdit) -> None:
        """Keep this editor's cursor and scroll position when the open article is reloaded or merged."""
        self._views.append(editor)

    def _kept_views(self) -> contextlib.ExitStack:
        stack = contextlib.ExitStack()
        for editor in self._views:
            stack.enter_context(view_kept(editor))
        return stack

    def set_session(self, session, keep_journal: bool = False) -> None:
        """The article on screen (None: closed). The previous one's journal entry goes, unless
        `keep_journal` (it was closed with unsaved edits kept elsewhere)."""
        if self.session is not None and self.session is not session:
            self.journal.unwatch(self.session, remove=not keep_journal)
        self.conflicts.clear()
        self.session = session
        if session is not None:
            self.sync.track(session)
            entry = self._restore_on_open.pop(os.path.abspath(session.path), None)
            if entry is not None and entry.data != session.current_bytes():
                restore_into(session, entry)
                self.status.emit(f"Restored the unsaved edits of {os.path.basename(session.path)}: review and save")
            elif entry is not None:
                self.journal.journal.discard(entry.entry_file)
            self.journal.watch(session)

    def check_now(self) -> None:
        """Look at the open article's file now (after a save refused with SaveConflict, say)."""
        if self.session is not None:
            self._follow(self.sync.on_disk_change)

    def recovery_entries(self) -> list[JournalEntry]:
        return self.journal.journal.entries()

    def offer_recovery(self, parent: QWidget | None = None, root: str | None = None, run_dialog=None) -> str | None:
        """At start-up, before opening an article: offer what a crash left in the journal.

        The checked articles are restored as unsaved edits when they are opened (`set_session`); the
        path of the first is returned for the window to open. A deleted article is written back first.
        Unchecked entries are discarded; "Decide later" keeps them all for the next start.
        `run_dialog(dialog) -> int` replaces `dialog.exec()` (tests)."""
        entries = self.recovery_entries()
        if not entries:
            return None
        dialog = RecoveryDialog(entries, root, parent)
        result = run_dialog(dialog) if run_dialog is not None else dialog.exec()
        journal = self.journal.journal
        if result != QDialog.DialogCode.Accepted:
            if dialog.discarded:
                for entry in entries:
                    journal.discard(entry.entry_file)
            return None
        chosen = dialog.chosen()
        for entry in entries:
            if entry not in chosen:
                journal.discard(entry.entry_file)
        first = None
        for entry in chosen:
            if entry.disk_state() == "missing":
                try:
                    recreate(entry)
                except OSError as exc:
                    self.status.emit(f"Could not recreate {entry.path}: {exc.strerror or exc}")
                    continue
                journal.discard(entry.entry_file)
            else:
                self._restore_on_open[os.path.abspath(entry.path)] = entry
            first = first or entry.path
        if self.session is not None and os.path.abspath(self.session.path) in self._restore_on_open:
            self.set_session(self.session)  # already open: restore it now
            return self.session.path
        return first

    def close(self) -> None:
        """The normal close: stop watching and remove the journal entries of the articles we had open."""
        self.journal.close()
        self.set_root(None)
        self.session = None

    # -- the watcher's reports ---------------------------------------------------------------------
    def _index(self, changed: list[str], removed: list[str]) -> None:
        if len(changed) + len(removed) > self.batch_limit:
            self.index_refresh_needed.emit()
        else:
            self.index_changed.emit(changed, removed)

    def _follow(self, change) -> None:
        """Run one DocumentSync call for the open article, keeping the editors' views, and show it."""
        with self._kept_views():
            outcome = change(self.session)
        self._show(outcome)

    def _show(self, outcome: SyncOutcome) -> None:
        self.conflicts.show(self.session, outcome)
        if outcome.message and outcome.kind != "clash":
            self.status.emit(outcome.message)

    def _on_changed(self, paths: list[str]) -> None:
        self._index(paths, [])
        if self.session is not None and affects(paths, self.session.path):
            self._follow(self.sync.on_disk_change)

    def _on_removed(self, paths: list[str]) -> None:
        self._index([], paths)
        if self.session is not None and affects(paths, self.session.path):
            self._follow(self.sync.on_removed)

    def _on_renamed(self, old: str, new: str) -> None:
        self._index([new], [old])
        if self.session is None:
            return
        moved = renamed_path(self.session.path, old, new)
        if moved is not None:
            self._follow(lambda session: self.sync.on_renamed(session, moved))
        elif affects([new], self.session.path):  # another file was renamed over ours
            self._follow(self.sync.on_disk_change)

    def _on_rescan(self) -> None:
        self.index_refresh_needed.emit()
        if self.session is not None:
            self._follow(self.sync.on_disk_change)
