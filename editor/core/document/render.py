"""Writing values as YAML text in a given style: the smallest change that reads back right.

Each function returns text only; the document re-parses every edit and checks the value it reads
back, so a style that cannot hold a value (a folded block for text with leading spaces...) is
replaced by the next safer one rather than written wrong.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from typing import Any

from editor.core.document.yamltree import resolve_plain

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = set(",[]{}")
_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
    "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e", "\x85": "\\N", "\xa0": "\\_",
    "\u2028": "\\L", "\u2029": "\\P",
}
_BLOCK_HEADER = re.compile(r"([>|])([1-9]?)([+-]?)([1-9]?)")
# Plain words that some common YAML reader (1.1: PyYAML, Ruby, go-yaml v2, most static-site generators;
# or 1.2) takes for something other than a string, in any letter case: such text is always quoted.
_OTHER_READERS = re.compile(r"""^(?:
    y|n|yes|no|true|false|on|off|~|null|=|<<
  | [-+]?0b[0-1_]+
  | [-+]?0o?[0-7_]+
  | [-+]?(?:0|[1-9][0-9_]*)
  | [-+]?0x[0-9a-f_]+
  | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
  | [-+]?[0-9][0-9_]*\.[0-9_]*(?:e[-+]?[0-9]+)?
  | [-+]?\.[0-9_]+(?:e[-+]?[0-9]+)?
  | [-+]?[0-9][0-9_]*e[-+]?[0-9]+
  | [-+]?\.(?:inf|nan)
  | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}
    (?:(?:t|[\ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[\ \t]*(?:z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?
)$""", re.X | re.I)


def read_otherwise(text: str) -> bool:
    """Would some common YAML 1.1 or 1.2 reader resolve the plain `text` as a non-string (or a merge key)?"""
    return bool(_OTHER_READERS.match(text))


def printable(ch: str) -> bool:
    o = ord(ch)
    if ch in "\t\n\r":
        return True
    if o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or o in (0xFEFF, 0x2028, 0x2029):
        return False
    return not (0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF))


def plain_ok(text: str, flow: bool = False) -> bool:
    """Can `text` be written unquoted and still read back as this very string?"""
    if not text or text != text.strip(" \t") or text[0] in _INDICATORS:
        return False
    if text.startswith(("---", "...")):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if any(ch in "\n\r" or not printable(ch) for ch in text):
        return False
    if flow and any(ch in _FLOW_CHARS for ch in text):
        return False
    if read_otherwise(text):
        return False
    return resolve_plain(text) == text and isinstance(resolve_plain(text), str)


def single_ok(text: str) -> bool:
    return all(printable(ch) and ch not in "\n\r\t" for ch in text)


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not printable(ch):
            o = ord(ch)
            out.append(f"\\x{o:02X}" if o <= 0xFF else f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def canonical(value: Any) -> str:
    """The plain text of a non-string scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if "." not in mantissa:  # `1.0e+16`, never `1e+16`: YAML 1.1 readers need the dot
            mantissa += ".0"
        return mantissa + e + exponent
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not a scalar: {type(value).__name__}")


def inline_scalar(value: Any, style: str = "", flow: bool = False, prefer: str = "'") -> tuple[str, Any]:
    """Text for a scalar on one line, preferring `style` ('', "'", '"'); returns (text, value read back).

    A string that cannot stay plain is quoted with `prefer` (the file's own quote) where that quote can
    hold it. A non-string value keeps a quoted style as the file's own quoting (a quoted date stays
    quoted, and then reads back as its ISO string).
    """
    if not isinstance(value, str):
        text = canonical(value)
        if value is None:
            return text, None  # null has no quoted form: quotes would make it the word "null"
        if style == "'":
            return single_quoted(text), text
        if style == '"':
            return double_quoted(text), text
        return text, value
    if style == "'" and single_ok(value):
        return single_quoted(value), value
    if style == '"':
        return double_quoted(value), value
    if style == "" and plain_ok(value, flow):
        return value, value
    if prefer == '"':
        return double_quoted(value), value
    if single_ok(value) and "'" not in value:
        return single_quoted(value), value
    return double_quoted(value), value


# -- block scalars --------------------------------------------------------------------------------

def parse_block_header(header: str) -> tuple[str, str, str, str]:
    """Split `>-2 # comment` into (indicator, indent digit, chomping, rest of the line)."""
    m = _BLOCK_HEADER.match(header)
    if not m:
        return header[:1], "", "", header[1:]
    digit = m.group(2) or m.group(4)
    return m.group(1), digit, m.group(3), header[m.end():]


def chomping_for(value: str) -> str | None:
    """The chomping indicator that gives `value`'s trailing newlines, or None if none can."""
    trailing = len(value) - len(value.rstrip("\n"))
    if trailing == 0:
        return "-"
    if trailing == 1:
        return ""
    return None


def _break_points(piece: str) -> list[int]:
    return [i for i in range(1, len(piece) - 1)
            if piece[i] == " " and piece[i - 1] != " " and piece[i + 1] != " "]


def _joins(text: str, at: int) -> bool:
    """Is text[at] a single space between two words (a place a folded line may break)?"""
    return 0 < at < len(text) - 1 and text[at] == " " and text[at - 1] != " " and text[at + 1] != " "


def _wrap(piece: str, width: int, old_lines: list[str]) -> list[str]:
    """Greedy wrap at single spaces, keeping the old lines that still start or end the text; the last
    kept opening line is filled up when the text goes on after it (an appended phrase joins it)."""
    head: list[str] = []
    rest = piece
    i = 0
    while i < len(old_lines):
        old = old_lines[i]
        if rest == old:
            return [*head, old]
        if old and rest.startswith(old) and _joins(rest, len(old)):
            head.append(old)
            rest = rest[len(old) + 1 :]
            i += 1
        else:
            break
    tail: list[str] = []
    j = len(old_lines)
    while j > i + 1:  # one old line at least is filled again with the changed text
        old = old_lines[j - 1]
        cut = len(rest) - len(old) - 1
        if not old or not rest.endswith(old) or not _joins(rest, cut):
            break
        tail.insert(0, old)
        rest = rest[:cut]
        j -= 1
    if head and not tail:
        rest = head.pop() + " " + rest
    if not rest:
        return [*head, *tail]
    lines = list(head)
    points = _break_points(rest)
    start = 0
    while True:
        if len(rest) - start <= width:
            lines.append(rest[start:])
            return [*lines, *tail]
        candidates = [p for p in points if start < p <= start + width]
        if not candidates:
            later = [p for p in points if p > start]
            if not later:
                lines.append(rest[start:])
                return [*lines, *tail]
            cut = later[0]
        else:
            cut = candidates[-1]
        lines.append(rest[start:cut])
        start = cut + 1


def folded_lines(value: str, width: int, old_lines: list[str]) -> list[str] | None:
    """Content lines (unindented) of a folded scalar reading back as `value` (no trailing newlines)."""
    pieces = value.split("\n")
    old_paragraphs = _paragraphs(old_lines)
    lines: list[str] = []
    for i, piece in enumerate(pieces):
        if piece[:1] in (" ", "\t"):
            return None  # a more-indented line would not fold back
        if i:
            lines.append("")
        if piece:
            lines.extend(_wrap(piece, width, old_paragraphs[i] if i < len(old_paragraphs) else []))
    return lines


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return paragraphs


def block_problem(value: str) -> str | None:
    """Why no block scalar (folded or literal) can hold `value`, naming the first character that
    cannot be written in one, or None when one can."""
    for i, ch in enumerate(value):
        if ch == "\r":
            return f"a carriage return (U+000D) at position {i + 1} cannot be written in a block"
        if not printable(ch) or ch == "\ufeff":
            return f"a control character U+{ord(ch):04X} at position {i + 1} cannot be written in a block"
    return None


def literal_lines(value: str) -> list[str] | None:
    lines = value.split("\n")
    if lines and lines[0][:1] in (" ", "\t"):
        return None
    return lines


def folded_width(lines: list[str]) -> int | None:
    """The wrap width a folded block uses: its longest line that was wrapped (followed by more text)."""
    widths = [len(line) for line, nxt in itertools.pairwise(lines) if line.strip() and nxt.strip()]
    return max(widths) if widths else None
