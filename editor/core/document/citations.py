"""What an article cites: its URLs, DOIs and arXiv ids, classified, each named by the key the link
cache (editor.core.verify.cache) keeps its checks under. Plain data, no network: the index counts an
article's broken sources with `cited_keys`, source verification (editor.core.verify.refs) builds its
references on the same walk.

A `doi` field, or a `doi.org` / `dx.doi.org` URL, is a DOI; an `arxiv.org/abs|pdf/ID` URL is an arXiv
id (new style `2407.21783v2`, old style `hep-th/9901001`); other `http(s)` URLs are web pages; any
other value (`ftp:`, `file:`, `javascript:`, a bare word) is of kind `other` and never fetched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

URL = "url"
DOI = "doi"
ARXIV = "arxiv"
OTHER = "other"  # the kind of a value no check applies to: its verdict is `skipped`

SOURCE_LISTS = ("primary_sources", "secondary_sources")
SOURCE_FIELDS = ("url", "doi")
FACT_FIELDS = ("source_url", "source_doi")

# 10.<registrant>[.<sub>...]/<suffix>; the suffix may hold almost anything
_DOI = re.compile(r"^10\.\d+(?:\.\d+)*/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:doi:\s*|https?://(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_ARXIV_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
_ARXIV_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
ARXIV_ID = re.compile(rf"^(?:{_ARXIV_NEW}|{_ARXIV_OLD})$")
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf)/({_ARXIV_NEW}|{_ARXIV_OLD})(?:\.pdf)?/?$")


@dataclass(frozen=True)
class Target:
    """What one reference points at. `key` names it in the cache and joins references to one check:
    `doi:10.1145/359340.359342` (lowercased: DOIs ignore case), `arxiv:2407.21783v2`, or the URL."""

    kind: str  # URL, DOI, ARXIV or OTHER
    value: str  # the DOI, the arXiv id, the URL (without its fragment), or the text as written

    @property
    def key(self) -> str:
        if self.kind == DOI:
            return "doi:" + self.value.lower()
        if self.kind == ARXIV:
            return "arxiv:" + self.value
        if self.kind == OTHER:
            return "other:" + self.value
        return self.value


def classify(value: Any, *, doi_field: bool = False) -> Target:
    """What a cited value is. `doi_field`: the value comes from a `doi` / `source_doi` field, where a
    bare `10.xxxx/yyy` (or `doi:10...`) is a DOI."""
    if not isinstance(value, str):
        return Target(OTHER, "" if value is None else str(value))
    text = value.strip()
    if doi_field:
        doi = _DOI_PREFIXES.sub("", text, count=1).strip()
        if _DOI.match(doi):
            return Target(DOI, unquote(doi))
        # a doi field holding a URL is read as the URL it is
        if not text.lower().startswith(("http://", "https://")):
            return Target(DOI, doi)  # not a well-formed DOI: the DOI checker reports it broken
    try:
        parts = urlsplit(text)
    except ValueError:
        return Target(OTHER, text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return Target(OTHER, text)
    host = parts.hostname.lower()
    if host in _DOI_HOSTS:
        doi = unquote(parts.path.lstrip("/"))
        if _DOI.match(doi):
            return Target(DOI, doi)
    if host in _ARXIV_HOSTS:
        match = _ARXIV_PATH.match(parts.path)
        if match:
            return Target(ARXIV, match.group(1))
    return Target(URL, urlunsplit(parts._replace(fragment="")))


def is_well_formed_doi(doi: str) -> bool:
    return bool(_DOI.match(doi))


def target_of(text: str) -> Target:
    """The target a URL, a DOI or an arXiv id written alone names (for looking one up in the cache)."""
    text = text.strip()
    if ARXIV_ID.match(text):
        return Target(ARXIV, text)
    stripped = _DOI_PREFIXES.sub("", text, count=1)
    if _DOI.match(stripped):
        return Target(DOI, unquote(stripped))
    return classify(text)


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        return int(value)
    if hasattr(value, "year"):  # a date
        return int(value.year)
    return None


def _title(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def cited_keys(data: dict) -> list[str]:
    """The cache keys (see `Target.key`) of every URL, DOI and arXiv id an article's front matter
    cites, each once: what the index joins with the link cache to count broken and blocked sources."""
    keys: dict[str, None] = {}
    for _field, value, doi_field, _title, _year in cited_values(data)[0]:
        key = _key_of(value, doi_field) if isinstance(value, str) else None
        if key is not None:
            keys.setdefault(key)
    return list(keys)


@functools.lru_cache(maxsize=65536)
def _key_of(value: str, doi_field: bool) -> str | None:
    """The cache key of a cited text, None when nothing would be checked (many articles cite the same
    addresses: an index scan classifies each once)."""
    target = classify(value, doi_field=doi_field)
    return None if target.kind == OTHER else target.key


def cited_values(data: dict) -> tuple[list[tuple[str, Any, bool, str | None, int | None]],
                                dict[str, tuple[str | None, int | None]]]:
    """(field, value, from a DOI field, cited title, cited year) of each reference in file order of
    lists, and the title and year of each listed source by its key."""
    found: list[tuple[str, Any, bool, str | None, int | None]] = []
    sources: dict[str, tuple[str | None, int | None]] = {}

    for list_name in SOURCE_LISTS:
        for i, source in _mappings(data.get(list_name)):
            title, year = _title(source.get("title")), _year(source.get("year"))
            for name in SOURCE_FIELDS:
                if name in source and _present(source[name]):
                    found.append((f"{list_name}[{i}].{name}", source[name], name == "doi", title, year))
                    sources.setdefault(classify(source[name], doi_field=name == "doi").key, (title, year))
    for i, fact in _mappings(data.get("atomic_facts")):
        for name in FACT_FIELDS:
            if name in fact and _present(fact[name]):
                found.append((f"atomic_facts[{i}].{name}", fact[name], name == "source_doi",
                              _title(fact.get("source_title")), None))
    for i, entry in _mappings(data.get("disputed_statements")):
        if _present(entry.get("source_url")):
            found.append((f"disputed_statements[{i}].source_url", entry["source_url"], False,
                          _title(entry.get("source_title")), None))

    return found, sources


def _mappings(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


@dataclass(frozen=True)
class CitedSource:
    """The source a fact cites, as the article lists it: the fact's own `source_url` / `source_doi`
    (or the source named by `source_ref`), with the listed source's title, type and year when one of
    `primary_sources` / `secondary_sources` matches (same key, or the id `source_ref` names)."""

    field: str | None  # the fact's field that cites it (`atomic_facts[2].source_url`), None for a bare source_ref
    text: str | None  # the URL or DOI as written
    target: Target | None
    title: str | None = None
    type: str | None = None
    year: Any = None
    listed_at: str | None = None  # `primary_sources[1]` when the article lists it

    @property
    def url(self) -> str | None:
        """An address a browser can open: the URL, or the DOI's resolver address."""
        if self.target is None:
            return None
        if self.target.kind == DOI:
            return "https://doi.org/" + self.target.value
        if self.target.kind == ARXIV:
            return "https://arxiv.org/abs/" + self.target.value
        return self.target.value if self.target.kind == URL else None


