"""Bumping date fields (`last_verified` and friends): planning what each file would become, and writing it.

Both faces call this: the `bump` command plans and writes one file at a time; the window plans a whole
selection first (to show the diff and keep the old bytes for its undo), then writes it.
`plan_file` reads a file and applies `bump_document` to it in memory: it never writes. `write_plan`
writes under the file's lock (`files.save.update_file`): if the file changed since it was planned
(another field edited by someone else, another bump), the bump is applied again to the file as it is
now, so neither change is lost; the plan then holds what was really there and what was written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import AddKey, SetValue
from editor.core.document.errors import ArticleError, CorpusEditorError, NotAnArticle
from editor.core.files.diff import file_diff
from editor.core.files.messages import os_reason
from editor.core.files.save import FileIdentity, read_with_identity, update_file

# A new date field goes after the last of these the article has, so dates stay together.
DATE_FIELDS_IN_ORDER = ("created_date", "last_verified", "updated")
# The date fields offered for a bump, most often bumped first.
DEFAULT_DATE_FIELDS = ("last_verified", "updated", "created_date")


def bump_document(doc: ArticleDocument, fields: list[str], date: dt.date) -> bool:
    """Set each date field to `date` in the file's own form; True if anything changed."""
    changed = False
    for name in fields:
        if name in doc.data:
            current = doc.data[name]
            value = date if isinstance(current, dt.date) or current is None else date.isoformat()
            op = SetValue((name,), value)
        else:
            keys = list(doc.data)
            present = [k for k in DATE_FIELDS_IN_ORDER if k in doc.data]
            after = keys.index(present[-1]) + 1 if present else len(keys)
            op = AddKey((), name, date, before=keys[after] if after < len(keys) else None)
        if doc.apply(op) is not None:
            changed = True
    return changed


def bumped_bytes(data: bytes, path: str, fields: list[str], date: dt.date) -> bytes:
    """The file's bytes with the bump applied (ArticleError and friends when it cannot be)."""
    doc = ArticleDocument.from_bytes(data, path)
    bump_document(doc, list(fields), date)
    return doc.to_bytes()


@dataclass
class BumpPlan:
    """What a bump would write to one file: its old and new bytes, or why it cannot be bumped."""

    path: str
    old: bytes = b""
    new: bytes = b""
    identity: FileIdentity | None = None
    diff: str = ""
    error: str = ""
    error_line: int | None = None
    not_article: bool = False
    fields: tuple[str, ...] = ()
    date: dt.date | None = None

    @property
    def changes(self) -> bool:
        return not self.error and self.old != self.new

    @property
    def reason(self) -> str:
        """The error for a person, with its line when it has one."""
        return f"line {self.error_line}: {self.error}" if self.error_line else self.error


@dataclass
class BumpPlanSet:
    fields: list[str]
    date: dt.date
    plans: list[BumpPlan] = field(default_factory=list)

    @property
    def to_write(self) -> list[BumpPlan]:
        return [p for p in self.plans if p.changes]

    def combined_diff(self) -> str:
        return "".join(p.diff for p in self.to_write)

    def summary(self) -> str:
        writes = len(self.to_write)
        failed = sum(1 for p in self.plans if p.error)
        current = len(self.plans) - writes - failed
        parts = [f"{writes} article{'s' if writes != 1 else ''} to update"]
        if current:
            parts.append(f"{current} already at {self.date.isoformat()}")
        if failed:
            parts.append(f"{failed} cannot be bumped")
        return ", ".join(parts)


def plan_file(path: str | os.PathLike, fields: list[str], date: dt.date, root: str | None = None,
              refuse: Callable[[str], object] | None = None) -> BumpPlan:
    """What bumping `fields` to `date` would write to one file. Reads it; writes nothing.

    `refuse(path)` may veto a file by raising ValueError with a reason (the window refuses an article
    open with unsaved changes). The diff names the file relative to `root` when given.
    """
    plan = BumpPlan(os.fspath(path), fields=tuple(fields), date=date)
    try:
        if refuse is not None:
            refuse(plan.path)
        plan.old, plan.identity = read_with_identity(plan.path)
        doc = ArticleDocument.from_bytes(plan.old, plan.path)
        bump_document(doc, list(fields), date)
    except NotAnArticle as exc:  # the window lists it as not bumpable; `bump` counts it apart
        plan.not_article, plan.error, plan.error_line = True, exc.message, exc.line
        return plan
    except ValueError as exc:
        plan.error = str(exc)
        return plan
    except ArticleError as exc:
        plan.error, plan.error_line = exc.message, exc.line
        return plan
    except CorpusEditorError as exc:
        plan.error, plan.error_line = getattr(exc, "message", str(exc)), getattr(exc, "line", None)
        return plan
    except OSError as exc:
        plan.error = os_reason(exc)
        return plan
    except Exception as exc:  # one file that breaks the reader must not stop the batch
        plan.error = f"internal error: {type(exc).__name__}: {exc}"
        return plan
    plan.new = doc.to_bytes()
    _set_diff(plan, root)
    return plan


def _set_diff(plan: BumpPlan, root: str | None = None) -> None:
    name = os.path.relpath(plan.path, root) if root else plan.path
    plan.diff = file_diff(plan.old, plan.new, name, new_label="bumped") if plan.new != plan.old else ""


def plan_bump(paths: Iterable[str], fields: list[str], date: dt.date,
              refuse: Callable[[str], object] | None = None, root: str | None = None) -> BumpPlanSet:
    """`plan_file` for each path, kept together (the window shows them as one diff and one undo)."""
    result = BumpPlanSet(list(fields), date)
    result.plans = [plan_file(path, fields, date, root, refuse) for path in paths]
    return result


def write_plan(plan: BumpPlan, sync_folder: bool = True) -> FileIdentity | None:
    """Write a plan under the file's lock: its new bytes if the file is still as planned, else the bump
    applied again to the file as it is now. `plan.old`/`plan.new` become what was there and what was
    written (for the window's undo). None when there was nothing left to change. Raises what reading
    or bumping the current file raises (ArticleError, OSError), or SaveConflict."""

    def change(data: bytes) -> bytes:
        if data == plan.old:
            return plan.new
        return bumped_bytes(data, plan.path, list(plan.fields), plan.date)

    update = update_file(plan.path, change, sync_folder=sync_folder)
    if update.old != plan.old:
        plan.old, plan.new = update.old, update.new
        _set_diff(plan)
    if not update.written:
        return None
    plan.identity = None  # the old identity is no longer the file's
    return update.identity
