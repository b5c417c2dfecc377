"""CorpusIndex: a persistent SQLite index of a corpus folder, with full-text search.

One database per corpus lives in the user cache folder (`platformdirs`, so `XDG_CACHE_HOME` is
respected), named by a hash of the corpus's absolute path. It holds a row per file (stat identity,
summary fields, error and warning counts, the parse error of an unreadable article), the searchable
text of each article, and an FTS5 index over titles, statements, known gaps and bodies (bm25 ranking,
snippets).

A cold scan reads every file, spread over processes (`editor.core.index.scan`). A warm start only stats the
files and re-reads those whose size, mtime or inode changed (and the few whose counts depend on today's
date and whose day has come, see `scan.Checker.valid_until`); vanished files are dropped. A cache that
is corrupt, locked, from another version of the index, or built with other rules or another schema is
never trusted: it is deleted and rebuilt (damage in the full-text tables, which are not checked page by
page on opening, is found when searching or writing and resets the cache too). A cache that cannot be
written (a full disk, a read-only folder) is never deleted: it is left as it is, and the index is built
in a temporary file (or in memory) instead, with a note saying so (`ScanStats.notes`).

    index = CorpusIndex(root)                  # cache_dir=None: the user cache folder
    index.refresh(progress)                    # -> ScanStats; progress(done, total) may return False
    index.rows(where=["language=en"], stale_days=180, sort="-last_verified")   # -> list[Row]
    index.search("open-source models")         # ranked, with snippets
    index.get(path)                            # -> Row | None
    index.file_changed(path); index.file_removed(path); index.file_renamed(old, new)
    index.update_paths(changed, removed)       # many at once, folders too
    index.close()

Thread use: build or refresh in a worker thread, query from the GUI thread. Each thread gets its own
connection (WAL mode lets readers and one writer work at once); writes are serialized by a lock.
`close()` closes every connection; call it when no other thread is using the index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from editor.core.document.errors import CorpusEditorError
from editor.core.files.leftovers import remove_stale
from editor.core.files.read import max_file_size
from editor.core.files.walk import CORPUS_SCHEMA_NAME, in_corpus, walk
from editor.core.index.text import display_text, search_text

SCHEMA_VERSION = 5
APP_NAME = "corpus-editor"
# Modules whose code decides what a row holds: a change to any of them invalidates the cache.
_CORE_MODULES = ("index/scan.py", "index/text.py", "files/walk.py", "files/read.py", "validation/rules.py",
                 "validation/schema.py", "validation/quickvalid.py", "validation/problems.py", "document/article.py",
                 "document/yamltree.py", "document/source.py", "document/values.py", "document/fieldpath.py",
                 "document/errors.py", "document/review.py", "document/citations.py")
LINKS_FILE = "links.sqlite"  # the link cache (editor.core.verify.cache), beside the folder of the indexes
# the verdicts of the link cache an article's row counts (`broken`, `blocked`)
_COUNTED_VERDICTS = ("broken", "blocked")

PARALLEL_MIN_FILES = 400  # fewer files to read than this: read them in this process
BATCH_SIZE = 500  # rows written per transaction
LOCK_TIMEOUT = 5.0  # seconds to wait for another writer before the cache counts as locked

Progress = Callable[[int, int], Any]

# column name in `files` -> ScanResult field, in ScanResult order (all but `text`)
_COLUMNS = ("path", "size", "mtime_ns", "inode", "is_article", "article_id", "title", "slug", "category",
            "language", "confidence", "status", "last_verified", "updated", "created_date", "facts", "sources",
            "gaps", "errors", "warnings", "error", "error_line", "error_code", "checked_on", "valid_until",
            "id_key", "unreviewed", "high_unreviewed", "oldest_review")

_SCHEMA_SQL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(
    file_id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    is_article INTEGER NOT NULL,
    article_id TEXT, title TEXT, slug TEXT, category TEXT, language TEXT, confidence TEXT, status TEXT,
    last_verified TEXT, updated TEXT, created_date TEXT,
    facts INTEGER NOT NULL DEFAULT 0, sources INTEGER NOT NULL DEFAULT 0, gaps INTEGER NOT NULL DEFAULT 0,
    errors INTEGER, warnings INTEGER,
    error TEXT, error_line INTEGER, error_code TEXT,
    checked_on TEXT, valid_until TEXT,
    id_key TEXT,
    unreviewed INTEGER NOT NULL DEFAULT 0, high_unreviewed INTEGER NOT NULL DEFAULT 0, oldest_review TEXT,
    in_fts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_id_key ON files(id_key) WHERE id_key IS NOT NULL;
CREATE TABLE problems(file_id INTEGER NOT NULL, code TEXT NOT NULL, field TEXT NOT NULL, natural TEXT NOT NULL,
                      severity TEXT NOT NULL, count INTEGER NOT NULL);
CREATE INDEX problems_file ON problems(file_id);
CREATE INDEX problems_code ON problems(code, severity);
CREATE TABLE cites(file_id INTEGER NOT NULL, key TEXT NOT NULL);
CREATE INDEX cites_key ON cites(key);
CREATE INDEX cites_file ON cites(file_id);
CREATE TABLE texts(file_id INTEGER PRIMARY KEY, title TEXT, statements TEXT, gaps TEXT, body TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, statements, gaps, body, content = 'texts', content_rowid = 'file_id',
                                    tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO fts(fts, rank) VALUES ('automerge', 8);
"""
# `problems` holds each file's problems grouped as the editor lists them (one row per rule and field):
# `natural` is the rule's own severity, `severity` the one the corpus gives it now (`off` included), and
# files.errors / files.warnings count the rows by `severity`. A corpus schema file whose only change is
# its severity overrides is taken in as a recount of these rows (`apply_overrides`), not a re-read.
# The searchable text of each article is kept once, in `texts`; `fts` indexes it (an external-content
# FTS5 table: snippets read `texts`). `files.in_fts` says whether a row's text is in the index yet: a
# listing may leave indexing to the first search (`refresh(full_text=False)`). Removing a text from the
# index needs the text it was indexed with, which is why `texts` changes only after that removal.
# automerge 8 (default 4): segments are merged in larger steps, a quarter less work while indexing
# 50,000 articles, for searches a few milliseconds slower.
# `cites` holds the link cache keys each article cites. The verdicts themselves stay in the link cache,
# which `check-links` and the window write at any time: each query copies its broken and blocked keys
# (few) into a temporary table, again only when the link cache file changed, and joins them there. So a
# check run shows in the list without any article being read again. The join starts from those few keys
# (CROSS JOIN keeps SQLite from walking every row of `cites` instead).

# bm25 weights per FTS column: a hit in a title counts most, then statements, gaps, body
_BM25 = "bm25(fts, 10.0, 5.0, 2.0, 1.0)"


class IndexCacheError(CorpusEditorError):
    """The index cache can be neither opened nor created."""


