"""The memory of source checks: one SQLite row per URL, DOI or arXiv id, in the user cache folder beside
the corpus indexes (`$XDG_CACHE_HOME/corpus-editor/links.sqlite` on Linux).

A row holds the last check (verdict, status, final URL, redirect chain, registry metadata, mismatch,
detail, when) and the history of failures since the source last answered, so a death is confirmed over
checks on several days. Like the index it is only a cache: a damaged file or one from another version
is replaced by an empty one.

    cache = LinkCache()                              # path=None: the user cache folder
    check = cache.lookup("https://doi.org/10.1145/359340.359342")   # -> Check | None, for the window
    check.verdict, check.age()                       # "alive", timedelta(days=2, ...)
    cache.close()

One object may be used from several threads (a lock serializes them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from pathlib import Path

from editor.core.index.store import LINKS_FILE, default_cache_dir
from editor.core.verify.refs import Target, target_of
from editor.core.verify.results import Check

FILE_NAME = LINKS_FILE
SCHEMA_VERSION = 1
_COLUMNS = ("key", "kind", "target", "verdict", "status", "final_url", "redirects", "metadata", "mismatch",
            "detail", "checked_at", "failures", "registry")
_CREATE = f"""CREATE TABLE IF NOT EXISTS checks (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL, verdict TEXT NOT NULL, status INTEGER,
    final_url TEXT, redirects TEXT NOT NULL, metadata TEXT NOT NULL, mismatch TEXT NOT NULL,
    detail TEXT NOT NULL, checked_at TEXT NOT NULL, failures TEXT NOT NULL, registry TEXT);
PRAGMA user_version = {SCHEMA_VERSION};"""


def default_cache_path() -> Path:
    return default_cache_dir().parent / FILE_NAME


class LinkCache:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_cache_path()
        self._lock = threading.Lock()
        self.persistent = True
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, OSError):
            self._discard()
            try:
                self._db = self._open()
            except (sqlite3.DatabaseError, OSError):
                # an unwritable cache folder: remember for this run only rather than fail the check
                self.persistent = False
                self._db = self._connect(":memory:")
                self._db.executescript(_CREATE)

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=5.0, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 5000")
        return db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect(str(self.path))
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # a cache: losing the last rows in a power cut is fine
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                db.execute("DROP TABLE IF EXISTS checks")
            db.executescript(_CREATE)
            db.execute("SELECT count(*) FROM checks").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    # -- reading and writing ------------------------------------------------------------------------
    def get(self, key: str) -> Check | None:
        with self._lock:
            row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM checks WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return _check_from_row(row)
        except (ValueError, TypeError, KeyError):  # a row this version cannot read is as good as none
            return None

    def lookup(self, text: str | Target) -> Check | None:
        """The last check of a URL, a DOI (`10.…`, `doi:10.…`, a doi.org URL) or an arXiv id / URL."""
        target = text if isinstance(text, Target) else target_of(text)
        return self.get(target.key)

    def put(self, check: Check) -> None:
        row = (check.key, check.kind, check.target, check.verdict, check.status, check.final_url,
               json.dumps(check.redirects), json.dumps(check.metadata, ensure_ascii=False),
               json.dumps(check.mismatch), check.detail, check.checked_at.isoformat(), json.dumps(check.failures),
               check.registry)
        with self._lock:
            self._db.execute(f"INSERT OR REPLACE INTO checks ({', '.join(_COLUMNS)}) "
                             f"VALUES ({', '.join('?' * len(_COLUMNS))})", row)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM checks").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> LinkCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _check_from_row(row: tuple) -> Check:
    values = dict(zip(_COLUMNS, row, strict=True))
    return Check(key=values["key"], kind=values["kind"], target=values["target"], verdict=values["verdict"],
                 detail=values["detail"], status=values["status"], final_url=values["final_url"],
                 redirects=json.loads(values["redirects"]), metadata=json.loads(values["metadata"]),
                 mismatch=json.loads(values["mismatch"]), checked_at=dt.datetime.fromisoformat(values["checked_at"]),
                 failures=json.loads(values["failures"]), registry=values["registry"], cached=True)
