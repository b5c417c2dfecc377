"""The index's scanner: read one article's summary, counts and searchable text, fast.

`ArticleDocument` keeps a position for every node, which an editor needs and a listing does not. Here
the front matter goes through libyaml's C parser and composer (`yaml.CParser`) with a constructor that
gives exactly the values `ArticleDocument.data` holds (the YAML 1.2 core schema plus dates, see
`editor.core.document.yamltree.resolve_plain`): about three times faster. Anything the fast path does not handle
identically (tags, aliases, duplicate keys, deep nesting, a front matter that is not a mapping, any YAML
error) is handed to `ArticleDocument`, so the two always agree on what is an article, on its values, and
on the message and line of its error.

Errors and warnings are counted by `editor.core.validation.rules.check_document`, as `validate` finds them. Two
things keep that cheap: the document is given without its position tree (counts need no line numbers),
and a compiled check proves most documents valid against the schema without running jsonschema.

Everything here is plain data that crosses process boundaries: `scan_files` runs in worker processes
for a cold scan, `ScanResult` tuples come back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from editor.core.document.article import ArticleDocument
from editor.core.document.citations import cited_keys
from editor.core.document.errors import ArticleError, NotAnArticle
from editor.core.document.review import ReviewCounts, review_counts
from editor.core.document.source import LineMap, Source, split
from editor.core.document.yamltree import MAX_DEPTH, Node, resolve_plain
from editor.core.files.messages import os_reason
from editor.core.files.read import FileRefused, read_regular
from editor.core.files.walk import is_candidate
from editor.core.index.text import search_text
from editor.core.validation import rules, schema
from editor.core.validation.problems import group_problems
from editor.core.validation.schema import DEFAULT_REVIEW_KEY

try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml: every file takes the exact path
    _CParser = None

# A tag (`!`, `!!int`) or an alias (`*name`) anywhere sends the file to the exact reader: tags need the
# event's explicit/implicit flags, aliases the expansion limit. Both are rare in articles.
_EXACT_ONLY = re.compile(r"[!*]")
_FAST_DEPTH = MAX_DEPTH // 2


class ScanResult(NamedTuple):
    """One file's row for the index, and its text for full-text search (None when not indexed)."""

    path: str  # relative to the corpus root, '/'-separated
    size: int
    mtime_ns: int
    inode: int
    is_article: bool
    article_id: str | None = None
    title: str | None = None
    slug: str | None = None
    category: str | None = None
    language: str | None = None
    confidence: str | None = None
    status: str | None = None
    last_verified: str | None = None
    updated: str | None = None
    created_date: str | None = None
    facts: int = 0
    sources: int = 0
    gaps: int = 0
    errors: int | None = None  # None for files that are not articles
    warnings: int | None = None
    error: str | None = None  # why the file cannot be read as an article (or is not one)
    error_line: int | None = None
    error_code: str | None = None
    checked_on: str | None = None  # the day the rules were run, ISO
    valid_until: str | None = None  # the day the counts may change with the date alone (Checker.valid_until)
    id_key: str | None = None  # the id as duplicate ids are found: text, stripped, not empty
    unreviewed: int = 0  # facts without a review verdict
    high_unreviewed: int = 0  # of which high-confidence ones
    oldest_review: str | None = None  # ISO date of the oldest review
    text: tuple[str, str, str, str] | None = None  # title, statements, gaps, body for full-text search
    # the file's problems, grouped as the editor lists them: (code, field, severity without the corpus's
    # overrides, how many findings); counts apply the overrides (see CorpusIndex, table `problems`)
    problems: tuple[tuple[str, str, str, int], ...] = ()
    cites: tuple[str, ...] = ()  # link cache keys of the URLs, DOIs and arXiv ids cited (refs.cited_keys)


# -- the fast front matter reader --------------------------------------------------------------------
class _Fallback(Exception):
    """The fast path cannot promise ArticleDocument's result for this file."""