class IndexQueryError(CorpusEditorError, ValueError):
    """A filter, sort field or search text that cannot be used."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IndexUnavailable(CorpusEditorError):
    """The cache turned out damaged while being read; it was reset and needs a refresh."""


class _Untrusted(Exception):
    """The cache exists but must not be used (another version, another corpus, failed check)."""


# -- rows -----------------------------------------------------------------------------------------------
class Row(NamedTuple):
    """One file of the corpus as the index knows it. Dates are ISO text as found (`YYYY-MM-DD` when
    valid); `path` is relative to the corpus root, '/'-separated."""

    path: str
    is_article: bool
    id: str | None
    title: str | None
    slug: str | None
    category: str | None
    language: str | None
    confidence: str | None
    status: str | None
    last_verified: str | None
    updated: str | None
    created_date: str | None
    facts: int
    sources: int  # primary + secondary
    gaps: int
    errors: int | None  # None for files that are not articles
    warnings: int | None
    error: str | None  # why the file is not a readable article (or not an article at all)
    error_line: int | None
    error_code: str | None
    size: int
    mtime_ns: int
    inode: int
    duplicate_id: bool = False  # another article has the same id (counted in errors or warnings)
    score: float | None = None  # search relevance, higher is better
    snippet: str | None = None  # search hit in context, matches in [brackets]
    unreviewed: int = 0  # facts without a review verdict
    high_unreviewed: int = 0  # of which high-confidence ones
    oldest_review: str | None = None  # ISO date of the oldest review of a fact
    broken: int = 0  # cited sources the link cache last found broken
    blocked: int = 0  # ... or blocked (a person must look)

    @property
    def readable(self) -> bool:
        return self.is_article and self.error is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the `list --format json` object)."""
        data = {
            "path": self.path, "id": self.id, "title": self.title, "slug": self.slug,
            "category": self.category, "language": self.language, "confidence": self.confidence,
            "status": self.status, "last_verified": self.last_verified, "updated": self.updated,
            "created_date": self.created_date, "facts": self.facts, "sources": self.sources, "gaps": self.gaps,
            "errors": self.errors, "warnings": self.warnings, "duplicate_id": self.duplicate_id,
            "error": self.error, "error_line": self.error_line, "unreviewed": self.unreviewed,
            "high_unreviewed": self.high_unreviewed, "oldest_review": self.oldest_review, "broken": self.broken,
            "blocked": self.blocked,
        }
        if self.score is not None:
            data["score"] = round(self.score, 4)
            data["snippet"] = self.snippet
        return data


ROW_FIELDS = Row._fields


class ProblemCount(NamedTuple):
    """One rule's problems in the corpus: `files` articles have `entries` of them (grouped as the editor
    lists them), standing for `findings` findings."""

    code: str
    severity: str  # as the corpus counts it now: error, warning or off
    files: int
    entries: int
    findings: int


class ProblemPlace(NamedTuple):
    path: str  # relative to the corpus root
    id: str | None
    title: str | None
    field: str  # empty: the whole article or its body
    severity: str
    count: int


@dataclass
class ScanStats:
    """What a refresh or an update did."""

    files: int = 0  # files in the index afterwards
    articles: int = 0  # of which articles (readable or not)
    non_articles: int = 0
    unreadable: int = 0  # articles that cannot be read (parse errors...)
    read: int = 0  # files read this time
    added: int = 0
    changed: int = 0
    removed: int = 0
    seconds: float = 0.0
    rebuilt: str | None = None  # why the cache was (re)built from scratch, if it was
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)
    changed_paths: list[str] = field(default_factory=list)  # relative paths added or re-read
    removed_paths: list[str] = field(default_factory=list)


# -- queries: fields, filters, search --------------------------------------------------------------------
_TEXT, _INT, _BOOL, _PROBLEM = "text", "int", "bool", "problem"
# public field name -> (SQL expression, kind); {dup} is replaced by the duplicate-id expression
_FIELDS: dict[str, tuple[str, str]] = {
    "path": ("f.path", _TEXT), "id": ("f.article_id", _TEXT), "title": ("f.title", _TEXT),
    "slug": ("f.slug", _TEXT), "category": ("f.category", _TEXT), "language": ("f.language", _TEXT),
    "confidence": ("f.confidence", _TEXT), "status": ("f.status", _TEXT),
    "last_verified": ("f.last_verified", _TEXT), "updated": ("f.updated", _TEXT),
    "created_date": ("f.created_date", _TEXT), "facts": ("f.facts", _INT), "sources": ("f.sources", _INT),
    "gaps": ("f.gaps", _INT), "errors": ("{errors}", _INT), "warnings": ("{warnings}", _INT),
    "error": ("f.error", _TEXT), "error_line": ("f.error_line", _INT), "error_code": ("f.error_code", _TEXT),
    "size": ("f.size", _INT), "mtime_ns": ("f.mtime_ns", _INT), "duplicate_id": ("{dup}", _BOOL),
    "problem": ("", _PROBLEM),  # problem=CODE: articles with a problem of that rule (not silenced)
    "unreviewed": ("f.unreviewed", _INT), "high_unreviewed": ("f.high_unreviewed", _INT),
    "oldest_review": ("f.oldest_review", _TEXT), "broken": ("coalesce(lc.broken, 0)", _INT),
    "blocked": ("coalesce(lc.blocked, 0)", _INT),
}
_LINK_JOIN = ("LEFT JOIN (SELECT c.file_id, sum(v.verdict = 'broken') AS broken, sum(v.verdict = 'blocked') AS blocked "
              "FROM temp.link_verdicts v CROSS JOIN cites c ON c.key = v.key GROUP BY c.file_id) lc "
              "ON lc.file_id = f.file_id")
FILTER_FIELDS = tuple(_FIELDS)
SORT_FIELDS = (*(name for name in _FIELDS if _FIELDS[name][1] != _PROBLEM), "score")
_WHERE = re.compile(r"^\s*([A-Za-z_]+)\s*(!=|>=|<=|=|>|<)(.*)$", re.DOTALL)
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


def parse_condition(text: str) -> tuple[str, str, str]:
    """`FIELD=VALUE` (or `!=`, `<`, `<=`, `>`, `>=`) -> (field, operator, value)."""
    match = _WHERE.match(text)
    if not match:
        raise IndexQueryError(f"cannot read the filter {text!r}: write FIELD=VALUE (or !=, <, <=, >, >=)")
    name, op, value = match.group(1).lower(), match.group(2), match.group(3).strip()
    if name not in _FIELDS:
        raise IndexQueryError(f"unknown field {name!r} in {text!r}; fields: {', '.join(FILTER_FIELDS)}")
    return name, op, value


def _conditions(where: Any) -> list[tuple[str, str, Any]]:
    if where is None:
        return []
    if isinstance(where, str):
        return [parse_condition(where)]
    if isinstance(where, Mapping):
        found = []
        for name, value in where.items():
            if name not in _FIELDS:
                raise IndexQueryError(f"unknown field {name!r}; fields: {', '.join(FILTER_FIELDS)}")
            values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
            found.extend((name, "=", v) for v in values)
        return found
    found = []
    for item in where:
        if isinstance(item, tuple):
            if len(item) != 3 or item[0] not in _FIELDS or item[1] not in ("=", "!=", "<", "<=", ">", ">="):
                raise IndexQueryError(f"cannot use the filter {item!r}: give (field, operator, value)")
            found.append(item)
        else:
            found.extend(_conditions(item))
    return found


