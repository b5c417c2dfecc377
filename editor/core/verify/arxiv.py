"""arXiv ids, checked through the export API (`CORPUS_EDITOR_ARXIV_API`), many per request.

`{api}?id_list=a,b,c` answers an Atom feed with one entry per id found. A missing entry means the id
does not exist; an `Error` entry (arXiv's answer to a malformed id, which fails the whole request)
names the id it refuses, and the others are asked again without it. The API gets one request every
`arxiv_interval` seconds (3 by default, as arXiv asks), retries included (a lane of `HostLimiter`).

The feed is parsed with `xml.etree`; a document declaring a DTD or entities is refused before parsing,
so nothing external is fetched and no entity expands.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from editor.core.verify.http import Answer, Failure, Fetcher, Outcome, page_outcome
from editor.core.verify.results import ALIVE, BROKEN, ERROR

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_FEED_BYTES = 16_000_000
ABS_URL = "https://arxiv.org/abs/"
_VERSION = re.compile(r"v\d+$")


@dataclass
class FeedEntry:
    id: str  # as the feed names it, with its version: 2407.21783v2, hep-th/9901001v1
    title: str
    published: str | None
    summary: str
    is_error: bool


class FeedError(ValueError):
    pass


def base_id(arxiv_id: str) -> str:
    return _VERSION.sub("", arxiv_id)


def parse_feed(body: bytes) -> list[FeedEntry]:
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise FeedError("the feed declares a DTD or entities, which an arXiv feed never does")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedError(f"the feed is not XML ({exc})") from None
    if root.tag != f"{ATOM}feed":
        raise FeedError("the answer is not an Atom feed")
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        raw_id = (entry.findtext(f"{ATOM}id") or "").strip()
        title = " ".join((entry.findtext(f"{ATOM}title") or "").split())
        summary = " ".join((entry.findtext(f"{ATOM}summary") or "").split())
        is_error = "/api/errors" in raw_id or title == "Error"
        arxiv_id = raw_id.split("/abs/", 1)[1] if "/abs/" in raw_id else raw_id
        published = (entry.findtext(f"{ATOM}published") or "").strip() or None
        entries.append(FeedEntry(arxiv_id, title, published, summary, is_error))
    return entries


def _entry_for(arxiv_id: str, entries: list[FeedEntry]) -> FeedEntry | None:
    """The feed's entry for a cited id: the cited version when the feed has it, else any version of
    the paper (the paper is there; which version the citation means is for a person to see)."""
    papers = [e for e in entries if not e.is_error and base_id(e.id) == base_id(arxiv_id)
              and (e.title or e.published)]  # an entry with neither is how an unknown id used to come back
    return next((e for e in papers if e.id == arxiv_id), papers[0] if papers else None)


def _refused_ids(errors: list[FeedEntry], batch: list[str]) -> set[str]:
    """The ids an Error entry names (`...#incorrect_id_format_for_X`, "incorrect id format for X")."""
    refused = set()
    for error in errors:
        text = f"{error.id} {error.summary}"
        refused.update(i for i in batch if re.search(rf"(?:for|_for_)\s*{re.escape(i)}(?![\w.])", text)
                       or base_id(error.id) == base_id(i))
    return refused


def _metadata(entry: FeedEntry) -> dict:
    # no "years": a paper is cited by its journal year as often as by its arXiv year, so only the
    # title is compared (results.mismatch_of)
    return {"titles": [entry.title] if entry.title else [], "published": entry.published, "arxiv_id": entry.id}


async def check_arxiv_ids(fetcher: Fetcher, ids: list[str], done: Callable[[str, Outcome], None]) -> None:
    """Check `ids` in batches, calling `done(id, outcome)` for each as soon as it is known."""
    settings = fetcher.settings
    lane = (f"arXiv API {settings.arxiv_api}", settings.arxiv_interval)  # retries keep the interval too
    queue: list[list[str]] = [ids[i : i + settings.arxiv_batch] for i in range(0, len(ids), settings.arxiv_batch)]
    while queue:
        batch = queue.pop(0)
        query = urlencode({"id_list": ",".join(batch), "start": 0, "max_results": len(batch)})
        url = f"{settings.arxiv_api}{'&' if '?' in settings.arxiv_api else '?'}{query}"
        result = await fetcher.exchange_with_retries("GET", url, {"Accept": "application/atom+xml"},
                                                     body_limit=MAX_FEED_BYTES, lane=lane)
        entries, problem = _read(url, result)
        if entries is None:
            for arxiv_id in batch:
                done(arxiv_id, problem)
            continue
        status = result.status if isinstance(result, Answer) else None
        errors = [e for e in entries if e.is_error]
        refused = _refused_ids(errors, batch)
        unanswered = []
        for arxiv_id in batch:
            entry = _entry_for(arxiv_id, entries)
            if entry is not None:
                other = entry.id != arxiv_id and arxiv_id != base_id(arxiv_id)
                version = f" (as {entry.id}; {arxiv_id} is cited)" if other else ""
                done(arxiv_id, Outcome(ALIVE, f"on arXiv{version}: {entry.title}", status, ABS_URL + entry.id,
                                       metadata=_metadata(entry)))
            elif arxiv_id in refused:
                summary = next((e.summary for e in errors if arxiv_id in f"{e.id} {e.summary}"), "")
                done(arxiv_id, Outcome(BROKEN, f"arXiv refuses the id: {summary or 'Error'}", status))
            else:
                unanswered.append(arxiv_id)
        aborted = errors and not any(not e.is_error for e in entries)
        if aborted and unanswered and len(batch) > 1:
            # an error aborted the whole request: ask again for the others, alone if it named none of them
            if refused:
                queue.insert(0, unanswered)
            else:
                queue[:0] = [[arxiv_id] for arxiv_id in unanswered]
            continue
        for arxiv_id in unanswered:
            why = f"arXiv answered an error: {errors[0].summary}" if errors else "arXiv has no such paper"
            done(arxiv_id, Outcome(BROKEN, why, status))


def _read(url: str, result: Answer | Failure) -> tuple[list[FeedEntry] | None, Outcome | None]:
    """The feed's entries, or the outcome every id of the batch gets when there is no feed."""
    if isinstance(result, Failure):
        verdict = ERROR if result.verdict == BROKEN else result.verdict  # the API's host, not the paper
        return None, Outcome(verdict, f"the arXiv API could not be asked: {result.detail}")
    try:
        entries = parse_feed(result.body)
    except FeedError as exc:
        if result.status >= 400:
            verdict = page_outcome(url, result, []).verdict
            verdict = ERROR if verdict == BROKEN else verdict
            return None, Outcome(verdict, f"the arXiv API answered {result.describe()}", result.status)
        return None, Outcome(ERROR, f"the arXiv API's answer cannot be read: {exc}", result.status)
    if result.status >= 400 and not any(e.is_error for e in entries):
        verdict = page_outcome(url, result, []).verdict
        return None, Outcome(ERROR if verdict == BROKEN else verdict,
                             f"the arXiv API answered {result.describe()}", result.status)
    return entries, None