if _CParser is not None:

    class _FastParser(_CParser):
        """libyaml's parser and composer. The composer asks a resolver for every node's tag; here the
        answer is never used (a plain scalar is told by its style, and any explicit tag sends the file
        to the exact reader), so the resolver does nothing."""

        def descend_resolver(self, current_node, current_index):
            pass

        def ascend_resolver(self):
            pass

        def resolve(self, kind, value, implicit):
            return None


_PLAIN_MEMO: dict[str, Any] = {}  # short plain scalars (keys, enum values) resolve the same every time


def _plain(value: str) -> Any:
    if len(value) <= 24:
        found = _PLAIN_MEMO.get(value, _PLAIN_MEMO)
        if found is _PLAIN_MEMO:
            found = resolve_plain(value)
            if len(_PLAIN_MEMO) < 20_000:
                _PLAIN_MEMO[value] = found
        return found
    return resolve_plain(value)


def _construct(node, depth: int, memo: dict[int, Any]) -> Any:
    """Plain values of a composed node; scalars inside collections are converted inline (most nodes)."""
    cls = node.__class__
    if cls is ScalarNode:
        return node.value if node.style else _plain(node.value)  # a style: quoted, folded or literal
    if depth > _FAST_DEPTH:
        raise _Fallback
    key = id(node)
    if key in memo:  # an alias slipped through: never expand it twice
        raise _Fallback
    memo[key] = None
    if cls is SequenceNode:
        items = []
        for item in node.value:
            if item.__class__ is ScalarNode:
                items.append(item.value if item.style else _plain(item.value))
            else:
                items.append(_construct(item, depth + 1, memo))
        return items
    if cls is not MappingNode:
        raise _Fallback
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not ScalarNode:
            raise _Fallback
        k = key_node.value if key_node.style else _plain(key_node.value)
        if k in result:
            raise _Fallback  # a duplicate key: the exact reader words the error
        if value_node.__class__ is ScalarNode:
            result[k] = value_node.value if value_node.style else _plain(value_node.value)
        else:
            result[k] = _construct(value_node, depth + 1, memo)
    return result


def fast_front_matter(front_matter: str) -> dict:
    """The front matter's values as `ArticleDocument.data` holds them; raise _Fallback when unsure."""
    if _CParser is None or _EXACT_ONLY.search(front_matter):
        raise _Fallback
    parser = _FastParser(front_matter)
    try:
        node = parser.get_single_node()
    except yaml.YAMLError:
        raise _Fallback from None
    finally:
        parser.dispose()
    if node is None:
        return {}
    data = _construct(node, 0, {})
    if not isinstance(data, dict):
        raise _Fallback
    return data


def split_fast(data: bytes) -> Source:
    """`source.split` for the common case (no BOM, an LF opening line), finding the closing `---` line
    with `str.find` instead of a loop over lines. Anything else goes to `split` itself."""
    if data.startswith(b"---\n") and b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return split(data)
        size = len(text)
        pos = text.find("\n---", 3)
        while pos >= 0:
            after = pos + 4
            if after == size or text[after] == "\n":
                return Source(text, False, "\n", 4, pos + 1, min(after + 1, size))
            if text.startswith("\r\n", after):
                return Source(text, False, "\n", 4, pos + 1, after + 2)
            pos = text.find("\n---", after)
    return split(data)


def read_article(data: bytes, path: str | None = None) -> tuple[Source, dict]:
    """(source, front matter values) of an article, the fast way when possible.

    Raises `NotAnArticle` or `ArticleError` exactly as `ArticleDocument.from_bytes` would.
    """
    try:
        source = split_fast(data)
    except ArticleError as exc:
        raise exc.with_path(path) from None
    try:
        return source, fast_front_matter(source.front_matter)
    except _Fallback:
        pass
    except RecursionError:  # pragma: no cover - libyaml caps nesting well below Python's limit
        pass
    doc = ArticleDocument.from_bytes(data, path)
    return doc.source, doc.data