def _condition_sql(name: str, op: str, value: Any, exprs: dict[str, str]) -> tuple[str, list]:
    expr, kind = exprs[name], _FIELDS[name][1]
    text = "" if value is None else (value if isinstance(value, str) else str(value))
    if kind == _PROBLEM:
        if op not in ("=", "!=") or not text:
            raise IndexQueryError(f"{name} takes =CODE or !=CODE (a rule code such as missing-section)")
        if text == "duplicate-id":  # found across files, not stored per file
            test, params = exprs["duplicate_id"], []
        else:
            test = ("EXISTS (SELECT 1 FROM problems p WHERE p.file_id = f.file_id AND p.code = ? "
                    "AND p.severity != 'off')")
            params = [text]
        return (test if op == "=" else f"NOT {test}"), params
    if kind == _BOOL:
        word = text.lower() if not isinstance(value, bool) else ("true" if value else "false")
        if word not in _TRUE | _FALSE or op not in ("=", "!="):
            raise IndexQueryError(f"{name} takes =true or =false, not {op}{text}")
        wanted = (word in _TRUE) == (op == "=")
        return (expr if wanted else f"NOT {expr}"), []
    if text == "" and op in ("=", "!="):
        return (f"({expr} IS NULL OR {expr} = '')" if op == "=" else f"({expr} IS NOT NULL AND {expr} != '')"), []
    if kind == _INT:
        try:
            number = int(value) if not isinstance(value, str) else int(text)
        except ValueError:
            raise IndexQueryError(f"{name} is a whole number, not {text!r}") from None
        sql_op = "!=" if op == "!=" else op
        if op == "!=":
            return f"({expr} IS NULL OR {expr} != ?)", [number]
        return f"{expr} {sql_op} ?", [number]
    if op in ("=", "!=") and any(ch in text for ch in "*?["):
        test = f"lower({expr}) GLOB lower(?)"
        return (test if op == "=" else f"({expr} IS NULL OR NOT {test})"), [text]
    if op == "=":
        return f"{expr} = ? COLLATE NOCASE", [text]
    if op == "!=":
        return f"({expr} IS NULL OR {expr} != ? COLLATE NOCASE)", [text]
    return f"{expr} {op} ?", [text]


_TERM = re.compile(r'(-?)(?:([A-Za-z_]+):)?(?:"([^"]*)"?|(\S+))')
_FTS_COLUMNS = ("title", "statements", "gaps", "body")


def fts_query(text: str) -> str | None:
    """Search text -> an FTS5 query. Words must all occur (in any order); "a phrase" must occur as
    written; `word*` matches a prefix; `-word` excludes; `OR` between two terms accepts either;
    `title:word` (or statements:, gaps:, body:) looks in one column. None when nothing is searched."""
    positives: list[str] = []
    negatives: list[str] = []
    pending_or = False
    for match in _TERM.finditer(text):
        negate, column, phrase, word = match.groups()
        if phrase is None and word == "OR" and not negate and not column:
            pending_or = bool(positives)
            continue
        raw = phrase if phrase is not None else word
        prefix = phrase is None and raw.endswith("*") and len(raw) > 1
        raw = raw.rstrip("*") if prefix else raw
        spaced = search_text(raw).strip()
        if not re.search(r"\w", spaced):
            continue
        term = '"' + spaced.replace('"', '""') + '"' + ("*" if prefix else "")
        if column and column.lower() in _FTS_COLUMNS:
            term = f"{column.lower()} : {term}"
        if negate:
            negatives.append(term)
        elif pending_or:
            positives[-1] = f"({positives[-1]} OR {term})"
            pending_or = False
        else:
            positives.append(term)
    if not positives:
        return None
    query = " AND ".join(positives)
    for term in negatives:
        query = f"({query}) NOT {term}"
    return query


# -- the index --------------------------------------------------------------------------------------------
def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "index"


def cache_file_for(root: str | os.PathLike, cache_dir: str | os.PathLike | None = None) -> Path:
    """The database file of a corpus: `<cache>/<hash of the absolute path>.sqlite`."""
    absolute = str(Path(root).resolve())
    digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return Path(cache_dir if cache_dir is not None else default_cache_dir()) / f"{digest}.sqlite"


