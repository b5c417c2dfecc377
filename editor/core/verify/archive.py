"""A snapshot of a source in the Wayback Machine, through Save Page Now.

    snapshot = save_snapshot(url, cancel=event)   # in a worker thread -> Snapshot
    snapshot.url                                  # https://web.archive.org/web/20261201093000/https://...

One GET of `{base}save/{url}` (base from `CORPUS_EDITOR_WAYBACK`, default https://web.archive.org/),
through the polite `Fetcher`. The archive answers with the snapshot's address in `Content-Location` or
`Location` (a redirect to `/web/<timestamp>/<url>`), or serves the snapshot itself after redirects:
whichever comes first is taken. Saving can take a minute, so the timeout is longer than a check's.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from urllib.parse import urljoin

from editor.core.verify.check import Cancelled, cancellable, run_event_loop
from editor.core.verify.settings import CheckSettings

WAYBACK_ENV = "CORPUS_EDITOR_WAYBACK"
DEFAULT_WAYBACK = "https://web.archive.org/"
SAVE_TIMEOUT = 90.0
_SNAPSHOT_PATH = re.compile(r"/web/\d{8,14}[a-z_]*/.+")


@dataclass
class Snapshot:
    source: str
    url: str | None = None  # the snapshot's address
    problem: str | None = None


def wayback_base(environ=None) -> str:
    base = (environ if environ is not None else os.environ).get(WAYBACK_ENV) or DEFAULT_WAYBACK
    return base if base.endswith("/") else base + "/"


def snapshot_url(base: str, response_url: str, headers) -> str | None:
    """The snapshot address an answer of Save Page Now names, or None."""
    for name in ("content-location", "location"):
        value = headers.get(name)
        if value and _SNAPSHOT_PATH.search(value.split("?", 1)[0]):
            return urljoin(base, value.strip())
    if _SNAPSHOT_PATH.search(response_url):
        return response_url
    return None


def save_snapshot(url: str, *, base: str | None = None, settings: CheckSettings | None = None,
                  cancel: threading.Event | None = None) -> Snapshot:
    base = base or wayback_base()
    settings = (settings or CheckSettings.from_env()).replace(timeout=max(SAVE_TIMEOUT, 0.0), retries=0)
    if cancel is not None and cancel.is_set():
        return Snapshot(url, problem="cancelled")
    return run_event_loop(_save(url, base, settings, cancel))


async def _save(url: str, base: str, settings: CheckSettings, cancel: threading.Event | None) -> Snapshot:
    from editor.core.verify.http import Failure, Fetcher

    async def ask() -> Snapshot:
        current = base + "save/" + url
        for _ in range(settings.max_redirects + 1):
            answer = await fetcher.exchange("GET", current, body_limit=1)
            if isinstance(answer, Failure):
                return Snapshot(url, problem=f"the archive could not be reached: {answer.detail}")
            found = snapshot_url(base, answer.url, answer.headers)
            if found:
                return Snapshot(url, found)
            if answer.status in (301, 302, 303, 307, 308) and answer.location:
                current = answer.location
                continue
            if answer.status == 429:
                return Snapshot(url, problem="the archive asks to wait (429 Too Many Requests): try again later")
            return Snapshot(url, problem=f"the archive answered {answer.describe()} without a snapshot")
        return Snapshot(url, problem="the archive redirected too often")

    async with Fetcher(settings) as fetcher:
        try:
            return await cancellable(ask(), cancel)
        except Cancelled:
            return Snapshot(url, problem="cancelled")
