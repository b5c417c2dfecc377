"""The review record of an atomic fact, read from an article and written back with the exact-edit core.

    atomic_facts:
      - id: af-x-1
        statement: >-
          ...
        review:
          verdict: supported        # supported | partial | unsupported | unavailable
          by: Jane Doe
          date: "2026-12-01"        # in the file's own date quoting
          quote: >-                 # the passage of the source that supports or contradicts it
            ...
          archived: https://web.archive.org/web/2026.../...
          note: ...

A corpus may call the key something else or turn reviews off (`rules: {review: {key: verification}}`
in `.corpus-schema.yaml`, see `editor.core.validation.rules.RuleConfig`); every function here takes the
key. Writing: `record_verdict` returns one operation (a `Batch`: one splice, one undo step). A first
`review` in a file is written in the file's habits (its date quoting, a long quote folded like its
statements); later ones copy the reviews already there.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import (
    AddKey,
    Batch,
    InsertItem,
    Operation,
    RemoveItem,
    RemoveKey,
    SetValue,
    file_date_quote,
    file_fold,
    list_key_style,
    list_shape,
)
from editor.core.document.errors import CorpusEditorError
from editor.core.document.layout import UNWRAPPED, KeyStyle, Shape

DEFAULT_KEY = "review"
SUPPORTED, PARTIAL, UNSUPPORTED, UNAVAILABLE = "supported", "partial", "unsupported", "unavailable"
VERDICTS = (SUPPORTED, PARTIAL, UNSUPPORTED, UNAVAILABLE)
FIELDS = ("verdict", "by", "date", "quote", "archived", "note")  # the order a new review is written in
CONFIDENCES = ("high", "medium", "low")
FACTS = "atomic_facts"
DISPUTED = "disputed_statements"


@dataclass(frozen=True)
class Review:
    verdict: str | None
    by: str | None = None
    date: dt.date | None = None
    quote: str | None = None
    archived: str | None = None
    note: str | None = None

    @classmethod
    def from_value(cls, value: Any) -> Review | None:
        """The review a fact's `review` value holds; None when it is missing or not a mapping."""
        if not isinstance(value, dict):
            return None
        return cls(verdict=_text(value.get("verdict")), by=_text(value.get("by")), date=_date(value.get("date")),
                   quote=_text(value.get("quote")), archived=_text(value.get("archived")),
                   note=_text(value.get("note")))

    @property
    def done(self) -> bool:
        """A verdict of the vocabulary is recorded."""
        return self.verdict in VERDICTS


@dataclass(frozen=True)
class FactReview:
    """One fact of an article with its review (None: never reviewed)."""

    index: int
    id: str | None
    statement: str
    confidence: str | None
    review: Review | None

    @property
    def reviewed(self) -> bool:
        return self.review is not None and self.review.done

    @property
    def path(self) -> str:
        return f"{FACTS}[{self.index}]"


def fact_reviews(data: dict, key: str = DEFAULT_KEY) -> list[FactReview]:
    """Every atomic fact of an article's front matter, in file order."""
    facts = data.get(FACTS) if isinstance(data, dict) else None
    if not isinstance(facts, list):
        return []
    found = []
    for i, fact in enumerate(facts):
        if not isinstance(fact, dict):
            continue
        found.append(FactReview(i, _text(fact.get("id")), _text(fact.get("statement")) or "",
                                _text(fact.get("confidence")), Review.from_value(fact.get(key))))
    return found


def queue(facts: list[FactReview]) -> list[FactReview]:
    """The order a reviewer takes the facts in: unreviewed first (in file order), then the oldest review
    first (an undated one before any dated one)."""
    def need(fact: FactReview):
        if not fact.reviewed:
            return (0, dt.date.min, fact.index)
        return (1, fact.review.date or dt.date.min, fact.index)

    return sorted(facts, key=need)


@dataclass(frozen=True)
class ReviewCounts:
    """What the index keeps per article."""

    unreviewed: int = 0
    high_unreviewed: int = 0  # unreviewed facts of high confidence: the first to review
    oldest_review: str | None = None  # ISO date of the oldest dated review


def review_counts(data: dict, key: str = DEFAULT_KEY) -> ReviewCounts:
    """A fact without a confidence of its own counts with the article's."""
    facts = fact_reviews(data, key)
    unreviewed = [f for f in facts if not f.reviewed]
    dates = [f.review.date for f in facts if f.reviewed and f.review.date is not None]
    article = data.get("confidence") if isinstance(data, dict) else None
    return ReviewCounts(len(unreviewed), sum(1 for f in unreviewed if (f.confidence or article) == "high"),
                        min(dates).isoformat() if dates else None)


