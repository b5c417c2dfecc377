"""Watching the corpus folder, and keeping open articles in step with their files.

`CorpusWatcher` runs a watchdog observer on the corpus (recursively). The observer's thread only
appends raw events to a thread-safe queue; it never touches a Qt object, not even to emit a signal. A
main-thread timer drains the queue in small time slices (every `tick_ms` while there is work,
every `idle_ms` otherwise), keeps the last event time of every article path, and reports a path once
it has been quiet for `quiet_ms` (bursts of events for one save become one change). While events keep
coming, paths are held back so that a mass rewrite (a `git checkout`) comes out as one batch; a path
is never held longer than `max_delay_ms` once it is quiet itself.

Whether a quiet path changed or was removed is decided by looking at the disk when it is reported, so
an atomic replace (a temporary file renamed over the article, as vim and most tools save) and a
delete-and-recreate are both plain modifications. Every file of the corpus counts, articles and the
files listed beside them alike (`walk.in_corpus` decides: not in a hidden folder, not our own temporary
files), so the list's non-article rows stay true too; a non-article file that appears and is gone again
before it is reported (an editor's temporary file renamed over an article) is not reported at all. Our
own saves are recognised by the identity we wrote (`expect`), never by a time window.

`DocumentSync` is what the window calls for an open article when its file is reported: reload a clean
article, merge a dirty one (see `editor.core.files.merge`), follow a rename, keep the buffer of a deleted one.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import time
import weakref
from dataclasses import dataclass, field

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from PySide6.QtCore import QObject, QTimer, Signal

from editor.core.files.merge import MINE, Clash, lost_if_taking_theirs, merge_documents, resolve_field
from editor.core.files.save import FileIdentity, read_with_identity
from editor.core.files.walk import ARTICLE_SUFFIXES, in_corpus

log = logging.getLogger(__name__)


def _pair_moves_from_the_end() -> None:
    """watchdog pairs a rename's two inotify events by looking for the first half in its queue of pending
    events from the oldest one on: when a checkout renames thousands of files, each rename scans the
    whole backlog, in Python, in watchdog's thread, and the GUI thread waits for the GIL meanwhile
    (stalls of 100-300 ms). The half it looks for is almost always the newest, and a rename's cookie is
    unique, so looking from the newest end finds the same event at once."""
    try:
        from watchdog.utils.delayed_queue import DelayedQueue
    except ImportError:  # pragma: no cover - another watchdog layout: its own search stays
        return
    original = getattr(DelayedQueue, "_index_and_item", None)
    if original is None or getattr(original, "from_the_end", False):
        return

    def _index_and_item(self, predicate):
        queue = self._queue
        for i in range(len(queue) - 1, -1, -1):
            elem = queue[i][0]
            if predicate(elem):
                return i, elem
        return None

    _index_and_item.from_the_end = True
    DelayedQueue._index_and_item = _index_and_item


_pair_moves_from_the_end()

_OVERFLOW = "overflow"
_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent, DirCreatedEvent,
           DirDeletedEvent, DirMovedEvent]
_WATCH_LIMIT_ERRORS = (errno.ENOSPC, errno.EMFILE)


@dataclass
class _Pending:
    first: float
    last: float
    appeared: bool = False  # its first event made it exist (created, or renamed to this name)
    folder: bool = False  # a folder that went (everything under it)


class _Handler(FileSystemEventHandler):
    """Runs in the observer thread: hands every event to `sink`, nothing else."""

    def __init__(self, sink):
        super().__init__()
        self._sink = sink

    def dispatch(self, event: FileSystemEvent) -> None:
        self._sink((event.event_type, os.fsdecode(event.src_path), os.fsdecode(event.dest_path),
                    event.is_directory))


class _OverflowLog(logging.Handler):
    """watchdog reports a kernel event-queue overflow only in its log: turn that record into a rescan."""

    def __init__(self, callback):
        super().__init__(logging.WARNING)
        self._callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self._callback()


class CorpusWatcher(QObject):
    """Reports changes to the files of the corpus under `root`. Paths are absolute (`os.path.abspath`).

    A path in `files_removed` or `file_renamed` may name a folder (everything under it): see `affects`
    and `renamed_path`. Those three speak of articles; the other files of the corpus (listed beside the
    articles: `README`s without front matter, images...) come in `other_files_changed(changed, removed)`.
    """

    files_changed = Signal(list)
    files_removed = Signal(list)
    other_files_changed = Signal(list, list)
    file_renamed = Signal(str, str)
    rescan_needed = Signal()
    status_message = Signal(str)

    def __init__(self, root: str | os.PathLike, parent: QObject | None = None, *, quiet_ms: int = 150,
                 max_delay_ms: int = 1000, tick_ms: int = 20, idle_ms: int = 100, slice_ms: int = 8,
                 polling_interval: float = 1.0, observer_factory=None):
        super().__init__(parent)
        self.root = os.path.abspath(os.fspath(root))
        self._prefix = self.root.rstrip(os.sep) + os.sep
        self.quiet = quiet_ms / 1000
        self.max_delay = max_delay_ms / 1000
        self.slice = slice_ms / 1000
        self.polling_interval = polling_interval
        self.polling = False
        self._observer_factory = observer_factory or Observer
        self._observer = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._running = False
        self._pending: dict[str, _Pending] = {}
        self._renames: dict[str, str] = {}  # new path -> old path (chains collapsed)
        self._dir_moves: list[tuple[str, str]] = []
        self._batch: _Batch | None = None
        self._overflowed = False
        self._last_event = 0.0
        self._expected: dict[str, FileIdentity] = {}
        self._log_handler = _OverflowLog(self.notify_overflow)
        self._tick_ms, self._idle_ms = tick_ms, idle_ms
        self._timer = QTimer(self)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(self._tick)

    # -- running ---------------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        if self._running:
            return
        try:
            self._observer = self._start_observer(self._observer_factory())
        except OSError as exc:
            if exc.errno not in _WATCH_LIMIT_ERRORS:
                raise
            self._observer = self._start_observer(PollingObserver(timeout=self.polling_interval))
            self.polling = True
            reason = exc.strerror or str(exc)
            self.status_message.emit(f"Watching by polling: the system ran out of file watches ({reason})")
        logging.getLogger("watchdog.observers").addHandler(self._log_handler)
        self._running = True
        self._timer.setInterval(self._idle_ms)
        self._timer.start()

    def _start_observer(self, observer):
        # Only the events that can change what a file holds or where it is: reads (open, close without
        # writing) are left out in the kernel already, so the index reading thousands of files (or
        # anyone else) costs the watcher's threads nothing and leaves the GIL to the GUI thread.
        observer.schedule(_Handler(self._sink), self.root, recursive=True, event_filter=_EVENTS)
        try:
            observer.start()
        except BaseException:
            if observer.is_alive():  # pragma: no cover - start fails before the thread runs
                observer.stop()
                observer.join()
            raise
        return observer

    def stop(self) -> None:
        """Stop watching and join the observer thread. Pending changes are dropped."""
        self._running = False
        self._timer.stop()
        logging.getLogger("watchdog.observers").removeHandler(self._log_handler)
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=10)
        self._pending.clear()
        self._renames.clear()
        self._dir_moves.clear()
        self._batch = None
        self._overflowed = False
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break

    # -- our own saves ---------------------------------------------------------------------------
    def expect(self, path: str | os.PathLike, identity: FileIdentity) -> None:
        """We just wrote `path` as `identity`: events after which the file still is that are not ours
        to report. The expectation lasts until the file is seen to be something else."""
        self._expected[os.path.abspath(os.fspath(path))] = identity

    def forget(self, path: str | os.PathLike) -> None:
        self._expected.pop(os.path.abspath(os.fspath(path)), None)

    # -- the observer thread's side -----------------------------------------------------------------
    def _sink(self, item) -> None:
        """Called in the observer thread (or the logging thread): only queues."""
        self._queue.put((time.monotonic(), *item))

    def notify_overflow(self) -> None:
        """Events were lost (the kernel queue overflowed): a rescan follows. Thread-safe."""
        self._sink((_OVERFLOW, "", "", False))

    # -- the main thread's side ---------------------------------------------------------------------
    def _tick(self) -> None:
        if not self._running:
            return
        deadline = time.monotonic() + self.slice
        drained_all = True
        while True:
            if time.monotonic() >= deadline:
                drained_all = False
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            self._note(*item)
        now = time.monotonic()
        if self._batch is not None:
            self._classify(deadline + self.slice)
        elif drained_all and now - self._last_event >= self.quiet:
            self._flush(list(self._pending), now)
        else:
            due = [p for p, t in self._pending.items()
                   if now - t.first >= self.max_delay and now - t.last >= self.quiet]
            if due:
                self._flush(due, now)
        busy = (not drained_all or self._pending or self._overflowed or self._dir_moves
                or self._batch is not None)
        interval = self._tick_ms if busy else self._idle_ms
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)

    def _note(self, at: float, kind: str, src: str, dest: str, is_dir: bool) -> None:
        self._last_event = max(self._last_event, at)
        if kind == _OVERFLOW:
            self._overflowed = True
            return
        if kind in ("opened", "closed_no_write", "attrib"):
            return
        if is_dir:
            # a folder moved inside the corpus is one rename; a folder gone (or moved out of sight) is
            # reported as removed. Files that appear with a folder come as their own events.
            if kind == "moved" and self._visible(src) and self._visible(dest):
                self._dir_moves.append((src, dest))
            elif kind in ("deleted", "moved") and self._visible(src):
                self._touch(src, at, folder=True)
            return
        if kind == "moved":
            if any(_under(src, old) and _under(dest, new) for old, new in self._dir_moves):
                return  # part of a folder move, reported as one rename of the folder
            src_article, dest_article = self.is_article(src), self.is_article(dest)
            if src_article and dest_article:
                self._renames[dest] = self._renames.pop(src, src)
                self._touch(src, at)
                self._touch(dest, at)
                return
            # an atomic replace (a temporary file renamed over the article), a rename to a backup name,
            # a file of the corpus renamed: the old name is gone, the new one is there
            if self.is_tracked(src):
                self._touch(src, at)
            if self.is_tracked(dest):
                self._touch(dest, at, appeared=True)
            return
        if self.is_tracked(src):
            self._touch(src, at, appeared=kind == "created")

    def _touch(self, path: str, at: float, appeared: bool = False, folder: bool = False) -> None:
        pending = self._pending.get(path)
        if pending is None:
            self._pending[path] = _Pending(at, at, appeared, folder)
        else:
            pending.last = max(pending.last, at)
            pending.folder = pending.folder or folder

    def _flush(self, paths: list[str], now: float, budget: float | None = None) -> None:
        """Report `paths` (quiet now): renames at once, then each path looked at on disk, a slice of
        work per tick (`_classify`), everything reported together when all are looked at."""
        if self._overflowed and now - self._last_event >= self.quiet:
            self._overflowed = False
            self.status_message.emit("Many changes on disk at once: rescanning the corpus")
            self.rescan_needed.emit()
        moves, self._dir_moves = self._dir_moves, []
        for old, new in moves:
            self.file_renamed.emit(old, new)
        if not paths:
            return
        wanted = set(paths)
        appeared, folders = set(), set()
        for path in paths:
            pending = self._pending.pop(path)
            if pending.appeared:
                appeared.add(path)
            if pending.folder:
                folders.add(path)
        renamed: list[tuple[str, str]] = []
        for new, old in list(self._renames.items()):
            if new not in wanted and old not in wanted:
                continue
            del self._renames[new]
            if old != new and not os.path.lexists(old) and os.path.exists(new):
                renamed.append((old, new))
                wanted.discard(old)
                wanted.discard(new)
                self._pending.pop(old, None)
                self._pending.pop(new, None)
                identity = self._expected.pop(old, None)
                if identity is not None:
                    self._expected[new] = identity
        self._batch = _Batch([path for path in paths if path in wanted], appeared, folders, renamed)
        self._classify(time.monotonic() + (self.slice if budget is None else budget))

    def _classify(self, deadline: float) -> None:
        """Look at the batch's paths on disk until `deadline`; report the batch once all are seen."""
        batch = self._batch
        paths = batch.paths
        while batch.done < len(paths):
            if time.monotonic() >= deadline:  # every path: a stat may wait long for the GIL
                return
            path = paths[batch.done]
            batch.done += 1
            article = path in batch.folders or self.is_article(path)
            if batch.exists(path):
                if not self._is_own(path):
                    (batch.changed if article else batch.others_changed).append(path)
            elif path in batch.appeared and not article:
                continue  # a temporary file that came and went: it never was in the list
            else:
                self._expected.pop(path, None)
                (batch.removed if article else batch.others_removed).append(path)
        self._batch = None
        for old, new in batch.renamed:
            self.file_renamed.emit(old, new)
        if batch.removed:
            self.files_removed.emit(batch.removed)
        if batch.changed:
            self.files_changed.emit(batch.changed)
        if batch.others_changed or batch.others_removed:
            self.other_files_changed.emit(batch.others_changed, batch.others_removed)

    def _is_own(self, path: str) -> bool:
        identity = self._expected.get(path)
        if identity is None:
            return False
        if identity.matches(path):
            return True
        del self._expected[path]
        return False

    # -- which paths count ---------------------------------------------------------------------------
    def _relative(self, path: str) -> str | None:
        """`path` relative to the root ('/'-separated), or None outside it. (Called for every event: no
        `os.path.relpath`, which costs ten times more.)"""
        if not path.startswith(self._prefix):
            return None
        rel = path[len(self._prefix):]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def _visible(self, path: str) -> bool:
        rel = self._relative(path)
        return bool(rel) and not any(part.startswith(".") for part in rel.split("/"))

    def is_article(self, path: str) -> bool:
        return path.lower().endswith(ARTICLE_SUFFIXES) and self._visible(path)

    def is_tracked(self, path: str) -> bool:
        """A file of the corpus (an article or a file listed beside them), see `walk.in_corpus`."""
        rel = self._relative(path)
        return bool(rel) and in_corpus(rel)


