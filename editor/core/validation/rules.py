"""Validation: the schema plus the corpus rules, for one article or a whole corpus.

`check_document` checks one parsed article: schema violations (via jsonschema) and the per-article
rules below; `check_file` reads and parses first (a parse error is one problem); `check_corpus` walks
folders and adds the rules that need several articles (duplicate ids across files).

Every rule has a stable code and a default severity. Errors make an article wrong (schema violations,
impossible dates, duplicate ids, a file that does not parse); hygiene findings are warnings unless
the corpus raises them in `.corpus-schema.yaml` (`rules: {severity: {code: error}}`; `off` silences
a rule).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError, CorpusEditorError, NotAnArticle
from editor.core.document.fieldpath import format_path
from editor.core.document.values import format_scalar
from editor.core.files.messages import os_reason
from editor.core.files.read import FileRefused, read_regular
from editor.core.files.walk import iter_article_files
from editor.core.validation.problems import Problem
from editor.core.validation.schema import (
    CORPUS_SCHEMA_NAME,
    DEFAULT_REVIEW_KEY,
    Schema,
    SchemaError,
    date_value,
    describe_errors,
    load_schema,
    review_key_setting,
)

# code -> (default severity, what the rule finds)
RULES: dict[str, tuple[str, str]] = {
    "schema": ("error", "a field breaks the schema: missing, wrong type, not one of the allowed values..."),
    "missing-field": ("warning", "a field the schema recommends (x-recommended) is missing"),
    "stale": ("warning", "last_verified older than the warning threshold (an error past the error threshold)"),
    "future-date": ("error", "a date field later than today"),
    "created-after-verified": ("error", "created_date later than last_verified"),
    "duplicate-id": ("error", "the same article id in several files"),
    "duplicate-fact-id": ("error", "the same fact id twice in one article"),
    "duplicate-source-id": ("error", "the same source id twice in one article"),
    "duplicate-source": ("warning", "the same source (URL, DOI or title) listed twice"),
    "fact-source-unmatched": ("warning", "a fact whose source is none of the article's sources"),
    "homepage-source": ("warning", "a source URL that is only a site's homepage"),
    "future-source-year": ("error", "a source year later than the current year"),
    "broken-fact": ("warning", "a fact statement that is empty, too short, cut off or holds Markdown"),
    "placeholder": ("warning", "placeholder text (TODO, TBD, 'to be completed'...)"),
    "encoding-damage": ("warning", "U+FFFD or mojibake (UTF-8 read as Latin-1/GBK)"),
    "line-ending-damage": ("warning", "a lone CR, or CRLF and LF mixed in one file"),
    "weak-evidence": ("warning", "high confidence resting on fewer than two sources"),
    "fact-confidence-above-article": ("warning", "a fact more confident than the article's upper bound"),
    "missing-section": ("warning", "a body without its TL;DR or core explanation (further sections are optional)"),
    "bad-schema": ("error", "the corpus schema file cannot be used (the default schema was used instead)"),
    "unreadable": ("error", "the file cannot be read"),
    "empty-article": ("warning", "an empty file (nothing, or only whitespace), or front matter without any field: "
                                 "an article cut short?"),
    "not-an-article": ("warning", "a file without front matter (reported only with --strict)"),
    "not-a-regular-file": ("error", "a FIFO, device or socket (or a link to one) with an article's name: never read"),
    "file-too-large": ("error", "a file larger than the limit (16 MB unless CORPUS_EDITOR_MAX_FILE_MB says otherwise)"),
    "internal-error": ("error", "a rule failed on the file (a bug: please report it)"),
    "review-contradicts-confidence": ("warning", "a high-confidence fact whose review found it unsupported or its "
                                                 "source unavailable"),
    "stale-review": ("warning", "a fact's review older than the last_verified staleness window "
                                "(stale_warning_days)"),
}
PARSE_CODE_DEFAULT = "parse-error"
_UNSUPPORTED_VERDICTS = ("unsupported", "unavailable")
_SEVERITY_VALUES = ("error", "warning", "off")
_CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


# -- configuration ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleConfig:
    """Thresholds and severity overrides; read from the `rules:` part of `.corpus-schema.yaml`."""

    stale_warning_days: int = 180
    stale_error_days: int = 365
    min_sources_for_high: int = 2
    severity: dict[str, str] = field(default_factory=dict)  # code -> "error" | "warning" | "off"
    review_key: str | None = DEFAULT_REVIEW_KEY  # the key of a fact's review record; None: reviews are off

    @classmethod
    def from_mapping(cls, settings: dict | None, source: str | None = None) -> RuleConfig:
        settings = dict(settings or {})
        values: dict[str, Any] = {}
        for name in ("stale_warning_days", "stale_error_days", "min_sources_for_high"):
            if name in settings:
                value = settings.pop(name)
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise SchemaError(f"rules.{name} must be a whole number of at least 0, not {value!r}", source)
                values[name] = value
        if "review" in settings:
            values["review_key"] = review_key_setting(settings.pop("review"), source)
        severity = settings.pop("severity", None) or {}
        if not isinstance(severity, dict):
            raise SchemaError("rules.severity must map rule codes to error, warning or off", source)
        checked = {}
        for code, level in severity.items():
            level_text = "off" if level is False else str(level).lower()
            if level_text not in _SEVERITY_VALUES:
                raise SchemaError(f"rules.severity.{code} must be error, warning or off, not {level!r}", source)
            checked[str(code)] = level_text
        if settings:
            raise SchemaError(f"unknown rule setting(s) {', '.join(sorted(map(str, settings)))}: known are "
                              "stale_warning_days, stale_error_days, min_sources_for_high, review, severity", source)
        return cls(severity=checked, **values)

    @classmethod
    def from_schema(cls, schema: Schema) -> RuleConfig:
        return cls.from_mapping(schema.settings, schema.sources[-1] if schema.sources else None)

    def severity_of(self, code: str, default: str | None = None) -> str:
        """The severity for a code: the corpus override, else `default`, else the rule's own."""
        override = self.severity.get(code)
        if override:
            return override
        if default:
            return default
        return RULES.get(code, ("error", ""))[0]