# -- summaries ---------------------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    """A summary field as text: None for missing values, lists and mappings."""
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date_text(value: Any) -> str | None:
    text = _text(value)
    return text.strip() if text is not None else None


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _strings(items: Any) -> Iterator[str]:
    """The text of a list of strings or mappings (each mapping's string values)."""
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    yield value


def summarize(rel: str, st: tuple[int, int, int], source: Source, data: dict,
              counts: tuple[int | None, int | None], checked_on: str | None = None,
              valid_until: str | None = None, problems: tuple = (),
              review_key: str | None = DEFAULT_REVIEW_KEY) -> ScanResult:
    facts = data.get("atomic_facts")
    statements = "\n".join(
        fact["statement"] for fact in facts if isinstance(fact, dict) and isinstance(fact.get("statement"), str)
    ) if isinstance(facts, list) else ""
    gaps = data.get("known_gaps")
    title = _text(data.get("title"))
    article_id = data.get("id")
    text = (search_text(title or ""), search_text(statements), search_text("\n".join(_strings(gaps))),
            search_text(source.body))
    reviews = review_counts(data, review_key) if review_key is not None else ReviewCounts()
    return ScanResult(
        rel, st[0], st[1], st[2], True,
        article_id=_text(article_id),
        title=title,
        slug=_text(data.get("slug")),
        category=_text(data.get("category")),
        language=_text(data.get("language")),
        confidence=_text(data.get("confidence")),
        status=_text(data.get("status")),
        last_verified=_date_text(data.get("last_verified")),
        updated=_date_text(data.get("updated")),
        created_date=_date_text(data.get("created_date")),
        facts=_count(facts),
        sources=_count(data.get("primary_sources")) + _count(data.get("secondary_sources")),
        gaps=_count(gaps),
        errors=counts[0],
        warnings=counts[1],
        checked_on=checked_on,
        valid_until=valid_until,
        id_key=article_id.strip() or None if isinstance(article_id, str) else None,
        unreviewed=reviews.unreviewed,
        high_unreviewed=reviews.high_unreviewed,
        oldest_review=reviews.oldest_review,
        text=text,
        problems=problems,
        cites=tuple(cited_keys(data)),
    )


