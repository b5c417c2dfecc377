"""The preview's HTML: the body through Python-Markdown, then the facts and sources as a reader sees them.

Plain Python (no Qt), so it can be timed and tested alone. Every front matter value is escaped; the
body's own HTML passes through Markdown as written, but the preview widget neither runs scripts nor
fetches remote content.
"""

from __future__ import annotations

import html
import re
from typing import Any

import markdown

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def make_converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=["extra", "sane_lists", "toc"], output_format="html")


def headings(body: str) -> list[tuple[int, str, int]]:
    """(level, text, 0-based line) of each ATX heading outside code fences."""
    found: list[tuple[int, str, int]] = []
    fence = None
    for number, line in enumerate(body.splitlines()):
        m = _FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
            continue
        if fence:
            continue
        m = _HEADING.match(line)
        if m:
            found.append((len(m.group(1)), m.group(2), number))
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _url_of(item: dict) -> str:
    url = _text(item.get("url") or item.get("source_url"))
    doi = _text(item.get("doi") or item.get("source_doi"))
    if not url and doi:
        url = doi if doi.startswith("http") else f"https://doi.org/{doi}"
    return url


def _link(url: str, label: str) -> str:
    if url and re.match(r"(?i)^(https?|mailto):", url):
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'
    return html.escape(label)


def _sources(data: dict) -> list[tuple[str, dict]]:
    out = []
    for key in ("primary_sources", "secondary_sources"):
        items = data.get(key)
        if isinstance(items, list):
            out.extend((key, item) for item in items if isinstance(item, dict))
    return out


def facts_html(data: dict) -> str:
    """The "Facts" and "Sources" sections: each fact with its source link, each source with its details."""
    parts: list[str] = []
    facts = data.get("atomic_facts")
    sources = _sources(data)
    by_id = {_text(src.get("id")): src for _, src in sources if src.get("id")}
    if isinstance(facts, list) and facts:
        parts.append('<h2><a name="facts"></a>Facts</h2><ol class="facts">')
        for n, fact in enumerate(facts):
            if not isinstance(fact, dict):
                parts.append(f'<li><a name="fact-{n}"></a>{html.escape(_text(fact))}</li>')
                continue
            statement = html.escape(_text(fact.get("statement"))) or "<i>(no statement)</i>"
            ref = by_id.get(_text(fact.get("source_ref")))
            url = _url_of(fact) or (_url_of(ref) if ref else "")
            label = _text(fact.get("source_title")) or (_text(ref.get("title")) if ref else "") or url
            source = _link(url, label) if label else '<i>no source</i>'
            meta = []
            if fact.get("id"):
                meta.append(f'<a href="fact:{n}">{html.escape(_text(fact.get("id")))}</a>')
            if fact.get("confidence"):
                meta.append(html.escape(_text(fact.get("confidence"))))
            meta_html = f' <span style="color:gray">({" · ".join(meta)})</span>' if meta else ""
            parts.append(f'<li><a name="fact-{n}"></a>{statement}<br/><small>Source: {source}{meta_html}'
                         f'</small></li>')
        parts.append("</ol>")
    if sources:
        parts.append('<h2><a name="sources"></a>Sources</h2><ul class="sources">')
        counters = {"primary_sources": 0, "secondary_sources": 0}
        for key, src in sources:
            n = counters[key]
            counters[key] += 1
            title = _text(src.get("title")) or _url_of(src) or "(untitled)"
            details = [_text(src.get(k)) for k in ("type", "year", "institution") if src.get(k) not in (None, "")]
            authors = src.get("authors")
            if isinstance(authors, list) and authors:
                details.insert(0, "; ".join(_text(a) for a in authors))
            kind = "primary" if key == "primary_sources" else "secondary"
            detail_html = f' <span style="color:gray">— {html.escape(", ".join(details))}</span>' if details else ""
            parts.append(f'<li><a name="{kind}-{n}"></a>{_link(_url_of(src), title)}{detail_html}'
                         f' <small style="color:gray">[{kind}]</small></li>')
        parts.append("</ul>")
    return "".join(parts)


def preview_html(body: str, data: dict | None, converter: markdown.Markdown | None = None) -> str:
    converter = converter or make_converter()
    converter.reset()
    parts = []
    if data:
        title = _text(data.get("title"))
        if title:
            parts.append(f"<h1>{html.escape(title)}</h1>")
        meta = [f"{label}: {_text(data.get(key))}" for key, label in
                (("confidence", "Confidence"), ("last_verified", "Last verified"), ("category", "Category"))
                if data.get(key) not in (None, "")]
        if meta:
            parts.append(f'<p style="color:gray"><small>{html.escape(" · ".join(meta))}</small></p>')
    parts.append(converter.convert(body))
    if data:
        parts.append(facts_html(data))
    return "\n".join(parts)
