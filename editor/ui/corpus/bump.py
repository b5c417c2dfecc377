"""The batch bump's undo step: the core plans the bump (`editor.core.bump`), this writes it as one command.

Its undo puts each file's old bytes back, refusing any file that changed since our write.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from editor.core.bump import BumpPlanSet
from editor.core.document.errors import SaveConflict
from editor.core.files.save import FileIdentity, safe_save


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