def summary(facts: list[FactReview]) -> Counter:
    """Verdicts counted ("unreviewed" for facts without one)."""
    return Counter(f.review.verdict if f.reviewed else "unreviewed" for f in facts)


def summary_text(facts: list[FactReview]) -> str:
    counts = summary(facts)
    parts = [f"{counts[v]} {v}" for v in (*VERDICTS, "unreviewed") if counts[v]]
    return ", ".join(parts) if parts else "no facts"


# -- writing ------------------------------------------------------------------------------------------
def record_verdict(doc: ArticleDocument, index: int, verdict: str, by: str, today: dt.date, *,
                   quote: str | None = None, note: str | None = None, archived: str | None = None,
                   key: str = DEFAULT_KEY) -> Operation:
    """The operation that records `verdict` on fact `index`: a new review map, or the existing one
    updated (verdict, by and date set; quote, archived and note set when given, removed when given as
    "", kept when None). One `Batch`, so one splice and one undo step."""
    if verdict not in VERDICTS:
        raise ValueError(f"a verdict is one of {', '.join(VERDICTS)}, not {verdict!r}")
    fact_path = f"{FACTS}[{index}]"
    fact = doc.get(fact_path)
    if not isinstance(fact, dict):
        raise ValueError(f"{fact_path} is not a fact")
    wanted: dict[str, Any] = {"verdict": verdict, "by": by, "date": today}
    for name, value in (("quote", quote), ("archived", archived), ("note", note)):
        if value is not None:
            wanted[name] = _clean(value)
    description = f"Review {fact.get('id') or fact_path}: {verdict}"
    current = fact.get(key)
    if not isinstance(current, dict) or not current:
        value = {name: wanted[name] for name in FIELDS if wanted.get(name) not in (None, "")}
        style = _new_review_style(doc, index, key, value)
        return Batch((AddKey(fact_path, key, value, style=style, key_order=_fact_keys(fact, key)),), description)
    return Batch(tuple(_update_ops(doc, f"{fact_path}.{key}", current, wanted, index, key)), description)


def set_review_field(doc: ArticleDocument, index: int, name: str, value: str | None,
                     key: str = DEFAULT_KEY) -> Operation | None:
    """Set (or with None / "" remove) one field of an existing review: a quote, an archived copy, a note."""
    current = doc.get(f"{FACTS}[{index}]").get(key)
    if not isinstance(current, dict):
        return None
    ops = _update_ops(doc, f"{FACTS}[{index}].{key}", current, {name: _clean(value or "")}, index, key)
    return Batch(tuple(ops), f"Set {key} {name} of {FACTS}[{index}]") if ops else None


def _update_ops(doc, path: str, current: dict, wanted: dict, index: int, key: str) -> list[Operation]:
    ops: list[Operation] = []
    style = _new_review_style(doc, index, key, wanted).shape
    present = list(current)
    for name, value in wanted.items():
        if name in current:
            if value == "":
                ops.append(RemoveKey(path, name))
            elif isinstance(value, dt.date) and isinstance(current[name], str):
                ops.append(SetValue(f"{path}.{name}", value.isoformat()))  # the quoting stays as it was
            else:
                ops.append(SetValue(f"{path}.{name}", value))
        elif value not in (None, ""):
            later = [n for n in FIELDS[FIELDS.index(name) + 1 :] if n in present] if name in FIELDS else []
            ops.append(AddKey(path, name, value, before=later[0] if later else None,
                              style=style.key(name) if name in style.keys else None, key_order=FIELDS))
            present.append(name)
    return ops


def _new_review_style(doc: ArticleDocument, index: int, key: str, value: dict) -> KeyStyle:
    """How a first review is written: its date in the file's date quoting; a quote or note that would
    not fit on its line folded like the statements (`>-`, at their width); the rest as the file
    writes plain text. Reviews already in the file are copied instead (see `AddKey.style`)."""
    quote = file_date_quote(doc)
    shape = Shape(order=list(FIELDS))
    shape.keys["date"] = KeyStyle(style=quote)
    statement = list_key_style(doc, FACTS, "statement")
    width = statement.fold if statement.fold not in (None, UNWRAPPED) else file_fold(doc)
    if width == UNWRAPPED:
        width = 100
    indent = _fact_indent(doc, index) + 2
    for name in ("quote", "note"):
        text = value.get(name)
        if not isinstance(text, str):
            continue
        if statement.style in (">", "|") and (indent + len(name) + 2 + len(text) > width or "\n" in text):
            shape.keys[name] = KeyStyle(style=">", fold=statement.fold if statement.fold is not None else width)
        else:
            shape.keys[name] = KeyStyle(style=statement.style if statement.style in ("'", '"') else "",
                                        quote=statement.quote)
    return KeyStyle(shape=shape)