class _Batch:
    """Paths being reported (see `CorpusWatcher._classify`), and what was found so far."""

    def __init__(self, paths: list[str], appeared: set[str], folders: set[str], renamed: list[tuple[str, str]]):
        self.paths, self.appeared, self.folders, self.renamed = paths, appeared, folders, renamed
        self.done = 0
        self.changed: list[str] = []
        self.removed: list[str] = []
        self.others_changed: list[str] = []
        self.others_removed: list[str] = []
        self._seen: dict[str, int] = {}
        self._listed: dict[str, set[str]] = {}

    def exists(self, path: str) -> bool:
        """`lexists`, except that a folder met many times is listed once: a checkout rewrites thousands
        of files, and thousands of stat calls would each wait for the GIL behind the watcher's thread."""
        folder, name = os.path.split(path)
        names = self._listed.get(folder)
        if names is None:
            seen = self._seen[folder] = self._seen.get(folder, 0) + 1
            if seen < 16:
                return os.path.lexists(path)
            try:
                names = self._listed[folder] = set(os.listdir(folder))
            except OSError:
                names = self._listed[folder] = set()
        return name in names


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def affects(paths, article_path: str) -> bool:
    """Does a reported path (an article, or a folder) cover `article_path`?"""
    article_path = os.path.abspath(article_path)
    absolute = [p if os.path.isabs(p) else os.path.abspath(p) for p in paths]
    return article_path in set(absolute) or any(_under(article_path, p) for p in absolute)


def renamed_path(article_path: str, old: str, new: str) -> str | None:
    """Where `article_path` is after `old` was renamed to `new` (a file or a folder), or None."""
    article_path, old, new = map(os.path.abspath, (article_path, old, new))
    if article_path == old:
        return new
    if _under(article_path, old):
        return new + article_path[len(old):]
    return None


# -- open articles ------------------------------------------------------------------------------------

@dataclass
class SyncOutcome:
    """What happened to an open article. `kind`:

    - "unchanged": the file still is what the session loaded or saved (our own save, a touch);
    - "reloaded": the session had no unsaved edits and now holds the new file;
    - "merged": unsaved edits were merged with the new file; the session is unsaved, based on the disk;
      `from_disk` says what came from disk;
    - "clash": unsaved edits and the disk changed the same thing: nothing changed; `clashes` says what
      and `session.clash` holds it until the user decides, field by field (`DocumentSync.choose`) or for
      everything (`keep_mine` / `take_theirs`);
    - "deleted": the file is gone; the buffer is kept and saving recreates the file;
    - "renamed": the session follows the new path (`path`); the content did not change;
    - "unreadable": the file cannot be read now (`error`); nothing changed.
    """

    kind: str
    path: str
    from_disk: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    error: str | None = None
    disk_bytes: bytes | None = None
    disk_identity: FileIdentity | None = None
    renamed_from: str | None = None

    @classmethod
    def of_clash(cls, session) -> SyncOutcome:
        """The outcome that shows the clash `session` still holds (an article the user comes back to)."""
        clash = session.clash
        left = [f.name for f in clash.unresolved()]
        return cls("clash", session.path, list(clash.from_disk), left, clash.error, clash.theirs, clash.identity)

    @property
    def message(self) -> str:
        name = os.path.basename(self.path)
        moved = f" (moved from {os.path.basename(self.renamed_from)})" if self.renamed_from else ""
        if self.kind == "unchanged":
            return ""
        if self.kind == "renamed":
            return f"{name}: renamed on disk{moved}"
        if self.kind == "reloaded":
            return f"{name}: reloaded, it changed on disk{moved}"
        if self.kind == "merged":
            what = ", ".join(self.from_disk) or "nothing new"
            return f"{name} changed on disk{moved}; merged with your unsaved edits. From disk: {what}"
        if self.kind == "clash":
            what = self.error or ", ".join(self.clashes)
            return f"{name} changed on disk{moved} where you have unsaved edits: {what}. Nothing was written."
        if self.kind == "unreadable":
            return f"{name} changed on disk but cannot be read: {self.error}"
        if self.kind == "deleted":
            return f"{name} was deleted on disk; your text is kept, and saving recreates the file"
        return self.kind  # pragma: no cover


