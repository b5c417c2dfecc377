"""From bytes to an article's parts: BOM, line-ending style, front matter block and body.

Only `\n` and `\r\n` end lines. A lone `\r` is an ordinary character (it may stand inside a quoted
string), so line numbers here count `\n` alone.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from editor.core.document.errors import ArticleError, NotAnArticle

BOM = "\ufeff"


@dataclass(frozen=True)
class Source:
    """The decoded text of a file, with where its front matter and body lie."""

    text: str  # decoded, BOM removed, line endings as in the file
    bom: bool
    newline: str  # "\n" or "\r\n": the style new lines are written in
    fm_start: int  # index of the first character of the front matter block (after the opening line)
    fm_end: int  # index of the first character of the closing `---` line
    body_start: int  # index of the first character of the body

    @property
    def front_matter(self) -> str:
        return self.text[self.fm_start : self.fm_end]

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    def encode(self) -> bytes:
        return ((BOM if self.bom else "") + self.text).encode("utf-8")


def wide_encoding(data: bytes) -> str | None:
    """`UTF-16 LE`, `UTF-32 BE with BOM`...: the encoding of text stored two or four bytes a character,
    told by its byte order mark, or without one by where the zero bytes of mostly-ASCII text fall."""
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32 LE"), (b"\x00\x00\xfe\xff", "UTF-32 BE"),
                      (b"\xff\xfe", "UTF-16 LE"), (b"\xfe\xff", "UTF-16 BE")):
        if data.startswith(bom):
            return name + " with BOM"
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    for width, codec, name in ((4, "utf-32-le", "UTF-32 LE"), (4, "utf-32-be", "UTF-32 BE"),
                               (2, "utf-16-le", "UTF-16 LE"), (2, "utf-16-be", "UTF-16 BE")):
        size = len(sample) // width * width
        if not size:
            continue
        # the zero bytes must sit where this encoding puts the high bytes of ASCII and other BMP text
        lead = 0 if codec.endswith("le") else width - 1
        units = [sample[i : i + width] for i in range(0, size, width)]
        if sum(1 for u in units if u[lead] != 0 and u.count(0) == width - 1) < len(units) * 0.6:
            continue
        try:
            sample[:size].decode(codec)
        except UnicodeDecodeError:
            continue
        return name
    return None


def decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 (with or without BOM), refusing binary and undecodable input."""
    if not data:
        raise NotAnArticle("empty file", line=1, code="empty-file")
    wide = wide_encoding(data) if data[:1] in (b"\xff", b"\xfe") or b"\x00" in data[:4096] else None
    if wide is not None:
        raise ArticleError(f"encoded as {wide}, not UTF-8", line=1, code="not-utf8")
    if b"\x00" in data[:8192] or b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ArticleError("binary file (contains NUL bytes)", line=line, code="binary-file")
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded", line=line, code="not-utf8"
        ) from None
    return text, bom


def _line_end(text: str, start: int) -> tuple[int, int]:
    """(end of the line's content, start of the next line) for the line beginning at `start`."""
    nl = text.find("\n", start)
    if nl < 0:
        return len(text), len(text)
    end = nl - 1 if nl > start and text[nl - 1] == "\r" else nl
    return end, nl + 1


def split(data: bytes) -> Source:
    """Split a file into front matter and body; raise NotAnArticle when there is no front matter."""
    text, bom = decode(data)
    first_end, fm_start = _line_end(text, 0)
    if text[:first_end].rstrip(" \t") != "---":
        raise NotAnArticle("no front matter: the first line is not '---'", line=1)
    newline = "\r\n" if first_end < len(text) and text[first_end] == "\r" else "\n"
    pos = fm_start
    while pos < len(text):
        end, nxt = _line_end(text, pos)
        if text[pos:end] == "---":
            return Source(text, bom, newline, fm_start, pos, nxt)
        pos = nxt
    raise ArticleError("front matter is not closed: no line '---' after the opening one", line=1,
                       code="unclosed-front-matter")


class LineMap:
    """Index -> 1-based line number in the whole file, counting `\n` only."""

    def __init__(self, text: str):
        self._starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self._starts.append(i + 1)
            i = find("\n", i + 1)

    def line(self, index: int) -> int:
        return bisect.bisect_right(self._starts, index)

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]
