"""Where a document's text is, and how the file writes things: learned from the file itself.

`Geometry` answers questions about positions in the text (line starts and ends, columns, where a
list item's `-` is, the content lines of a block scalar). `FileStyle` reads, once per edit, the
habits of the file: the quote it prefers for strings that must be quoted, the width its folded
blocks wrap at (or that they never wrap), and for each list the `Shape` its items share: key order,
per-key scalar style, folding and indentation, so a new item can be written like its siblings.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from editor.core.document import render
from editor.core.document.errors import EditError
from editor.core.document.yamltree import Node

DEFAULT_WIDTH = 100
UNWRAPPED = sys.maxsize  # a folded block written one line per paragraph, whatever its length


class Geometry:
    """Positions in a document's text (`doc.text`), shared by the planner and the style reader."""

    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        self.nl = doc.newline

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

    def block_lines(self, node: Node) -> tuple[int, list[str], int]:
        """For a block scalar: (content start, full content lines with indentation, content end)."""
        content_start = self.after_line(node.start)
        tight = self.tight_end(node)
        if tight <= self.line_end(node.start):
            return content_start, [], content_start
        content_end = self.line_end(tight)
        chunk = self.text[content_start:content_end]
        return content_start, [line.rstrip("\r") for line in chunk.split("\n")], content_end

    def all_nodes(self):
        """Every node of the front matter once (aliases not followed), in no particular order."""
        stack = [self.doc.root] if self.doc.root is not None else []
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen or node.kind == "alias":
                continue
            seen.add(id(node))
            yield node
            stack.extend(node.items)
            for k, v in node.pairs:
                stack.append(k)
                stack.append(v)

    def all_scalars(self):
        return (node for node in self.all_nodes() if node.kind == "scalar")

    # folding ------------------------------------------------------------------------------------
    def fold_of(self, nodes) -> int | None:
        """How folded blocks `nodes` are written: the width they wrap at (full lines, indentation
        included), UNWRAPPED when every one keeps each paragraph on one line, None with no block."""
        widths: list[int] = []
        seen = False
        for node in nodes:
            if node.kind != "scalar" or node.style != ">":
                continue
            seen = True
            found = render.folded_width(self.block_lines(node)[1])
            if found:
                widths.append(found)
        if widths:
            return max(widths)
        return UNWRAPPED if seen else None


def _majority(counter: Counter, default: Any = None) -> Any:
    """The most common value; a tie goes to the value seen first."""
    if not counter:
        return default
    best = max(counter.values())
    return next(value for value, count in counter.items() if count == best)


def merge_orders(orders: list[list[str]]) -> list[str]:
    """One key order agreeing with every sibling's as far as they agree with each other."""
    merged: list[str] = []
    for keys in orders:
        for i, key in enumerate(keys):
            if key in merged:
                continue
            prev = next((p for p in reversed(keys[:i]) if p in merged), None)
            merged.insert(merged.index(prev) + 1 if prev is not None else 0, key)
    return merged


@dataclass
class KeyStyle:
    """How the siblings write one key's value."""

    style: str = ""  # the most common scalar style: "", "'", '"', ">", "|"
    quote: str | None = None  # the quote the siblings use for this key when they quote it
    fold: int | None = None  # folded values: their wrap width, or UNWRAPPED
    flow: bool = False  # collections written [..] / {..}
    offset: int | None = None  # block collections: column of the first `-` or key minus the key's
    shape: Shape | None = None  # the shape of the collection values' items (a map value: itself)
    strings_only: bool = False  # learned from other keys' strings: a number or a date is not quoted for it