# -- validation ---------------------------------------------------------------------------------------------
class Checker:
    """Runs the corpus rules (`editor.core.validation.rules.check_document`) on one document and counts errors and
    warnings. Built once per process: the schema is loaded once.

    A corpus schema file that cannot be used is replaced by the default schema, as `check_corpus` does
    (`schema_problem` says why).
    """

    def __init__(self, root: str, today: dt.date):
        self.root = root
        self.today = today
        self.schema_problem: str | None = None
        try:
            loaded = schema.load_schema(root)
            self.config = rules.RuleConfig.from_schema(loaded)
        except schema.SchemaError as exc:
            self.schema_problem = f"{exc}; the default schema was used"
            loaded = schema.load_schema(None)
            self.config = rules.RuleConfig()
        self.schema = loaded
        self.duplicate_severity = self.config.severity_of("duplicate-id")
        # the rules run without the corpus's severity overrides, so the index keeps each problem's own
        # severity and a changed override is a recount, not a re-read (CorpusIndex.set_overrides)
        self.overrides: dict[str, str] = dict(self.config.severity)
        self.natural = dataclasses.replace(self.config, severity={})

    def severity(self, code: str, natural: str) -> str:
        """A problem's severity for this corpus: its override, else its own."""
        return self.overrides.get(code) or natural

    def findings(self, source: Source, data: dict, path: str) -> tuple[tuple[str, str, str, int], ...]:
        """The document's problems grouped as the editor lists them (code, field, own severity, count)."""
        doc = _ScannedDocument(source, data, path)
        problems = group_problems(rules.check_document(doc, self.schema, self.natural, self.today))
        return tuple((p.code, p.field, p.severity, p.count) for p in problems)

    def count(self, findings: Iterable[tuple[str, str, str, int]]) -> tuple[int, int]:
        """(errors, warnings) of grouped findings with this corpus's overrides (`off` counts nowhere)."""
        errors = warnings = 0
        for code, _field, natural, _count in findings:
            level = self.severity(code, natural)
            if level == "error":
                errors += 1
            elif level == "warning":
                warnings += 1
        return errors, warnings

    def counts(self, source: Source, data: dict, path: str) -> tuple[int, int]:
        return self.count(self.findings(source, data, path))

    def valid_until(self, data: dict) -> str | None:
        """The first day on which this document's counts may change although its file does not.

        The rules depend on today's date through the document's own dates (a date in the future, a
        `last_verified` older than a threshold) and years (a source year after the current year). The
        answer is the earliest of: each date in the document that is still ahead, each date plus each
        staleness threshold (+1 day), and January 1st of each year number still ahead. Rows whose day
        has come are re-read at the next refresh. None: no such day.
        """
        today = self.today
        offsets = (dt.timedelta(0), dt.timedelta(days=self.config.stale_warning_days + 1),
                   dt.timedelta(days=self.config.stale_error_days + 1))
        best: dt.date | None = None
        stack = [data]
        while stack:
            value = stack.pop()
            cls = value.__class__
            if cls is dict:
                stack.extend(value.values())
                continue
            if cls is list:
                stack.extend(value)
                continue
            if cls is str:
                if not 10 <= len(value) <= 40:
                    continue
                text = value.strip()
                if len(text) != 10 or not _DATE_TEXT.match(text):
                    continue
                try:
                    day = dt.date.fromisoformat(text)
                except ValueError:
                    continue
                candidates = [day + offset for offset in offsets]
            elif cls is int:
                if not today.year < value <= 9999:
                    continue
                candidates = [dt.date(value, 1, 1)]
            elif isinstance(value, dt.date):
                day = value.date() if isinstance(value, dt.datetime) else value
                candidates = [day + offset for offset in offsets]
            else:
                continue
            for day in candidates:
                if day > today and (best is None or day < best):
                    best = day
        return best.isoformat() if best is not None else None


_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class _ScannedDocument(ArticleDocument):
    """An ArticleDocument whose values come from the fast reader, for counting problems.

    The index keeps counts, not lines: `line_of` answers None instead of building the position tree
    (which costs as much as the fast read itself). `lines` and `root` are built only if asked for.
    """

    def __init__(self, source: Source, data: dict, path: str | None):  # no super(): nothing to parse
        self.path = path
        self.source = source
        self.data = data
        self._lines: LineMap | None = None
        self._root: Node | None = None
        self._has_root = False

    @property
    def lines(self) -> LineMap:  # type: ignore[override]
        if self._lines is None:
            self._lines = LineMap(self.source.text)
        return self._lines

    @lines.setter
    def lines(self, value: LineMap) -> None:
        self._lines = value

    @property
    def root(self) -> Node | None:  # type: ignore[override]
        if not self._has_root:
            self._root = ArticleDocument(self.source, self.path).root
            self._has_root = True
        return self._root

    @root.setter
    def root(self, value: Node | None) -> None:
        self._root, self._has_root = value, True

    def line_of(self, path) -> int | None:  # type: ignore[override]
        return None

    def key_line(self, path) -> int | None:  # type: ignore[override]
        return None


# -- one file, many files ---------------------------------------------------------------------------------
_checkers: dict[tuple[str, str, str], Checker] = {}
_checkers_lock = threading.Lock()


def checker_for(root: str, today: dt.date, fingerprint: str = "") -> Checker:
    """The process's Checker for a corpus, a day and a code/configuration fingerprint."""
    key = (root, today.isoformat(), fingerprint)
    with _checkers_lock:
        checker = _checkers.get(key)
        if checker is None:
            if len(_checkers) >= 4:
                _checkers.clear()
            checker = _checkers[key] = Checker(root, today)
    return checker


