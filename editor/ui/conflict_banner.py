"""Files changed on disk, in the window: the banner, the side-by-side comparison, and `FileSyncHub`.

`ConflictBanner` is a plain widget: a message and the buttons that fit the outcome (a clash offers
Compare, Keep mine and Take theirs; a merge or a deletion is a note to dismiss). `ConflictController`
connects it to `DocumentSync` for the current session.

`FileSyncHub` is what the window holds: the watcher for the open corpus, the banner and its controller,
and the crash-recovery journal for the open article, behind a few calls (`set_root`, `set_session`,
`close`) and signals (`status`, `index_changed`, `index_refresh_needed`).
"""

from __future__ import annotations

import contextlib
import difflib
import os

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from editor.core.document.edits import text_diff
from editor.core.files.journal import Journal, JournalEntry
from editor.ui import theme
from editor.ui.body.editor import utf16_len
from editor.ui.recovery import RecoveryDialog, SessionJournal, recreate, restore_into
from editor.ui.watcher import CorpusWatcher, DocumentSync, SyncOutcome, affects, renamed_path


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


class ConflictBanner(QFrame):
    compare_clicked = Signal()
    keep_mine_clicked = Signal()
    take_theirs_clicked = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("File changed on disk")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.compare_button = QPushButton("Compare")
        self.keep_mine_button = QPushButton("Keep mine")
        self.take_theirs_button = QPushButton("Take theirs")
        self.dismiss_button = QPushButton("Dismiss")
        self.compare_button.setToolTip("Show your text and the file on disk side by side")
        self.keep_mine_button.setToolTip("Keep your text; saving will replace the file on disk")
        self.take_theirs_button.setToolTip("Drop your unsaved edits and load the file as it is on disk")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message, 1)
        for button in (self.compare_button, self.keep_mine_button, self.take_theirs_button, self.dismiss_button):
            layout.addWidget(button)
        self.compare_button.clicked.connect(self.compare_clicked)
        self.keep_mine_button.clicked.connect(self.keep_mine_clicked)
        self.take_theirs_button.clicked.connect(self.take_theirs_clicked)
        self.dismiss_button.clicked.connect(self._dismiss)
        self.kind = ""
        self.hide()

    def show_outcome(self, outcome: SyncOutcome) -> None:
        """Show what happened; a clash gets the three choices, anything else is a note."""
        self.kind = outcome.kind
        clash = outcome.kind == "clash"
        self.message.setText(outcome.message)
        self.compare_button.setVisible(clash)
        self.keep_mine_button.setVisible(clash)
        self.take_theirs_button.setVisible(clash)
        self.dismiss_button.setVisible(not clash)
        dark = theme.is_dark()
        if clash:
            colours = ("#4a2326", "#f0b4b4") if dark else ("#fdecea", "#b3261e")
        else:
            colours = ("#3d3420", "#e8d48a") if dark else ("#fff8e1", "#8a6d00")
        self.setStyleSheet(f"#conflictBanner {{ background: {colours[0]}; border: 1px solid {colours[1]}; }}")
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.hide()

    def _dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()


class SideBySideDialog(QDialog):
    """Two texts side by side, changed lines marked, scrolling together. Read-only."""

    def __init__(self, mine: str, theirs: str, title: str = "Compare", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.left, self.right = QPlainTextEdit(), QPlainTextEdit()
        for view, text, name in ((self.left, mine, "Your unsaved text"), (self.right, theirs, "The file on disk")):
            view.setReadOnly(True)
            view.setFont(font)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            view.setPlainText(text)
            view.setAccessibleName(name)
        self.changed_left, self.changed_right = _changed_lines(mine, theirs)
        dark = theme.is_dark()
        self._mark(self.left, self.changed_left, "#4a2326" if dark else "#fdecea")
        self._mark(self.right, self.changed_right, "#1f3d25" if dark else "#e6f4ea")
        self.left.verticalScrollBar().valueChanged.connect(self.right.verticalScrollBar().setValue)
        self.right.verticalScrollBar().valueChanged.connect(self.left.verticalScrollBar().setValue)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QGridLayout(self)
        layout.addWidget(QLabel("<b>Your unsaved text</b>"), 0, 0)
        layout.addWidget(QLabel("<b>The file on disk</b>"), 0, 1)
        layout.addWidget(self.left, 1, 0)
        layout.addWidget(self.right, 1, 1)
        layout.addWidget(buttons, 2, 0, 1, 2)
        self.resize(1200, 700)
        first = min(self.changed_left or [0])
        self.left.setTextCursor(QTextCursor(self.left.document().findBlockByNumber(first)))
        self.left.centerCursor()

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
