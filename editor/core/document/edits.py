"""Edit operations on an ArticleDocument, each planned as one splice of the document text.

An operation never re-dumps YAML: it finds the source span of the value it changes and writes new
text there in the style that block already uses. The result is re-parsed and compared with what the
operation means (the edited value reads back as asked, nothing else changed) before it is accepted;
otherwise the edit is refused and the document is untouched. The applied splice is its own undo.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from editor.core.document import render
from editor.core.document.article import ArticleDocument, TextEdit
from editor.core.document.errors import ArticleError, CorpusEditorError, EditError, FieldPathError
from editor.core.document.fieldpath import Path, format_path, parse_path
from editor.core.document.layout import (
    DEFAULT_WIDTH,
    EMPTY_SHAPE,
    UNWRAPPED,
    FileStyle,
    Geometry,
    KeyStyle,
    Shape,
)
from editor.core.document.yamltree import Node, resolve_plain, to_python

__all__ = ["DEFAULT_WIDTH", "AddKey", "AppliedEdit", "Batch", "InsertItem", "MoveItem", "Operation", "RemoveItem",
           "RemoveKey", "ReplaceText", "SetValue", "apply", "arrange", "file_date_quote", "file_fold", "list_key_style",
           "list_shape", "loose_equal", "set_path_value", "strict_equal", "text_diff"]


# -- operations ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Operation:
    """Base class. `plan` returns the splice that performs the operation, or None for no change."""

    def plan(self, doc: ArticleDocument) -> TextEdit | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def resolve(self, doc: ArticleDocument) -> Operation:
        """The operation with every choice left to the file made (where a key goes, in what order a
        new item's keys are written): what is planned, checked and kept for undo."""
        return self

    def apply_to(self, doc: ArticleDocument) -> AppliedEdit | None:
        """`ArticleDocument.apply` lands here, so the document needs no import of its operations."""
        return apply(doc, self)


@dataclass(frozen=True)
class SetValue(Operation):
    path: Path | str
    value: Any

    def plan(self, doc):
        return _Planner(doc).set_value(parse_path(self.path), self.value)

    def describe(self):
        return f"Set {format_path(parse_path(self.path))}"


@dataclass(frozen=True)
class InsertItem(Operation):
    """Insert `value` into the list at `path` before `index` (`None` or the length: append).

    The item is written like its siblings (layout, quoting, folding, indentation). A mapping's keys
    take the siblings' order, keys they lack coming after in `key_order` (the schema's order, when the
    caller knows it); `arrange=False` writes the keys in the value's own order.
    """

    path: Path | str
    index: int | None
    value: Any
    key_order: tuple[str, ...] | None = None
    arrange: bool = True
    style: Shape | None = field(default=None, compare=False)  # the shape to copy while the list is empty

    def resolve(self, doc):
        if not self.arrange or not isinstance(self.value, dict | list):
            return self
        value = _Planner(doc, self.style).arranged_item(parse_path(self.path), self.value, self.key_order)
        return InsertItem(self.path, self.index, value, None, False, self.style)

    def plan(self, doc):
        return _Planner(doc, self.style).insert_item(parse_path(self.path), self.index, self.value)

    def describe(self):
        return f"Add item to {format_path(parse_path(self.path))}"


@dataclass(frozen=True)
class RemoveItem(Operation):
    path: Path | str
    index: int

    def plan(self, doc):
        return _Planner(doc).remove_item(parse_path(self.path), self.index)

    def describe(self):
        return f"Remove {format_path((*parse_path(self.path), self.index))}"


@dataclass(frozen=True)
class MoveItem(Operation):
    """Move item `src` of the list at `path` so that it ends up at index `dst`."""

    path: Path | str
    src: int
    dst: int

    def plan(self, doc):
        return _Planner(doc).move_item(parse_path(self.path), self.src, self.dst)

    def describe(self):
        return f"Move {format_path((*parse_path(self.path), self.src))}"


@dataclass(frozen=True)
class AddKey(Operation):
    """Add `key: value` to the mapping at `path` (`()` for the front matter), before key `before`.

    Without `before`, the key goes where the same key sits in sibling items of the same list, else
    before the next present key of `key_order` (the schema's order), else at the end. Its value is
    written in the style of the same key in sibling items, else of the mapping's own keys.
    `arrange=False` takes `before` as given (None: at the end) and the value's own key order.
    `style`: how to write the value when no sibling writes this key (a first `review` map: its date
    quoted like the file's dates, a long quote folded like the statements); siblings win.
    """

    path: Path | str
    key: str
    value: Any
    before: str | None = None
    key_order: tuple[str, ...] | None = None
    arrange: bool = True
    style: KeyStyle | None = field(default=None, compare=False)

    def steps(self) -> Path:
        return parse_path(self.path) if self.path != "" else ()

    def resolve(self, doc):
        if not self.arrange:
            return self
        before, value = _Planner(doc).placed_key(self.steps(), self.key, self.value, self.before, self.key_order,
                                                 self.style)
        return AddKey(self.path, self.key, value, before, None, False, self.style)

    def plan(self, doc):
        return _Planner(doc).add_key(self.steps(), self.key, self.value, self.before, self.style)

    def describe(self):
        return f"Add {format_path((*parse_path(self.path), self.key)) if self.path else self.key}"


@dataclass(frozen=True)
class RemoveKey(Operation):
    path: Path | str
    key: str

    def plan(self, doc):
        return _Planner(doc).remove_key(parse_path(self.path) if self.path != "" else (), self.key)

    def describe(self):
        return f"Remove {format_path((*parse_path(self.path), self.key)) if self.path else self.key}"


@dataclass(frozen=True)
class ReplaceText(Operation):
    """Replace the whole text (the body editor, raw mode); checked like every other edit."""

    text: str

    def plan(self, doc):
        return text_diff(doc.text, self.text)

    def describe(self):
        return "Edit text"


def text_diff(old: str, new: str) -> TextEdit | None:
    """The one splice that turns `old` into `new` (common prefix and suffix kept), or None."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return TextEdit(start, old[start:end_old], new[start:end_new])


@dataclass(frozen=True)
class Batch(Operation):
    """Several operations as one edit (one splice, one undo step): each is applied and checked in turn
    on a copy; if any is refused, nothing is written."""

    operations: tuple[Operation, ...]
    description: str = "Edit"

    def plan(self, doc):  # pragma: no cover - `apply` runs a batch step by step
        raise NotImplementedError("a Batch is applied with edits.apply")

    def describe(self):
        return self.description


def set_path_value(path: Path | str, value: Any, key_order: tuple[str, ...] | None = None) -> Operation:
    """SetValue; AddKey when the last key does not exist yet; InsertItem for the index just past a
    list's end (`facts[2]` of a list of two appends)."""
    return _SetOrAdd(parse_path(path), value, key_order)


@dataclass(frozen=True)
class _SetOrAdd(Operation):
    path: Path
    value: Any
    key_order: tuple[str, ...] | None = None

    def resolve(self, doc):
        if doc.has(self.path):
            return SetValue(self.path, self.value)
        if isinstance(self.path[-1], int):
            parent = self.path[:-1]
            items = doc.get(parent) if parent and doc.has(parent) else None
            if isinstance(items, list) and self.path[-1] == len(items):
                return InsertItem(parent, None, self.value, self.key_order).resolve(doc)
            return SetValue(self.path, self.value)
        return AddKey(self.path[:-1], self.path[-1], self.value, key_order=self.key_order).resolve(doc)

    def plan(self, doc):
        return self.resolve(doc).plan(doc)

    def describe(self):
        return f"Set {format_path(self.path)}"


# -- applying, with the check that makes an edit safe ------------------------------------------------

@dataclass
class AppliedEdit:
    """An operation as it was written: the splice, so undo and redo are exact."""

    operation: Operation
    edit: TextEdit
    description: str = field(default="")


def apply(doc: ArticleDocument, op: Operation) -> AppliedEdit | None:
    """Apply `op` to `doc`. Returns None when nothing changes; raises EditError, leaving doc as it was."""
    op = op.resolve(doc)
    if isinstance(op, Batch):
        return _apply_batch(doc, op)
    edit = op.plan(doc)
    if edit is None:
        return None
    if isinstance(op, ReplaceText):
        doc.replace_text(edit.apply(doc.text))
        return AppliedEdit(op, edit, op.describe())
    new_doc = _checked(doc, op, edit)
    doc._adopt(new_doc)
    return AppliedEdit(op, edit, op.describe())


def _apply_batch(doc: ArticleDocument, batch: Batch) -> AppliedEdit | None:
    work = copy.copy(doc)  # shares the parse; every step adopts a new one into the copy only
    steps = []
    for op in batch.operations:
        applied = apply(work, op)
        if applied is not None:
            steps.append(applied.operation)
    edit = text_diff(doc.text, work.text)
    if edit is None:
        return None
    doc._adopt(work)
    return AppliedEdit(Batch(tuple(steps), batch.description), edit, batch.describe())


def _checked(doc: ArticleDocument, op: Operation, edit: TextEdit) -> ArticleDocument:
    try:
        new_doc = doc.with_text(edit.apply(doc.text))
    except ArticleError as exc:
        why = _unwritable(op) or f"the edit would not parse ({exc.message})"
        raise EditError(f"{op.describe()}: {why}; nothing written", doc.lines.line(edit.offset)) from None
    problem = _verify(doc, new_doc, op)
    if problem:
        raise EditError(f"{op.describe()}: {problem}; nothing written", doc.lines.line(edit.offset))
    return new_doc


def _unwritable(op: Operation) -> str | None:
    """A character of the operation's text values that YAML cannot hold in a file, named."""
    stack = [getattr(op, "value", None), getattr(op, "key", None)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, str):
            for i, ch in enumerate(value):
                if not render.printable(ch) or ch == "\ufeff":
                    return f"a control character U+{ord(ch):04X} at position {i + 1} cannot be written in YAML"
    return None


def _verify(old: ArticleDocument, new: ArticleDocument, op: Operation) -> str | None:
    """Why the new document is not `op` applied to the old one, or None if it is."""
    if isinstance(op, SetValue):
        path = parse_path(op.path)
        target = old.node_at(path)
        if target.kind != "alias":
            target = target.resolved()
        intended = op.value
    elif isinstance(op, InsertItem | RemoveItem | MoveItem):
        path = parse_path(op.path)
        target = old.node_at(path).resolved()
        items = list(old.get(path) or [])
        if isinstance(op, InsertItem):
            items.insert(len(items) if op.index is None else op.index, op.value)
        elif isinstance(op, RemoveItem):
            del items[op.index]
        else:
            items.insert(op.dst, items.pop(op.src))
        intended = items
    elif isinstance(op, AddKey | RemoveKey):
        path = parse_path(op.path) if op.path != "" else ()
        target = old.node_at(path).resolved() if path else old.root
        mapping = dict(old.get(path) or {}) if path else dict(old.data)
        if isinstance(op, AddKey):
            items = list(mapping.items())
            keys = [k for k, _ in items]
            at = keys.index(op.before) if op.before in keys else len(items)
            mapping = dict([*items[:at], (op.key, op.value), *items[at:]])
        else:
            mapping.pop(op.key, None)
        intended = mapping
    else:  # pragma: no cover - every operation is listed above
        return "unknown operation"
    try:
        actual = new.get(path) if path else new.data
    except FieldPathError:
        return "the edited field cannot be found after the edit"
    if not loose_equal(actual, intended):
        return f"the value would read back as {_short(actual)}, not {_short(intended)}"
    if target is None:  # an empty front matter: the root is the edited value
        expected = actual
    elif "&" not in old.source.front_matter:  # no anchors: only the edited path can change
        expected = _replaced(old.data, path, actual)
    else:  # an anchored value also changes every alias to it
        expected = to_python(old.root, old.lines.line, {id(target): actual})
    if not strict_equal(expected if expected is not None else {}, new.data):
        return "other fields would change"
    return None


def _replaced(data: Any, path: Path, value: Any) -> Any:
    """`data` with the value at `path` replaced, copying only the containers along the path."""
    if not path:
        return value
    step = path[0]
    if isinstance(data, list):
        copy = list(data)
        copy[step] = _replaced(data[step], path[1:], value)
        return copy
    copy = dict(data)
    key = next((k for k in data if k == step or (not isinstance(k, str) and str(k) == step)), step)
    copy[key] = _replaced(data[key], path[1:], value)
    return copy


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def strict_equal(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def loose_equal(actual: Any, intended: Any) -> bool:
    """Equal, where a quoted date or number may stand for the value written in it."""
    if isinstance(intended, dict):
        return isinstance(actual, dict) and list(actual) == [str(k) if not isinstance(k, str) else k
                                                                for k in intended] \
            and all(loose_equal(actual[str(k) if not isinstance(k, str) else k], v) for k, v in intended.items())
    if isinstance(intended, list | tuple):
        return isinstance(actual, list) and len(actual) == len(intended) and all(
            loose_equal(x, y) for x, y in zip(actual, intended, strict=True))
    if strict_equal(actual, intended):
        return True
    if isinstance(actual, str) and not isinstance(intended, str) and intended is not None:
        try:
            return actual == render.canonical(intended)
        except TypeError:
            return False
    return False


# -- planning splices ------------------------------------------------------------------------------

class _Planner(Geometry):
    def __init__(self, doc: ArticleDocument, empty_list_shape: Shape | None = None):
        super().__init__(doc)
        self.style = FileStyle(self)
        self._offsets: tuple[int, int] | None = None
        self.empty_list_shape = empty_list_shape  # how items are written into a list that has none yet

    # geometry ------------------------------------------------------------------------------
    def colon_after(self, key: Node) -> int:
        colon = self.text.find(":", key.end)
        if colon < 0:  # pragma: no cover - a parsed mapping always has its colon
            raise EditError("cannot find the ':' after a key", self.doc.lines.line(key.start))
        return colon

    def chain(self, path: Path) -> list[tuple[Node | None, Any, Node]]:
        """[(parent, step, node)] from the root down to the node at `path` (aliases resolved in parents)."""
        out = []
        node = self.doc.root
        for i in range(len(path)):
            parent = node.resolved()
            node = self.doc.node_at(path[: i + 1])
            out.append((parent, path[i], node))
        return out

    def in_flow(self, path: Path) -> bool:
        return any(parent is not None and parent.flow for parent, _, _ in self.chain(path))

    def parent_key(self, path: Path) -> Node | None:
        if not path or isinstance(path[-1], int):
            return None
        parent = self.doc.node_at(path[:-1]).resolved() if len(path) > 1 else self.doc.root
        for key, _ in parent.pairs:
            if key.resolved().value == path[-1]:
                return key
        return None

    # style of the document -------------------------------------------------------------------
    def offsets(self) -> tuple[int, int]:
        """(sequence offset, mapping offset): how far a block list's `-` and a nested map's keys sit
        to the right of their parent key, as this file already writes them."""
        if self._offsets is not None:
            return self._offsets
        seq_offsets: list[int] = []
        map_offsets: list[int] = []
        for node in self.all_nodes():
            if node.kind != "map" or node.flow:
                continue
            for key, value in node.pairs:
                if value.kind == "seq" and not value.flow and value.items:
                    try:
                        dash = self.dash_of(value.items[0])
                    except EditError:
                        continue
                    seq_offsets.append(self.column(dash) - self.column(key.start))
                elif value.kind == "map" and not value.flow and self.starts_line(value.pairs[0][0].props_start):
                    map_offsets.append(self.column(value.pairs[0][0].props_start) - self.column(key.start))
        seq = max(set(seq_offsets), key=seq_offsets.count) if seq_offsets else 2
        mapping = max(set(map_offsets), key=map_offsets.count) if map_offsets else 2
        self._offsets = max(seq, 0), max(mapping, 1)
        return self._offsets

    def fold_width(self, node: Node, path: Path) -> int:
        """The width a rewritten folded scalar wraps at: the width it wraps at already; a block kept on
        one line stays one line, unless it is short and its peers (the same key in sibling items, else
        the file's other folded blocks) wrap at a width it fits in."""
        lines = self.block_lines(node)[1]
        own = render.folded_width(lines)
        if own:
            return own
        peers = self.peer_fold(path, node)
        if not [line for line in lines if line.strip()]:
            return peers if peers is not None else self.style.fold
        longest = max(len(line) for line in lines)
        if peers is not None and peers != UNWRAPPED and longest <= peers:
            return peers
        return UNWRAPPED

    def peer_fold(self, path: Path, node: Node) -> int | None:
        if len(path) >= 2 and isinstance(path[-2], int):
            try:
                seq = self.doc.node_at(path[:-2]).resolved()
            except CorpusEditorError:
                seq = None
            if seq is not None and seq.kind == "seq":
                peers = []
                for item in seq.items:
                    item = item.resolved()
                    for key, value in item.pairs if item.kind == "map" else ():
                        if key.value == path[-1] and value is not node:
                            peers.append(value)
                found = self.fold_of(peers)
                if found is not None:
                    return found
        return self.fold_of(other for other in self.all_scalars() if other is not node)

    def list_shape(self, node: Node | None) -> Shape:
        if node is None or node.kind != "seq" or not node.items:
            return self.empty_list_shape or EMPTY_SHAPE
        return self.style.shape(node.items)

    def sibling_maps(self, path: Path) -> list[Node]:
        """The other mappings of the list the mapping at `path` is an item of; for the mapping under a
        key of a list item (`atomic_facts[3].review`), the mappings under that key in the other items."""
        if len(path) >= 2 and isinstance(path[-1], str) and isinstance(path[-2], int):
            return self.cousin_maps(path)
        if not path or not isinstance(path[-1], int):
            return []
        try:
            seq = self.doc.node_at(path[:-1]).resolved()
            me = self.doc.node_at(path).resolved()
        except CorpusEditorError:
            return []
        if seq.kind != "seq":
            return []
        return [item.resolved() for item in seq.items if item.resolved() is not me and item.resolved().kind == "map"]

    def cousin_maps(self, path: Path) -> list[Node]:
        try:
            seq = self.doc.node_at(path[:-2]).resolved()
            me = self.doc.node_at(path).resolved()
        except CorpusEditorError:
            return []
        if seq.kind != "seq":
            return []
        found = []
        for item in seq.items:
            item = item.resolved()
            for key, value in item.pairs if item.kind == "map" else ():
                value = value.resolved()
                if key.value == path[-1] and value is not me and value.kind == "map" and value.pairs:
                    found.append(value)
        return found

    def sibling_style(self, path: Path, key: Any) -> KeyStyle | None:
        """How the siblings of the mapping at `path` write `key`, when any of them has it."""
        siblings = self.sibling_maps(path)
        if siblings:
            shape = self.style.shape(siblings)
            if str(key) in shape.keys:
                return shape.key(key)
        return None

    def key_style(self, path: Path, key: Any, node: Node | None) -> KeyStyle:
        """How a value for `key` of the mapping at `path` is written: like the same key in sibling
        items; else like the mapping's own string values; a new date as the file quotes dates."""
        siblings = self.sibling_maps(path)
        if siblings:
            shape = self.style.shape(siblings)
            if str(key) in shape.keys:
                return shape.key(key)
        own = node.resolved() if node is not None else None
        if own is not None and own.kind == "map" and not own.flow:
            strings = [v.resolved() for _, v in own.pairs
                       if v.resolved().kind == "scalar" and (v.resolved().style
                                                             or isinstance(resolve_plain(v.resolved().value), str))]
            counts = Counter(v.style for v in strings if v.style in ("", "'", '"'))
            best = max(counts.values()) if counts else 0
            style = next((s for s, n in counts.items() if n == best), "")
            return KeyStyle(style=style, quote=self.style.quote_of(strings), strings_only=True)
        return KeyStyle()

    def date_quote(self) -> str:
        """The quoting this file uses for dates."""
        for key in ("last_verified", "created_date", "updated", "date_created"):
            root = self.doc.root
            if root is None or root.kind != "map":
                return '"'
            for k, v in root.pairs:
                if k.value == key and v.kind == "scalar":
                    return v.style if v.style in ("'", '"') else ""
        return '"'

    # arranging new values like their siblings --------------------------------------------------
    def arranged_item(self, path: Path, value: Any, key_order) -> Any:
        try:
            node = self.doc.node_at(path).resolved()
        except CorpusEditorError:
            return value
        return arrange(value, self.list_shape(node), key_order)

    def placed_key(self, path: Path, key: str, value: Any, before: str | None, key_order,
                   style: KeyStyle | None = None):
        """(before, value) for a new key: where siblings put it, its value arranged like theirs."""
        try:
            node = self.map_node(path)
        except CorpusEditorError:
            return before, value
        keys = [k.value for k, _ in node.pairs] if node is not None and node.kind == "map" else []
        siblings = self.sibling_maps(path)
        shape = self.style.shape(siblings) if siblings else EMPTY_SHAPE
        if before is None and keys:
            if shape.order:
                later = shape.order[shape.order.index(key) + 1 :] if key in shape.order else []
            else:
                names = [str(k) for k in key_order or ()]
                later = names[names.index(key) + 1 :] if key in names else []
            before = next((k for k in later if k in keys), None)
        model = shape.key(key).shape if str(key) in shape.keys else (style.shape if style is not None else None)
        return before, arrange(value, model or EMPTY_SHAPE, None)

    # rendering new values ----------------------------------------------------------------------
    def scalar_text(self, value: Any, style: str, flow: bool = False, prefer: str | None = None) -> str:
        if isinstance(value, dt.date) and style not in ("'", '"', ""):
            style = ""
        style = style if style in ("", "'", '"') else ""
        if not prefer:  # the file's own quote, looked for only when the text cannot stay as it is
            plain = style == "" and (not isinstance(value, str) or render.plain_ok(value, flow))
            kept = style == "'" and isinstance(value, str) and render.single_ok(value)
            prefer = "'" if plain or kept or style == '"' else self.style.quote
        return render.inline_scalar(value, style, flow, prefer)[0]

    def key_text(self, key: Any) -> str:
        return self.scalar_text(key, "") if isinstance(key, str) else render.canonical(key)

    def styled_scalar(self, value: Any, ks: KeyStyle, indent: int) -> tuple[str, list[str]]:
        """(text after `key:` or `-`, further lines) for a new scalar written as `ks` says."""
        if isinstance(value, str) and ks.style in (">", "|"):
            width = ks.fold if ks.fold is not None else self.style.fold
            block = self.block_text(value, ks.style, indent, width=width)
            if block is not None:
                return block[0], block[1]
            return self.scalar_text(value, '"'), []
        style = "" if ks.strings_only and not isinstance(value, str) else ks.style
        return self.scalar_text(value, style, prefer=ks.quote), []

    def entry_lines(self, key: Any, value: Any, col: int, ks: KeyStyle | None = None) -> list[str]:
        """`key: value` as lines; the first without indentation, the rest indented absolutely."""
        ks = ks or KeyStyle()
        seq_off, map_off = self.offsets()
        head = f"{self.key_text(key)}:"
        inner = ks.shape or EMPTY_SHAPE
        if isinstance(value, dict | list | tuple) and value and ks.flow:
            return [f"{head} {self.flow_text(value, inner)}"]
        if isinstance(value, dict):
            if not value:
                return [head + " {}"]
            offset = ks.offset if ks.offset is not None else map_off
            lines = [head]
            for k, v in value.items():
                sub = self.entry_lines(k, v, col + offset, inner.key(k))
                lines.append(" " * (col + offset) + sub[0])
                lines.extend(sub[1:])
            return lines
        if isinstance(value, list | tuple):
            if not value:
                return [head + " []"]
            offset = ks.offset if ks.offset is not None else seq_off
            lines = [head]
            for item in value:
                sub = self.item_lines(item, col + offset, inner, inner.gap or 2)
                lines.append(" " * (col + offset) + sub[0])
                lines.extend(sub[1:])
            return lines
        first, rest = self.styled_scalar(value, ks, col + map_off)
        return [f"{head} {first}", *rest]

    def item_lines(self, value: Any, dash_col: int, shape: Shape = EMPTY_SHAPE, gap: int = 2) -> list[str]:
        """`- value` as lines; the first without indentation, the rest indented absolutely.

        `gap` is how far the item's content sits right of its dash (`- id:` 2, `-   id:` 4).
        """
        if isinstance(value, dict):
            if not value:
                return ["- {}"]
            lines: list[str] = []
            dash = "-" + " " * (gap - 1)
            for i, (k, v) in enumerate(value.items()):
                sub = self.entry_lines(k, v, dash_col + gap, shape.key(k))
                lines.append((dash if i == 0 else " " * (dash_col + gap)) + sub[0])
                lines.extend(sub[1:])
            return lines
        if isinstance(value, list | tuple):
            if not value:
                return ["- []"]
            lines = ["-"]
            for item in value:
                sub = self.item_lines(item, dash_col + 2)
                lines.append(" " * (dash_col + 2) + sub[0])
                lines.extend(sub[1:])
            return lines
        first, rest = self.styled_scalar(value, shape.item, dash_col + 2)
        return [f"- {first}", *rest]

    def block_text(self, value: str, style: str, indent: int, old_lines: list[str] | None = None,
                   header_rest: str = "", digit: str = "", width: int | None = None):
        """(header, indented content lines) for a block scalar, or None if the style cannot hold it."""
        chomp = render.chomping_for(value)
        if chomp is None or (chomp == "" and value == "\n") or render.block_problem(value):
            return None
        core = value[:-1] if chomp == "" else value
        if style == ">":
            lines = render.folded_lines(core, max((width or self.style.fold) - indent, 20), old_lines or [])
        else:
            lines = render.literal_lines(core)
        if lines is None:
            return None
        header = style + digit + chomp + header_rest
        return header, [(" " * indent + line) if line else "" for line in lines]


    # the operations ----------------------------------------------------------------------------
    def set_value(self, path: Path, value: Any) -> TextEdit | None:
        node = self.doc.node_at(path)
        shown = node.resolved()
        current = self.doc.get(path)
        if strict_equal(current, value) or (shown.kind == "scalar" and shown.style in ("'", '"')
                                            and not isinstance(value, str) and loose_equal(current, value)):
            return None
        if node.kind == "alias":
            return self.set_alias(path, node, value)
        if isinstance(value, dict | list | tuple) or node.kind != "scalar":
            return self.replace_with_value(path, node, value)
        flow = self.in_flow(path)
        if node.style in (">", "|"):
            edit = self.set_block_scalar(node, value, path)
            if edit is not None:
                return edit
            start, end = node.start, self.line_end(self.tight_end(node))
            return TextEdit(start, self.text[start:end], self.scalar_text(value, '"' if isinstance(value, str) else ""))
        new = self.scalar_text(value, node.style, flow)
        if node.start == node.end and self.text[node.start - 1 : node.start] in (":", "-"):
            new = " " + new
        return TextEdit(node.start, self.text[node.start : node.end], new)

    def set_alias(self, path: Path, node: Node, value: Any) -> TextEdit:
        """Write the new value in place of `*name`, in the anchored scalar's quoting; the anchored
        field keeps its value."""
        line = self.doc.lines.line(node.start)
        if path and path[-1] == "<<":
            raise EditError(f"{format_path(path)} is a merge key (<<: *{node.anchor}); YAML 1.1 readers merge "
                            f"the mapping anchored at line {self.doc.lines.line(node.target.props_start)} there: edit "
                            "that mapping, or remove the merge key", line)
        if isinstance(value, dict | list | tuple):
            return self.replace_with_value(path, node, value)
        target = node.target
        style = target.style if target.kind == "scalar" else ""
        if style in (">", "|"):
            style = '"' if isinstance(value, str) and not render.plain_ok(value, self.in_flow(path)) else ""
        new = self.scalar_text(value, style, self.in_flow(path), prefer=style if style in ("'", '"') else None)
        return TextEdit(node.start, self.text[node.start : node.end], new)

    def set_block_scalar(self, node: Node, value: Any, path: Path) -> TextEdit | None:
        if not isinstance(value, str):
            return None
        header_end = self.line_end(node.start)
        indicator, digit, _, rest = render.parse_block_header(self.text[node.start : header_end])
        _content_start, lines, content_end = self.block_lines(node)
        nonblank = [line for line in lines if line.strip()]
        if nonblank:
            indent = len(nonblank[0]) - len(nonblank[0].lstrip(" "))
        else:
            line_start = self.line_start(node.start)
            indent = len(self.text[line_start:header_end]) - len(self.text[line_start:header_end].lstrip(" ")) + 2
        width = self.fold_width(node, path) if indicator == ">" else None
        block = self.block_text(value, indicator, indent, [line[indent:] for line in lines], rest, digit, width)
        if block is None:
            return None
        header, new_lines = block
        new = self.nl.join([header, *new_lines])
        end = content_end if lines else header_end
        return TextEdit(node.start, self.text[node.start : end], new)

    def replace_with_value(self, path: Path, node: Node, value: Any) -> TextEdit:
        """Replace a whole value (scalar by collection or the reverse), as block text after its key,
        laid out like the same key in sibling items, else like the value it replaces."""
        key = self.parent_key(path)
        if key is None or self.in_flow(path):
            raise EditError(f"cannot replace {format_path(path)} with a list or mapping here",
                            self.doc.lines.line(node.start))
        colon = self.colon_after(key)
        col = self.column(key.props_start)
        ks = self.key_style(path[:-1], path[-1], None)
        if ks.shape is None and node.kind in ("seq", "map"):
            ks = self.style.key_style([node], [key])
        lines = self.entry_lines(path[-1], value, col, ks)
        end = self.line_end(self.tight_end(node))
        end = max(end, self.line_end(colon))
        first = lines[0][len(self.key_text(path[-1])) + 1 :]
        new = self.nl.join([first, *lines[1:]])
        return TextEdit(colon + 1, self.text[colon + 1 : end], new)

    def list_node(self, path: Path) -> Node:
        node = self.doc.node_at(path).resolved()
        if node.kind == "seq" or (node.kind == "scalar" and self.doc.get(path) is None):
            return node
        raise EditError(f"{format_path(path)} is not a list", self.doc.lines.line(node.start))

    def flow_items_edit(self, node: Node, texts: list[str]) -> TextEdit:
        inner = self.text[node.start + 1 : node.end - 1]
        items = node.items
        if items:
            pad_l = self.text[node.start + 1 : items[0].props_start]
            pad_r = self.text[self.tight_end(items[-1]) : node.end - 1]
            sep = self.text[self.tight_end(items[0]) : items[1].props_start] if len(items) > 1 else ", "
            if "\n" in pad_l or "\n" in pad_r or "\n" in sep:
                pad_l, pad_r, sep = "", "", ", "
        else:
            pad_l = pad_r = ""
            sep = ", "
        open_, close = self.text[node.start], self.text[node.end - 1]
        del inner
        return TextEdit(node.start, self.text[node.start : node.end],
                        open_ + pad_l + sep.join(texts) + pad_r + close if texts else open_ + close)

    def item_source(self, item: Node) -> str:
        return self.text[item.props_start : self.tight_end(item)]

    def to_block_list(self, path: Path, node: Node, values_text: list[list[str]] | None = None,
                      new_values: list[Any] | None = None) -> TextEdit:
        """Rewrite an empty/null or flow list after its key as a block list."""
        key = self.parent_key(path)
        if key is None or self.in_flow(path):
            raise EditError(f"cannot turn {format_path(path)} into a block list here",
                            self.doc.lines.line(node.start))
        seq_off, _ = self.offsets()
        dash_col = self.column(key.props_start) + seq_off
        colon = self.colon_after(key)
        value_end = node.end if node.kind == "seq" else max(node.end, colon + 1)
        rest_of_line = self.text[value_end : self.line_end(value_end)]
        lines: list[str] = []
        for existing in values_text or []:
            lines.append(" " * dash_col + "- " + existing[0])
            lines.extend(existing[1:])
        for value in new_values or []:
            sub = self.item_lines(value, dash_col, self.list_shape(node))
            lines.append(" " * dash_col + sub[0])
            lines.extend(sub[1:])
        end = self.line_end(value_end)
        head = rest_of_line.rstrip() if rest_of_line.strip().startswith("#") else ""
        new = (" " + head.strip() if head else "") + self.nl + self.nl.join(lines)
        return TextEdit(colon + 1, self.text[colon + 1 : end], new)

    def insert_item(self, path: Path, index: int | None, value: Any) -> TextEdit:
        node = self.list_node(path)
        count = len(node.items) if node.kind == "seq" else 0
        index = count if index is None else index
        if not 0 <= index <= count:
            raise EditError(f"cannot insert at {index}: {format_path(path)} has {count} item(s)",
                            self.doc.lines.line(node.start))
        if node.kind == "scalar":
            return self.to_block_list(path, node, new_values=[value])
        if node.flow:
            if isinstance(value, dict | list | tuple) and not self.in_flow(path):
                existing = [[self.item_source(item)] for item in node.items]
                new_values = [value]
                if index < count:  # keep the order: rebuild every item after the insertion point
                    values = self.doc.get(path)
                    existing, new_values = existing[:index], [value, *values[index:]]
                return self.to_block_list(path, node, existing, new_values)
            texts = [self.item_source(item) for item in node.items]
            texts.insert(index, self.flow_text(value, self.list_shape(node)) if isinstance(value, dict | list | tuple)
                         else self.flow_scalar(value, self.list_shape(node).item))
            return self.flow_items_edit(node, texts)
        shape = self.list_shape(node)
        first_dash = self.dash_of(node.items[0])
        dash_col = self.column(first_dash)
        model = node.items[min(index, count - 1)]  # the neighbour whose layout the new item copies
        model_dash = self.dash_of(model)
        gap = model.props_start - model_dash if self.line_start(model.props_start) == self.line_start(model_dash) else 2
        maps = [item.resolved() for item in node.items if item.resolved().kind == "map"]
        if isinstance(value, dict) and value and maps and sum(m.flow for m in maps) * 2 > len(maps):
            sub = ["- " + self.flow_text(value, shape)]  # siblings written `- {id: .., title: ..}`
        else:
            sub = self.item_lines(value, dash_col, shape, max(gap, 2) if isinstance(value, dict) else 2)
        if index == count:
            at = self.after_line(self.tight_end(node.items[-1]))
            new = " " * dash_col + self.nl.join(sub) + self.nl
            return TextEdit(at, "", new)
        dash = self.dash_of(node.items[index])
        if not self.starts_line(dash):
            raise EditError(f"cannot insert into {format_path(path)}: its items do not start their lines",
                            self.doc.lines.line(dash))
        new = self.nl.join(sub) + self.nl + " " * dash_col
        return TextEdit(dash, "", new)

    def flow_text(self, value: Any, shape: Shape = EMPTY_SHAPE) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.key_text(k)}: {self.flow_scalar(v, shape.key(k))}"
                                   for k, v in value.items()) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.flow_scalar(v, shape.item) for v in value) + "]"
        return self.flow_scalar(value, shape.item)

    def flow_scalar(self, value: Any, ks: KeyStyle) -> str:
        if isinstance(value, dict | list | tuple):
            return self.flow_text(value, ks.shape or EMPTY_SHAPE)
        style = ks.style if ks.style in ("", "'", '"') else ""
        return self.scalar_text(value, style, flow=True, prefer=ks.quote)

    def check_index(self, node: Node, path: Path, index: int) -> None:
        if node.kind != "seq" or not 0 <= index < len(node.items):
            count = len(node.items) if node.kind == "seq" else 0
            raise EditError(f"no item {index} in {format_path(path)} ({count} item(s))",
                            self.doc.lines.line(node.start))

    def item_span(self, item: Node) -> tuple[int, int]:
        dash = self.dash_of(item)
        if not self.starts_line(dash):
            raise EditError("cannot edit a list whose items do not start their lines",
                            self.doc.lines.line(dash))
        return self.line_start(dash), self.after_line(self.tight_end(item))

    def remove_item(self, path: Path, index: int) -> TextEdit:
        node = self.list_node(path)
        self.check_index(node, path, index)
        if node.flow:
            texts = [self.item_source(item) for item in node.items]
            del texts[index]
            return self.flow_items_edit(node, texts)
        if len(node.items) == 1:
            key = self.parent_key(path)
            if key is None:
                raise EditError(f"cannot empty {format_path(path)} here", self.doc.lines.line(node.start))
            colon = self.colon_after(key)
            end = self.after_line(self.tight_end(node))
            comment = self.text[colon + 1 : self.line_end(colon)].strip()
            new = " []" + (" " + comment if comment.startswith("#") else "") + self.nl
            return TextEdit(colon + 1, self.text[colon + 1 : end], new)
        start, end = self.item_span(node.items[index])
        return TextEdit(start, self.text[start:end], "")

    def move_item(self, path: Path, src: int, dst: int) -> TextEdit | None:
        node = self.list_node(path)
        self.check_index(node, path, src)
        self.check_index(node, path, dst)
        if src == dst:
            return None
        if node.flow:
            texts = [self.item_source(item) for item in node.items]
            texts.insert(dst, texts.pop(src))
            return self.flow_items_edit(node, texts)
        spans = [self.item_span(item) for item in node.items]
        blocks = [self.text[s:e] for s, e in spans]
        gaps = [self.text[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1)]
        blocks.insert(dst, blocks.pop(src))
        new = "".join(block + (gaps[i] if i < len(gaps) else "") for i, block in enumerate(blocks))
        start, end = spans[0][0], spans[-1][1]
        return TextEdit(start, self.text[start:end], new)

    def map_node(self, path: Path) -> Node | None:
        if not path:
            root = self.doc.root
            if root is not None and root.kind != "map":
                raise EditError("the front matter is not a mapping", 2)
            return root
        node = self.doc.node_at(path).resolved()
        if node.kind == "map" or (node.kind == "scalar" and self.doc.get(path) is None):
            return node
        raise EditError(f"{format_path(path)} is not a mapping", self.doc.lines.line(node.start))

    def add_key(self, path: Path, key: str, value: Any, before: str | None,
                style: KeyStyle | None = None) -> TextEdit:
        node = self.map_node(path)
        if node is not None and node.kind == "map" and any(k.value == key for k, _ in node.pairs):
            raise EditError(f"{format_path((*path, key))} already exists", self.doc.lines.line(node.start))
        if node is None:  # empty front matter
            lines = self.entry_lines(key, value, 0)
            at = self.doc.source.fm_start
            return TextEdit(at, "", self.nl.join(lines) + self.nl)
        if node.kind == "scalar":  # `key:` with no value yet: becomes a block mapping
            return self.replace_with_value(path, node, {key: value})
        if node.flow:
            if isinstance(value, dict | list | tuple) and value:
                raise EditError(f"cannot add a list or mapping inside the flow mapping {format_path(path)}",
                                self.doc.lines.line(node.start))
            texts = [f"{self.item_source(k)}: {self.item_source(v)}" for k, v in node.pairs]
            texts.append(f"{self.key_text(key)}: {self.flow_scalar(value, self.key_style(path, key, node))}")
            return self.flow_pairs_edit(node, texts)
        first_key = node.pairs[0][0]
        col = self.column(first_key.props_start)
        ks = self.key_style(path, key, node)
        if style is not None and self.sibling_style(path, key) is None:
            ks = style
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and (
                ks.strings_only or ks.style not in ("'", '"')):
            ks = KeyStyle(style=self.date_quote())  # a new date takes the quoting this file gives its dates
        lines = self.entry_lines(key, value, col, ks)
        keys = [k.value for k, _ in node.pairs]
        if before is None or before not in keys:
            at = self.after_line(self.tight_end(node))
            return TextEdit(at, "", " " * col + self.nl.join(lines) + self.nl)
        target = node.pairs[keys.index(before)][0]
        return TextEdit(target.props_start, "", self.nl.join(lines) + self.nl + " " * col)

    def flow_pairs_edit(self, node: Node, texts: list[str]) -> TextEdit:
        pad = " " if self.text[node.start + 1 : node.start + 2] == " " and node.pairs else ""
        return TextEdit(node.start, self.text[node.start : node.end],
                        "{" + pad + ", ".join(texts) + pad + "}" if texts else "{}")

    def remove_key(self, path: Path, key: str) -> TextEdit:
        node = self.map_node(path)
        keys = [k.value for k, _ in node.pairs] if node is not None and node.kind == "map" else []
        if key not in keys:
            raise FieldPathError(f"no field {format_path((*path, key))}")
        i = keys.index(key)
        key_node, value_node = node.pairs[i]
        if node.flow:
            texts = [f"{self.item_source(k)}: {self.item_source(v)}" for j, (k, v) in enumerate(node.pairs)
                     if j != i]
            return self.flow_pairs_edit(node, texts)
        end = self.after_line(max(key_node.end, self.tight_end(value_node)))
        if self.starts_line(key_node.props_start):
            if len(node.pairs) == 1 and path:
                parent_key = self.parent_key(path)
                if parent_key is not None:
                    colon = self.colon_after(parent_key)
                    return TextEdit(colon + 1, self.text[colon + 1 : end], " {}" + self.nl)
            start = self.line_start(key_node.props_start)
            return TextEdit(start, self.text[start:end], "")
        # the first key of a list item (`- id: x`): the next key moves up beside the dash
        if i + 1 < len(node.pairs):
            nxt = node.pairs[i + 1][0].props_start
            return TextEdit(key_node.props_start, self.text[key_node.props_start : nxt], "")
        stop = self.line_end(max(key_node.end, self.tight_end(value_node)))
        return TextEdit(key_node.props_start, self.text[key_node.props_start : stop], "{}")