def scan_file(root: str, rel: str, stat: tuple[int, int, int] | None, checker: Checker) -> ScanResult | None:
    """Read one file. None when it vanished; a non-article or error row when it is not a readable
    article."""
    name = rel.rsplit("/", 1)[-1]
    full = os.path.join(root, rel)
    if not is_candidate(name):
        if stat is None:
            try:
                st = os.stat(full)
            except OSError:
                return None
            stat = (st.st_size, st.st_mtime_ns, st.st_ino)
        return ScanResult(rel, *stat, False, error="not a Markdown or text file", error_code="not-an-article")
    try:
        data, st = read_regular(full)
    except FileNotFoundError:
        return None
    except FileRefused as exc:
        if exc.code == "not-a-regular-file" and "a folder" in exc.message:
            return None
        return _unreadable(rel, _stat_of(full, stat), exc.code, exc.message, checker)
    except OSError as exc:
        return _unreadable(rel, _stat_of(full, stat), "unreadable", f"cannot read the file: {os_reason(exc)}",
                           checker)
    stat = (st.st_size, st.st_mtime_ns, st.st_ino)
    try:
        source, values = read_article(data, full)
    except NotAnArticle as exc:
        problem = rules.not_article_problem(full, data, exc, checker.natural)
        if problem is not None:  # an empty file: not an article, but counted as `validate` reports it
            found = ((problem.code, "", problem.severity, 1),)
            errors, warnings = checker.count(found)
            return ScanResult(rel, *stat, False, error=problem.message, error_line=1, error_code=problem.code,
                              errors=errors, warnings=warnings, problems=found)
        return ScanResult(rel, *stat, False, error=exc.message, error_line=exc.line, error_code=exc.code)
    except ArticleError as exc:
        return _unreadable(rel, stat, exc.code or rules.PARSE_CODE_DEFAULT, exc.message, checker, exc.line,
                           exc.code)
    except Exception as exc:  # one file that breaks the reader must not stop the scan; the row says so
        return _unreadable(rel, stat, "internal-error",
                           f"internal error while reading: {type(exc).__name__}: {exc}", checker)
    try:
        found = checker.findings(source, values, full)
    except Exception as exc:  # a rule that crashes must not stop the scan; the row says so
        crash = (("internal-error", "", "error", 1),)
        return summarize(rel, stat, source, values, checker.count(crash), problems=crash,
                         review_key=checker.config.review_key)._replace(
            error=f"internal error while checking the rules: {type(exc).__name__}: {exc}",
            error_code="rule-crash")
    return summarize(rel, stat, source, values, checker.count(found), checker.today.isoformat(),
                     checker.valid_until(values), found, checker.config.review_key)


def _unreadable(rel: str, stat: tuple[int, int, int], code: str, message: str, checker: Checker,
                line: int | None = None, error_code: str | None = None) -> ScanResult:
    """The row of an article that cannot be read: one error, counted as `validate` counts it."""
    found = ((code, "", "error", 1),)
    errors, warnings = checker.count(found)
    return ScanResult(rel, *stat, True, error=message, error_line=line, error_code=error_code or code,
                      errors=errors, warnings=warnings, problems=found)


def _stat_of(full: str, known: tuple[int, int, int] | None) -> tuple[int, int, int]:
    """The (size, mtime_ns, inode) of a file that was not read (the walk's, else a fresh lstat)."""
    if known is not None:
        return known
    try:
        st = os.stat(full)
    except OSError:
        return (0, 0, 0)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def scan_files(root: str, items: Iterable[tuple[str, tuple[int, int, int] | None]], today_iso: str,
               fingerprint: str = "") -> list[ScanResult | tuple[str, None]]:
    """Scan many files (in a worker process). A vanished file comes back as (path, None)."""
    checker = checker_for(root, dt.date.fromisoformat(today_iso), fingerprint)
    results: list[ScanResult | tuple[str, None]] = []
    for rel, stat in items:
        result = scan_file(root, rel, stat, checker)
        results.append(result if result is not None else (rel, None))
    return results
