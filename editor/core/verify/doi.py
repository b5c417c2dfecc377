"""DOIs, checked through their registry rather than through publishers' pages (which bot walls guard).

Existence: the resolver's handle API, `{base}api/handles/{doi}` (responseCode 1: found, 100: not
found). Metadata: content negotiation on the resolver, `{base}{doi}` with `Accept:
application/vnd.citationstyles.csl+json`, which Crossref and DataCite DOIs both answer. `{base}` is
`CheckSettings.doi_base` (`CORPUS_EDITOR_DOI_BASE`, by default `https://doi.org/`).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from editor.core.verify.http import Failure, Fetcher, Outcome, page_outcome
from editor.core.verify.refs import is_well_formed_doi
from editor.core.verify.results import ALIVE, BROKEN, ERROR

CSL_ACCEPT = "application/vnd.citationstyles.csl+json"
MAX_JSON_BYTES = 4_000_000
HANDLE_FOUND, HANDLE_NOT_FOUND, HANDLE_NO_VALUES = 1, 100, 200
# the dates a work was published; `created` is when the DOI was registered, often years later
YEAR_FIELDS = ("published-print", "published-online", "issued")


def _path(doi: str) -> str:
    return quote(doi, safe="/")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


async def check_doi(fetcher: Fetcher, doi: str) -> Outcome:
    if not is_well_formed_doi(doi):
        return Outcome(BROKEN, f"\u201c{doi}\u201d is not a DOI (a DOI looks like 10.1234/abc)")
    base = fetcher.settings.doi_base
    handle_url = f"{base}api/handles/{_path(doi)}"
    result = await fetcher.exchange_with_retries("GET", handle_url, {"Accept": "application/json"},
                                                 body_limit=MAX_JSON_BYTES)
    if isinstance(result, Failure):
        verdict = ERROR if result.verdict == BROKEN else result.verdict  # the resolver's host, not the DOI
        return Outcome(verdict, f"the DOI resolver could not be asked: {result.detail}")
    data = _json(result.body)
    code = data.get("responseCode") if isinstance(data, dict) else None
    if code == HANDLE_NOT_FOUND or (code is None and result.status == 404):
        return Outcome(BROKEN, f"no such DOI: the resolver does not know {doi}", result.status)
    if code not in (HANDLE_FOUND, HANDLE_NO_VALUES) or result.status != 200:
        verdict = page_outcome(handle_url, result, []).verdict if result.status >= 400 else ERROR
        verdict = ERROR if verdict in (BROKEN, ALIVE) else verdict
        return Outcome(verdict, f"the DOI resolver answered {result.describe()}"
                                f"{f' (responseCode {code})' if code is not None else ''}", result.status)
    landing = _landing_url(data)
    metadata, note = await fetch_metadata(fetcher, doi)
    detail = "a registered DOI" + (f" leading to {landing}" if landing else "")
    return Outcome(ALIVE, f"{detail}; {note}" if note else detail, result.status, landing, metadata=metadata)


def _landing_url(data: dict) -> str | None:
    for value in data.get("values") or []:
        if isinstance(value, dict) and value.get("type") == "URL":
            inner = value.get("data")
            if isinstance(inner, dict) and isinstance(inner.get("value"), str):
                return inner["value"]
    return None


async def fetch_metadata(fetcher: Fetcher, doi: str) -> tuple[dict[str, Any], str | None]:
    """The registry's CSL JSON as {"titles", "years", ...}, or {} and why there is none."""
    url = f"{fetcher.settings.doi_base}{_path(doi)}"
    result, _ = await fetcher.follow(url, head_first=False, headers={"Accept": CSL_ACCEPT},
                                     body_limit=MAX_JSON_BYTES)
    if isinstance(result, Failure):
        return {}, f"no metadata to compare with ({result.detail})"
    if result.status != 200:
        return {}, f"no metadata to compare with (the resolver answered {result.describe()})"
    data = _json(result.body)
    if not isinstance(data, dict):
        return {}, "no metadata to compare with (the answer was not CSL JSON)"
    return csl_metadata(data), None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _year(date: Any) -> int | None:
    if not isinstance(date, dict):
        return None
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            return int(parts[0][0])
        except (TypeError, ValueError):
            return None
    literal = date.get("literal") or date.get("raw")
    match = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", literal) if isinstance(literal, str) else None
    return int(match.group(1)) if match else None


def csl_metadata(data: dict[str, Any]) -> dict[str, Any]:
    titles = _texts(data.get("title"))
    subtitles = _texts(data.get("subtitle"))
    if titles:
        titles += [f"{titles[0]}: {subtitle}" for subtitle in subtitles]
    years: list[int] = []
    for name in YEAR_FIELDS:
        year = _year(data.get(name))
        if year is not None and year not in years:
            years.append(year)
    metadata: dict[str, Any] = {"titles": titles, "years": years}
    for name in ("type", "container-title", "publisher"):
        texts = _texts(data.get(name))
        if texts:
            metadata[name] = texts[0]
    return metadata