class CorpusIndex:
    """The index of the corpus under `root`. Call `refresh()` to bring it up to date with the folder."""

    def __init__(self, root: str | os.PathLike, cache_dir: str | os.PathLike | None = None, *,
                 workers: int | None = None, today: dt.date | None = None, lock_timeout: float = LOCK_TIMEOUT,
                 links_path: str | os.PathLike | None = None):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"{root}: not a folder")
        self._root_text = str(self.root)
        self.db_path = cache_file_for(self.root, cache_dir)
        # the link cache whose verdicts the rows count: beside the folder of the indexes, like check-links'
        self.links_path = Path(links_path) if links_path is not None else \
            Path(cache_dir if cache_dir is not None else default_cache_dir()).parent / LINKS_FILE
        self.workers = workers if workers is not None else _cpu_count()
        self.today = today  # None: the real date at each call
        self.lock_timeout = lock_timeout
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.RLock()  # guards _connections, _generation
        self._write_lock = threading.Lock()  # one refresh or update at a time
        self._generation = 0
        self._closed = False
        self._temp_dir: str | None = None
        self._notes_on_open: list[str] = []
        self._overrides: dict[str, str] = {}  # the corpus's severity overrides rows are stored with
        self._uri = False  # db_path is an SQLite URI (the in-memory fallback)
        self.rebuilt: str | None = None  # why the cache was (re)created by the last open, if it was
        self._open()

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._close_connections()
            if self._temp_dir:
                shutil.rmtree(self._temp_dir, ignore_errors=True)
                self._temp_dir = None

    def _close_connections(self) -> None:
        for conn in self._connections:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._connections.clear()
        self._generation += 1

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=self.lock_timeout, isolation_level=None,
                               check_same_thread=False, uri=self._uri)
        try:
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -32000")
        except BaseException:
            conn.close()
            raise
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is not None and local.generation == self._generation:
            return conn
        with self._lock:
            if self._closed:
                raise CorpusEditorError("the corpus index is closed")
            conn = self._connect()
            self._connections.append(conn)
            local.conn, local.generation = conn, self._generation
        return conn

    def _open(self) -> None:
        """Open the cache, or delete and recreate it when it cannot be trusted."""
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._use_temp_dir(f"the cache folder cannot be created ({exc.strerror or exc})")
        reason = None
        for _attempt in range(3):
            try:
                existed = self.db_path.exists() and self.db_path.stat().st_size > 0
                conn = self._conn()
                if not existed:
                    self._create(conn)
                    self.rebuilt = reason or "new"
                    return
                self._check(conn)
                self.rebuilt = reason
                return
            except (_Untrusted, sqlite3.DatabaseError) as exc:
                if isinstance(exc, sqlite3.ProgrammingError):
                    raise
                if _cannot_write(exc):  # a full disk or a read-only folder: keep the file, index elsewhere
                    self._use_fallback(_cannot_write_note(exc, self.db_path))
                    return
                reason = _reason(exc)
                with self._lock:
                    self._close_connections()
                if not self._delete_files():
                    self._use_temp_dir(f"the cache file cannot be replaced ({reason})")
        raise IndexCacheError(f"{self.db_path}: the index cache cannot be created ({reason})")

    def _use_temp_dir(self, why: str) -> None:
        self._temp_dir = tempfile.mkdtemp(prefix="corpus-index-")
        self.db_path = Path(self._temp_dir) / self.db_path.name
        self._notes_on_open = [f"{why}: using a temporary index"]

    def _use_fallback(self, note: str, memory: bool = False) -> None:
        """The cache cannot be written: leave its files alone and build the index in a temporary file,
        or in memory when that cannot be written either (`memory`). Rows then come from a full scan."""
        with self._lock:
            self._close_connections()
        name = Path(str(self.db_path)).name
        folder = None
        if not memory:
            try:
                folder = tempfile.mkdtemp(prefix="corpus-index-")
            except OSError:
                folder = None
        if folder is not None:
            self._temp_dir, self.db_path, self._uri = folder, Path(folder) / name, False
            try:
                self._create(self._conn())
            except sqlite3.DatabaseError:
                with self._lock:
                    self._close_connections()
                folder = None
        if folder is None:
            self.db_path, self._uri = f"file:corpus-index-{id(self)}?mode=memory&cache=shared", True
            self._create(self._conn())
        self.rebuilt = "the cache cannot be written"
        self._notes_on_open = self._notes_on_open if memory and self._notes_on_open else [note]

    def _delete_files(self) -> bool:
        ok = True
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = Path(str(self.db_path) + suffix)
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                ok = False
        return ok

    def _create(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA_SQL.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [("root", self._root_text), ("fingerprint", ""), ("duplicate_severity", "error"),
                              ("overrides", "{}"),
                              ("created", dt.datetime.now().isoformat(timespec="seconds"))])
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _check(self, conn: sqlite3.Connection) -> None:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise _Untrusted("the cache is not in WAL mode")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise _Untrusted(f"the cache is from another version of the index ({version})")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if meta.get("root") != self._root_text:
            raise _Untrusted("the cache belongs to another corpus")
        # The rows and the metadata are checked page by page; the full-text tables (most of the file)
        # are not, to keep a warm start quick: damage there surfaces as an error when searching or
        # writing, which resets the cache too.
        for table in ("meta", "files"):
            result = conn.execute(f"PRAGMA quick_check({table})").fetchall()
            if result != [("ok",)]:
                raise _Untrusted(f"the cache failed its integrity check ({result[0][0]})")

    def _reset(self, why: str) -> None:
        """Throw the cache away and start an empty one (after damage found while using it)."""
        with self._lock:
            self._close_connections()
            self._delete_files()
        self._open()
        self.rebuilt = why

    # -- identity of the code and configuration --------------------------------------------------------
    def fingerprint(self) -> str:
        """A hash of what decides a row's content besides the file: the scanner and rules code (its
        source, and the package version where the source is not on disk), the default schema and the
        corpus's own schema file. Another fingerprint means a full re-read."""
        return self._fingerprint(whole_schema_file=True)

    def _fingerprint(self, whole_schema_file: bool) -> str:
        from editor import __version__
        from editor.paths import resource

        digest = hashlib.sha256(f"{SCHEMA_VERSION}:{__version__}:{sys.version_info[:2]}:{max_file_size()}".encode())
        core = Path(__file__).resolve().parent.parent
        for path in [*(core / name for name in _CORE_MODULES), resource("schema.yaml")]:
            digest.update(path.name.encode())
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(b"-")
        schema_file = self.root / CORPUS_SCHEMA_NAME
        digest.update(schema_file.name.encode())
        if whole_schema_file:
            try:
                digest.update(hashlib.sha256(schema_file.read_bytes()).digest())
            except OSError:
                digest.update(b"-")
        else:
            digest.update(_schema_file_identity(schema_file))
        return digest.hexdigest()

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    # -- refresh -----------------------------------------------------------------------------------------
    def refresh(self, progress: Progress | None = None, rescan: bool = False, *,
                full_text: bool = True) -> ScanStats:
        """Bring the index up to date with the folder. `progress(done, total)` is called as files are
        read (return False from it to stop early: what was read is kept). `rescan` re-reads every file.

        `full_text=False` leaves the texts of the files read out of the full-text index for now (a
        listing does not need it): they are indexed by the first search, or the next refresh that
        wants full text. Tokenizing is a tenth of a cold scan's work, all of it in this process.
        """
        started = time.perf_counter()
        with self._write_lock:
            stats = ScanStats(rebuilt=self.rebuilt)
            stats.notes.extend(self._notes_on_open)
            for attempt in range(3):
                try:
                    self._refresh(stats, progress, rescan, full_text)
                    break
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.ProgrammingError) or attempt == 2:
                        raise
                    if _cannot_write(exc) and not self._uri:
                        # the cache first, then a temporary file: next, a temporary file, then memory
                        self._use_fallback(_cannot_write_note(exc, self.db_path), memory=bool(self._temp_dir))
                    elif _cannot_write(exc) or attempt:
                        raise
                    else:
                        self._reset(_reason(exc))
                    stats = ScanStats(rebuilt=self.rebuilt)
                    stats.notes.extend(self._notes_on_open)
                    rescan = True
            self.rebuilt = None
        stats.seconds = time.perf_counter() - started
        return stats

    def _refresh(self, stats: ScanStats, progress: Progress | None, rescan: bool, full_text: bool = True) -> None:
        conn = self._conn()
        fingerprint = self.fingerprint()
        stored = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        full = rescan or stored is None or stored[0] != fingerprint
        today = self._today().isoformat()
        known = {row[0]: row[1:] for row in conn.execute(
            "SELECT path, size, mtime_ns, inode, checked_on, valid_until FROM files")}
        was_empty = not known
        to_read: list[tuple[str, tuple[int, int, int]]] = []
        leftovers: list[str] = []
        for rel, size, mtime_ns, inode in walk(self._root_text, leftovers=leftovers):
            old = known.pop(rel, None)
            stat = (size, mtime_ns, inode)
            if old is None:
                stats.added += 1
                to_read.append((rel, stat))
            elif full or old[:3] != stat or _expired(old[3], old[4], today):
                if old[:3] != stat:
                    stats.changed += 1
                to_read.append((rel, stat))
        cleaned = remove_stale(leftovers)
        if cleaned:
            stats.notes.append(f"removed {len(cleaned)} temporary file{'s' if len(cleaned) != 1 else ''} left "
                               "by an interrupted save")
        removed = sorted(known)
        if removed:
            self._delete(conn, removed)
            stats.removed = len(removed)
            stats.removed_paths = removed
        self._read_and_store(conn, to_read, stats, progress, fingerprint, full_text)
        if not stats.cancelled or was_empty:  # every row stored was made by this code and configuration
            self._set_meta(conn, fingerprint=fingerprint, base_fingerprint=self._fingerprint(whole_schema_file=False))
        if full_text:
            self._index_pending_text(conn)
        self._count(conn, stats)

    # -- incremental changes -------------------------------------------------------------------------------
    def update_paths(self, changed: Iterable[str | os.PathLike] = (),
                     removed: Iterable[str | os.PathLike] = ()) -> ScanStats:
        """Take in files (or folders) that were added or changed, and ones that were removed. Paths are
        absolute or relative to the corpus root; paths outside it, or inside hidden folders, are ignored."""
        started = time.perf_counter()
        with self._write_lock:
            stats = ScanStats()
            try:
                self._update(stats, changed, removed)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.ProgrammingError):
                    raise
                if _cannot_write(exc) or _busy(exc):  # keep the cache as it is; the next refresh tries again
                    stats.notes.append(f"the index cache was not updated ({exc}); these changes are not in it yet")
                    stats.seconds = time.perf_counter() - started
                    return stats
                self._reset(_reason(exc))
                stats = ScanStats(rebuilt=self.rebuilt)
                self._refresh(stats, None, True)
                self.rebuilt = None
        stats.seconds = time.perf_counter() - started
        return stats

    def file_changed(self, path: str | os.PathLike) -> ScanStats:
        return self.update_paths(changed=[path])

    def file_removed(self, path: str | os.PathLike) -> ScanStats:
        return self.update_paths(removed=[path])

    def file_renamed(self, old: str | os.PathLike, new: str | os.PathLike) -> ScanStats:
        return self.update_paths(changed=[new], removed=[old])

    def _update(self, stats: ScanStats, changed: Iterable, removed: Iterable) -> None:
        conn = self._conn()
        fingerprint = self.fingerprint()
        if fingerprint != self._meta(conn, "fingerprint"):
            self._refresh(stats, None, True)  # other rules or schema: every row is out of date
            return
        gone: set[str] = set()
        for path in removed:
            rel = self.relative_path(path)
            if rel is not None and not _ignored(rel):
                gone.update(self._paths_under(conn, rel))
        to_read: dict[str, tuple[int, int, int] | None] = {}
        for path in changed:
            rel = self.relative_path(path)
            if rel is None or _ignored(rel):
                continue
            full = os.path.join(self._root_text, rel) if rel else self._root_text
            if os.path.isdir(full):
                present = set()
                for found, size, mtime_ns, inode in walk(self._root_text, rel):
                    present.add(found)
                    to_read[found] = (size, mtime_ns, inode)
                gone.update(p for p in self._paths_under(conn, rel) if p not in present)
            elif os.path.isfile(full):
                to_read[rel] = None
                gone.discard(rel)
            else:
                gone.update(self._paths_under(conn, rel))
        gone.difference_update(to_read)
        known = {p for (p,) in _select_in(conn, "SELECT path FROM files WHERE path IN ({})", list(to_read))}
        stats.added = sum(1 for p in to_read if p not in known)
        stats.changed = len(to_read) - stats.added
        if gone:
            self._delete(conn, sorted(gone))
            stats.removed = len(gone)
            stats.removed_paths = sorted(gone)
        self._read_and_store(conn, list(to_read.items()), stats, None, fingerprint, True)
        self._count(conn, stats)

    def _paths_under(self, conn: sqlite3.Connection, rel: str) -> list[str]:
        if not rel:
            return [p for (p,) in conn.execute("SELECT path FROM files")]
        return [p for (p,) in conn.execute("SELECT path FROM files WHERE path = ? OR (path > ? AND path < ?)",
                                           (rel, rel + "/", rel + "0"))]

    def relative_path(self, path: str | os.PathLike) -> str | None:
        """The corpus-relative '/'-path of `path`, or None when it lies outside the corpus."""
        text = os.fspath(path)
        if not os.path.isabs(text):
            text = os.path.join(self._root_text, text)
        text = os.path.normpath(text)
        head, tail = os.path.split(text)
        real = os.path.join(os.path.realpath(head), tail) if tail else os.path.realpath(head)
        if real == self._root_text:
            return ""
        if not real.startswith(self._root_text.rstrip(os.sep) + os.sep):
            return None
        return real[len(self._root_text.rstrip(os.sep)) + 1 :].replace(os.sep, "/")

    # -- reading and storing ----------------------------------------------------------------------------------
    def _read_and_store(self, conn: sqlite3.Connection, to_read: list, stats: ScanStats,
                        progress: Progress | None, fingerprint: str, full_text: bool) -> None:
        if not to_read:
            return

        total = len(to_read)
        if progress is not None and progress(0, total) is False:
            stats.cancelled = True
            return
        today = self._today()
        checker = self._checker(fingerprint, stats)
        self._sync_overrides(conn, checker)
        # A big scan writes without waiting for the disk after each batch: at worst a power cut
        # damages the cache, which the next open detects and rebuilds. One flush at the end.
        bulk = total >= PARALLEL_MIN_FILES
        if bulk:
            conn.execute("PRAGMA synchronous = OFF")
        done = 0
        pending: list = []  # results are written BATCH_SIZE at a time: fewer, larger full-text segments
        try:
            for batch in self._scanned_batches(to_read, today, checker, fingerprint):
                pending.extend(batch)
                done += len(batch)
                if len(pending) >= BATCH_SIZE or done == total:
                    self._store(conn, pending, stats, full_text)
                    pending = []
                    if progress is not None and progress(done, total) is False:
                        stats.cancelled = True
                        break
            if pending:
                self._store(conn, pending, stats, full_text)
        finally:
            if bulk:
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _checker(self, fingerprint: str, stats: ScanStats):
        from editor.core.index import scan

        checker = scan.checker_for(self._root_text, self._today(), fingerprint)
        if checker.schema_problem and checker.schema_problem not in stats.notes:
            stats.notes.append(checker.schema_problem)
        return checker

    def _scanned_batches(self, to_read: list, today: dt.date, checker, fingerprint: str) -> Iterator[list]:
        from editor.core.index import scan

        if len(to_read) < PARALLEL_MIN_FILES or self.workers < 2:
            for start in range(0, len(to_read), BATCH_SIZE):
                batch = []
                for rel, stat in to_read[start : start + BATCH_SIZE]:
                    result = scan.scan_file(self._root_text, rel, stat, checker)
                    batch.append(result if result is not None else (rel, None))
                yield batch
            return
        yield from _parallel_scan(self._root_text, to_read, today, self.workers, fingerprint)

    def _store(self, conn: sqlite3.Connection, batch: list, stats: ScanStats, full_text: bool = True) -> None:
        vanished = [item[0] for item in batch if item[1] is None]
        results = [item for item in batch if item[1] is not None]
        conn.execute("BEGIN IMMEDIATE")
        try:
            if vanished:
                self._delete_rows(conn, vanished)
            existing = dict(_select_in(conn, "SELECT path, file_id FROM files WHERE path IN ({})",
                                       [r.path for r in results]))
            if existing:
                self._drop_texts(conn, list(existing.values()))
                self._drop_problems(conn, list(existing.values()))
                self._drop_cites(conn, list(existing.values()))
            next_id = (conn.execute("SELECT max(file_id) FROM files").fetchone()[0] or 0) + 1
            updates, inserts, texts, problems, cites = [], [], [], [], []
            overrides = self._overrides
            flag = 1 if full_text else 0
            for result in results:
                values = tuple(result[: len(_COLUMNS)])
                file_id = existing.get(result.path)
                has_text = result.text is not None
                if file_id is None:
                    file_id = next_id
                    next_id += 1
                    inserts.append((file_id, *values, flag if has_text else 0))
                else:
                    updates.append((*values, flag if has_text else 0, file_id))
                if has_text:
                    texts.append((file_id, *result.text))
                for code, where, natural, count in result.problems:
                    problems.append((file_id, code, where, natural, overrides.get(code) or natural, count))
                cites.extend((file_id, key) for key in result.cites)
            if updates:
                assignments = ", ".join(f"{c} = ?" for c in _COLUMNS)
                conn.executemany(f"UPDATE files SET {assignments}, in_fts = ? WHERE file_id = ?", updates)
            if inserts:
                marks = ", ".join("?" * (len(_COLUMNS) + 2))
                conn.executemany(f"INSERT INTO files(file_id, {', '.join(_COLUMNS)}, in_fts) VALUES ({marks})",
                                 inserts)
            if problems:
                conn.executemany("INSERT INTO problems(file_id, code, field, natural, severity, count) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", problems)
            if cites:
                conn.executemany("INSERT INTO cites(file_id, key) VALUES (?, ?)", cites)
            if texts:
                conn.executemany("INSERT INTO texts(file_id, title, statements, gaps, body) VALUES (?, ?, ?, ?, ?)",
                                 texts)
                if full_text:
                    conn.executemany("INSERT INTO fts(rowid, title, statements, gaps, body) VALUES (?, ?, ?, ?, ?)",
                                     texts)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        stats.read += len(results)
        stats.changed_paths.extend(r.path for r in results)
        if vanished:
            stats.removed += len(vanished)
            stats.removed_paths.extend(vanished)

    @staticmethod
    def _drop_problems(conn: sqlite3.Connection, file_ids: list[int]) -> None:
        for start in range(0, len(file_ids), 500):
            part = file_ids[start : start + 500]
            conn.execute(f"DELETE FROM problems WHERE file_id IN ({', '.join('?' * len(part))})", part)

    # -- severity overrides --------------------------------------------------------------------------------
    def _sync_overrides(self, conn: sqlite3.Connection, checker) -> None:
        """Recount every row when the corpus's severity overrides differ from those the rows were counted
        with (the rules' own severities are stored, so no file is read)."""
        import json

        self._overrides = dict(checker.overrides)
        wanted = json.dumps(self._overrides, sort_keys=True)
        if self._meta(conn, "overrides") == wanted and \
                self._meta(conn, "duplicate_severity") == checker.duplicate_severity:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE problems SET severity = natural")
            for code, level in self._overrides.items():
                conn.execute("UPDATE problems SET severity = ? WHERE code = ?", (level, code))
            conn.execute("UPDATE files SET "
                         "errors = (SELECT count(*) FROM problems p WHERE p.file_id = files.file_id "
                         "AND p.severity = 'error'), "
                         "warnings = (SELECT count(*) FROM problems p WHERE p.file_id = files.file_id "
                         "AND p.severity = 'warning') WHERE errors IS NOT NULL")  # articles, and empty files
            self._set_meta(conn, overrides=wanted, duplicate_severity=checker.duplicate_severity)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def apply_overrides(self) -> bool:
        """Take in a corpus schema file whose only change is its severity overrides (`rules.severity`),
        as a recount of the stored problems: no file is read. False when something else changed too (or
        the index is not complete): then `refresh()`, which re-reads."""
        from editor.core.index import scan

        with self._write_lock:
            conn = self._conn()
            fingerprint = self.fingerprint()
            if self._meta(conn, "fingerprint") == fingerprint:
                return True
            if self._meta(conn, "base_fingerprint") != self._fingerprint(whole_schema_file=False):
                return False
            self._sync_overrides(conn, scan.checker_for(self._root_text, self._today(), fingerprint))
            self._set_meta(conn, fingerprint=fingerprint)
            return True

    @staticmethod
    def _drop_texts(conn: sqlite3.Connection, file_ids: list[int]) -> None:
        """Take these rows' texts out of the full-text index (with the text they were indexed with)
        and out of `texts`."""
        for start in range(0, len(file_ids), 500):
            part = file_ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            conn.execute("INSERT INTO fts(fts, rowid, title, statements, gaps, body) "
                         "SELECT 'delete', t.file_id, t.title, t.statements, t.gaps, t.body FROM texts t "
                         f"JOIN files f ON f.file_id = t.file_id WHERE f.in_fts = 1 AND t.file_id IN ({marks})",
                         part)
            conn.execute(f"DELETE FROM texts WHERE file_id IN ({marks})", part)

    @staticmethod
    def _drop_cites(conn: sqlite3.Connection, file_ids: list[int]) -> None:
        for start in range(0, len(file_ids), 500):
            part = file_ids[start : start + 500]
            conn.execute(f"DELETE FROM cites WHERE file_id IN ({', '.join('?' * len(part))})", part)

    def _delete(self, conn: sqlite3.Connection, paths: list[str]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete_rows(conn, paths)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _delete_rows(self, conn: sqlite3.Connection, paths: list[str]) -> None:
        ids = [file_id for (file_id,) in _select_in(conn, "SELECT file_id FROM files WHERE path IN ({})", paths)]
        self._drop_texts(conn, ids)
        self._drop_problems(conn, ids)
        self._drop_cites(conn, ids)
        conn.executemany("DELETE FROM files WHERE file_id = ?", [(i,) for i in ids])

    @staticmethod
    def _index_pending_text(conn: sqlite3.Connection) -> None:
        """Index the texts a listing left out (`refresh(full_text=False)`)."""
        if conn.execute("SELECT 1 FROM files WHERE in_fts = 0 AND file_id IN (SELECT file_id FROM texts) "
                        "LIMIT 1").fetchone() is None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT INTO fts(rowid, title, statements, gaps, body) "
                         "SELECT t.file_id, t.title, t.statements, t.gaps, t.body FROM texts t "
                         "JOIN files f ON f.file_id = t.file_id WHERE f.in_fts = 0")
            conn.execute("UPDATE files SET in_fts = 1 WHERE in_fts = 0 AND file_id IN (SELECT file_id FROM texts)")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _meta(self, conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, conn: sqlite3.Connection, **values: str) -> None:
        conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))

    def _count(self, conn: sqlite3.Connection, stats: ScanStats) -> None:
        files, articles, unreadable = conn.execute(
            "SELECT count(*), coalesce(sum(is_article), 0), "
            "coalesce(sum(is_article AND error IS NOT NULL), 0) FROM files").fetchone()
        stats.files, stats.articles, stats.unreadable = files, articles, unreadable
        stats.non_articles = files - articles

    # -- queries -----------------------------------------------------------------------------------------------
    def rows(self, where: Any = None, search: str | None = None, stale_days: int | None = None,
             sort: str | Iterable[str] | None = None, *, under: str | os.PathLike | None = None,
             include_non_articles: bool = False, limit: int | None = None,
             snippets: bool | None = None, paths: Iterable[str] | None = None) -> list[Row]:
        """Articles (readable or not), filtered and sorted.

        `where`: "FIELD=VALUE" text (also !=, <, <=, >, >=; `*` and `?` glob in = and !=; an empty
        VALUE means missing), a list of them, or a mapping {field: value or list of values}. Conditions
        on one field with `=` are alternatives (OR); all others must all hold (AND).
        `search`: full-text search (see `fts_query`); rows come ranked by relevance unless sorted.
        `stale_days`: readable articles whose last_verified is missing, not a date, or more than that
        many days ago. `sort`: field names, `-name` for descending (default: path; `score` when
        searching). `under`: a folder or file of the corpus to restrict to. `paths`: only these
        corpus-relative paths (at most 500).
        """
        try:
            return self._rows(where, search, stale_days, sort, under, include_non_articles, limit, snippets,
                              None if paths is None else list(paths))
        except sqlite3.OperationalError as exc:
            if search and "fts5" in str(exc).lower():
                raise IndexQueryError(f"cannot search for {search!r}: {exc}") from None
            self._damaged(exc)
            raise
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.ProgrammingError):
                raise
            self._damaged(exc)
            raise

    def _damaged(self, exc: sqlite3.DatabaseError) -> None:
        self._reset(_reason(exc))
        raise IndexUnavailable(f"the index cache was damaged ({exc}); it was reset: refresh to rebuild it") from exc

    def _rows(self, where, search, stale_days, sort, under, include_non_articles, limit, snippets,
              paths: list[str] | None = None) -> list[Row]:
        conn = self._conn()
        if search and self._write_lock.acquire(blocking=False):
            # texts a listing left out are indexed now; while a refresh runs, it will do it
            try:
                self._index_pending_text(conn)
            except sqlite3.DatabaseError as exc:
                if not _cannot_write(exc):
                    raise
                # the cache cannot be written: search what is indexed (a refresh says why)
            finally:
                self._write_lock.release()
        dup, severity = self._duplicate(conn)
        exprs = {name: expr for name, (expr, _) in _FIELDS.items()}
        exprs["errors"] = f"(f.errors + {dup})" if severity == "error" else "f.errors"
        exprs["warnings"] = f"(f.warnings + {dup})" if severity == "warning" else "f.warnings"
        exprs["duplicate_id"] = dup if severity != "off" else "0"
        clauses: list[str] = []
        params: list[Any] = []
        if not include_non_articles:
            clauses.append("f.is_article = 1")
        if under is not None:
            rel = self.relative_path(under)
            if rel is None:
                raise IndexQueryError(f"{under} is not inside the corpus {self.root}")
            if rel:
                clauses.append("(f.path = ? OR (f.path > ? AND f.path < ?))")
                params += [rel, rel + "/", rel + "0"]
        if paths is not None:
            clauses.append(f"f.path IN ({', '.join('?' * len(paths))})" if paths else "0")
            params += paths
        by_field: dict[str, list[tuple[str, list]]] = {}
        for name, op, value in _conditions(where):
            sql, values = _condition_sql(name, op, value, exprs)
            key = name if op == "=" else f"{name}\0{len(by_field)}"
            by_field.setdefault(key, []).append((sql, values))
        for parts in by_field.values():
            clauses.append("(" + " OR ".join(sql for sql, _ in parts) + ")")
            for _, values in parts:
                params += values
        if stale_days is not None:
            cutoff = (self._today() - dt.timedelta(days=int(stale_days))).isoformat()
            clauses.append("(f.is_article = 1 AND f.error IS NULL AND (f.last_verified IS NULL OR "
                           "f.last_verified NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' OR "
                           "substr(f.last_verified, 1, 10) < ?))")
            params.append(cutoff)
        query = fts_query(search) if search else None
        if search and query is None:
            return []
        select = ", ".join(exprs.get(name, f"f.{name}")
                           for name in ("path", "is_article", "id", "title", "slug", "category", "language",
                                        "confidence", "status", "last_verified", "updated", "created_date",
                                        "facts", "sources", "gaps", "errors", "warnings", "error",
                                        "error_line", "error_code", "size", "mtime_ns"))
        select += ", f.inode, " + exprs["duplicate_id"]
        review = ", ".join(exprs[name] for name in ("unreviewed", "high_unreviewed", "oldest_review", "broken",
                                                     "blocked"))
        self._load_link_verdicts(conn)
        if query is not None:
            want_snippets = True if snippets is None else snippets
            snippet = "snippet(fts, -1, '[', ']', '…', 16)" if want_snippets else "NULL"
            sql = (f"SELECT {select}, -{_BM25} AS score, {snippet}, {review} FROM fts "
                   f"JOIN files f ON f.file_id = fts.rowid {_LINK_JOIN} WHERE fts MATCH ?")
            params.insert(0, query)
        else:
            sql = f"SELECT {select}, NULL, NULL, {review} FROM files f {_LINK_JOIN} WHERE 1"
        if clauses:
            sql += " AND " + " AND ".join(clauses)
        sql += " ORDER BY " + _order_by(sort, exprs, searching=query is not None)
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_make_row(r) for r in conn.execute(sql, params)]

    def _load_link_verdicts(self, conn: sqlite3.Connection) -> None:
        """Copy the link cache's broken and blocked keys into this connection's `temp.link_verdicts`,
        when the link cache changed since the last copy (a missing or unreadable cache: none)."""
        signature = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{self.links_path}{suffix}")
                signature.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                signature.append(None)
        local = self._local
        if getattr(local, "links_signature", None) == (id(conn), signature):
            return
        verdicts: list[tuple[str, str]] = []
        if signature[0] is not None:
            try:
                links = sqlite3.connect(f"{self.links_path.as_uri()}?mode=ro", uri=True, timeout=1.0)
                try:
                    marks = ", ".join("?" * len(_COUNTED_VERDICTS))
                    verdicts = links.execute(f"SELECT key, verdict FROM checks WHERE verdict IN ({marks})",
                                             _COUNTED_VERDICTS).fetchall()
                finally:
                    links.close()
            except sqlite3.Error:  # only a cache: without it, no source counts as broken
                verdicts = []
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS link_verdicts(key TEXT PRIMARY KEY, verdict TEXT NOT NULL)")
        conn.execute("DELETE FROM temp.link_verdicts")
        conn.executemany("INSERT OR REPLACE INTO temp.link_verdicts(key, verdict) VALUES (?, ?)", verdicts)
        local.links_signature = (id(conn), signature)

    def search(self, text: str, limit: int | None = None, **filters: Any) -> list[Row]:
        """Articles matching `text` (see `fts_query`), best first, with snippets."""
        return self.rows(search=text, limit=limit, snippets=True, **filters)

    def get(self, path: str | os.PathLike) -> Row | None:
        """The row of one file (article or not), or None when the index does not hold it."""
        rel = self.relative_path(path)
        if not rel:
            return None
        found = self.rows(where=[("path", "=", rel)], include_non_articles=True)
        exact = [row for row in found if row.path == rel]
        return exact[0] if exact else None

    def _duplicate(self, conn: sqlite3.Connection) -> tuple[str, str]:
        """(the duplicate-id test on `f`, its severity) as `rows` uses them."""
        severity = self._meta(conn, "duplicate_severity") or "error"
        return ("(f.id_key IS NOT NULL AND f.id_key IN (SELECT id_key FROM files WHERE id_key IS NOT NULL "
                "GROUP BY id_key HAVING count(*) > 1))"), severity

    def problem_summary(self) -> list[ProblemCount]:
        """Problems of the whole corpus by rule, as the list counts them: errors first, then by how many
        articles have them. Silenced rules (`off`) come last, so they can be switched back on."""
        conn = self._conn()
        found = [ProblemCount(code, severity, files, entries, findings) for code, severity, files, entries, findings
                 in conn.execute("SELECT code, severity, count(DISTINCT file_id), count(*), sum(count) "
                                 "FROM problems GROUP BY code, severity")]
        dup, severity = self._duplicate(conn)
        files = conn.execute(f"SELECT count(*) FROM files f WHERE {dup}").fetchone()[0]
        if files:
            found.append(ProblemCount("duplicate-id", severity, files, files, files))
        rank = {"error": 0, "warning": 1, "off": 2}
        found.sort(key=lambda c: (rank.get(c.severity, 3), -c.files, c.code))
        return found

    def problem_places(self, code: str, limit: int | None = None) -> list[ProblemPlace]:
        """Where one rule's problems are: (path, id, title, field, severity, count), by path."""
        conn = self._conn()
        if code == "duplicate-id":
            dup, severity = self._duplicate(conn)
            sql = (f"SELECT f.path, f.article_id, f.title, 'id', '{severity}', 1 FROM files f WHERE {dup} "
                   "ORDER BY f.id_key, f.path")
            params: list = []
        else:
            sql = ("SELECT f.path, f.article_id, f.title, p.field, p.severity, p.count FROM problems p "
                   "JOIN files f ON f.file_id = p.file_id WHERE p.code = ? ORDER BY f.path, p.field")
            params = [code]
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [ProblemPlace(*row) for row in conn.execute(sql, params)]

    def paths_with_id(self, article_id: str) -> list[str]:
        """Files whose article id is `article_id` (compared as duplicate ids are: stripped)."""
        key = article_id.strip() if isinstance(article_id, str) else ""
        if not key:
            return []
        return [p for (p,) in self._conn().execute(
            "SELECT path FROM files WHERE id_key = ? ORDER BY path", (key,))]

    def rows_at(self, paths: Iterable[str | os.PathLike]) -> list[Row]:
        """The rows (articles or not) of these files, in no particular order; files the index does not
        hold are left out."""
        rels = [rel for rel in (self.relative_path(p) for p in paths) if rel]
        found: list[Row] = []
        for start in range(0, len(rels), 500):
            found += self.rows(include_non_articles=True, paths=rels[start : start + 500])
        return found

    def non_articles(self) -> list[str]:
        """Paths of the files that are not articles."""
        return [p for (p,) in self._conn().execute("SELECT path FROM files WHERE is_article = 0 ORDER BY path")]

    def summary(self) -> ScanStats:
        """Counts of files, articles, non-articles and unreadable articles in the index."""
        stats = ScanStats()
        self._count(self._conn(), stats)
        return stats

    def abspath(self, row_or_path: Row | str) -> Path:
        rel = row_or_path.path if isinstance(row_or_path, Row) else row_or_path
        return self.root.joinpath(*rel.split("/"))


