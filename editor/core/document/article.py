"""ArticleDocument: one article file, read exactly and edited by splicing its text.

The document keeps the file's text as loaded. Every edit (see `editor.core.document.edits`) is turned into a
`TextEdit` (offset, old text, new text) on that text, re-parsed and checked before it is accepted, so
undo is the reverse splice and the bytes outside the edited value never change.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from editor.core.document.errors import ArticleError, FieldPathError
from editor.core.document.fieldpath import Path, format_path, parse_path
from editor.core.document.source import LineMap, Source, split
from editor.core.document.values import format_scalar
from editor.core.document.yamltree import Node, parse_tree, to_python


@dataclass(frozen=True)
class TextEdit:
    """Replace `old` at `offset` with `new` in the document text. Its inverse swaps old and new."""

    offset: int
    old: str
    new: str

    def inverse(self) -> TextEdit:
        return TextEdit(self.offset, self.new, self.old)

    def apply(self, text: str) -> str:
        end = self.offset + len(self.old)
        if text[self.offset : end] != self.old:
            raise ValueError("text edit does not match the document text")
        return text[: self.offset] + self.new + text[end:]


class ArticleDocument:
    """A parsed article: its text, front matter tree and values, and its body."""

    def __init__(self, source: Source, path: str | None = None):
        self.path = path
        self._set_source(source)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes, path: str | os.PathLike | None = None) -> ArticleDocument:
        path_text = os.fspath(path) if path is not None else None
        try:
            return cls(cls.source_of(data), path_text)
        except ArticleError as exc:
            raise exc.with_path(path_text) from None

    @staticmethod
    def source_of(data: bytes) -> Source:
        """Where the editable YAML lies in the file: an article's front matter."""
        return split(data)

    @classmethod
    def from_text(cls, text: str, path: str | None = None) -> ArticleDocument:
        return cls.from_bytes(text.encode("utf-8"), path)

    def _set_source(self, source: Source) -> None:
        lines = LineMap(source.text)
        root = parse_tree(source.text, source.fm_start, source.fm_end, lines.line)
        data = to_python(root, lines.line)
        if data is None:
            data = {}
        elif not isinstance(data, dict):
            raise ArticleError("front matter must be a mapping of fields", line=lines.line(root.start),
                               code="not-a-mapping")
        if root is not None and root.kind != "map":
            root = root.resolved()
        self.source = source
        self.lines = lines
        self.root = root
        self.data: dict[str, Any] = data

    # -- the text ---------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.source.text

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def body_line(self) -> int:
        """1-based line where the body starts."""
        return self.lines.line(self.source.body_start)

    @property
    def newline(self) -> str:
        return self.source.newline

    def to_bytes(self) -> bytes:
        return self.source.encode()

    def with_text(self, text: str) -> ArticleDocument:
        """A new document for `text` (same BOM), raising ArticleError if it does not parse."""
        data = (("\ufeff" if self.source.bom else "") + text).encode("utf-8")
        return type(self).from_bytes(data, self.path)

    def replace_text(self, text: str) -> None:
        """Adopt new text (after a checked edit or an undo). Raises ArticleError if it does not parse."""
        other = self.with_text(text)
        self._adopt(other)

    def body_edited(self, edit: TextEdit) -> ArticleDocument | None:
        """The document after `edit` when it only touches the body, reusing the front matter's parse
        (typing must not re-parse the YAML); None when it reaches the front matter or its closing line."""
        source = self.source
        start = source.body_start
        if edit.offset < start or start == 0 or source.text[start - 1] != "\n":
            return None
        new = copy.copy(self)  # the front matter tree and values are shared: edits replace, never mutate
        new.source = dataclasses.replace(source, text=edit.apply(source.text))
        new.lines = LineMap(new.source.text)
        return new

    def _adopt(self, other: ArticleDocument) -> None:
        self.source, self.lines, self.root, self.data = other.source, other.lines, other.root, other.data

    # -- editing: the operations (editor.core.document.edits) plan and check their own splice ----
    def apply(self, operation):
        """Apply an edit operation; returns the AppliedEdit (for undo) or None if nothing changed."""
        return operation.apply_to(self)

    def undo(self, applied) -> None:
        self.replace_text(applied.edit.inverse().apply(self.text))

    def redo(self, applied) -> None:
        self.replace_text(applied.edit.apply(self.text))

    # -- reading fields ---------------------------------------------------------------------------
    def node_at(self, path: str | Path) -> Node:
        steps = parse_path(path)
        node = self.root
        if node is None:
            raise FieldPathError(f"no field {format_path(steps)}: the front matter is empty")
        walked: list = []
        for step in steps:
            node = node.resolved()
            if isinstance(step, int):
                if node.kind != "seq":
                    raise FieldPathError(f"{format_path(tuple(walked)) or 'the front matter'} is not a list",
                                         self.lines.line(node.start))
                index = step + len(node.items) if step < 0 else step
                if not 0 <= index < len(node.items):
                    raise FieldPathError(
                        f"no field {format_path((*walked, step))}: the list has {len(node.items)} item(s)",
                        self.lines.line(node.start))
                node = node.items[index]
            else:
                if node.kind != "map":
                    raise FieldPathError(f"{format_path(tuple(walked)) or 'the front matter'} is not a mapping",
                                         self.lines.line(node.start))
                pair = _find_pair(node, step)
                if pair is None:
                    raise FieldPathError(f"no field {format_path((*walked, step))}",
                                         self.lines.line(node.start))
                node = pair[1]
            walked.append(step)
        return node

    def get(self, path: str | Path) -> Any:
        steps = parse_path(path)
        value: Any = self.data
        for i, step in enumerate(steps):
            if isinstance(step, int):
                if not isinstance(value, list):
                    raise FieldPathError(f"{format_path(steps[:i]) or 'the front matter'} is not a list")
                if not -len(value) <= step < len(value):
                    raise FieldPathError(f"no field {format_path(steps[: i + 1])}: the list has "
                                         f"{len(value)} item(s)")
                value = value[step]
            else:
                if not isinstance(value, dict):
                    raise FieldPathError(f"{format_path(steps[:i]) or 'the front matter'} is not a mapping")
                found = _dict_key(value, step)
                if found is _MISSING:
                    raise FieldPathError(f"no field {format_path(steps[: i + 1])}")
                value = value[found]
        return value

    def has(self, path: str | Path) -> bool:
        try:
            self.get(path)
        except FieldPathError:
            return False
        return True

    def line_of(self, path: str | Path) -> int:
        """1-based file line of a field's value; for a missing field, of its nearest existing parent."""
        steps = parse_path(path) if path != "" else ()
        while True:
            if not steps:
                return self.lines.line(self.root.start) if self.root is not None else 2
            try:
                node = self.node_at(steps)
            except FieldPathError:
                steps = steps[:-1]
                continue
            if node.kind == "scalar" and node.style in (">", "|"):
                return self.lines.line(node.start)
            if node.kind in ("map", "seq") and not node.flow and steps:
                # a block value's line is the line of its key (or dash), where a reader looks first
                parent = self.node_at(steps[:-1]).resolved() if len(steps) > 1 else self.root
                key = _key_node(parent, steps[-1])
                if key is not None:
                    return self.lines.line(key.start)
            return self.lines.line(node.start)

    def key_line(self, path: str | Path) -> int:
        """1-based line of a field's key (its value's line for list items)."""
        steps = parse_path(path)
        parent = self.node_at(steps[:-1]).resolved() if len(steps) > 1 else self.root
        key = _key_node(parent, steps[-1]) if parent is not None else None
        return self.lines.line(key.start) if key is not None else self.line_of(steps)


_MISSING = object()


def _dict_key(mapping: dict, step: str):
    if step in mapping:
        return step
    for key in mapping:
        if not isinstance(key, str) and format_scalar(key) == step:
            return key
    return _MISSING


def _find_pair(node: Node, step: str) -> tuple[Node, Node] | None:
    for key_node, value_node in node.pairs:
        key = key_node.resolved()
        if key.kind == "scalar" and (key.value == step):
            return key_node, value_node
    return None


def _key_node(parent: Node | None, step) -> Node | None:
    if parent is None:
        return None
    if isinstance(step, int):
        if parent.kind != "seq" or not parent.items:
            return None
        return parent.items[step]
    pair = _find_pair(parent, step) if parent.kind == "map" else None
    return pair[0] if pair else None