# -- helpers ------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8192)
def normalize_url(url: str) -> str:
    """A URL for comparison: lowercased, without scheme, `www.`, fragment and trailing `/`; DOI URLs and
    arXiv abs/pdf/version variants collapse to one form."""
    text = url.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("#", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    text = text.rstrip("/")
    doi = re.match(r"^(?:dx\.)?doi\.org/(.+)$", text)
    if doi:
        return "doi.org/" + doi.group(1)
    arxiv = re.match(r"^(?:export\.)?arxiv\.org/(?:abs|pdf)/([^?]+?)(?:v\d+)?(?:\.pdf)?$", text)
    if arxiv:
        return "arxiv.org/abs/" + arxiv.group(1)
    return text


def normalize_doi(doi: str) -> str:
    text = doi.strip().lower()
    text = re.sub(r"^doi:\s*", "", text)
    return normalize_url(text) if "doi.org/" in text else "doi.org/" + text.rstrip("/")


_HOMEPAGE = re.compile(r"^https?://[^/?#\s]+/?(?:#[^?]*)?$", re.IGNORECASE)


def is_homepage(url: str) -> bool:
    """Whether an http(s) URL names a site's root: no path beyond `/`, no query."""
    return bool(_HOMEPAGE.match(url.strip()))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_PLACEHOLDER_UPPER = re.compile(r"\b(?:TODO|TBD|FIXME)\b")
# "to be completed" after a word of planning ("scheduled to be completed in 2030") is prose, not a placeholder
_PLACEHOLDER_PHRASE = re.compile(
    r"(?<!expected )(?<!scheduled )(?<!planned )(?<!slated )(?<!due )(?<!set )(?<!likely )(?<!yet )"
    r"\bto be (?:completed|written|filled in)\b|\blorem ipsum\b", re.IGNORECASE)
_GBK_TYPICAL = "涓浜璁鎹鍙澶瀹鐢鏀姘鍦鏄鎴浠鏈绗缁璇闂鍒浣鍜"  # frequent in UTF-8 Chinese read as GBK
_MOJIBAKE = re.compile(
    "\ufffd"  # the replacement character: bytes lost at decoding
    "|[\u00c2-\u00ef][\u0080-\u009f]"  # a UTF-8 lead byte read as Latin-1, then a C1 control
    "|\u00c3[\u00a0-\u00bf\u2018-\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
    "|\u00c2[\u00a0-\u00bf]"  # Â before a symbol: a 2-byte sequence read as Latin-1 / cp1252
    "|\u00e2\u20ac"  # â€: the start of ’ “ ” – — … read as cp1252
    "|[\u00e0-\u00ef][\u0080-\u00bf]{2}"  # a 3-byte sequence (CJK...) read as Latin-1
    "|\u951f\u65a4\u62f7|\u70eb\u70eb|\u5c6f\u5c6f"  # 锟斤拷 烫烫 屯屯: replacement/uninitialised bytes via GBK
    "|[\u9225\u951b\u9286\u6b91]"  # 鈥 锛 銆 殑: ’“” / full-width punctuation / 。、 / 的 UTF-8 read as GBK
    # three characters typical of UTF-8 Chinese read as GBK, close together (each alone can be legitimate)
    f"|[{_GBK_TYPICAL}](?:[^\n]{{0,2}}[{_GBK_TYPICAL}]){{2}}"
    "|[\u0000-\u0008\u000b\u000c\u000e-\u001f]"  # control characters
)
# A cheap first pass over a whole text: only texts it hits are searched value by value, line by line.
# (The full patterns above, run case-insensitively over every article, cost more than the schema check.)
_SUSPECT_CHARS = re.compile(
    "[\ufffd\u951f\u70eb\u5c6f\u9225\u951b\u9286\u6b91\u0000-\u0008\u000b\u000c\u000e-\u001f\r"
    + _GBK_TYPICAL + "]|[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u2122]")
_PHRASES = ("to be completed", "to be written", "to be filled in", "lorem ipsum")


def _suspect(text: str) -> bool:
    """Whether `text` may hold encoding damage, a carriage return or placeholder text."""
    if _SUSPECT_CHARS.search(text) or "TODO" in text or "TBD" in text or "FIXME" in text:
        return True
    lowered = text.lower()
    if "to be" not in lowered and "lorem" not in lowered:
        return False
    lowered = " ".join(lowered.split())
    return any(phrase in lowered for phrase in _PHRASES)


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"`+[^`]*`+")
_HEADING = re.compile(r"^\s{0,3}(#{1,3})\s+(.+?)\s*#*\s*$")
_HEADING_ANY = re.compile(r"(?m)^[ \t]{0,3}(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*\r?$")
_TLDR = re.compile(r"^(?:tl\s*;?\s*dr|summary|摘要|概要|要点|要約|요약|resumen|résumé|resumo|zusammenfassung)\b",
                   re.IGNORECASE)
