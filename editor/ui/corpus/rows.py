"""CorpusRow: what the corpus list shows for one file, read from whatever the index returns.

Kept free of Qt: the table model, quick open and the tests all read these plain values.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

DEFAULT_STALE_DAYS = 180


@dataclass
class CorpusRow:
    path: str
    id: str = ""
    title: str = ""
    category: str = ""
    confidence: str = ""
    last_verified: dt.date | None = None
    last_verified_text: str = ""
    errors: int = 0
    warnings: int = 0
    # "article", "broken" (does not parse), "other" (no front matter) or "group" (several "other" files
    # of one folder, shown as one row: `path` is the folder with a trailing "/", `extra["members"]` the files)
    kind: str = "article"
    message: str = ""
    extra: dict = field(default_factory=dict)
    unreviewed: int = 0  # facts without a review verdict
    high_unreviewed: int = 0  # of which high-confidence ones
    oldest_review: dt.date | None = None
    broken: int = 0  # cited sources the link cache last found broken
    blocked: int = 0  # ... or blocked

    def review_age_days(self, today: dt.date) -> int | None:
        return (today - self.oldest_review).days if self.oldest_review else None

    def needs_review(self, today: dt.date, days: int = DEFAULT_STALE_DAYS) -> bool:
        """A broken or blocked source, a fact without a verdict, or a review older than `days`."""
        age = self.review_age_days(today)
        return bool(self.broken or self.blocked or self.unreviewed or (age is not None and age > days))

    def need_key(self) -> tuple:
        """The review queue's order: broken sources first, then unreviewed high-confidence facts, then
        the oldest reviews (then blocked sources and any unreviewed fact)."""
        return (-self.broken, -self.high_unreviewed, self.oldest_review or dt.date.max, -self.blocked,
                -self.unreviewed)

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    @property
    def members(self) -> list[str]:
        return list(self.extra.get("members", ())) if self.kind == "group" else [self.path]

    def age_days(self, today: dt.date) -> int | None:
        return (today - self.last_verified).days if self.last_verified else None

    def is_stale(self, today: dt.date, days: int = DEFAULT_STALE_DAYS) -> bool:
        age = self.age_days(today)
        return age is not None and age > days

    def search_text(self) -> str:
        text = self.__dict__.get("_search_text")
        if text is None:  # asked once per row per keystroke in quick open: keep it
            text = self.__dict__["_search_text"] = f"{self.id}\n{self.title}\n{os.path.basename(self.path)}".casefold()
        return text


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict):
            if name in obj and obj[name] is not None:
                return obj[name]
        else:
            try:
                value = obj[name] if hasattr(obj, "keys") and name in obj.keys() else getattr(obj, name)  # noqa: SIM118
            except (AttributeError, IndexError, KeyError, TypeError):
                continue
            if value is not None:
                return value
    return default


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _from_index_row(entry: Any, root: str | None) -> CorpusRow:
    """The fast path for `editor.core.index.store.Row` (50,000 of them at start-up)."""
    path = entry.path
    if root and not path.startswith("/"):
        path = f"{root}/{path}" if os.sep == "/" else os.path.join(root, path)
    error = entry.error
    if not entry.is_article or entry.error_code in ("not-an-article", "empty-file"):
        kind = "other"
    elif error:
        kind = "broken"
        if entry.error_line:
            error = f"line {entry.error_line}: {error}"
    else:
        kind = "article"
    lv = entry.last_verified
    return CorpusRow(path, entry.id or "", entry.title or "", entry.category or "", entry.confidence or "",
                     _date(lv), lv or "", entry.errors or 0, entry.warnings or 0, kind, error or "", {},
                     entry.unreviewed, entry.high_unreviewed, _date(entry.oldest_review), entry.broken, entry.blocked)


def row_from_index(entry: Any, root: str | None = None) -> CorpusRow:
    """Adapt an index entry (the index's Row, a mapping, a dataclass) to a CorpusRow."""
    if isinstance(entry, tuple) and hasattr(entry, "error_code") and hasattr(entry, "is_article"):
        return _from_index_row(entry, root)
    path = os.fspath(_get(entry, "path", "file", default=""))
    if root and not os.path.isabs(path):
        path = os.path.join(root, path)
    lv = _get(entry, "last_verified", default=None)
    kind = _get(entry, "kind", default=None)
    error = _get(entry, "parse_error", "error", default=None)
    code = str(_get(entry, "error_code", default="") or "")
    if kind is None:
        if code in ("not-an-article", "empty-file") or _get(entry, "is_article", default=True) in (False, 0):
            kind = "other"
        elif error:
            kind = "broken"
        else:
            kind = "article"
    kind = {"ok": "article", "non-article": "other", "not-an-article": "other", "non_article": "other",
            "error": "broken", "parse-error": "broken", "unreadable": "broken"}.get(str(kind), str(kind))
    line = _get(entry, "error_line", default=None)
    if error and line:
        error = f"line {line}: {error}"
    message = error or ""
    return CorpusRow(
        path=path,
        id=str(_get(entry, "id", "article_id", default="") or ""),
        title=str(_get(entry, "title", default="") or ""),
        category=str(_get(entry, "category", default="") or ""),
        confidence=str(_get(entry, "confidence", default="") or ""),
        last_verified=_date(lv),
        last_verified_text="" if lv is None else (lv.isoformat() if hasattr(lv, "isoformat") else str(lv)),
        errors=_int(_get(entry, "errors", "error_count", default=0)),
        warnings=_int(_get(entry, "warnings", "warning_count", default=0)),
        kind=kind,
        message=str(message),
    )