def _fact_indent(doc: ArticleDocument, index: int) -> int:
    """The column of the keys of fact `index`."""
    try:
        node = doc.node_at(f"{FACTS}[{index}]").resolved()
    except CorpusEditorError:  # a guess is enough for choosing a style
        return 4
    if node.kind != "map" or not node.pairs:
        return 4
    start = node.pairs[0][0].props_start
    return start - (doc.text.rfind("\n", 0, start) + 1)


def _fact_keys(fact: dict, key: str) -> tuple[str, ...]:
    """Where a new review goes in a fact whose siblings have none: after its other keys."""
    return (*[str(k) for k in fact], key)


# -- follow-ups of a verdict -------------------------------------------------------------------------------
def lower_confidence(doc: ArticleDocument, index: int) -> Operation | None:
    """The fact's confidence one step down (high -> medium -> low); a fact without one gets one step
    below the article's confidence. None when it is already low."""
    fact = doc.get(f"{FACTS}[{index}]")
    current = fact.get("confidence") if isinstance(fact, dict) else None
    if current in CONFIDENCES:
        base = current
    else:
        article = doc.data.get("confidence")
        base = article if article in CONFIDENCES else "medium"
        if current is None and base == "low":
            return AddKey(f"{FACTS}[{index}]", "confidence", "low")
    if base == "low" and current == "low":
        return None
    lower = CONFIDENCES[min(CONFIDENCES.index(base) + 1, len(CONFIDENCES) - 1)]
    if "confidence" in fact:
        return SetValue(f"{FACTS}[{index}].confidence", lower)
    return AddKey(f"{FACTS}[{index}]", "confidence", lower)


def move_to_disputed(doc: ArticleDocument, index: int, reason: str, key: str = DEFAULT_KEY) -> Operation:
    """Take fact `index` out of the atomic facts and add its statement to `disputed_statements` with
    `reason` (and the source it cited): one `Batch`, one undo step."""
    fact = doc.get(f"{FACTS}[{index}]")
    if not isinstance(fact, dict):
        raise ValueError(f"{FACTS}[{index}] is not a fact")
    entry: dict[str, Any] = {"statement": fact.get("statement") or ""}
    for name in ("source_title", "source_url", "source_doi", "source_ref"):
        if fact.get(name) not in (None, ""):
            entry[name] = fact[name]
    entry["reason"] = _clean(reason)
    if fact.get("id"):
        entry["fact_id"] = fact["id"]
    ops: list[Operation] = [RemoveItem(FACTS, index)]
    disputed = doc.data.get(DISPUTED)
    if isinstance(disputed, list):
        # an empty list copies how the facts are written (the entry has their keys)
        ops.append(InsertItem(DISPUTED, None, entry, style=list_shape(doc, FACTS)))
    elif DISPUTED in doc.data:
        ops.append(SetValue(DISPUTED, [entry]))
    else:
        ops.append(AddKey("", DISPUTED, [entry]))
    return Batch(tuple(ops), f"Move {fact.get('id') or f'{FACTS}[{index}]'} to {DISPUTED}")


def mark_verified(doc: ArticleDocument, today: dt.date) -> Operation | None:
    """`last_verified` set to `today` in its own form (quoted text stays quoted text); added when missing."""
    current = doc.data.get("last_verified")
    if "last_verified" not in doc.data:
        return AddKey("", "last_verified", today)
    value: Any = today if isinstance(current, dt.date) else today.isoformat()
    if current == value:
        return None
    return SetValue("last_verified", value)


# -- helpers ----------------------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if value is None or isinstance(value, bool | dict | list):
        return None
    return str(value)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _clean(text: str) -> str:
    """A quote or note as it is kept: runs of whitespace (a passage copied from a page) made single
    spaces, paragraph breaks kept."""
    paragraphs = [" ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
