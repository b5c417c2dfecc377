"""Edit operations on an ArticleDocument, each planned as one splice of the document text.

An operation never re-dumps YAML: it finds the source span of the value it changes and writes new
text there in the style that block already uses. The result is re-parsed and compared with what the
operation means (the edited value reads back as asked, nothing else changed) before it is accepted;
otherwise the edit is refused and the document is untouched. The applied splice is its own undo.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from editor.core.document import render
from editor.core.document.article import ArticleDocument, TextEdit
from editor.core.document.errors import ArticleError, EditError, FieldPathError
from editor.core.document.fieldpath import Path, format_path, parse_path
from editor.core.document.yamltree import Node, to_python

DEFAULT_WIDTH = 100


# -- operations ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Operation:
    """Base class. `plan` returns the splice that performs the operation, or None for no change."""

    def plan(self, doc: ArticleDocument) -> TextEdit | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

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
    """Insert `value` into the list at `path` before `index` (`None` or the length: append)."""

    path: Path | str
    index: int | None
    value: Any

    def plan(self, doc):
        return _Planner(doc).insert_item(parse_path(self.path), self.index, self.value)

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
    """Add `key: value` to the mapping at `path` (`()` for the front matter), before key `before`."""

    path: Path | str
    key: str
    value: Any
    before: str | None = None

    def plan(self, doc):
        return _Planner(doc).add_key(parse_path(self.path) if self.path != "" else (), self.key, self.value,
                                     self.before)

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


def set_path_value(path: Path | str, value: Any) -> Operation:
    """SetValue, or AddKey when the last key does not exist yet."""
    return _SetOrAdd(parse_path(path), value)


@dataclass(frozen=True)
class _SetOrAdd(Operation):
    path: Path
    value: Any

    def plan(self, doc):
        if doc.has(self.path) or isinstance(self.path[-1], int):
            return SetValue(self.path, self.value).plan(doc)
        return AddKey(self.path[:-1], self.path[-1], self.value).plan(doc)

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
    edit = op.plan(doc)
    if edit is None:
        return None
    if isinstance(op, ReplaceText):
        try:
            doc.replace_text(edit.apply(doc.text))
        except ArticleError:
            raise
        return AppliedEdit(op, edit, op.describe())
    new_doc = _checked(doc, op, edit)
    doc._adopt(new_doc)
    return AppliedEdit(op, edit, op.describe())


def _checked(doc: ArticleDocument, op: Operation, edit: TextEdit) -> ArticleDocument:
    try:
        new_doc = doc.with_text(edit.apply(doc.text))
    except ArticleError as exc:
        raise EditError(f"{op.describe()}: the edit would not parse ({exc.message}); nothing written",
                        doc.lines.line(edit.offset)) from None
    problem = _verify(doc, new_doc, op)
    if problem:
        raise EditError(f"{op.describe()}: {problem}; nothing written", doc.lines.line(edit.offset))
    return new_doc


def _verify(old: ArticleDocument, new: ArticleDocument, op: Operation) -> str | None:
    """Why the new document is not `op` applied to the old one, or None if it is."""
    if isinstance(op, _SetOrAdd):
        op = SetValue(op.path, op.value) if old.has(op.path) else AddKey(op.path[:-1], op.path[-1], op.value)
    if isinstance(op, SetValue):
        path = parse_path(op.path)
        target = old.node_at(path).resolved()
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

class _Planner:
    def __init__(self, doc: ArticleDocument):
        self.doc = doc
        self.text = doc.text
        self.nl = doc.newline

    # geometry ------------------------------------------------------------------------------
    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        """Index of the end of the line's content (before `\r\n` or `\n`)."""
        nl = self.text.find("\n", i)
        if nl < 0:
            return len(self.text)
        return nl - 1 if nl > 0 and self.text[nl - 1] == "\r" else nl

    def after_line(self, i: int) -> int:
        nl = self.text.find("\n", i)
        return len(self.text) if nl < 0 else nl + 1

    def column(self, i: int) -> int:
        return i - self.line_start(i)

    def starts_line(self, i: int) -> bool:
        return self.text[self.line_start(i) : i].strip(" ") == ""

    def tight_end(self, node: Node) -> int:
        if node.kind == "scalar":
            if node.style in (">", "|"):
                j = node.end
                while j > node.start and self.text[j - 1] in " \t\r\n":
                    j -= 1
                return j
            return node.end
        if node.kind == "alias" or node.flow:
            return node.end
        ends = [node.start]
        if node.kind == "seq" and node.items:
            ends.append(self.tight_end(node.items[-1]))
        if node.kind == "map" and node.pairs:
            key, value = node.pairs[-1]
            ends += [key.end, self.tight_end(value)]
        return max(ends)

    def dash_of(self, item: Node) -> int:
        dash = self.text.rfind("-", 0, item.props_start)
        gap = self.text[dash + 1 : item.props_start] if dash >= 0 else "x"
        if any(line.strip() and not line.strip().startswith("#") for line in gap.split("\n")):
            raise EditError("cannot find the '-' of a list item", self.doc.lines.line(item.start))
        return dash

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
        seq_offsets: list[int] = []
        map_offsets: list[int] = []
        stack = [self.doc.root] if self.doc.root is not None else []
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen or node.kind in ("scalar", "alias") or node.flow:
                continue
            seen.add(id(node))
            stack.extend(node.items)
            for key, value in node.pairs:
                stack.append(value)
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
        return max(seq, 0), max(mapping, 1)

    def width(self, node: Node | None = None) -> int:
        if node is not None and node.kind == "scalar" and node.style == ">":
            own = render.folded_width(self.block_lines(node)[1])
            if own:
                return own
        widths = []
        for other in self.all_scalars():
            if other.style == ">":
                found = render.folded_width(self.block_lines(other)[1])
                if found:
                    widths.append(found)
        return max(widths) if widths else DEFAULT_WIDTH

    def all_scalars(self):
        stack = [self.doc.root] if self.doc.root is not None else []
        seen = set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen or node.kind == "alias":
                continue
            seen.add(id(node))
            if node.kind == "scalar":
                yield node
            stack.extend(node.items)
            stack.extend(v for _, v in node.pairs)

    def block_lines(self, node: Node) -> tuple[int, list[str], int]:
        """For a block scalar: (content start, full content lines with indentation, content end)."""
        content_start = self.after_line(node.start)
        tight = self.tight_end(node)
        if tight <= self.line_end(node.start):
            return content_start, [], content_start
        content_end = self.line_end(tight)
        chunk = self.text[content_start:content_end]
        return content_start, [line.rstrip("\r") for line in chunk.split("\n")], content_end

    def style_hints(self, seq: Node | None) -> dict[str, str]:
        """Per key, the scalar style siblings in a list of maps use (so a new fact's statement is `>-`)."""
        hints: dict[str, str] = {}
        if seq is None or seq.kind != "seq":
            return hints
        for item in seq.items:
            item = item.resolved()
            if item.kind != "map":
                continue
            for key, value in item.pairs:
                value = value.resolved()
                if value.kind == "scalar" and key.value not in hints:
                    hints[key.value] = value.style
        return hints

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

    # rendering new values ----------------------------------------------------------------------
    def scalar_text(self, value: Any, style: str, flow: bool = False) -> str:
        if isinstance(value, dt.date) and style not in ("'", '"', ""):
            style = ""
        return render.inline_scalar(value, style if style in ("", "'", '"') else "", flow)[0]

    def key_text(self, key: Any) -> str:
        return render.inline_scalar(key, "")[0] if isinstance(key, str) else render.canonical(key)

    def entry_lines(self, key: Any, value: Any, col: int, hints: dict[str, str]) -> list[str]:
        """`key: value` as lines; the first without indentation, the rest indented absolutely."""
        seq_off, map_off = self.offsets()
        head = f"{self.key_text(key)}:"
        if isinstance(value, dict):
            if not value:
                return [head + " {}"]
            lines = [head]
            for k, v in value.items():
                sub = self.entry_lines(k, v, col + map_off, {})
                lines.append(" " * (col + map_off) + sub[0])
                lines.extend(sub[1:])
            return lines
        if isinstance(value, list | tuple):
            if not value:
                return [head + " []"]
            lines = [head]
            for item in value:
                sub = self.item_lines(item, col + seq_off, {})
                lines.append(" " * (col + seq_off) + sub[0])
                lines.extend(sub[1:])
            return lines
        style = hints.get(str(key), "")
        if isinstance(value, str) and style in (">", "|"):
            block = self.block_text(value, style, col + map_off)
            if block is not None:
                return [f"{head} {block[0]}", *block[1]]
        return [f"{head} {self.scalar_text(value, style)}"]

    def item_lines(self, value: Any, dash_col: int, hints: dict[str, str], gap: int = 2) -> list[str]:
        """`- value` as lines; the first without indentation, the rest indented absolutely.

        `gap` is how far the item's content sits right of its dash (`- id:` 2, `-   id:` 4).
        """
        if isinstance(value, dict):
            if not value:
                return ["- {}"]
            lines: list[str] = []
            dash = "-" + " " * (gap - 1)
            for i, (k, v) in enumerate(value.items()):
                sub = self.entry_lines(k, v, dash_col + gap, hints)
                lines.append((dash if i == 0 else " " * (dash_col + gap)) + sub[0])
                lines.extend(sub[1:])
            return lines
        if isinstance(value, list | tuple):
            if not value:
                return ["- []"]
            lines = ["-"]
            for item in value:
                sub = self.item_lines(item, dash_col + 2, {})
                lines.append(" " * (dash_col + 2) + sub[0])
                lines.extend(sub[1:])
            return lines
        style = hints.get("", "")
        if isinstance(value, str) and style in (">", "|"):
            block = self.block_text(value, style, dash_col + 2)
            if block is not None:
                return [f"- {block[0]}", *block[1]]
        return [f"- {self.scalar_text(value, style)}"]

    def block_text(self, value: str, style: str, indent: int, old_lines: list[str] | None = None,
                   header_rest: str = "", digit: str = "", width: int | None = None):
        """(header, indented content lines) for a block scalar, or None if the style cannot hold it."""
        chomp = render.chomping_for(value)
        if chomp is None or (chomp == "" and value == "\n"):
            return None
        core = value[:-1] if chomp == "" else value
        if style == ">":
            lines = render.folded_lines(core, max((width or self.width()) - indent, 20), old_lines or [])
        else:
            lines = render.literal_lines(core)
        if lines is None:
            return None
        header = style + digit + chomp + header_rest
        return header, [(" " * indent + line) if line else "" for line in lines]

    # the operations ----------------------------------------------------------------------------
    def set_value(self, path: Path, value: Any) -> TextEdit | None:
        node = self.doc.node_at(path)
        if node.kind == "alias":
            raise EditError(f"{format_path(path)} is an alias (*{node.anchor}); edit the anchored value "
                            f"at line {self.doc.lines.line(node.target.start)}", self.doc.lines.line(node.start))
        current = self.doc.get(path)
        if strict_equal(current, value) or (node.kind == "scalar" and node.style in ("'", '"')
                                            and not isinstance(value, str) and loose_equal(current, value)):
            return None
        if isinstance(value, dict | list | tuple) or node.kind != "scalar":
            return self.replace_with_value(path, node, value)
        flow = self.in_flow(path)
        if node.style in (">", "|"):
            edit = self.set_block_scalar(node, value)
            if edit is not None:
                return edit
            start, end = node.start, self.line_end(self.tight_end(node))
            return TextEdit(start, self.text[start:end], self.scalar_text(value, '"' if isinstance(value, str) else ""))
        new = self.scalar_text(value, node.style, flow)
        if node.start == node.end and self.text[node.start - 1 : node.start] in (":", "-"):
            new = " " + new
        return TextEdit(node.start, self.text[node.start : node.end], new)

    def set_block_scalar(self, node: Node, value: Any) -> TextEdit | None:
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
        block = self.block_text(value, indicator, indent, [line[indent:] for line in lines], rest, digit,
                                self.width(node))
        if block is None:
            return None
        header, new_lines = block
        new = self.nl.join([header, *new_lines])
        end = content_end if lines else header_end
        return TextEdit(node.start, self.text[node.start : end], new)

    def replace_with_value(self, path: Path, node: Node, value: Any) -> TextEdit:
        """Replace a whole value (scalar by collection or the reverse), as block text after its key."""
        key = self.parent_key(path)
        if key is None or self.in_flow(path):
            raise EditError(f"cannot replace {format_path(path)} with a list or mapping here",
                            self.doc.lines.line(node.start))
        colon = self.colon_after(key)
        col = self.column(key.props_start)
        lines = self.entry_lines(path[-1], value, col, {})
        end = self.line_end(self.tight_end(node.resolved() if node.kind == "alias" else node))
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
            sub = self.item_lines(value, dash_col, self.style_hints(node))
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
            texts.insert(index, self.flow_text(value))
            return self.flow_items_edit(node, texts)
        hints = self.style_hints(node)
        if not isinstance(value, dict) and node.items and node.items[0].kind == "scalar":
            hints = {"": node.items[0].style}
        first_dash = self.dash_of(node.items[0])
        dash_col = self.column(first_dash)
        model = node.items[min(index, count - 1)]  # the neighbour whose layout the new item copies
        model_dash = self.dash_of(model)
        gap = model.props_start - model_dash if self.line_start(model.props_start) == self.line_start(model_dash) else 2
        sub = self.item_lines(value, dash_col, hints, max(gap, 2) if isinstance(value, dict) else 2)
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

    def flow_text(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.key_text(k)}: {self.flow_text(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.flow_text(v) for v in value) + "]"
        return self.scalar_text(value, "", flow=True)

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

    def add_key(self, path: Path, key: str, value: Any, before: str | None) -> TextEdit:
        node = self.map_node(path)
        if node is not None and node.kind == "map" and any(k.value == key for k, _ in node.pairs):
            raise EditError(f"{format_path((*path, key))} already exists", self.doc.lines.line(node.start))
        if node is None:  # empty front matter
            lines = self.entry_lines(key, value, 0, {})
            at = self.doc.source.fm_start
            return TextEdit(at, "", self.nl.join(lines) + self.nl)
        if node.kind == "scalar":  # `key:` with no value yet: becomes a block mapping
            return self.replace_with_value(path, node, {key: value})
        if node.flow:
            if isinstance(value, dict | list | tuple) and value:
                raise EditError(f"cannot add a list or mapping inside the flow mapping {format_path(path)}",
                                self.doc.lines.line(node.start))
            texts = [f"{self.item_source(k)}: {self.item_source(v)}" for k, v in node.pairs]
            texts.append(f"{self.key_text(key)}: {self.flow_text(value)}")
            return self.flow_pairs_edit(node, texts)
        first_key = node.pairs[0][0]
        col = self.column(first_key.props_start)
        hints = {}
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            hints[key] = self.date_quote()  # a new date takes the quoting this file gives its dates
        lines = self.entry_lines(key, value, col, hints)
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