# -- helpers ------------------------------------------------------------------------------------------------
def _schema_file_identity(path: Path) -> bytes:
    """What of the corpus schema file decides rows: all of it but `rules.severity` (the overrides, applied
    as a recount). A file that cannot be read as such counts by its bytes."""
    import json

    import yaml

    try:
        data = path.read_bytes()
    except OSError:
        return b"-"
    try:
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError):
        return hashlib.sha256(data).digest()
    if isinstance(loaded, dict) and isinstance(loaded.get("rules"), dict) and "severity" in loaded["rules"]:
        rest = {k: v for k, v in loaded["rules"].items() if k != "severity"}
        loaded = {k: v for k, v in loaded.items() if k != "rules"} | ({"rules": rest} if rest else {})
    if not loaded:  # no settings at all: as if there were no file
        return b"-"
    try:
        return hashlib.sha256(json.dumps(loaded, sort_keys=True, default=str).encode()).digest()
    except (TypeError, ValueError):
        return hashlib.sha256(data).digest()


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _reason(exc: BaseException) -> str:
    if isinstance(exc, _Untrusted):
        return str(exc)
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the cache was locked ({text})"
    return f"the cache was damaged ({text})"


def _expired(checked_on: str | None, valid_until: str | None, today: str) -> bool:
    """Whether a row's counts may have changed with the date alone."""
    if checked_on is not None and checked_on > today:
        return True  # the clock went back
    return valid_until is not None and valid_until <= today


