"""A source's text for a reviewer: fetched politely, reduced to readable plain text.

    page = fetch_page_text(url, cancel=event)   # -> PageText, in a worker thread
    page.text, page.title, page.kind, page.problem

The page is asked for with the polite `Fetcher` (the per-host limits and spacing of source checks, the
same User-Agent; redirects followed one by one) as one GET of at most `MAX_BYTES`. HTML is parsed with
selectolax (lexbor) and only its text is kept: scripts, styles, forms, navigation, headers and footers are
dropped, nothing is rendered and nothing the page links to is loaded. Block elements become line breaks,
so paragraphs, headings and list items stay apart. Plain text is kept as it is; a PDF or anything else
is named (`kind`) and left to the browser.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from editor.core.verify.check import Cancelled, cancellable, run_event_loop
from editor.core.verify.settings import CheckSettings

MAX_BYTES = 5_000_000
HTML, TEXT, PDF, OTHER = "html", "text", "pdf", "other"
_DROP = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "form",
         "button", "select", "nav", "header", "footer", "aside", "head")
_PARAGRAPHS = ("p", "div", "section", "article", "main", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4",
               "h5", "h6", "blockquote", "pre", "figure", "hr", "address")
_LINES = ("li", "dt", "dd", "tr", "br", "figcaption", "caption")
_MAIN = ("main", "article", "[role=main]", "#content", "#main-content", ".mw-parser-output")
_LINE, _PARA = "\u2063", "\u2064"  # invisible marks for line and paragraph breaks while text is collected


@dataclass
class PageText:
    url: str
    final_url: str | None = None
    status: int | None = None
    kind: str = OTHER  # html, text, pdf, other
    content_type: str = ""
    title: str | None = None
    text: str = ""
    problem: str | None = None  # why there is no text to show (a failure, a PDF, a cancelled fetch)
    truncated: bool = False
    redirects: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.text)


def fetch_page_text(url: str, *, settings: CheckSettings | None = None, cancel: threading.Event | None = None,
                    max_bytes: int = MAX_BYTES) -> PageText:
    """The readable text of `url`. Call it from a worker thread (it runs its own asyncio loop); `cancel`
    stops it within `CANCEL_POLL` seconds (the result then says "cancelled")."""
    settings = settings or CheckSettings.from_env()
    if cancel is not None and cancel.is_set():
        return PageText(url, problem="cancelled")
    return run_event_loop(_fetch(url, settings, cancel, max_bytes))


async def _fetch(url: str, settings: CheckSettings, cancel: threading.Event | None, max_bytes: int) -> PageText:
    from editor.core.verify.http import PAGE_ACCEPT, Failure, Fetcher

    async with Fetcher(settings) as fetcher:
        try:
            result, chain = await cancellable(fetcher.follow(url, head_first=False, headers={"Accept": PAGE_ACCEPT},
                                                             body_limit=max_bytes), cancel)
        except Cancelled:
            return PageText(url, problem="cancelled")
    if isinstance(result, Failure):
        return PageText(url, redirects=chain, problem=result.detail)
    page = PageText(url, result.url, result.status, redirects=chain)
    page.content_type = result.headers.get("content-type", "")
    if not 200 <= result.status < 300:
        page.problem = f"the server answered {result.describe()}"
        return page
    page.truncated = len(result.body) >= max_bytes
    return read_body(page, result.body)


def read_body(page: PageText, body: bytes) -> PageText:
    """Fill `page` (kind, title, text) from a response body and its content type."""
    mime = page.content_type.split(";", 1)[0].strip().lower()
    path = (page.final_url or page.url).lower().split("?", 1)[0]
    if mime == "application/pdf" or body.startswith(b"%PDF-") or (not mime and path.endswith(".pdf")):
        page.kind = PDF
        page.problem = "PDF: open in browser"
        return page
    charset = _charset(page.content_type, body)
    sniffed = not mime or mime == "application/octet-stream"
    if mime in ("text/html", "application/xhtml+xml") or (
            sniffed and re.search(rb"<(?:html|body|p|div)\b", body[:4096], re.IGNORECASE)):
        page.kind = HTML
        page.title, page.text = html_to_text(body.decode(charset, errors="replace"))
    elif mime.startswith("text/") or mime in ("application/json", "application/xml"):
        page.kind = TEXT
        page.text = tidy(body.decode(charset, errors="replace"))
    else:
        page.kind = OTHER
        page.problem = f"{mime or 'unknown content'}: open in browser"
        return page
    if not page.text.strip():
        page.problem = "the page has no readable text (it may be drawn by scripts): open in browser"
    return page


def _charset(content_type: str, body: bytes) -> str:
    import codecs

    found = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if not found:
        found = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", body[:4096], re.IGNORECASE)
    name = found.group(1) if found else "utf-8"
    if isinstance(name, bytes):
        name = name.decode("ascii", errors="replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def html_to_text(html: str) -> tuple[str | None, str]:
    """(title, readable text) of an HTML document: the main content when the page marks it."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = " ".join(title_node.text().split()) if title_node is not None else None
    heading = tree.css_first("h1")
    if not title and heading is not None:
        title = " ".join(heading.text().split()) or None
    tree.strip_tags(list(_DROP))  # with their content
    root = next((node for node in (tree.css_first(s) for s in _MAIN) if node is not None
                 and len(node.text(strip=True)) > 200), None) or tree.body or tree.root
    if root is None:
        return title, ""
    for names, mark in ((_PARAGRAPHS, _PARA), (_LINES, _LINE)):
        for node in root.css(", ".join(names)):
            node.insert_before(mark)
            node.insert_after(mark)
    text = root.text(separator="", strip=False)
    text = re.sub(f"[ \t\r\n{_LINE}]*{_PARA}[ \t\r\n{_LINE}{_PARA}]*", "\n\n", text)
    text = re.sub(f"\\s*{_LINE}[\\s{_LINE}]*", "\n", text)
    return title or None, tidy(text)


def tidy(text: str) -> str:
    """Whitespace made readable: lines trimmed and their inner runs of spaces made one, at most one
    empty line between blocks."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
