"""The batch bump: set a date field on many articles, diff first, one undo for the whole batch.

`plan_bump` is plain Python: it reads each file, applies `bump_document` to a copy in memory and
keeps the old bytes, the new bytes and the file identity. `BatchBumpCommand` writes the plan with the
safe save; its undo puts each file's old bytes back, refusing any file that changed since our write.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtGui import QUndoCommand

from editor.cli.document_commands import bump_document
from editor.core.document import ArticleDocument
from editor.core.errors import ArticleError, CorpusEditorError, SaveConflict
from editor.core.files import FileIdentity, read_with_identity, safe_save

DEFAULT_DATE_FIELDS = ("last_verified", "updated", "created_date")


@dataclass
class BumpPlan:
    path: str
    old: bytes = b""
    new: bytes = b""
    identity: FileIdentity | None = None
    diff: str = ""
    error: str = ""

    @property
    def changes(self) -> bool:
        return not self.error and self.old != self.new


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


def plan_bump(paths: Iterable[str], fields: list[str], date: dt.date,
              current_text: Callable[[str], bytes | None] | None = None, root: str | None = None) -> BumpPlanSet:
    """What bumping `fields` to `date` would write to each file. Reads files; writes nothing.

    `current_text(path)` may refuse a file (return None is fine; raise ValueError with a reason),
    e.g. one open with unsaved changes in the editor.
    """
    result = BumpPlanSet(list(fields), date)
    for path in paths:
        plan = BumpPlan(os.fspath(path))
        result.plans.append(plan)
        try:
            if current_text is not None:
                current_text(plan.path)
            plan.old, plan.identity = read_with_identity(plan.path)
            doc = ArticleDocument.from_bytes(plan.old, plan.path)
            bump_document(doc, list(fields), date)
        except ValueError as exc:
            plan.error = str(exc)
            continue
        except ArticleError as exc:
            plan.error = f"line {exc.line}: {exc.message}" if exc.line else exc.message
            continue
        except CorpusEditorError as exc:
            plan.error = getattr(exc, "message", str(exc))
            continue
        except OSError as exc:
            plan.error = exc.strerror or str(exc)
            continue
        plan.new = doc.to_bytes()
        if plan.new != plan.old:
            name = os.path.relpath(plan.path, root) if root else os.path.basename(plan.path)
            old_text = plan.old.decode("utf-8", errors="replace").lstrip("\ufeff")
            plan.diff = "".join(difflib.unified_diff(
                old_text.splitlines(keepends=True), doc.text.splitlines(keepends=True),
                fromfile=f"{name} (on disk)", tofile=f"{name} (bumped)"))
    return result


class BatchBumpCommand(QUndoCommand):
    """One undo step for the whole batch. `on_done(command, paths)` tells the window which files it wrote;
    `failed` then says which files were left as they were, and why."""

    def __init__(self, plan_set: BumpPlanSet,
                 on_done: Callable[[BatchBumpCommand, list[str]], None] | None = None):
        n = len(plan_set.to_write)
        super().__init__(f"Bump {', '.join(plan_set.fields)} on {n} article{'s' if n != 1 else ''}")
        self.plan_set = plan_set
        self.on_done = on_done
        self.written: dict[str, FileIdentity] = {}  # path -> identity after our write
        self.failed: dict[str, str] = {}  # path -> why it was not written (or not restored)
        self.restored: list[str] = []
        self._restored_ids: dict[str, FileIdentity] = {}  # path -> identity after our undo wrote it

    def redo(self) -> None:
        self.failed = {}
        changed = []
        for plan in self.plan_set.to_write:
            if plan.path in self.written:  # an undo could not restore it: it still holds the bump
                continue
            # after an undo the file holds the bytes we restored: expect the identity of that write
            expected = self._restored_ids.get(plan.path, plan.identity)
            try:
                self.written[plan.path] = safe_save(plan.path, plan.new, expected)
                changed.append(plan.path)
            except SaveConflict as exc:
                self.failed[plan.path] = f"changed on disk ({exc.reason}); not written"
            except OSError as exc:
                self.failed[plan.path] = exc.strerror or str(exc)
        if self.on_done:
            self.on_done(self, changed)

    def undo(self) -> None:
        self.failed = {}
        self.restored = []
        changed = []
        by_path = {p.path: p for p in self.plan_set.to_write}
        for path, identity in list(self.written.items()):
            plan = by_path[path]
            try:
                self._restored_ids[path] = safe_save(path, plan.old, identity)
                self.restored.append(path)
                changed.append(path)
            except SaveConflict as exc:
                self.failed[path] = f"changed since the bump ({exc.reason}); not restored"
            except OSError as exc:
                self.failed[path] = exc.strerror or str(exc)
        self.written = {p: i for p, i in self.written.items() if p in self.failed}
        if self.on_done:
            self.on_done(self, changed)