def _ignored(rel: str) -> bool:
    """Paths that are not files of the corpus (see `walk.in_corpus`): hidden folders, __pycache__, the
    schema file, our own temporary files."""
    return bool(rel) and not in_corpus(rel)


# SQLite's result codes for "cannot write here" (a full disk, a read-only file or folder, I/O errors):
# nothing is wrong with the cache itself.
_WRITE_FAILURES = ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM")
_WRITE_FAILURE_TEXT = ("disk is full", "readonly database", "disk i/o error", "unable to open database file")


def _cannot_write(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", None) or ""
    if name:
        return name.startswith(_WRITE_FAILURES)
    text = str(exc).lower()
    return any(part in text for part in _WRITE_FAILURE_TEXT)


def _busy(exc: BaseException) -> bool:
    """Another connection held the cache's write lock for longer than we waited: nothing is damaged."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc).lower()


def _cannot_write_note(exc: BaseException, path) -> str:
    return f"the index cache cannot be written ({exc}): answering from a scan; {path} is kept as it was"


def _select_in(conn: sqlite3.Connection, sql: str, values: list, chunk: int = 500) -> Iterator[tuple]:
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        yield from conn.execute(sql.format(", ".join("?" * len(part))), part)


def _order_by(sort: str | Iterable[str] | None, exprs: dict[str, str], searching: bool) -> str:
    names = [sort] if isinstance(sort, str) else list(sort or ())
    if not names:
        return "score DESC, f.path" if searching else "f.path"
    parts = []
    for name in names:
        descending = name.startswith("-")
        key = name.lstrip("-+").lower()
        if key == "score":
            if not searching:
                raise IndexQueryError("sorting by score needs a search")
            parts.append("score" + (" ASC" if descending else " DESC"))
            continue
        if key not in exprs or key not in SORT_FIELDS:
            raise IndexQueryError(f"unknown sort field {key!r}; fields: {', '.join(SORT_FIELDS)}")
        expr = exprs[key]
        collate = " COLLATE NOCASE" if _FIELDS[key][1] == _TEXT else ""
        parts.append(f"({expr} IS NULL), {expr}{collate}{' DESC' if descending else ''}")
    parts.append("f.path")
    return ", ".join(parts)


def _make_row(values: tuple) -> Row:
    snippet = values[25]
    if snippet is not None:
        snippet = " ".join(display_text(snippet).split())
    return Row(values[0], values[1] == 1, *values[2:23], values[23] == 1, values[24], snippet, *values[26:31])


# -- the parallel cold scan ------------------------------------------------------------------------------------
def _mp_context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork is fastest, but forking a process that runs other threads (a GUI) is unsafe
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _parallel_scan(root: str, to_read: list, today: dt.date, workers: int, fingerprint: str) -> Iterator[list]:
    """Scan files in worker processes; yield result lists as they come back (in any order)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from editor.core.index import scan

    # small chunks keep the workers evenly busy to the end; each costs a round trip
    chunk = max(20, min(BATCH_SIZE // 2, len(to_read) // (workers * 16) or 1))
    chunks = [to_read[i : i + chunk] for i in range(0, len(to_read), chunk)]
    today_iso = today.isoformat()
    pending_chunks = list(reversed(chunks))
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context())
    in_flight: dict[Any, list] = {}
    try:
        while pending_chunks or in_flight:
            while pending_chunks and len(in_flight) < workers * 3:
                items = pending_chunks.pop()
                in_flight[executor.submit(scan.scan_files, root, items, today_iso, fingerprint)] = items
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in done:
                items = in_flight.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    # a worker died (killed, out of memory): read what is left here
                    checker = scan.checker_for(root, today, fingerprint)
                    rest = [items] + [in_flight.pop(f) for f in list(in_flight)] + pending_chunks[::-1]
                    pending_chunks.clear()
                    for part in rest:
                        yield [scan.scan_file(root, rel, stat, checker) or (rel, None) for rel, stat in part]
                    return
                yield results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
