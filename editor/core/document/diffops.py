"""From a value to the fewest edit operations: what changed between the value a field has and the
value wanted, as SetValue / InsertItem / RemoveItem / MoveItem / AddKey / RemoveKey.

The YAML boxes of the form, the three-way merge and any command that takes a whole value use it, so
writing a value back changes only the scalars that differ: a folded statement one word of which
changed stays folded, and every other byte stays as it was.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from typing import Any

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import (
    AddKey,
    Batch,
    InsertItem,
    MoveItem,
    Operation,
    RemoveItem,
    RemoveKey,
    SetValue,
    strict_equal,
)
from editor.core.document.errors import CorpusEditorError, FieldPathError
from editor.core.document.fieldpath import Path, format_path, parse_path


def sync(doc: ArticleDocument, path: Path, target: Any, arrange: bool = True) -> list[Operation]:
    """Make the value at `path` equal `target` with the fewest operations, applied to `doc` in turn;
    returns the operations applied. Raises CorpusEditorError when one is refused (operations already
    applied stay applied: use `operations` or `SyncValue` to change nothing on failure).

    `arrange=False` writes new items' and keys' in the order `target` gives (a merge must reproduce a
    value exactly); by default they are written like their siblings."""
    syncer = _Sync(doc, arrange)
    syncer.sync(tuple(path), target)
    return syncer.done


def operations(doc: ArticleDocument, path: Path, target: Any, arrange: bool = True) -> list[Operation]:
    """The operations that make the value at `path` equal `target`, found on a copy: `doc` is unchanged."""
    return sync(copy.copy(doc), path, target, arrange)


@dataclass(frozen=True)
class SyncValue(Operation):
    """Set the value at `path` to `value` by changing only what differs, as one edit and one undo step
    (a YAML box's commit: one word of a folded statement changes one word, and the block stays folded).
    The value reads back exactly, its mappings' key order included."""

    path: Path | str
    value: Any

    def resolve(self, doc):
        path = parse_path(self.path) if self.path != "" else ()
        if path and not doc.has(path):
            raise FieldPathError(f"no field {format_path(path)}")
        # the value reads back exactly as given, key order included; new items still take their
        # siblings' quoting, block style, folding and indentation
        return Batch(tuple(operations(doc, path, self.value, arrange=False)), self.describe())

    def plan(self, doc):  # pragma: no cover - resolved into a Batch before planning
        raise NotImplementedError

    def describe(self):
        return f"Set {format_path(parse_path(self.path)) if self.path != '' else 'the front matter'}"


class _Sync:
    def __init__(self, doc: ArticleDocument, arrange: bool):
        self.doc = doc
        self.arrange = arrange
        self.done: list[Operation] = []

    def apply(self, op: Operation) -> None:
        applied = self.doc.apply(op)
        if applied is not None:
            self.done.append(applied.operation)

    def current(self, path: Path) -> Any:
        return self.doc.get(path) if path else self.doc.data

    def sync(self, path: Path, target: Any) -> None:
        current = self.current(path)
        if strict_equal(current, target):
            return
        if isinstance(current, dict) and isinstance(target, dict):
            self.sync_dict(path, current, target)
        elif isinstance(current, list) and isinstance(target, list) and path:
            saved, count = copy.copy(self.doc), len(self.done)
            try:
                self.sync_list(path, current, target)
            except CorpusEditorError:
                self.doc._adopt(saved)  # the list as a whole, in the file's style
                del self.done[count:]
                self.apply(SetValue(path, target))
        else:
            self.apply(SetValue(path, target))

    def sync_dict(self, path: Path, current: dict, target: dict) -> None:
        where = path or ""
        for key in [k for k in current if k not in target]:
            self.apply(RemoveKey(where, key_step(key)))
        keys = list(target)
        for i, key in enumerate(keys):
            if key in current:
                continue
            present = self.current(path)
            before = next((k for k in keys[i + 1 :] if k in present), None)
            before_step = key_step(before) if before is not None else None
            if self.arrange and before_step is None:
                self.apply(AddKey(where, key_step(key), target[key]))
            else:
                self.apply(AddKey(where, key_step(key), target[key], before_step, arrange=self.arrange))
        for key in keys:
            if key in current:
                self.sync((*path, key_step(key)), target[key])

    def insert(self, path: Path, index: int, value: Any) -> None:
        self.apply(InsertItem(path, index, value, arrange=self.arrange))

    def sync_list(self, path: Path, current: list, target: list) -> None:
        current_ids, target_ids = item_ids(current), item_ids(target)
        if current_ids is not None and target_ids is not None:
            for i in reversed(range(len(current_ids))):
                if current_ids[i] not in target_ids:
                    self.apply(RemoveItem(path, i))
                    del current_ids[i]
            for i, key in enumerate(target_ids):
                if i < len(current_ids) and current_ids[i] == key:
                    continue
                if key in current_ids:
                    j = current_ids.index(key)
                    self.apply(MoveItem(path, j, i))
                    current_ids.insert(i, current_ids.pop(j))
                else:
                    self.insert(path, i, target[i])
                    current_ids.insert(i, key)
            for i, value in enumerate(target):
                self.sync((*path, i), value)
            return
        matcher = difflib.SequenceMatcher(None, [value_key(v) for v in current], [value_key(v) for v in target],
                                          autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(paired):  # changed in place: only what differs inside the item
                self.sync((*path, i1 + k), target[j1 + k])
            for i in reversed(range(i1 + paired, i2)):
                self.apply(RemoveItem(path, i))
            for k, j in enumerate(range(j1 + paired, j2)):
                self.insert(path, i1 + paired + k, target[j])


def item_ids(items: list) -> list | None:
    """The `id` of every item, when every item is a mapping with a unique scalar id."""
    ids = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
            return None
        ids.append(item["id"])
    return ids if len(set(ids)) == len(ids) else None


def value_key(value: Any) -> str:
    """A text that tells values apart by type and content (for matching list items)."""
    return f"{type(value).__name__}:{value!r}"


def key_step(key: Any) -> str:
    """A mapping key as a path step."""
    return key if isinstance(key, str) else str(key)
