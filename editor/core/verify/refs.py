"""The references an article cites, each with its field path, its line and what kind of thing it is.

Checked: `url` / `doi` of every `primary_sources` and `secondary_sources` entry, every fact's
`source_url` / `source_doi`, and `source_url` of `disputed_statements` entries that are mappings.

A `doi` field, or a `doi.org` / `dx.doi.org` URL, is a DOI; an `arxiv.org/abs|pdf/ID` URL is an arXiv
id (new style `2407.21783v2`, old style `hep-th/9901001`); other `http(s)` URLs are web pages; any
other value (`ftp:`, `file:`, `javascript:`, a bare word) is kept as a reference of kind `other`,
verdict `skipped`, and never fetched.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Reference:
    """One cited URL or identifier in one article."""

    file: str
    field: str  # e.g. `atomic_facts[2].source_url`
    line: int  # 1-based line of the value in the file
    text: str  # the value as written
    target: Target
    title: str | None = None  # what the article says the source is called, compared with the registry's
    year: int | None = None

    @property
    def kind(self) -> str:
        return self.target.kind

    @property
    def key(self) -> str:
        return self.target.key


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


def extract_references(document, file: str | None = None) -> list[Reference]:
    """Every checkable reference of an `ArticleDocument`, in file order.

    A fact takes the title and year of the article's source it cites (same URL or DOI), so its check
    compares against what the article says that source is; a fact citing no listed source is compared
    against its own `source_title`.
    """
    file = file if file is not None else (document.path or "<input>")
    data = document.data
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

    references = []
    for field, value, doi_field, title, year in found:
        target = classify(value, doi_field=doi_field)
        if not field.startswith(SOURCE_LISTS) and target.key in sources:
            title, year = sources[target.key]
        text = value if isinstance(value, str) else str(value)
        references.append(Reference(file, field, document.line_of(field), text.strip(), target, title, year))
    references.sort(key=lambda r: r.line)
    return references


def _mappings(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item
