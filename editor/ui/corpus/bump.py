"""The batch bump's undo step: the core plans the bump (`editor.core.bump`), this writes it as one command.

Each file is written by the core's `write_plan`, under the file's lock: a file changed since the plan was
shown gets the bump applied to its current text (nothing of the other change is lost). Undo puts back
each file's bytes from just before our write, refusing any file that changed since.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from editor.core.bump import BumpPlanSet, write_plan
from editor.core.document.errors import CorpusEditorError, SaveConflict
from editor.core.files.messages import not_written
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

    def redo(self) -> None:
        self.failed = {}
        changed = []
        for plan in self.plan_set.to_write:
            if plan.path in self.written:  # an undo could not restore it: it still holds the bump
                continue
            try:
                identity = write_plan(plan)
            except (SaveConflict, OSError) as exc:
                self.failed[plan.path] = not_written(exc)
                continue
            except CorpusEditorError as exc:  # it no longer parses: nothing written
                self.failed[plan.path] = f"not written: {getattr(exc, 'message', exc)}"
                continue
            if identity is not None:
                self.written[plan.path] = identity
                changed.append(plan.path)
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
                safe_save(path, plan.old, identity)
                self.restored.append(path)
                changed.append(path)
            except SaveConflict:
                self.failed[path] = "not restored: it changed on disk since the bump"
            except OSError as exc:
                self.failed[path] = f"not restored: {exc.strerror or exc}"
        self.written = {p: i for p, i in self.written.items() if p in self.failed}
        if self.on_done:
            self.on_done(self, changed)