@dataclass
class Shape:
    """What the items of a list (or a set of sibling mappings) have in common."""

    order: list[str] = field(default_factory=list)
    keys: dict[str, KeyStyle] = field(default_factory=dict)
    item: KeyStyle = field(default_factory=KeyStyle)  # scalar items of a list of scalars
    gap: int | None = None  # columns from an item's `-` to its content (`- id` 2, `-   id` 4)

    def key(self, name: Any) -> KeyStyle:
        return self.keys.get(str(name)) or KeyStyle()

    def arrange(self, value: dict, key_order: tuple | list | None = None) -> dict:
        """`value` with its keys in the siblings' order; keys they lack after, in `key_order`."""
        known = [k for k in self.order if k in value]
        rest = [k for k in value if k not in self.order]
        if key_order:
            rank = {name: i for i, name in enumerate(key_order)}
            rest.sort(key=lambda k: rank.get(str(k), len(rank)))
        return {k: value[k] for k in [*known, *rest]}


EMPTY_SHAPE = Shape()


class FileStyle:
    """The habits of one file, read lazily from its node tree."""

    def __init__(self, geometry: Geometry):
        self.geo = geometry
        self._quote: str | None = None
        self._fold: int | bool | None = False

    @property
    def quote(self) -> str:
        """The quote the file uses most for strings (a tie, or no quoted string: single)."""
        if self._quote is None:
            counts = Counter(node.style for node in self.geo.all_scalars() if node.style in ("'", '"'))
            self._quote = '"' if counts['"'] > counts["'"] else "'"
        return self._quote

    @property
    def fold(self) -> int:
        """The width the file's folded blocks wrap at; UNWRAPPED when they never wrap."""
        if self._fold is False:
            self._fold = self.geo.fold_of(self.geo.all_scalars())
        return DEFAULT_WIDTH if self._fold is None else self._fold

    def quote_of(self, nodes) -> str | None:
        counts = Counter(node.style for node in nodes if node.kind == "scalar" and node.style in ("'", '"'))
        return _majority(counts)

    def shape(self, items: list[Node]) -> Shape:
        """The shape shared by `items` (list items, or sibling mappings)."""
        geo = self.geo
        shape = Shape()
        items = [item.resolved() for item in items]
        scalars = [item for item in items if item.kind == "scalar"]
        if scalars:
            shape.item = self.key_style(scalars, [])
        gaps: Counter = Counter()
        orders: list[list[str]] = []
        values: dict[str, list[Node]] = {}
        keys_at: dict[str, list[Node]] = {}
        for item in items:
            if item.kind != "map":
                continue
            if item.pairs and not item.flow:
                first = item.pairs[0][0]
                try:
                    dash = geo.dash_of(item)
                except EditError:
                    dash = None
                if dash is not None and geo.line_start(dash) == geo.line_start(first.props_start):
                    gaps[first.props_start - dash] += 1
            order = []
            for key, value in item.pairs:
                name = str(key.resolved().value)
                order.append(name)
                values.setdefault(name, []).append(value.resolved())
                keys_at.setdefault(name, []).append(key)
            orders.append(order)
        shape.gap = _majority(gaps)
        shape.order = merge_orders(orders)
        for name, nodes in values.items():
            shape.keys[name] = self.key_style(nodes, keys_at[name])
        return shape

    def key_style(self, nodes: list[Node], keys: list[Node]) -> KeyStyle:
        geo = self.geo
        out = KeyStyle()
        scalars = [n for n in nodes if n.kind == "scalar"]
        if scalars:
            out.style = _majority(Counter(n.style for n in scalars), "")
            out.quote = self.quote_of(scalars)
            out.fold = geo.fold_of(scalars)
        collections = [n for n in nodes if n.kind in ("seq", "map")]
        if collections:
            out.flow = Counter(n.flow for n in collections).most_common(1)[0][0]
            offsets: Counter = Counter()
            children: list[Node] = []
            for key, node in zip(keys, nodes, strict=False):
                if node.kind not in ("seq", "map"):
                    continue
                children.extend(node.items if node.kind == "seq" else [node])
                if node.flow or not (node.items or node.pairs):
                    continue
                try:
                    start = geo.dash_of(node.items[0]) if node.kind == "seq" else node.pairs[0][0].props_start
                except EditError:
                    continue
                if node.kind == "map" and not geo.starts_line(start):
                    continue
                offsets[geo.column(start) - geo.column(key.props_start)] += 1
            out.offset = _majority(offsets)
            out.shape = self.shape(children)
        return out
