"""How much of a statement a source's text contains: the statement's key terms and numbers, found (or
not) in the page, with where each occurs for highlighting.

    terms = key_terms("NIST SP 800-57 rates a 2048-bit RSA modulus at about 112 bits of security.")
    found = find_terms(page_text, terms)     # -> TermMatches
    found.summary()                          # "5 of 7 key terms found"
    found.spans                              # [(start, end, term), ...] in page_text, sorted

A key term is a number (`2048`, `1.5`, `45%`, `1,000`, `1978`), an identifier or name with a capital
or a digit inside (`RSA`, `SP`, `GPT-4`, `Diffie`), or a content word of five letters or more that is
not a common word. Numbers are matched as numbers (`1,000` finds `1000` and `1 000`); words by their
stem (`signatures` finds `signature`), case-insensitively, on word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_TERMS = 24

_STOP = frozenset("""
about above after again against along already also although among another anyone anything around
because become becomes been before being below between both cannot could does doing during each
either every first following found from further given have having here however including into itself
known later least less many might more most much must never often other others otherwise over own
perhaps rather same several shall should since some such than that their them themselves then there
therefore these they this those though three through thus together under until upon used uses using
very via was were what when where whether which while whom whose will with within without would your
yours whereas wherein made make makes like just only even still first second third called based
number numbers part parts way ways time times year years new
""".split())  # noqa: SIM905 - a paragraph of words reads better than a list

_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+)(?:\.\d+)?(?:\s?%)?(?![\w])")
# `800-57`, `GPT-4`, `ISO-8601`: parts of capitals and digits joined by hyphens, matched as one
_IDENTIFIER = re.compile(r"(?<![\w-])(?:[A-Z]+|\d+)(?:[-\u2010\u2011](?:[A-Z]+|\d+))+(?![\w-])")
_MIXED = re.compile(r"[A-Za-z]*\d[\w-]*|[\w-]*[A-Z][\w-]*")


@dataclass(frozen=True)
class Term:
    text: str  # as written in the statement
    kind: str  # "number" or "word"
    pattern: re.Pattern = field(compare=False, repr=False)


@dataclass
class TermMatches:
    terms: list[Term]
    found: dict[str, int]  # term text -> occurrences in the page
    spans: list[tuple[int, int, str]]  # (start, end, term text) in the page text, in order

    @property
    def found_count(self) -> int:
        return sum(1 for t in self.terms if self.found.get(t.text))

    @property
    def missing(self) -> list[str]:
        return [t.text for t in self.terms if not self.found.get(t.text)]

    def summary(self) -> str:
        if not self.terms:
            return "no key terms in the statement"
        return f"{self.found_count} of {len(self.terms)} key term{'s' if len(self.terms) != 1 else ''} found"


def _number_value(text: str) -> str:
    core = re.sub(r"[,\u202f\u00a0 ]", "", text.rstrip("% ").strip())
    if "." in core:
        core = core.rstrip("0").rstrip(".") or "0"
    return core


def _number_pattern(text: str) -> re.Pattern:
    """A number as any page may write it: `1000`, `1,000`, `1 000`, `1000.0`; a percentage with or
    without its space."""
    value = _number_value(text)
    whole, _, frac = value.partition(".")
    groups = []
    head = len(whole) % 3 or 3
    groups.append(whole[:head])
    groups += [whole[i : i + 3] for i in range(head, len(whole), 3)]
    grouped = r"[,\u202f\u00a0 ]?".join(re.escape(g) for g in groups) if len(whole) > 3 else re.escape(whole)
    tail = (r"\." + re.escape(frac) + r"0*") if frac else r"(?:\.0+)?"
    percent = r"\s?%" if text.rstrip().endswith("%") else ""
    return re.compile(rf"(?<![\w.]){grouped}{tail}{percent}(?![\d])")


def _stem(word: str) -> str:
    lowered = word.lower().replace("\u2019", "'")
    for suffix in ("'s", "ies", "es", "s", "ing", "ed"):
        if lowered.endswith(suffix) and len(lowered) - len(suffix) >= 4:
            return lowered[: -len(suffix)]
    return lowered


def _word_pattern(word: str) -> re.Pattern:
    stem = _stem(word)
    if word.isupper() or any(ch.isdigit() for ch in word):  # an acronym or identifier: as written
        return re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])", re.IGNORECASE)
    return re.compile(rf"(?<![\w]){re.escape(stem)}\w{{0,4}}(?![\w])", re.IGNORECASE)


def key_terms(statement: str, limit: int = MAX_TERMS) -> list[Term]:
    """The numbers and key words of `statement`, each once, in the order they first appear."""
    found: list[tuple[int, Term]] = []
    seen: set[str] = set()
    taken: list[tuple[int, int]] = []
    for match in _IDENTIFIER.finditer(statement):
        text = match.group(0)
        if not any(ch.isdigit() for ch in text) or text.lower() in seen:
            continue
        seen.add(text.lower())
        taken.append(match.span())
        parts = re.split(r"[-‐‑]", text)
        pattern = re.compile(r"(?<![\w])" + r"[-‐‑\s]?".join(re.escape(p) for p in parts) + r"(?![\w])",
                             re.IGNORECASE)
        found.append((match.start(), Term(text, "word", pattern)))
    for match in _NUMBER.finditer(statement):
        if any(a <= match.start() < b for a, b in taken):
            continue
        text = match.group(0).strip()
        if len(text) == 1:  # a lone digit occurs on every page: it says nothing about the claim
            continue
        key = "#" + _number_value(text)
        if key in seen:
            continue
        seen.add(key)
        taken.append(match.span())
        found.append((match.start(), Term(text, "number", _number_pattern(text))))
    for match in re.finditer(r"[\w'\u2019-]+", statement):
        start = match.start()
        if any(a <= start < b for a, b in taken):
            continue
        word = match.group(0).strip("-'\u2019")
        if not word or word.isdigit():
            continue
        mixed = (bool(_MIXED.fullmatch(word)) and not word[:1].isupper()) or any(c.isdigit() for c in word)
        capital = word[:1].isupper() and start > 0 and statement[:start].rstrip()[-1:] not in (".", "")
        acronym = len(word) >= 2 and word.isupper()
        content = len(word) >= 5 and word.lower() not in _STOP and word.isalpha()
        if not (mixed or capital or acronym or content):
            continue
        if word.lower() in _STOP and not acronym:
            continue
        key = _stem(word)
        if key in seen:
            continue
        seen.add(key)
        found.append((start, Term(word, "word", _word_pattern(word))))
    found.sort(key=lambda item: item[0])
    terms = [term for _, term in found]
    if len(terms) > limit:  # numbers and names first: they say most about the claim
        ranked = sorted(terms, key=lambda t: (t.kind != "number", not t.text[:1].isupper()))[:limit]
        terms = [t for t in terms if t in ranked]
    return terms


def find_terms(text: str, terms: list[Term], max_spans: int = 5000) -> TermMatches:
    """Where each term occurs in `text`."""
    found: dict[str, int] = {}
    spans: list[tuple[int, int, str]] = []
    for term in terms:
        count = 0
        for match in term.pattern.finditer(text):
            count += 1
            if len(spans) < max_spans:
                spans.append((match.start(), match.end(), term.text))
        found[term.text] = count
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for span in spans:  # overlapping hits (a number inside an identifier) keep the first
        if merged and span[0] < merged[-1][1]:
            continue
        merged.append(span)
    return TermMatches(terms, found, merged)
