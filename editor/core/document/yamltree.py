"""A YAML node tree with exact source positions, built from libyaml's event stream.

PyYAML's C parser (libyaml) gives every event a start and end index in characters; this module turns
the events into `Node`s that remember where their text is, so an edit can splice the source instead of
re-dumping it. Values are resolved with the YAML 1.2 core schema plus timestamps (what ruamel.yaml
reads by default): `yes`/`no`/`on` stay strings. Tags outside the core schema are refused, never
constructed, and alias expansion is bounded so an alias bomb costs nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import yaml

from editor.core.document.errors import ArticleError

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing: the pure-Python parser gives the same marks
    _Loader = yaml.SafeLoader

MAX_EXPANDED_NODES = 100_000

_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_SeqStart, _SeqEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MapStart, _MapEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_DocStart = yaml.DocumentStartEvent
MAX_DEPTH = 200

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    "!", _CORE + "str", _CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null",
    _CORE + "timestamp", _CORE + "map", _CORE + "seq",
}

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$"
)


_NO_ITEMS: list = []  # shared by scalars and aliases, never appended to

# Python refuses to convert more decimal digits than this between text and int (its time is quadratic).
MAX_INT_DIGITS = 4300


class LongInteger(str):
    """A plain integer too long to convert safely (more than MAX_INT_DIGITS digits): kept as its text.

    It reads, prints and compares as the digits written in the file; `int()` is never called on it.
    """

    __slots__ = ()


# a dump of front matter values (the form's YAML boxes) writes it back as the plain integer it was
yaml.SafeDumper.add_representer(
    LongInteger, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int", str(value)))


def _integer(digits: str, base: int = 10) -> int | LongInteger:
    """int(digits) when that is cheap and printable, else the text as a LongInteger."""
    if base == 10:
        if len(digits) - (digits[:1] in "+-") > MAX_INT_DIGITS:
            return LongInteger(digits)
        return int(digits)
    value = int(digits, base)  # linear for powers of two; printed in decimal it may be too long
    return LongInteger(digits) if value.bit_length() > MAX_INT_DIGITS * 3 else value


def parse_integer(text: str) -> int | LongInteger:
    """A decimal integer of any length from text (a LongInteger past MAX_INT_DIGITS); ValueError if
    `text` is not one."""
    if _INT.match(text):
        return _integer(text)
    return int(text)


class Node:
    """One YAML node. Indices are into the whole file's text."""

    __slots__ = ("anchor", "end", "flow", "items", "kind", "pairs", "props_start", "start", "style", "tag",
                 "target", "value")

    def __init__(self, kind: str, props_start: int, start: int, end: int):
        self.kind = kind  # "scalar", "map", "seq" or "alias"
        self.props_start = props_start  # where the node's text begins, anchor and tag included
        self.start = start  # where its content begins (after `&anchor !tag`)
        self.end = end
        self.style = ""  # scalar: "", "'", '"', ">", "|"
        self.flow = False  # collection written as [..] / {..}
        self.value = ""  # scalar source value (already unescaped by the parser)
        self.tag: str | None = None  # explicit tag, if any
        self.anchor: str | None = None
        self.items: list[Node] = _NO_ITEMS  # a fresh list for sequences
        self.pairs: list[tuple[Node, Node]] = _NO_ITEMS  # a fresh list for mappings
        self.target: Node | None = None  # alias: the anchored node

    def resolved(self) -> Node:
        return self.target if self.kind == "alias" and self.target is not None else self

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Node {self.kind} {self.style or ''} {self.start}:{self.end}>"


def _skip_properties(text: str, i: int, end: int) -> int:
    """Move past `&anchor` / `!tag` properties (and the space or comments after them)."""
    n = min(len(text), end) if end > i else len(text)
    while i < n and text[i] in "&!":
        while i < n and text[i] not in " \t\r\n":
            i += 1
        while i < n:
            if text[i] in " \t\r\n":
                i += 1
            elif text[i] == "#":
                while i < n and text[i] != "\n":
                    i += 1
            else:
                break
    return i


def parse_tree(text: str, start: int, end: int, line_of) -> Node | None:
    """Parse text[start:end] as one YAML document; return the root node, or None for an empty one."""
    source = text[start:end]
    anchors: dict[str, Node] = {}
    stack: list[Node] = []
    pending_key: list[Node | None] = []
    root: Node | None = None

    def fail(message: str, index: int, code: str = "yaml-error"):
        raise ArticleError(message, line=line_of(start + index), code=code)

    def attach(node: Node, index: int) -> None:
        nonlocal root
        if not stack:
            if root is not None:
                fail("more than one YAML document in the front matter", index)
            root = node
            return
        parent = stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
        elif pending_key[-1] is None:
            if node.kind != "scalar" and node.resolved().kind != "scalar":
                fail("complex mapping keys are not supported", index)
            pending_key[-1] = node
        else:
            parent.pairs.append((pending_key[-1], node))
            pending_key[-1] = None

    has_alias = False
    try:
        loader = _Loader(source)
        try:
            while True:
                ev = loader.get_event()
                if ev is None:
                    break
                cls = ev.__class__
                if cls is _ScalarEvent:
                    s, e = ev.start_mark.index, ev.end_mark.index
                    content = _skip_properties(source, s, e) if source[s : s + 1] in ("&", "!") else s
                    node = Node("scalar", start + s, start + content, start + e)
                    node.style = ev.style or ""
                    node.value = ev.value
                    if (ev.tag is not None and not (ev.implicit[0] or ev.implicit[1])) or ev.tag == "!":
                        node.tag = ev.tag
                elif cls is _SeqStart or cls is _MapStart:
                    s, e = ev.start_mark.index, ev.end_mark.index
                    content = _skip_properties(source, s, len(source)) if source[s : s + 1] in ("&", "!") else s
                    node = Node("seq" if cls is _SeqStart else "map", start + s, start + content, start + e)
                    if cls is _SeqStart:
                        node.items = []
                    else:
                        node.pairs = []
                    node.flow = bool(ev.flow_style)
                    if ev.tag is not None and not ev.implicit:
                        node.tag = ev.tag
                elif cls is _SeqEnd or cls is _MapEnd:
                    closed = stack.pop()
                    pending_key.pop()
                    closed.end = start + ev.end_mark.index
                    continue
                elif cls is _AliasEvent:
                    s, e = ev.start_mark.index, ev.end_mark.index
                    target = anchors.get(ev.anchor)
                    if target is None:
                        fail(f"alias *{ev.anchor} names no anchor", s)
                    if any(open_node is target for open_node in stack):
                        fail(f"alias *{ev.anchor} refers to its own enclosing node", s)
                    node = Node("alias", start + s, start + s, start + e)
                    node.target = target
                    node.anchor = ev.anchor
                    has_alias = True
                    attach(node, s)
                    continue
                elif cls is _DocStart:
                    if root is not None:
                        fail("more than one YAML document in the front matter", ev.start_mark.index)
                    continue
                else:  # stream start/end, document end
                    continue
                if node.tag is not None and node.tag not in _ALLOWED_TAGS:
                    fail(f"tag {node.tag} is not allowed in an article (tags are never constructed)", s,
                         code="unsupported-tag")
                if ev.anchor:
                    node.anchor = ev.anchor
                    anchors[ev.anchor] = node
                if stack:  # attach (inlined: this loop runs for every node of every article)
                    parent = stack[-1]
                    if parent.kind == "seq":
                        parent.items.append(node)
                    elif pending_key[-1] is None:
                        if node.kind != "scalar":
                            fail("complex mapping keys are not supported", s)
                        pending_key[-1] = node
                    else:
                        parent.pairs.append((pending_key[-1], node))
                        pending_key[-1] = None
                else:
                    attach(node, s)
                if node.kind != "scalar":
                    if len(stack) >= MAX_DEPTH:
                        fail(f"nesting deeper than {MAX_DEPTH} levels", s)
                    stack.append(node)
                    pending_key.append(None)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and mark is not None and mark.index >= len(source.rstrip()):
            mark = exc.context_mark  # "unexpected end of stream": point at where the construct began
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        line = line_of(start + min(mark.index, len(source))) if mark is not None else None
        raise ArticleError(f"malformed YAML: {message}", line=line, code="yaml-error") from None
    except yaml.YAMLError as exc:
        raise ArticleError(f"malformed YAML: {exc}", line=line_of(start), code="yaml-error") from None
    if root is not None and has_alias:
        _check_expansion(root, line_of)
    return root


def _check_expansion(root: Node, line_of) -> None:
    """Refuse documents whose aliases expand to more nodes than any article has (alias bombs)."""
    sizes: dict[int, int] = {}
    order: list[Node] = []
    # post-order in document order: an anchor is always complete before any alias to it is reached
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded or node.kind in ("scalar", "alias"):
            order.append(node)
            continue
        stack.append((node, True))
        children = [n for pair in node.pairs for n in pair] + node.items
        stack.extend((child, False) for child in reversed(children))
    for node in order:
        if id(node) in sizes:
            continue
        if node.kind == "alias":
            size = sizes.get(id(node.target), 1)
        else:
            size = 1 + sum(sizes.get(id(n), 1) for n in node.items)
            size += sum(sizes.get(id(k), 1) + sizes.get(id(v), 1) for k, v in node.pairs)
        sizes[id(node)] = size
        if size > MAX_EXPANDED_NODES:
            raise ArticleError(
                f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?); refused",
                line=line_of(node.start), code="alias-bomb")


_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")


def resolve_plain(value: str) -> Any:
    """The Python value of a plain (unquoted) scalar."""
    if value and value[0] not in _MAYBE_NOT_TEXT:
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    first = value[0]
    if first in "0123456789+-.":
        if _INT.match(value):
            return _integer(value)
        if _FLOAT.match(value):
            return float(value)
        if _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        if _DATETIME.match(value):
            parsed = _parse_datetime(value)
            return value if parsed is None else parsed
        if _INT_OCT.match(value):
            value_int = _integer(value[2:], 8)
            return LongInteger(value) if isinstance(value_int, LongInteger) else value_int
        if _INT_HEX.match(value):
            value_int = _integer(value[2:], 16)
            return LongInteger(value) if isinstance(value_int, LongInteger) else value_int
        if _INF.match(value):
            return -math.inf if first == "-" else math.inf
        if _NAN.match(value):
            return math.nan
    return value


def _parse_datetime(value: str) -> dt.datetime | None:
    text = re.sub(r"[ \t]+", " ", value.strip())
    text = text.replace("t", "T").replace(" ", "T", 1) if "T" not in text and "t" in text else text
    text = re.sub(r"[ \t]*Z$", "+00:00", text)
    text = re.sub(r"[ \t]+([-+])", r"\1", text)
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _tagged_scalar(node: Node, line: int) -> Any:
    tag, value = node.tag, node.value
    if tag in ("!", _CORE + "str"):
        return value
    resolved = resolve_plain(value)
    expected = {
        _CORE + "int": int, _CORE + "float": float, _CORE + "bool": bool,
        _CORE + "null": type(None), _CORE + "timestamp": (dt.date, dt.datetime),
    }.get(tag)
    if tag == _CORE + "float" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if tag == _CORE + "int" and isinstance(resolved, LongInteger):
        return resolved
    if expected is None or not isinstance(resolved, expected) or (expected is int and isinstance(resolved, bool)):
        raise ArticleError(f"value {value!r} does not match its tag {tag}", line=line, code="bad-tag-value")
    return resolved


def scalar_value(node: Node, line_of=lambda i: None) -> Any:
    if node.tag is not None:
        return _tagged_scalar(node, line_of(node.start))
    if node.style:
        return node.value
    return resolve_plain(node.value)


def to_python(root: Node | None, line_of, overrides: dict[int, Any] | None = None) -> Any:
    """Plain Python values (dict, list, str, int, float, bool, None, date, datetime).

    Aliases share the object of their anchor, so memory stays linear in the text. `overrides` maps
    `id(node)` to the value to use for that node (what an edit is expected to produce).
    """
    if root is None:
        return None
    memo: dict[int, Any] = dict(overrides or {})

    def convert(node: Node) -> Any:
        if memo and id(node) in memo:  # an override may name an alias occurrence itself
            return memo[id(node)]
        if node.kind == "alias":
            node = node.target
            if memo and id(node) in memo:
                return memo[id(node)]
        kind = node.kind
        if kind == "scalar":
            if node.tag is None:
                return node.value if node.style else resolve_plain(node.value)
            return _tagged_scalar(node, line_of(node.start))
        if kind == "seq":
            result: Any = []
            if node.anchor:
                memo[id(node)] = result
            result.extend(convert(item) for item in node.items)
            return result
        result = {}
        if node.anchor:
            memo[id(node)] = result
        for key_node, value_node in node.pairs:
            k = convert(key_node)
            try:
                hash(k)
            except TypeError:
                raise ArticleError("complex mapping keys are not supported",
                                   line=line_of(key_node.start)) from None
            if k in result:
                raise ArticleError(f"duplicate key {k!r}", line=line_of(key_node.start), code="duplicate-key")
            result[k] = convert(value_node)
        return result

    return convert(root)
