"""Problems found in articles: what `validate`, the index and the editor's problem list show."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("warning", "error")


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (file, field path, 1-based line), how bad, which rule, how to fix it.

    `field` uses the `get`/`set` path syntax (`atomic_facts[1].source_url`); it is empty for problems
    about the whole file or its body.
    """

    file: str
    field: str
    line: int | None
    severity: str  # "error" or "warning"
    code: str
    message: str

    def to_dict(self) -> dict:
        return asdict(self)

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