class DocumentSync:
    """Brings an open ArticleSession in step with its file. Plain logic: the window shows the outcome."""

    def __init__(self, watcher: CorpusWatcher | None = None):
        self.watcher = watcher
        self._tracked: weakref.WeakSet = weakref.WeakSet()

    def track(self, session) -> None:
        """Tell the watcher (the current one: it may be replaced) about every save of `session`, so our
        own save is not reported back as a change. Tracking a session twice is harmless."""
        if session in self._tracked:
            return
        self._tracked.add(session)
        session.saved.connect(lambda: self._saved(session))

    def _saved(self, session) -> None:
        if self.watcher is not None and session.identity is not None:
            self.watcher.expect(session.path, session.identity)

    def on_disk_change(self, session, renamed_from: str | None = None) -> SyncOutcome:
        try:
            data, identity = read_with_identity(session.path)
        except FileNotFoundError:
            return self.on_removed(session)
        except OSError as exc:  # unreadable now (permissions, a folder in its place): keep everything
            return SyncOutcome("unreadable", session.path, error=exc.strerror or str(exc), renamed_from=renamed_from)
        if session.identity is not None and identity.sha256 == session.identity.sha256 \
                and not session.deleted_on_disk:
            kind = "renamed" if renamed_from else "unchanged"
            return SyncOutcome(kind, session.path, disk_bytes=data, disk_identity=identity,
                               renamed_from=renamed_from)
        if not session.is_dirty:
            session.load()
            return SyncOutcome("reloaded", session.path, disk_bytes=data, disk_identity=identity,
                               renamed_from=renamed_from)
        if session.clash is not None and session.clash.theirs == data:
            outcome = SyncOutcome.of_clash(session)  # seen already: the user's choices so far stay
            outcome.renamed_from = renamed_from
            return outcome
        mine = session.current_bytes()
        result = merge_documents(session.saved_bytes, mine, data, session.path)
        if not result.ok:
            session.set_clash(Clash.of(result, session.saved_bytes, data, identity))
            return SyncOutcome("clash", session.path, result.from_disk, result.clashes, result.error, data, identity,
                               renamed_from)
        session.adopt_merge(result.merged_text, data, identity)
        return SyncOutcome("merged", session.path, result.from_disk, disk_bytes=data, disk_identity=identity,
                           renamed_from=renamed_from)

    def on_removed(self, session) -> SyncOutcome:
        if os.path.exists(session.path):  # it came back before we looked
            return self.on_disk_change(session)
        session.mark_deleted()
        return SyncOutcome("deleted", session.path)

    def on_renamed(self, session, new_path: str) -> SyncOutcome:
        old = session.path
        session.set_path(new_path)
        return self.on_disk_change(session, renamed_from=old)

    @staticmethod
    def _disk(session, outcome: SyncOutcome | None) -> tuple[bytes, FileIdentity] | None:
        if outcome is not None and outcome.disk_bytes is not None and outcome.disk_identity is not None:
            return outcome.disk_bytes, outcome.disk_identity
        if session.clash is not None:
            return session.clash.theirs, session.clash.identity
        try:
            return read_with_identity(session.path)
        except OSError:
            return None

    def keep_mine(self, session, outcome: SyncOutcome | None = None) -> None:
        """After a clash: keep all my text, now as unsaved edits over the disk version (saving replaces
        it). One undoable step; undo brings the clash back."""
        disk = self._disk(session, outcome)
        if disk is None:
            return
        session.rebase("Keep mine for everything", session.current_bytes(), disk[0], disk[1], None)

    def take_theirs(self, session, outcome: SyncOutcome | None = None) -> None:
        """After a clash: the file as it is on disk replaces all my unsaved edits. One undoable step
        (undo gives my edits back, and the clash); see `lost_if_taking_theirs` for what to ask first."""
        disk = self._disk(session, outcome)
        if disk is None:
            return
        session.rebase("Take theirs for everything", disk[0], disk[0], disk[1], None)

    def lost_if_taking_theirs(self, session, outcome: SyncOutcome | None = None) -> list[str]:
        """My unsaved edits that taking the disk version for everything would drop."""
        disk = self._disk(session, outcome)
        if disk is None:
            return []
        return lost_if_taking_theirs(session.saved_bytes, session.current_bytes(), disk[0], session.path)

    def choose(self, session, name: str, side: str) -> bool:
        """Decide one clashing field (`MINE` or `THEIRS`) as one undoable step. When it was the last one,
        the disk version is merged in and becomes the base (True)."""
        clash = session.clash
        if clash is None:
            return False
        result = resolve_field(clash, session.current_bytes(), name, side, session.path)
        label = "Keep mine" if side == MINE else "Take theirs"
        if result.merged:
            session.rebase(f"{label}: {name}", result.mine, clash.theirs, clash.identity, None)
            return True
        session.rebase(f"{label}: {name}", result.mine, session.saved_bytes, session.identity, result.clash)
        return False