def file_date_quote(doc: ArticleDocument) -> str:
    """The quote this file gives its dates (`'`, `"`, or "" for none)."""
    return _Planner(doc).date_quote()


def list_shape(doc: ArticleDocument, path: Path | str) -> Shape:
    """What the items of the list at `path` share (key order, how each key is written); empty if none."""
    try:
        node = doc.node_at(path).resolved()
    except CorpusEditorError:
        return EMPTY_SHAPE
    return _Planner(doc).list_shape(node)


def list_key_style(doc: ArticleDocument, path: Path | str, key: str) -> KeyStyle:
    """How the items of the list at `path` write `key` (style, quote, fold width); empty if none does."""
    return list_shape(doc, path).key(key)


def file_fold(doc: ArticleDocument) -> int:
    """The width this file's folded blocks wrap at (UNWRAPPED when they never wrap)."""
    return _Planner(doc).style.fold


def arrange(value: Any, shape: Shape, key_order=None) -> Any:
    """A new value with its mappings' keys in the order of the siblings `shape` describes (nested
    mappings and lists of mappings like the same key of the siblings)."""
    if not isinstance(value, dict):
        return value
    ordered = shape.arrange(value, key_order) if shape.order or key_order else value
    out = {}
    for k, v in ordered.items():
        inner = shape.key(k).shape or EMPTY_SHAPE
        if isinstance(v, dict):
            v = arrange(v, inner)
        elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
            v = [arrange(x, inner) for x in v]
        out[k] = v
    return out
