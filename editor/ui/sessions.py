"""OpenArticles: every article open in the window, the one on screen, and their unsaved state.

Opening another article never asks: the one left keeps its session (its text, its undo history, its
cursor and scroll, a clash still to decide) in the background, marked in the corpus list, journaled
for crash recovery and followed when its file changes on disk. Sessions without unsaved edits are
kept for a quick return, at most `keep_clean` of them (the least recently shown go first), so memory
stays bounded whatever the number of articles visited. Closing the window (or the corpus) asks once
for every article with unsaved edits (`confirm_close_all`).

The window's widgets are not touched here: `current_changed(session)` says which session to show and
`leaving(session)` comes just before another is shown (the window flushes its form and keeps the view
state in `session.view_state`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, Signal

from editor.ui.session import ArticleSession

KEEP_CLEAN = 3


class OpenArticles(QObject):
    current_changed = Signal(object)  # the session on screen now (None: no article)
    leaving = Signal(object)  # the session on screen is about to be replaced (or closed)
    marks_changed = Signal(str, bool, bool)  # path, has unsaved edits, holds a clash to decide

    def __init__(self, hub, router, parent: QObject | None = None, keep_clean: int = KEEP_CLEAN):
        super().__init__(parent)
        self.hub = hub  # editor.ui.sync.FileSyncHub: journal and outside changes for every session
        self.router = router  # editor.ui.history.UndoRouter: the histories Undo reaches
        self.keep_clean = keep_clean
        self.current: ArticleSession | None = None
        self._sessions: list[ArticleSession] = []  # least recently shown first
        self._paths: dict[int, str] = {}  # the path each session's marks were last shown under
        self._connections: dict[int, list] = {}

    # -- looking ------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[ArticleSession]:
        return iter(list(self._sessions))

    def __len__(self) -> int:
        return len(self._sessions)

    def find(self, path: str) -> ArticleSession | None:
        path = os.path.realpath(path)
        return next((s for s in self._sessions if os.path.realpath(s.path) == path), None)

    def dirty(self) -> list[ArticleSession]:
        """The sessions with unsaved edits, the one on screen first, then the most recently shown."""
        found = [s for s in reversed(self._sessions) if s.is_dirty]
        if self.current in found:
            found.remove(self.current)
            found.insert(0, self.current)
        return found

    # -- opening and showing -----------------------------------------------------------------------
    def open(self, path: str) -> ArticleSession:
        """Show the article at `path`: its kept session, or a new one (raises OSError if unreadable)."""
        path = os.path.realpath(path)
        session = self.find(path)
        if session is None:
            session = ArticleSession(path, self)
            self._add(session)
        self.show(session)
        return session

    def add(self, path: str) -> ArticleSession:
        """Open the article at `path` in the background (a restored crash copy, say)."""
        session = self.find(path)
        if session is None:
            session = ArticleSession(os.path.realpath(path), self)
            self._add(session)
        return session

    def _add(self, session: ArticleSession) -> None:
        self._sessions.insert(0, session)
        key = id(session)
        self._paths[key] = session.path
        self._connections[key] = [
            session.dirty_changed.connect(lambda _dirty, s=session: self._marks(s)),
            session.clash_changed.connect(lambda s=session: self._marks(s)),
            session.path_changed.connect(lambda _path, s=session: self._moved(s)),
        ]
        self.router.add_stack(session.undo_stack)
        self.hub.add_session(session)  # may restore journaled edits into it
        self._marks(session, trim=False)

    def show(self, session: ArticleSession | None) -> None:
        """Put `session` (one of ours) on screen; the one there before stays open in the background."""
        if session is self.current:
            return
        if self.current is not None:
            self.leaving.emit(self.current)
        self.current = session
        if session is not None:
            self._sessions.remove(session)
            self._sessions.append(session)
        self.router.set_article(session.undo_stack if session is not None else None)
        self.hub.set_current(session)
        self.current_changed.emit(session)
        self._trim()

    def _trim(self) -> None:
        """Drop the least recently shown sessions without unsaved edits beyond `keep_clean`."""
        clean = [s for s in self._sessions if s is not self.current and not s.is_dirty and s.clash is None]
        for session in clean[: max(0, len(clean) - self.keep_clean)]:
            self.close(session)

    # -- closing ------------------------------------------------------------------------------------
    def close(self, session: ArticleSession, keep_journal: bool = False) -> None:
        """Forget `session` and its unsaved edits (the caller asked the user); its journal entry goes
        unless `keep_journal`."""
        if session not in self._sessions:
            return
        if session is self.current:
            self.leaving.emit(session)
            self.current = None
            self.router.set_article(None)
            self.hub.set_current(None)
            self.current_changed.emit(None)
        self._sessions.remove(session)
        key = id(session)
        for connection in self._connections.pop(key, []):
            with contextlib.suppress(RuntimeError, TypeError):
                QObject.disconnect(connection)
        path = self._paths.pop(key, session.path)
        self.router.remove_stack(session.undo_stack)
        self.hub.remove_session(session, keep_journal)
        self.marks_changed.emit(path, False, False)
        session.deleteLater()

    def close_all(self) -> None:
        for session in list(self._sessions):
            self.close(session)

    def confirm_close_all(self, ask: Callable[[list[ArticleSession]], str],
                          save: Callable[[ArticleSession], bool]) -> bool:
        """Before everything closes: ask once about every article with unsaved edits ("save" saves
        them all, "discard", "cancel"). False: keep everything open (cancelled, or a save failed)."""
        dirty = self.dirty()
        if not dirty:
            return True
        answer = ask(dirty)
        if answer == "cancel":
            return False
        if answer == "save":
            return all(save(session) for session in dirty)
        return True

    # -- marks ----------------------------------------------------------------------------------------
    def _marks(self, session: ArticleSession, trim: bool = True) -> None:
        self.marks_changed.emit(session.path, session.is_dirty, session.clash is not None)
        if trim and session is not self.current and not session.is_dirty:
            self._trim()

    def _moved(self, session: ArticleSession) -> None:
        key = id(session)
        old = self._paths.get(key)
        if old is not None and old != session.path:
            self.marks_changed.emit(old, False, False)
        self._paths[key] = session.path
        self._marks(session)
