"""The corpus index for the window: a reader on the GUI thread and a builder in a worker QThread.

SQLite connections belong to the thread that opened them, so the worker opens its own `CorpusIndex`,
refreshes it (reporting progress through a signal) and closes it; the GUI thread's reader then
re-reads the rows. With a warm cache the rows are shown at once, before the refresh starts.

Files changed by other programs (reported by the watcher) are taken in by `IndexUpdater`, in a worker
thread too: it updates the index for just those files and hands back their rows (and the paths that
went), so the list changes row by row and the GUI thread never waits for the disk or the cache. A
refresh asked for while one runs runs again when it ends; updates wait for a running refresh.
"""

from __future__ import annotations

import os
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from editor.core.document.errors import CorpusEditorError
from editor.ui.corpus.rows import CorpusRow, row_from_index


def _open_index(root: str, cache_dir: str | None):
    from editor.core.index.store import CorpusIndex

    return CorpusIndex(root, cache_dir=cache_dir)


class IndexWorker(QObject):
    progress = Signal(int, int)  # done, total
    # seconds, and read in this thread: all the fresh rows (list[CorpusRow]), or with `changes_only`
    # (the list already shows the index) the rows re-read and the paths gone: (list[CorpusRow], list[str])
    finished = Signal(float, object)
    failed = Signal(str)

    def __init__(self, root: str, cache_dir: str | None = None, rescan: bool = False, changes_only: bool = False):
        super().__init__()
        self.root = root
        self.cache_dir = cache_dir
        self.rescan = rescan
        self.changes_only = changes_only
        self._last_emit = 0.0
        self.cancelled = False  # set from the GUI thread; the next progress report stops the refresh

    def _progress(self, *args: Any) -> bool:
        if self.cancelled:
            return False  # the index stops early and keeps what it has read
        done, total = (int(args[0]), int(args[1])) if len(args) >= 2 else (int(args[0]) if args else 0, 0)
        now = time.monotonic()
        if now - self._last_emit > 0.05 or (total and done >= total):
            self._last_emit = now
            self.progress.emit(done, total)
        return True

    @Slot()
    def run(self) -> None:
        started = time.perf_counter()
        try:
            index = _open_index(self.root, self.cache_dir)
            try:
                stats = index.refresh(progress=self._progress, rescan=self.rescan)
                if self.changes_only and not stats.rebuilt:
                    rows = ([row_from_index(entry, self.root) for entry in index.rows_at(stats.changed_paths)],
                            [os.path.join(self.root, rel) for rel in stats.removed_paths])
                else:
                    # read the rows here too: 50,000 of them take the GUI thread most of a second
                    rows = [row_from_index(entry, self.root) for entry in index.rows(include_non_articles=True)]
            finally:
                index.close()
        except Exception as exc:
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit(time.perf_counter() - started, rows)


class IndexUpdater(QObject):
    """Takes changed and removed paths into the index (its own connection), in a worker thread."""

    finished = Signal(object, object, object)  # CorpusRows changed or added, paths removed, notes

    def __init__(self, root: str, cache_dir: str | None, changed: list[str], removed: list[str]):
        super().__init__()
        self.root, self.cache_dir = root, cache_dir
        self.changed, self.removed = changed, removed

    @Slot()
    def run(self) -> None:
        rows: list[CorpusRow] = []
        gone: list[str] = []
        notes: list[str] = []
        try:
            index = _open_index(self.root, self.cache_dir)
            try:
                stats = index.update_paths(self.changed, self.removed)
                notes = list(stats.notes)
                gone = [os.path.join(self.root, rel) for rel in stats.removed_paths]
                rows = [row_from_index(entry, self.root) for entry in index.rows_at(stats.changed_paths)]
            finally:
                index.close()
        except Exception as exc:  # the list keeps its rows; the next refresh tries again
            notes.append(f"{type(exc).__name__}: {exc}")
        self.finished.emit(rows, gone, notes)


