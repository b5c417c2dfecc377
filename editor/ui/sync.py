"""The window's file sync: the watcher, the banner's controller, the crash journal and index updates.

`ConflictController` connects the banner (and the clash view) to `DocumentSync` for the article on
screen. `FileSyncHub` is what the window holds: the watcher for the open corpus, the banner and its
controller, and the crash-recovery journal for every open article (the one on screen and those kept
in the background with unsaved edits), behind a few calls (`set_root`, `add_session`,
`remove_session`, `set_current`, `close`) and signals (`status`, `index_changed`,
`index_refresh_needed`, `background_changed`).
"""

from __future__ import annotations

import contextlib
import os
import weakref

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from editor.core.document.errors import CorpusEditorError
from editor.core.files.journal import Journal, JournalEntry
from editor.ui.body.editor import view_kept
from editor.ui.conflict_banner import ConflictBanner
from editor.ui.dialogs.clash import ClashDialog
from editor.ui.recovery import JOURNAL_DELAY_MS, RecoveryDialog, SessionJournal, recreate, restore_into
from editor.ui.watcher import CorpusWatcher, DocumentSync, SyncOutcome, affects, renamed_path


def confirm_take_all(parent: QWidget | None, name: str, lost: list[str]) -> bool:
    """Ask before the disk version replaces every unsaved edit, naming what will be lost."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Take the file on disk for everything?")
    box.setText(f"Replace all your unsaved edits of {name} with the file as it is on disk?")
    what = "\n".join(f"• {item}" for item in lost) or "• nothing that differs from the disk version"
    box.setInformativeText(f"These unsaved edits will be dropped:\n{what}\n\nUndo (Ctrl+Z) brings them back.")
    take = box.addButton("Take theirs for everything", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is take


class ConflictController(QObject):
    """Ties the banner and the clash view to DocumentSync for the session on screen."""

    resolved = Signal(str)  # "keep-mine" / "take-theirs" / "field": for the status bar

    def __init__(self, banner: ConflictBanner, sync: DocumentSync, parent: QObject | None = None):
        super().__init__(parent)
        self.banner = banner
        self.sync = sync
        self.session = None
        self.outcome: SyncOutcome | None = None
        self.compare_dialog: ClashDialog | None = None
        self.kept_views = contextlib.nullcontext  # FileSyncHub: keep the editors' cursor and scroll
        self._watched = None
        banner.compare_clicked.connect(self.compare)
        banner.keep_mine_clicked.connect(self.keep_mine)
        banner.take_theirs_clicked.connect(self.take_theirs)
        banner.dismissed.connect(self._forget)

    def confirm_take_all(self, session, lost: list[str]) -> bool:
        """Ask first (tests replace this method)."""
        return confirm_take_all(self.banner.window(), os.path.basename(session.path), lost)

    def show(self, session, outcome: SyncOutcome) -> None:
        """Show an outcome of `DocumentSync` for `session` (the article on screen). Quiet kinds
        ("unchanged", "reloaded", "renamed") clear a stale banner and show nothing."""
        self._watch(session)
        if outcome.kind in ("unchanged", "reloaded", "renamed"):
            if self.outcome is not None and self.outcome.kind != "clash":
                self.clear()
            return
        self.session, self.outcome = session, outcome
        self.banner.show_outcome(outcome)

    def show_session(self, session, note: SyncOutcome | None = None) -> None:
        """The article the user comes back to: its clash if it holds one, else a note kept for it."""
        self.clear()
        self._watch(session)
        if session is None:
            return
        if session.clash is not None:
            self.show(session, SyncOutcome.of_clash(session))
        elif note is not None:
            self.show(session, note)

    def clear(self) -> None:
        self.banner.clear()
        self._forget()

    def _forget(self) -> None:
        self.session, self.outcome = None, None

    def _watch(self, session) -> None:
        """Follow the clash of the session on screen (undo brings a decided clash back, and so on)."""
        if session is self._watched:
            return
        if self._watched is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._watched.clash_changed.disconnect(self._clash_changed)
        self._watched = session
        if session is not None:
            session.clash_changed.connect(self._clash_changed)

    def _clash_changed(self) -> None:
        session = self._watched
        if session is None:
            return
        if session.clash is not None:
            self.show(session, SyncOutcome.of_clash(session))
        elif self.outcome is not None and self.outcome.kind == "clash":
            self.clear()

    def compare(self) -> None:
        session = self.session or self._watched
        if session is None:
            return
        if self.compare_dialog is not None:
            with contextlib.suppress(RuntimeError):
                self.compare_dialog.close()
        self.compare_dialog = ClashDialog(session, self.choose, self.keep_mine, self.take_theirs,
                                          self.banner.window())
        self.compare_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog.open()

    def choose(self, name: str, side: str) -> None:
        """One clashing field decided (from the clash view)."""
        session = self.session or self._watched
        if session is None or session.clash is None:
            return
        clash = session.clash
        try:
            with self.kept_views():
                merged = self.sync.choose(session, name, side)
        except CorpusEditorError as exc:
            self.banner.show_outcome(SyncOutcome("clash", session.path, list(clash.from_disk),
                                                 [f.name for f in clash.unresolved()], f"{name}: {exc}"))
            return
        if merged:
            note = SyncOutcome("merged", session.path, list(clash.from_disk), disk_bytes=clash.theirs,
                               disk_identity=clash.identity)
            self.show(session, note)
        self.resolved.emit("field")

    def keep_mine(self) -> None:
        session = self.session or self._watched
        if session is None or (self.outcome is None and session.clash is None):
            return
        with self.kept_views():
            self.sync.keep_mine(session, self.outcome)
        self.clear()
        self.resolved.emit("keep-mine")

    def take_theirs(self) -> None:
        session = self.session or self._watched
        if session is None:
            return
        lost = self.sync.lost_if_taking_theirs(session, self.outcome)
        if not self.confirm_take_all(session, lost):
            return
        with self.kept_views():
            self.sync.take_theirs(session, self.outcome)
        self.clear()
        self.resolved.emit("take-theirs")


class FileSyncHub(QObject):
    """The window's side of issue 6, for every article open in the window.

    - `set_root(root)` when a corpus is opened (starts watching it); `add_session(session)` for each
      article opened (journaled, followed when its file changes, a journaled copy restored into it),
      `remove_session(session)` when it is closed, `set_current(session)` for the one on screen (its
      outcomes show in the banner; the others' are kept for when the user comes back: a clash stays on
      the session, a note is kept here); `close()` when the window closes normally;
    - `banner` goes above the article's editors;
    - `status` is a quiet note for the status bar; `index_changed(changed, removed)` asks for the index
      to take in a few files now; `index_refresh_needed` asks for a background refresh (a big batch,
      lost events); `background_changed(session, outcome)` tells that an article not on screen changed;
    - `recovery_entries()` at start-up lists what a crash left in the journal (see RecoveryDialog).
    """

    status = Signal(str)
    index_changed = Signal(list, list)  # changed paths, removed paths (a removed path may be a folder)
    index_refresh_needed = Signal()
    background_changed = Signal(object, object)  # session, SyncOutcome

    def __init__(self, parent: QWidget | None = None, journal: Journal | None = None, batch_limit: int = 50,
                 journal_delay_ms: int = JOURNAL_DELAY_MS):
        super().__init__(parent)
        self.banner = ConflictBanner(parent)
        self.sync = DocumentSync()
        self.conflicts = ConflictController(self.banner, self.sync, self)
        self.conflicts.kept_views = self._kept_views
        self.journal = SessionJournal(journal, journal_delay_ms, self)
        self.journal.failed.connect(self.status)
        with contextlib.suppress(OSError):
            self.journal.journal.sweep()  # what a killed window left while writing the journal
        self.batch_limit = batch_limit
        self.watcher: CorpusWatcher | None = None
        self.session = None  # the article on screen
        self.sessions: list = []  # every open article, the one on screen included
        self._notes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # outcomes not seen yet
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
        watcher.other_files_changed.connect(self._index)  # the list's rows of files beside the articles
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

    def add_session(self, session) -> None:
        """An article opened in the window: follow its file, journal its unsaved edits, and restore a
        journaled copy the user chose at start-up into it."""
        if session in self.sessions:
            return
        self.sessions.append(session)
        self.sync.track(session)
        entry = self._restore_on_open.pop(os.path.abspath(session.path), None)
        if entry is not None and entry.data != session.current_bytes():
            restore_into(session, entry)
            self.status.emit(f"Restored the unsaved edits of {os.path.basename(session.path)}: review and save")
        elif entry is not None:
            self.journal.journal.discard(entry.entry_file)
        self.journal.watch(session)

    def remove_session(self, session, keep_journal: bool = False) -> None:
        """The article is closed: its journal entry goes, unless `keep_journal`."""
        if session not in self.sessions:
            return
        self.sessions.remove(session)
        self._notes.pop(session, None)
        self.journal.unwatch(session, remove=not keep_journal)
        if session is self.session:
            self.set_current(None)

    def set_current(self, session) -> None:
        """The article on screen (None: none). What happened to it while it was not is shown now."""
        if session is not None:
            self.add_session(session)
        self.session = session
        note = self._notes.pop(session, None) if session is not None else None
        self.conflicts.show_session(session, note)

    def set_session(self, session, keep_journal: bool = False) -> None:
        """The only article open (None: none): the others are removed (their journal entries too,
        unless `keep_journal`)."""
        for other in [s for s in self.sessions if s is not session]:
            self.remove_session(other, keep_journal)
        self.set_current(session)

    def check_now(self, session=None) -> None:
        """Look at an open article's file now (after a save refused with SaveConflict, say)."""
        session = session or self.session
        if session is not None:
            self._follow(session, self.sync.on_disk_change)

    def recovery_entries(self) -> list[JournalEntry]:
        return self.journal.journal.entries()

    def offer_recovery(self, parent: QWidget | None = None, root: str | None = None, run_dialog=None) -> str | None:
        """At start-up, before opening an article: offer what a crash left in the journal.

        The checked articles are restored as unsaved edits when they are opened (`add_session`); the
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
        for session in list(self.sessions):  # already open: restore it now
            entry = self._restore_on_open.get(os.path.abspath(session.path))
            if entry is not None:
                self.journal.unwatch(session, remove=False)
                self.sessions.remove(session)
                self.add_session(session)
                if session is self.session:
                    first = session.path
        return first

    def pending_restores(self) -> list[str]:
        """Paths chosen for restoring that are not open yet (the window opens them in the background)."""
        return list(self._restore_on_open)

    def close(self) -> None:
        """The normal close: stop watching and remove the journal entries of the articles we had open."""
        self.journal.close()
        self.set_root(None)
        self.conflicts.show_session(None)
        self.session = None
        self.sessions.clear()

    # -- the watcher's reports ---------------------------------------------------------------------
    def _index(self, changed: list[str], removed: list[str]) -> None:
        if len(changed) + len(removed) > self.batch_limit:
            self.index_refresh_needed.emit()
        else:
            self.index_changed.emit(changed, removed)

    def _follow(self, session, change) -> None:
        """Run one DocumentSync call for an open article; on screen, keeping the editors' views and
        showing the outcome; in the background, keeping it for when the user comes back."""
        if session is self.session:
            with self._kept_views():
                outcome = change(session)
            self.conflicts.show(session, outcome)
            if outcome.message and outcome.kind != "clash":
                self.status.emit(outcome.message)
            return
        outcome = change(session)
        if outcome.kind in ("merged", "deleted", "unreadable", "clash"):
            self._notes[session] = outcome
        if outcome.message:
            self.status.emit(f"{outcome.message} (not on screen)" if outcome.kind != "clash" else
                             f"{os.path.basename(session.path)} changed on disk where you have unsaved edits; "
                             "open it to choose what to keep")
        self.background_changed.emit(session, outcome)

    def _affected(self, paths: list[str]) -> list:
        return [s for s in self.sessions if affects(paths, s.path)]

    def _on_changed(self, paths: list[str]) -> None:
        self._index(paths, [])
        for session in self._affected(paths):
            self._follow(session, self.sync.on_disk_change)

    def _on_removed(self, paths: list[str]) -> None:
        self._index([], paths)
        for session in self._affected(paths):
            self._follow(session, self.sync.on_removed)

    def _on_renamed(self, old: str, new: str) -> None:
        self._index([new], [old])
        for session in list(self.sessions):
            moved = renamed_path(session.path, old, new)
            if moved is not None:
                self._follow(session, lambda s, moved=moved: self.sync.on_renamed(s, moved))
            elif affects([new], session.path):  # another file was renamed over ours
                self._follow(session, self.sync.on_disk_change)

    def _on_rescan(self) -> None:
        self.index_refresh_needed.emit()
        for session in list(self.sessions):
            self._follow(session, self.sync.on_disk_change)