_DETAILED = re.compile(r"detailed analysis|in-depth|deep dive|analysis|详细分析|深入分析|詳細分析|상세 분석|análisis"
                       r"|analyse|análise", re.IGNORECASE)
_FURTHER = re.compile(r"^(?:further reading|references|see also|sources|延伸阅读|参考|参考文献|関連|참고|lecturas"
                      r"|lectures|weiterführende|leituras)", re.IGNORECASE)
# (a substring every match contains, pattern, what it is): the substring spares most searches
_MARKDOWN_IN_FACT = (
    ("", re.compile(r"```|~~~"), "a code fence"),
    ("##", re.compile(r"(?:^|\s)#{2,6}\s+\S"), "a Markdown heading"),
    ("|", re.compile(r"(?m)^\s*\|.*\|\s*$|\|\s*:?-{3,}:?\s*\|"), "a Markdown table row"),
)


def _walk_strings(value: Any, path: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_strings(item, (*path, format_scalar(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_strings(item, (*path, index))


# -- one article ----------------------------------------------------------------------------------------
class _Checker:
    def __init__(self, doc: ArticleDocument, schema: Schema, config: RuleConfig, today: dt.date):
        self.doc = doc
        self.schema = schema
        self.config = config
        self.today = today
        self.data = doc.data
        self.file = doc.path or ""
        self.problems: list[Problem] = []

    def line(self, path: tuple) -> int | None:
        try:
            return self.doc.line_of(path)
        except CorpusEditorError:
            return None

    def add(self, code: str, path: tuple, message: str, severity: str | None = None,
            line: int | None = None) -> None:
        level = self.config.severity_of(code, severity)
        if level == "off":
            return
        if line is None:
            line = self.line(path)
        self.problems.append(Problem(self.file, format_path(path), line, level, code, message))

    def run(self) -> list[Problem]:
        if not self.data:
            self.add("empty-article", (), "the front matter has no fields: an article cut short? Fill it in "
                     "or remove the file", line=1)
        self.check_schema()
        self.check_dates()
        self.check_facts_and_sources()
        self.check_reviews()
        self.check_text()
        self.check_body()
        return self.problems

    # -- reviews --------------------------------------------------------------------------------
    def check_reviews(self) -> None:
        key = self.config.review_key
        facts = self.data.get("atomic_facts")
        if key is None or not isinstance(facts, list):
            return
        window = self.config.stale_warning_days
        for i, fact in enumerate(facts):
            review = fact.get(key) if isinstance(fact, dict) else None
            if not isinstance(review, dict):
                continue
            verdict = review.get("verdict")
            if fact.get("confidence") == "high" and verdict in _UNSUPPORTED_VERDICTS:
                found = "does not support it" if verdict == "unsupported" else "could not be read"
                self.add("review-contradicts-confidence", ("atomic_facts", i, "confidence"),
                         f"confidence is high but the review found that the source {found}: lower the confidence, "
                         "cite a source that supports it, or move the statement to disputed_statements")
            when = date_value(review.get("date"))
            if when is not None and (self.today - when).days > window:
                self.add("stale-review", ("atomic_facts", i, key, "date"),
                         f"reviewed {(self.today - when).days} days ago, more than {window}: review it again")

    # -- schema ---------------------------------------------------------------------------------
    def check_schema(self) -> None:
        for path, message in describe_errors(self.schema.iter_errors(self.data), self.schema):
            if message.startswith("required field is missing") and self._is_null(path):
                message = "required field is empty: fill it in"
            self.add("schema", path, message)
        recommended = self.schema.json_schema.get("x-recommended") or ()
        for name in recommended:
            if isinstance(name, str) and name not in self.data:
                self.add("missing-field", (name,), "recommended field is missing: add it (every article of "
                         "the format carries it)")

    def _is_null(self, path: tuple) -> bool:
        try:
            return self.doc.get(path) is None
        except CorpusEditorError:
            return False

    # -- dates ----------------------------------------------------------------------------------
    def check_dates(self) -> None:
        data = self.data
        for name, sub in (self.schema.json_schema.get("properties") or {}).items():
            if isinstance(sub, dict) and sub.get("format") == "date" and name in data:
                when = date_value(data[name])
                if when is not None and when > self.today:
                    self.add("future-date", (name,),
                             f"{when.isoformat()} is in the future (today is {self.today.isoformat()}): "
                             "set the date the work was actually done")
        verified = date_value(data.get("last_verified"))
        if verified is not None and verified <= self.today:
            age = (self.today - verified).days
            cfg = self.config
            if age > cfg.stale_error_days or age > cfg.stale_warning_days:
                level = "error" if age > cfg.stale_error_days else "warning"
                limit = cfg.stale_error_days if level == "error" else cfg.stale_warning_days
                self.add("stale", ("last_verified",),
                         f"last verified {age} days ago (more than {limit}): check the facts against their "
                         "sources again and update last_verified", severity=level)
        created_key = "created_date" if "created_date" in data else "date_created"
        created = date_value(data.get(created_key))
        if created is not None and verified is not None and created > verified:
            self.add("created-after-verified", (created_key,),
                     f"{created_key} {created.isoformat()} is after last_verified {verified.isoformat()}: "
                     "an article cannot be verified before it exists; correct one of the dates")

    # -- facts and sources ------------------------------------------------------------------------
    def _sources(self) -> list[tuple[tuple, dict]]:
        found = []
        for list_name in ("primary_sources", "secondary_sources"):
            items = self.data.get(list_name)
            if isinstance(items, list):
                found.extend(((list_name, i), item) for i, item in enumerate(items) if isinstance(item, dict))
        return found

    def check_facts_and_sources(self) -> None:
        sources = self._sources()
        keys: set[str] = set()
        ids: dict[str, tuple] = {}
        first_by_key: dict[str, tuple] = {}
        distinct = 0
        this_year = self.today.year
        for path, source in sources:
            url, doi, title = _text(source.get("url")), _text(source.get("doi")), _text(source.get("title"))
            source_keys = []
            if url and url.strip():
                source_keys.append(normalize_url(url))
                if is_homepage(url):
                    self.add("homepage-source", (*path, "url"),
                             f"{url.strip()} is a site's homepage: cite the specific page that supports the "
                             "facts")
            if doi and doi.strip():
                source_keys.append(normalize_doi(doi))
            keys.update(source_keys)
            identity = source_keys or (["title:" + " ".join(title.lower().split())] if title and title.strip()
                                       else [])
            clash = next((first_by_key[k] for k in identity if k in first_by_key), None)
            if clash is not None:
                where = "url" if url else "doi" if doi else "title"
                self.add("duplicate-source", (*path, where),
                         f"the same source as {format_path(clash)}: remove one of them or merge them")
            else:
                if identity:
                    distinct += 1
                for k in identity:
                    first_by_key[k] = path
            source_id = _text(source.get("id"))
            if source_id:
                if source_id in ids:
                    self.add("duplicate-source-id", (*path, "id"),
                             f"source id {source_id!r} is already used by {format_path(ids[source_id])}: give "
                             "each source its own id")
                else:
                    ids[source_id] = path
            year = source.get("year")
            if isinstance(year, int) and not isinstance(year, bool) and year > this_year:
                self.add("future-source-year", (*path, "year"),
                         f"{year} is later than the current year {this_year}: correct the publication year")

        article_confidence = self.data.get("confidence")
        min_sources = self.config.min_sources_for_high
        if article_confidence == "high" and distinct < min_sources:
            self.add("weak-evidence", ("confidence",),
                     f"high confidence rests on {distinct} source{'s' if distinct != 1 else ''} (fewer than "
                     f"{min_sources}): add sources or lower the confidence")

        facts = self.data.get("atomic_facts")
        if not isinstance(facts, list):
            return
        fact_ids: dict[str, int] = {}
        for index, fact in enumerate(facts):
            if not isinstance(fact, dict):
                continue
            path = ("atomic_facts", index)
            fact_id = _text(fact.get("id"))
            if fact_id:
                if fact_id in fact_ids:
                    self.add("duplicate-fact-id", (*path, "id"),
                             f"fact id {fact_id!r} is already used by atomic_facts[{fact_ids[fact_id]}]: give "
                             "each fact its own id")
                else:
                    fact_ids[fact_id] = index
            self._check_fact_source(path, fact, keys, ids)
            self._check_statement(path, fact.get("statement"))
            confidence = fact.get("confidence")
            if (confidence in _CONFIDENCE_RANK and article_confidence in _CONFIDENCE_RANK
                    and _CONFIDENCE_RANK[confidence] > _CONFIDENCE_RANK[article_confidence]):
                self.add("fact-confidence-above-article", (*path, "confidence"),
                         f"{confidence} is above the article's confidence {article_confidence}, its upper "
                         "bound: lower the fact's confidence or raise the article's")

    def _check_fact_source(self, path: tuple, fact: dict, keys: set[str], ids: dict[str, tuple]) -> None:
        url, doi, ref = _text(fact.get("source_url")), _text(fact.get("source_doi")), _text(fact.get("source_ref"))
        url = url if url and url.strip() else None
        doi = doi if doi and doi.strip() else None
        ref = ref if ref and ref.strip() else None
        if url and is_homepage(url):
            self.add("homepage-source", (*path, "source_url"),
                     f"{url.strip()} is a site's homepage: cite the specific page that supports the statement")
        if ref and ref.strip() in ids:
            return
        if url and normalize_url(url) in keys:
            return
        if doi and normalize_doi(doi) in keys:
            return
        if not (url or doi or ref):
            if not any(k in fact for k in ("source_url", "source_doi", "source_ref")):
                self.add("fact-source-unmatched", (*path,),
                         "the fact names no source: add source_url (or source_doi, or source_ref naming one of "
                         "the article's sources)")
            else:
                where = next(k for k in ("source_url", "source_doi", "source_ref") if k in fact)
                self.add("fact-source-unmatched", (*path, where),
                         "the fact's source is empty: cite one of the article's sources")
            return
        if ref:
            self.add("fact-source-unmatched", (*path, "source_ref"),
                     f"source_ref {ref!r} names no source of the article: use the id of one of its primary or "
                     "secondary sources")
            return
        where, shown = ("source_url", url) if url else ("source_doi", doi)
        self.add("fact-source-unmatched", (*path, where),
                 f"{str(shown).strip()} matches none of the article's sources: add it to primary_sources or "
                 "secondary_sources, or cite one of them")

    def _check_statement(self, path: tuple, statement: Any) -> None:
        if not isinstance(statement, str):
            return  # missing or mistyped: a schema problem
        where = (*path, "statement")
        text = statement.strip()
        if len(text) < 10:
            self.add("broken-fact", where,
                     "the statement is empty: write the fact as a complete sentence" if not text else
                     f"the statement {text!r} is too short to be a fact: write it as a complete sentence")
            return
        if text[-1] in "(:;,":
            self.add("broken-fact", where,
                     f"the statement ends with {text[-1]!r}, as if cut off: complete it or remove the fact")
            return
        for needle, pattern, what in _MARKDOWN_IN_FACT:
            if needle in statement and pattern.search(statement):
                self.add("broken-fact", where,
                         f"the statement contains {what}: a fact is plain text; move the structure to the body")
                return

    # -- text hygiene -----------------------------------------------------------------------------
    def check_text(self) -> None:
        front = self.doc.source.front_matter
        # one search over the raw text spares walking every value; escapes (`\uFFFD`, `\r`) can hide
        # a character from the raw text, so any backslash means walking anyway
        if "\\" in front or _suspect(front):
            self._check_values()
        self._check_line_endings()

    def _check_values(self) -> None:
        placeholders_in = {"title", "known_gaps", "atomic_facts", "disputed_statements"}
        for path, text in _walk_strings(self.data):
            if not path:
                continue
            match = _MOJIBAKE.search(text)
            if match:
                self.add("encoding-damage", path, _damage_message(match.group(0)))
            if path[0] in placeholders_in and (path[0] != "atomic_facts" or path[-1] == "statement"):
                found = _placeholder(text)
                if found:
                    self.add("placeholder", path, f"placeholder text {found!r}: write the real content or "
                                                  "remove the entry")
            if "\r" in text:
                self.add("line-ending-damage", path,
                         "the value contains a carriage return (CR): remove it; it shows as a line break in some "
                         "tools and not in others")

    def _check_line_endings(self) -> None:
        text = self.doc.text
        if "\r" not in text:
            return
        crlf = text.count("\r\n")
        lone = [m.start() for m in re.finditer(r"\r(?!\n)", text)]
        body_start = self.doc.source.body_start
        for offset in lone[:5]:
            line = self.doc.lines.line(offset)
            if offset >= body_start:
                self.add("line-ending-damage", (), "a lone carriage return (CR) in the body: replace it with a "
                         "line break or remove it", line=line)
            else:
                path = self._field_at(offset)
                self.add("line-ending-damage", path, "a lone carriage return (CR) in the front matter: readers "
                         "disagree on whether it ends a line; replace it with a line break or remove it",
                         line=line)
        lf = text.count("\n") - crlf
        if crlf and lf:
            self.add("line-ending-damage", (), f"the file mixes CRLF ({crlf}) and LF ({lf}) line endings: "
                     "convert it to one style", line=1)

    def _field_at(self, offset: int) -> tuple:
        """The path of the innermost field whose text holds `offset`."""
        path: list = []
        node = self.doc.root
        while node is not None:
            node = node.resolved()
            child = None
            if node.kind == "map":
                for key, value in node.pairs:
                    if key.props_start <= offset <= max(value.end, key.end):
                        child, step = value, format_scalar(key.resolved().value)
                        break
            elif node.kind == "seq":
                for index, item in enumerate(node.items):
                    if item.props_start <= offset <= item.end:
                        child, step = item, index
                        break
            if child is None:
                break
            path.append(step)
            node = child
        return tuple(path)

    # -- body -------------------------------------------------------------------------------------
    def check_body(self) -> None:
        body = self.doc.body
        # the body's first line, counted without `doc.lines` (a fast reader may build that lazily)
        first_line = self.doc.text.count("\n", 0, self.doc.source.body_start) + 1
        self.body_line = first_line
        if "```" in body or "~~~" in body or _suspect(body):
            headings, content_after = self._scan_body_lines(body, first_line)
        else:
            headings, content_after = [], {}
            for match in _HEADING_ANY.finditer(body):
                line = first_line + body.count("\n", 0, match.start())
                headings.append((line, match.group(2), len(match.group(1))))
                nxt = _HEADING_ANY.search(body, match.end())
                content_after[len(headings) - 1] = bool(body[match.end() : nxt.start() if nxt else len(body)].strip())
        self._check_sections(headings, content_after, body)

    def _scan_body_lines(self, body: str, first_line: int) -> tuple[list[tuple[int, str, int]], dict[int, bool]]:
        headings: list[tuple[int, str, int]] = []  # (line, text, level)
        content_after: dict[int, bool] = {}
        in_fence = False
        placeholder_lines = damage_lines = 0
        for index, raw in enumerate(body.splitlines()):
            if _FENCE.match(raw):
                in_fence = not in_fence
                if headings:
                    content_after[len(headings) - 1] = True
                continue
            if not in_fence:
                heading = _HEADING.match(raw)
                if heading:
                    headings.append((first_line + index, heading.group(2), len(heading.group(1))))
                    continue
                if raw.strip() and headings:
                    content_after[len(headings) - 1] = True
                found = _placeholder(_INLINE_CODE.sub("", raw))
                if found and placeholder_lines < 5:
                    placeholder_lines += 1
                    self.add("placeholder", (), f"placeholder text {found!r} in the body: write the real content",
                             line=first_line + index)
            elif headings:
                content_after[len(headings) - 1] = True
            match = _MOJIBAKE.search(raw)
            if match and damage_lines < 5:
                damage_lines += 1
                self.add("encoding-damage", (), _damage_message(match.group(0)) + " (in the body)",
                         line=first_line + index)
        return headings, content_after

    def _check_sections(self, headings: list[tuple[int, str, int]], content_after: dict[int, bool],
                        body: str) -> None:
        # Nearly every article of the format has a TL;DR and a core explanation; Detailed Analysis,
        # Further Reading and the rest appear where useful and are never asked for.
        line = self.body_line
        if not body.strip():
            self.add("missing-section", (), "the article has no body: add ## TL;DR and ## Core Explanation "
                     "sections", line=max(1, line - 1))
            return
        sections = [(i, text.strip()) for i, (_, text, level) in enumerate(headings) if level <= 2]
        tldr = [i for i, text in sections if _TLDR.match(text)]
        detailed = [i for i, text in sections if _DETAILED.search(text) and i not in tldr]
        others = [i for i, text in sections if i not in tldr and i not in detailed and not _FURTHER.match(text)]
        if not tldr:
            self.add("missing-section", (), "no ## TL;DR section: start the body with a one-paragraph summary",
                     line=line)
        elif not content_after.get(tldr[0]):
            self.add("missing-section", (), "the ## TL;DR section is empty: write a concise summary",
                     line=headings[tldr[0]][0])
        if not others:
            self.add("missing-section", (), "no ## Core Explanation section (or an equivalent one): explain "
                     "the subject after the TL;DR", line=line)


def _placeholder(text: str) -> str | None:
    match = _PLACEHOLDER_UPPER.search(text) or _PLACEHOLDER_PHRASE.search(text)
    return match.group(0) if match else None


def _damage_message(found: str) -> str:
    if found == "\ufffd":
        return ("contains U+FFFD replacement characters, where bytes were lost at decoding: restore the text "
                "from the original source")
    if len(found) == 1 and ord(found) < 32:
        return f"contains the control character U+{ord(found):04X}: remove it"
    return (f"contains {found!r}, typical of UTF-8 text decoded as Latin-1 or GBK (mojibake): restore the "
            "original characters")


def check_document(doc: ArticleDocument, schema: Schema, config: RuleConfig | None = None,
                   today: dt.date | None = None) -> list[Problem]:
    """Schema violations and per-article rule findings for one parsed article, sorted by line."""
    config = config if config is not None else RuleConfig.from_schema(schema)
    today = today or dt.date.today()
    problems = _Checker(doc, schema, config, today).run()
    problems.sort(key=Problem.sort_key)
    return problems


def _parse_problem(exc: ArticleError, file: str, config: RuleConfig) -> Problem | None:
    code = exc.code or PARSE_CODE_DEFAULT
    level = config.severity_of(code, "error")
    if level == "off":
        return None
    hint = {
        "yaml-error": "fix the YAML syntax of the front matter",
        "not-utf8": "save the file as UTF-8",
        "unclosed-front-matter": "end the front matter with a line '---'",
        "duplicate-key": "keep one of the two keys",
        "binary-file": "this is not a text file: move it out of the corpus",
        "not-a-mapping": "write the front matter as `field: value` lines",
    }.get(code, "fix the front matter so that it parses")
    return Problem(file, "", exc.line, level, code, f"{exc.message}: {hint}")


def is_empty_file(data: bytes) -> bool:
    """Nothing in the file but whitespace (and perhaps a byte order mark)."""
    return not data.removeprefix(b"\xef\xbb\xbf").strip()


EMPTY_FILE_MESSAGE = "the file is empty: an article cut short? Restore its text or remove the file"


def not_article_problem(path: str, data: bytes, exc: NotAnArticle, config: RuleConfig,
                        strict: bool = False) -> Problem | None:
    """What a file without front matter is worth reporting: an empty file always (`empty-article`),
    any other only when `strict` (`not-an-article`)."""
    if is_empty_file(data):
        code, message = "empty-article", EMPTY_FILE_MESSAGE
    elif strict:
        code, message = "not-an-article", f"{exc.message}: not read as an article"
    else:
        return None
    level = config.severity_of(code)
    return None if level == "off" else Problem(path, "", 1, level, code, message)


def _load(path: str, config: RuleConfig, strict: bool = False) -> tuple[ArticleDocument | None, list[Problem]]:
    try:
        data, _ = read_regular(path)
    except FileRefused as exc:
        level = config.severity_of(exc.code)
        return None, [] if level == "off" else [Problem(path, "", None, level, exc.code, exc.message)]
    except OSError as exc:
        return None, [Problem(path, "", None, config.severity_of("unreadable"), "unreadable",
                              f"cannot read the file: {os_reason(exc)}")]
    try:
        return ArticleDocument.from_bytes(data, path), []
    except NotAnArticle as exc:
        problem = not_article_problem(path, data, exc, config, strict)
        return None, [problem] if problem else []
    except ArticleError as exc:
        problem = _parse_problem(exc, path, config)
        return None, [problem] if problem else []
    except Exception as exc:  # one file that breaks the reader must not stop the corpus
        return None, [_internal_problem(path, exc)]


def _internal_problem(path: str, exc: Exception) -> Problem:
    return Problem(path, "", None, "error", "internal-error",
                   f"a rule failed on this file ({type(exc).__name__}: {exc}): please report it")


def _check_one(path: str, schema: Schema, config: RuleConfig, today: dt.date, strict: bool = False,
               ) -> tuple[list[Problem], str | None, int | None]:
    """One file's problems, and its article id with the id's line (for duplicate ids across files)."""
    doc, problems = _load(path, config, strict)
    if doc is None:
        return problems, None, None
    try:
        problems = check_document(doc, schema, config, today)
    except Exception as exc:  # a rule that breaks on one file must not stop the corpus
        problems = [_internal_problem(path, exc)]
    article_id = doc.data.get("id")
    if isinstance(article_id, str) and article_id.strip():
        return problems, article_id.strip(), _safe_line(doc, ("id",))
    return problems, None, None


def check_file(path: str | os.PathLike, schema: Schema, config: RuleConfig | None = None,
               today: dt.date | None = None, strict: bool = False) -> list[Problem]:
    """Problems of one file: a parse error is one problem, an empty file a warning, a file without front
    matter none (unless `strict`)."""
    config = config if config is not None else RuleConfig.from_schema(schema)
    return _check_one(os.fspath(path), schema, config, today or dt.date.today(), strict)[0]


# -- a corpus -----------------------------------------------------------------------------------------------
def iter_article_paths(paths: Iterable[str | os.PathLike], leftovers: list[str] | None = None) -> list[str]:
    """Files named on the command line, and the article files under folders (see
    `files.iter_article_files`, which adds our temporary files it skipped to `leftovers`), each once.
    Raises FileNotFoundError for a path that does not exist."""
    found: list[str] = []
    seen: set[str] = set()
    for path in iter_article_files(paths, leftovers=leftovers):
        text = os.path.normpath(path)
        if not os.path.exists(text):
            raise FileNotFoundError(text)
        key = os.path.normcase(os.path.realpath(text))
        if key not in seen:
            seen.add(key)
            found.append(text)
    return found


class _Plan:
    """Which schema and rule settings each file is checked with.

    Files are grouped by corpus: the nearest folder above them holding `.corpus-schema.yaml` or `.git`;
    files with neither above them form one group together. Duplicate ids are looked for within a group.
    """

    def __init__(self, schema: Schema | None, config: RuleConfig | None, problems: list[Problem]):
        self.schema = schema
        self.config = config
        self.problems = problems
        self.groups: dict[Path | None, tuple[Schema, RuleConfig]] = {}
        self._roots: dict[str, Path | None] = {}

    def _marked_root(self, folder: str) -> Path | None:
        if folder in self._roots:
            return self._roots[folder]
        path = Path(folder)
        if (path / CORPUS_SCHEMA_NAME).is_file() or (path / ".git").exists():
            root: Path | None = path
        else:
            parent = os.path.dirname(folder)
            root = self._marked_root(parent) if parent != folder else None
        self._roots[folder] = root
        return root

    def group_of(self, path: str) -> Path | None:
        key = None if self.schema is not None else self._marked_root(os.path.dirname(os.path.abspath(path)))
        if key not in self.groups:
            self.groups[key] = self._setup(key)
        return key

    def _setup(self, root: Path | None) -> tuple[Schema, RuleConfig]:
        try:
            schema = self.schema or load_schema(root)
            return schema, self.config if self.config is not None else RuleConfig.from_schema(schema)
        except SchemaError as exc:
            self.problems.append(Problem(exc.path or str(Path(root or ".") / CORPUS_SCHEMA_NAME), "", exc.line,
                                         "error", "bad-schema", f"{exc.message}; the default schema was used"))
            return load_schema(None), self.config or RuleConfig()


# The plan, date and strictness of the run in progress, read by forked workers (they inherit it, nothing
# is pickled).
_RUN: tuple[_Plan, dt.date, bool] | None = None


def _check_batch(batch: list[tuple[str, Path | None]]) -> list[tuple[list[Problem], str | None, int | None]]:
    assert _RUN is not None
    plan, today, strict = _RUN
    return [_check_one(path, *plan.groups[key], today, strict) for path, key in batch]


def _parallel_workers(requested: int | None, files: int) -> int:
    """How many processes to use: only with `fork` (workers inherit the loaded schema and never re-run
    the program, which matters for frozen apps) and only from a single-threaded process."""
    import multiprocessing
    import threading

    if requested == 1 or files < 200 or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(requested or available, available, 8))


def check_corpus(paths: Iterable[str | os.PathLike], schema: Schema | None = None,
                 config: RuleConfig | None = None, today: dt.date | None = None,
                 progress: Callable[[int, int], None] | None = None, workers: int | None = 1,
                 strict: bool = False, leftovers: list[str] | None = None) -> list[Problem]:
    """Problems of every article under `paths`, plus duplicate ids across files, sorted by file and line.

    Without a `schema`, each corpus uses its own (`find_corpus_root`, `load_schema`); an unusable corpus
    schema file is reported as a `bad-schema` problem and the default schema is used instead.
    `progress(done, total)` is called as files are checked. `workers=None` uses one process per CPU
    for large runs where that is safe (a single-threaded caller on a system with `fork`), e.g. the
    command line; the default, 1, checks in the calling thread. An empty file is an `empty-article`
    warning; with `strict`, a file without front matter is a `not-an-article` warning.
    Our temporary files met on the way are appended to `leftovers` (see `files.leftovers`).
    """
    global _RUN
    today = today or dt.date.today()
    files = iter_article_paths(paths, leftovers)
    problems: list[Problem] = []
    plan = _Plan(schema, config, problems)
    jobs = [(path, plan.group_of(path)) for path in files]
    total = len(jobs)
    results: list[tuple[list[Problem], str | None, int | None]] = []
    count = _parallel_workers(workers, total)
    if count > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = max(16, min(128, total // (count * 6) or 1))
        batches = [jobs[i : i + size] for i in range(0, total, size)]
        _RUN = (plan, today, strict)
        try:
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
                for batch_results in pool.map(_check_batch, batches):
                    results.extend(batch_results)
                    if progress is not None:
                        progress(len(results), total)
        finally:
            _RUN = None
    else:
        for path, key in jobs:
            results.append(_check_one(path, *plan.groups[key], today, strict))
            if progress is not None:
                progress(len(results), total)

    ids: dict[tuple[Path | None, str], list[tuple[str, int | None]]] = {}
    for (path, key), (found, article_id, line) in zip(jobs, results, strict=True):
        problems.extend(found)
        if article_id is not None:
            ids.setdefault((key, article_id), []).append((path, line))
    for (key, article_id), places in ids.items():
        if len(places) < 2:
            continue
        level = plan.groups[key][1].severity_of("duplicate-id")
        if level == "off":
            continue
        for path, line in places:
            problems.append(duplicate_id_problem(path, line, article_id, [p for p in places if p[0] != path],
                                                 level))
    problems.sort(key=Problem.sort_key)
    return problems


def duplicate_id_problem(path: str, line: int | None, article_id: str, others: list[tuple[str, int | None]],
                         level: str, shown: Callable[[str], str] | None = None) -> Problem:
    """The `duplicate-id` problem of one file whose id `others` (path, line of their id) also hold.

    `shown` turns a path into the text the message names (the window: corpus-relative paths); the
    problem's `related` keeps the paths themselves, so a caller can open them."""
    named = [(shown(p) if shown else p) + (f":{n}" if n else "") for p, n in others]
    listed = ", ".join(named[:3])
    if len(named) > 3:
        listed += f" and {len(named) - 3} more file(s)"
    return Problem(path, "id", line, level, "duplicate-id",
                   f"id {article_id!r} is also used by {listed}: give each article its own id",
                   related=tuple(p for p, _ in others))


def _safe_line(doc: ArticleDocument, path: tuple) -> int | None:
    try:
        return doc.line_of(path)
    except CorpusEditorError:
        return None


__all__ = [
    "EMPTY_FILE_MESSAGE", "RULES", "RuleConfig", "check_corpus", "check_document", "check_file",
    "duplicate_id_problem", "is_empty_file", "is_homepage", "iter_article_paths", "normalize_doi", "normalize_url",
    "not_article_problem",
]