class CorpusSource(QObject):
    """The GUI thread's view of the index: rows, search, single-file updates, background refresh."""

    rows_loaded = Signal()
    progress = Signal(int, int)
    refresh_finished = Signal(float)
    refresh_failed = Signal(str)
    rows_changed = Signal(list, list)  # CorpusRows changed or added, absolute paths removed (IndexUpdater)

    def __init__(self, root: str, cache_dir: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.root = os.path.realpath(root)
        self.cache_dir = cache_dir
        self.index = _open_index(self.root, cache_dir)
        self._thread: QThread | None = None
        self._worker: IndexWorker | None = None
        self.refreshing = False
        self.closed = False
        self.last_error = ""
        self._fresh_rows: list[CorpusRow] | None = None
        self.last_changes: tuple[list[CorpusRow], list[str]] | None = None  # a refresh's changes only
        self._refresh_again = False  # asked for while one ran
        self._again_changes_only = True  # ...and every such request wanted only the changes
        self._queued: dict[str, bool] = {}  # path -> removed? (last report wins), for the next update
        self._update_thread: QThread | None = None
        self._updater: IndexUpdater | None = None

    def _abs(self, path: Any) -> str:
        path = os.fspath(path)
        return path if os.path.isabs(path) else os.path.join(self.root, path)

    def _rel(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def load_rows(self) -> list[CorpusRow]:
        """The rows the index holds now; none (and `last_error` says why) if the cache cannot be read."""
        if self.closed:
            return []
        if self._fresh_rows is not None:  # just read by the worker that refreshed the index
            return list(self._fresh_rows)
        try:
            entries = self.index.rows(include_non_articles=True)
        except CorpusEditorError as exc:  # a damaged cache is reset by the index: the next refresh rebuilds it
            self.last_error = str(exc)
            return []
        self.last_error = ""
        return [row_from_index(entry, self.root) for entry in entries]

    def search(self, text: str) -> set[str] | None:
        if self.closed or not text.strip():
            return None
        try:
            hits = self.index.rows(search=text, snippets=False)
        except Exception:
            return None
        paths = set()
        for hit in hits:
            if isinstance(hit, (str, os.PathLike)):
                paths.add(self._abs(hit))
            else:
                paths.add(row_from_index(hit, self.root).path)
        return paths

    def file_changed(self, path: str) -> CorpusRow | None:
        if self.closed:
            return None
        self.index.file_changed(self._index_path(path))
        entry = self.index.get(self._index_path(path))
        return row_from_index(entry, self.root) if entry is not None else None

    def file_removed(self, path: str) -> None:
        if self.closed:
            return
        self.index.file_removed(self._index_path(path))

    def _index_path(self, path: str) -> str:
        return path

    # -- background updates of a few files -------------------------------------------------------
    def update_in_background(self, changed: list[str], removed: list[str]) -> None:
        """Take these files (or folders) into the index in a worker thread; `rows_changed` follows."""
        if self.closed:
            return
        for path in removed:
            self._queued[path] = True
        for path in changed:
            self._queued[path] = False
        self._start_update()

    @property
    def updating(self) -> bool:
        return self._update_thread is not None or bool(self._queued)

    def _start_update(self) -> None:
        if self._update_thread is not None or self.refreshing or not self._queued or self.closed:
            return
        queued, self._queued = self._queued, {}
        changed = [p for p, gone in queued.items() if not gone]
        removed = [p for p, gone in queued.items() if gone]
        self._updater = IndexUpdater(self.root, self.cache_dir, changed, removed)
        self._updater.finished.connect(self._on_updated)
        self._update_thread = self._run_in_thread(self._updater, "corpus-index-update")

    def _run_in_thread(self, worker: QObject, name: str) -> QThread:
        """Start `worker.run` in a new thread of this object's (its signals are connected first)."""
        thread = QThread(self)
        thread.setObjectName(name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        thread.start()
        return thread

    @staticmethod
    def _stop(thread: QThread | None, worker: QObject | None) -> None:
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()

    def _stop_update_thread(self) -> None:
        self._stop(self._update_thread, self._updater)
        self._update_thread = self._updater = None

    def _on_updated(self, rows: list[CorpusRow], removed: list[str], notes: list[str]) -> None:
        self._stop_update_thread()
        if self.closed:
            return
        if notes:
            self.last_error = "; ".join(notes)
        self.rows_changed.emit(rows, removed)
        self._after_refresh()

    # -- background refresh ---------------------------------------------------------------------
    def start_refresh(self, rescan: bool = False, changes_only: bool = False) -> None:
        """Refresh the index in a worker thread. `changes_only`: the list already shows the index, so
        only the rows that changed come back (`last_changes` during `refresh_finished`)."""
        if self.refreshing or self._update_thread is not None:
            self._refresh_again = True  # files may have changed behind the running one's walk
            self._again_changes_only = self._again_changes_only and changes_only
            return
        self.refreshing = True
        self._worker = IndexWorker(self.root, self.cache_dir, rescan, changes_only)
        self._worker.progress.connect(self.progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread = self._run_in_thread(self._worker, "corpus-index")

    def _stop_thread(self) -> None:
        self._stop(self._thread, self._worker)
        self._thread = self._worker = None
        self.refreshing = False

    def _on_finished(self, seconds: float, rows) -> None:
        self._stop_thread()
        if not self.closed:
            if isinstance(rows, tuple):
                self.last_changes = rows
            else:
                self._fresh_rows = rows
            self.refresh_finished.emit(seconds)
            self._fresh_rows = self.last_changes = None
            self._after_refresh()

    def _on_failed(self, message: str) -> None:
        self._stop_thread()
        if not self.closed:
            self.refresh_failed.emit(message)
            self._after_refresh()

    def _after_refresh(self) -> None:
        if self._refresh_again:
            self._refresh_again = False
            changes_only, self._again_changes_only = self._again_changes_only, True
            self.start_refresh(changes_only=changes_only)
        else:
            self._start_update()

    def close(self) -> None:
        """Stop a running refresh (the index keeps what it has read) and close the index."""
        if self.closed:
            return
        self.closed = True
        if self._worker is not None:
            self._worker.cancelled = True
            self._worker.finished.disconnect(self._on_finished)
            self._worker.failed.disconnect(self._on_failed)
        self._stop_thread()
        if self._updater is not None:
            self._updater.finished.disconnect(self._on_updated)
        self._stop_update_thread()
        self._queued.clear()
        self.index.close()