def cited_source(data: dict, index: int) -> CitedSource | None:
    """The source fact `index` of `atomic_facts` cites, or None when it cites nothing."""
    facts = data.get("atomic_facts") if isinstance(data, dict) else None
    if not isinstance(facts, list) or not 0 <= index < len(facts) or not isinstance(facts[index], dict):
        return None
    fact = facts[index]
    listed: list[tuple[str, dict]] = [(f"{name}[{i}]", source) for name in SOURCE_LISTS
                                      for i, source in _mappings(data.get(name))]
    field = text = target = None
    for name in FACT_FIELDS:
        value = fact.get(name)
        if isinstance(value, str) and value.strip():
            field, text = f"atomic_facts[{index}].{name}", value.strip()
            target = classify(value, doi_field=name == "source_doi")
            break
    match = None
    ref = fact.get("source_ref")
    if isinstance(ref, str) and ref.strip():
        match = next(((at, s) for at, s in listed if str(s.get("id", "")).strip() == ref.strip()), None)
    if match is None and target is not None:
        for at, source in listed:
            keys = {classify(source[n], doi_field=n == "doi").key for n in SOURCE_FIELDS
                    if isinstance(source.get(n), str) and source[n].strip()}
            if target.key in keys:
                match = (at, source)
                break
    if match is not None and target is None:
        at, source = match
        for name in SOURCE_FIELDS:
            value = source.get(name)
            if isinstance(value, str) and value.strip():
                field, text, target = f"{at}.{name}", value.strip(), classify(value, doi_field=name == "doi")
                break
    if target is None and match is None:
        title = fact.get("source_title")
        return CitedSource(None, None, None, title if isinstance(title, str) else None) if title else None
    if match is None:
        title = fact.get("source_title")
        return CitedSource(field, text, target, title if isinstance(title, str) else None)
    at, source = match
    title = source.get("title") if isinstance(source.get("title"), str) else fact.get("source_title")
    kind = source.get("type") if isinstance(source.get("type"), str) else None
    return CitedSource(field, text, target, title, kind, source.get("year"), at)
