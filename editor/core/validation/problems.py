"""Problems found in articles: what `validate`, the index and the editor's problem list show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

SEVERITIES = ("warning", "error")


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (file, field path, 1-based line), how bad, which rule, how to fix it.

    `field` uses the `get`/`set` path syntax (`atomic_facts[1].source_url`); it is empty for problems
    about the whole file or its body. A grouped problem (`group_problems`) stands for `count` findings
    of one rule at one place: `lines` are all their lines, `also` the other wordings among them.
    `related` names other files the problem is about (the other holders of a duplicate id).
    """

    file: str
    field: str
    line: int | None
    severity: str  # "error" or "warning"
    code: str
    message: str
    count: int = 1
    lines: tuple[int, ...] = ()
    also: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The JSON object; the grouping and related-file keys only when they say something."""
        data = asdict(self)
        for name in ("lines", "also", "related"):
            data[name] = list(data[name])
            if not data[name]:
                del data[name]
        if data["count"] == 1:
            del data["count"]
        return data

    def format_text(self) -> str:
        """`file:line: severity: field: message (code)`, the form editors and CI logs make clickable.

        Without a line the `:line` part is left out; without a field, the `field: ` part.
        """
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {field}{self.message} ({self.code})"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.field, self.code, self.message)


def severity_rank(severity: str) -> int:
    """0 for warnings, 1 for errors: `rank >= severity_rank(minimum)` keeps a problem."""
    return SEVERITIES.index(severity)


def group_key(problem: Problem) -> tuple:
    """What makes two findings one entry: the rule and the field; for problems of the whole article or
    its body (no field), the rule and the wording (two different missing sections stay two)."""
    return (problem.file, problem.code, problem.field) if problem.field else (problem.file, problem.code, "",
                                                                              problem.message)


def group_problems(problems: Iterable[Problem]) -> list[Problem]:
    """One entry per rule and place, counting repeats ("a lone carriage return ×5"): what the editor's
    problem list shows and what the corpus list counts. The first finding (by line) speaks for the
    group; an error among warnings makes the entry an error. Order: as the first findings come."""
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(group_key(problem), []).append(problem)
    grouped = []
    for members in groups.values():
        if len(members) == 1:
            grouped.append(members[0])
            continue
        first = min(members, key=lambda p: (p.line is None, p.line or 0))
        lines = tuple(sorted({line for p in members for line in (p.lines or (p.line,)) if line}))
        also = tuple(dict.fromkeys(p.message for p in members if p.message != first.message))
        severity = "error" if any(p.is_error for p in members) else first.severity
        related = tuple(dict.fromkeys(path for p in members for path in p.related))
        grouped.append(replace(first, severity=severity, count=sum(p.count for p in members), lines=lines,
                               also=also, related=related))
    return grouped


def count_severities(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings) of already grouped problems: one per entry, as the corpus list counts."""
    errors = warnings = 0
    for problem in problems:
        if problem.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings
