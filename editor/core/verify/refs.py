"""The references an article cites, each with its field path, its line and what kind of thing it is.

Checked: `url` / `doi` of every `primary_sources` and `secondary_sources` entry, every fact's
`source_url` / `source_doi`, and `source_url` of `disputed_statements` entries that are mappings.

A `doi` field, or a `doi.org` / `dx.doi.org` URL, is a DOI; an `arxiv.org/abs|pdf/ID` URL is an arXiv
id (new style `2407.21783v2`, old style `hep-th/9901001`); other `http(s)` URLs are web pages; any
other value (`ftp:`, `file:`, `javascript:`, a bare word) is kept as a reference of kind `other`,
verdict `skipped`, and never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

from editor.core.document.citations import (  # noqa: F401 - the names source verification has always offered
    ARXIV,
    ARXIV_ID,
    DOI,
    FACT_FIELDS,
    OTHER,
    SOURCE_FIELDS,
    SOURCE_LISTS,
    URL,
    Target,
    cited_keys,
    cited_values,
    classify,
    is_well_formed_doi,
    target_of,
)


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


def extract_references(document, file: str | None = None) -> list[Reference]:
    """Every checkable reference of an `ArticleDocument`, in file order.

    A fact takes the title and year of the article's source it cites (same URL or DOI), so its check
    compares against what the article says that source is; a fact citing no listed source is compared
    against its own `source_title`.
    """
    file = file if file is not None else (document.path or "<input>")
    found, sources = cited_values(document.data)
    references = []
    for field, value, doi_field, title, year in found:
        target = classify(value, doi_field=doi_field)
        if not field.startswith(SOURCE_LISTS) and target.key in sources:
            title, year = sources[target.key]
        text = value if isinstance(value, str) else str(value)
        references.append(Reference(file, field, document.line_of(field), text.strip(), target, title, year))
    references.sort(key=lambda r: r.line)
    return references
