"""Verdicts, the outcome of checking one URL or identifier (`Check`, what the cache remembers) and the
result for one reference (`Result`: a check seen from the article that cites it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from editor.core.verify.refs import ARXIV, DOI, OTHER, URL, Reference
from editor.core.verify.titles import titles_match, years_match

ALIVE = "alive"
MOVED = "moved"  # a permanent redirect (301/308) to another URL: cite the URL it leads to
BROKEN = "broken"  # 404, 410, a host that does not resolve, a DOI or arXiv id that does not exist
BLOCKED = "blocked"  # 401, 403, 999, a bot challenge: a person must look
RATE_LIMITED = "rate-limited"  # still 429 after honouring Retry-After
TIMEOUT = "timeout"
ERROR = "error"  # 5xx after retries, connection refused, TLS failure, a redirect loop
SKIPPED = "skipped"  # not a web address, or not checked (offline and not remembered)

VERDICTS = (BROKEN, MOVED, BLOCKED, RATE_LIMITED, TIMEOUT, ERROR, ALIVE, SKIPPED)  # report order
WARNING_VERDICTS = frozenset({BLOCKED, RATE_LIMITED, TIMEOUT, ERROR})
FAILED_VERDICTS = frozenset({BROKEN, RATE_LIMITED, TIMEOUT, ERROR})  # kept in the history of failures
# How long a result is trusted before the source is asked again; the others are re-checked every run
REUSE_DAYS = {ALIVE: 7.0, MOVED: 1.0, BLOCKED: 1.0}
MAX_HISTORY = 50


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def severity_of(verdict: str) -> str:
    """`error` for the article only when a source is gone; a person should look at the warnings."""
    if verdict == BROKEN:
        return "error"
    if verdict in WARNING_VERDICTS:
        return "warning"
    return "ok"


@dataclass
class Check:
    """What one URL, DOI or arXiv id was found to be. References citing the same target share it."""

    key: str  # see refs.Target.key
    kind: str  # url, doi, arxiv, or other for what is never fetched
    target: str  # the URL, DOI or arXiv id asked about
    verdict: str
    detail: str  # a sentence for a person, without the history of failures (see `description`)
    status: int | None = None  # the last HTTP status seen
    final_url: str | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)  # [{"url": ..., "status": 301}, ...]
    metadata: dict[str, Any] = field(default_factory=dict)  # the registry's title, years...
    mismatch: list[str] = field(default_factory=list)  # for the reference it was last checked for
    checked_at: dt.datetime = field(default_factory=utc_now)
    failures: list[dict[str, Any]] = field(default_factory=list)  # [{"at": ISO, "verdict", "status"}]
    registry: str | None = None  # the DOI resolver or arXiv API asked; a result from another is not reused
    cached: bool = False  # taken from memory in this run

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        return (now or utc_now()) - self.checked_at

    def reusable(self, now: dt.datetime, max_age_days: float | None = None) -> bool:
        """Whether this remembered result can stand for a new check: alive for 7 days, moved and
        blocked for 1 (or `max_age_days`); failures are always checked again."""
        if self.verdict not in REUSE_DAYS:
            return False
        days = REUSE_DAYS[self.verdict] if max_age_days is None else max_age_days
        return self.age(now) < dt.timedelta(days=days)

    def with_history(self, previous: Check | None) -> Check:
        """This new check carrying the failures remembered before it: a success clears them, a block
        leaves them as they were (it says nothing about the source), a failure adds itself."""
        history = list(previous.failures) if previous is not None else []
        if self.verdict in (ALIVE, MOVED):
            history = []
        elif self.verdict in FAILED_VERDICTS:
            history.append({"at": self.checked_at.isoformat(), "verdict": self.verdict, "status": self.status})
        self.failures = history[-MAX_HISTORY:]
        return self

    def broken_streak(self) -> tuple[int, dt.datetime | None]:
        """How many checks in a row have found the source gone, and when the first of them was."""
        count, first = 0, None
        for entry in reversed(self.failures):
            if entry.get("verdict") != BROKEN:
                break
            count += 1
            first = entry.get("at")
        return count, (dt.datetime.fromisoformat(first) if first else None)

    @property
    def description(self) -> str:
        """`detail`, with how long a broken source has been failing: a fresh failure reads
        "first failed check", a confirmed death "3 failed checks over 9 days"."""
        if self.verdict != BROKEN:
            return self.detail
        count, first = self.broken_streak()
        if count <= 1 or first is None:
            return f"{self.detail}; first failed check" if count == 1 else self.detail
        days = (self.checked_at.date() - first.date()).days
        span = f"over {days} day{'s' if days != 1 else ''}" if days else "within a day"
        return f"{self.detail}; {count} failed checks {span}"


def mismatch_of(reference: Reference, metadata: dict[str, Any]) -> list[str]:
    """Which of the cited title and year the registry's metadata contradicts."""
    found: list[str] = []
    titles = [t for t in metadata.get("titles", []) if isinstance(t, str) and t.strip()]
    if reference.title and titles and not titles_match(reference.title, titles):
        found.append("title")
    years = [y for y in metadata.get("years", []) if isinstance(y, int)]
    if reference.year is not None and years and not years_match(reference.year, years):
        found.append("year")
    return found


@dataclass
class Result:
    """One reference of one article with the check of its target."""

    reference: Reference
    check: Check
    mismatch: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return self.check.verdict

    @property
    def severity(self) -> str:
        if self.verdict == ALIVE and self.mismatch:
            return "warning"
        return severity_of(self.verdict)

    @property
    def detail(self) -> str:
        text = self.check.description
        if self.mismatch:
            said = []
            title = (self.check.metadata.get("titles") or [None])[0]
            if "title" in self.mismatch:
                said.append(f"the registry's title is \u201c{title}\u201d, the article cites "
                            f"\u201c{self.reference.title}\u201d")
            if "year" in self.mismatch:
                years = "/".join(str(y) for y in self.check.metadata.get("years", []))
                said.append(f"the registry's year is {years}, the article cites {self.reference.year}")
            text += "; " + "; ".join(said)
        return text

    def to_dict(self) -> dict[str, Any]:
        reference, check = self.reference, self.check
        streak, since = check.broken_streak() if check.verdict == BROKEN else (0, None)
        return {
            "file": reference.file,
            "field": reference.field,
            "line": reference.line,
            "url": reference.text,
            "kind": reference.kind if reference.kind != OTHER else URL,
            "id": reference.target.value if reference.kind in (DOI, ARXIV) else None,
            "verdict": check.verdict,
            "severity": self.severity,
            "status": check.status,
            "final_url": check.final_url,
            "redirects": check.redirects,
            "mismatch": list(self.mismatch),
            "detail": self.detail,
            "checked_at": check.checked_at.isoformat(),
            "cached": check.cached,
            "failed_checks": streak,
            "failing_since": since.isoformat() if since else None,
            "metadata": check.metadata,
        }
