"""Bytes that are not UTF-8 text: what is wrong with them, how to show them, and converting them.

An article is UTF-8. A file that is not (one Latin-1 byte, a UTF-16 file, a binary file with NUL bytes)
is never decoded leniently for editing: replacement characters would be written back over bytes the
user never saw. `inspect_bytes` says what the problem is and where (line and byte offset of the first
bad byte); `display_text` is what a read-only view shows (undecodable bytes as `\\xNN`, a binary file as
a hex dump); `convert` plans turning the bytes into UTF-8 from a named encoding, with the diff of the
text and how many bytes change, for the user to confirm. A binary file is text in no encoding and is
never converted.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass

from editor.core.document.errors import CorpusEditorError

UTF8_BOM = b"\xef\xbb\xbf"

# offered in the conversion dialog after the detector's guess (Python codec names)
COMMON_ENCODINGS = ("cp1252", "latin-1", "iso8859-15", "utf-16", "utf-16-le", "utf-16-be", "mac-roman",
                    "cp1250", "cp1251", "koi8-r", "gbk", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr",
                    "cp437")
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
HEX_DUMP_LIMIT = 4096  # bytes of a binary file shown in its read-only view


class ConversionError(CorpusEditorError):
    """The bytes cannot be read in the chosen encoding (or are not text at all)."""

    def __init__(self, message: str, line: int | None = None, offset: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.offset = offset


@dataclass(frozen=True)
class ByteProblem:
    """Why a file's bytes cannot be edited as UTF-8 text.

    `kind`: "binary" (NUL or control bytes, text in no encoding), "utf16" (UTF-16/32 text: NUL bytes, but
    it reads as text in `encoding`), "not-utf8" (a byte sequence that is not UTF-8). `offset` is the
    0-based byte offset of the first bad byte in the file, `line` its 1-based line.
    """

    kind: str
    offset: int
    line: int
    byte: int
    encoding: str | None = None  # for "utf16": the encoding the text is in

    @property
    def code(self) -> str:
        return {"binary": "binary-file", "utf16": "not-utf8", "not-utf8": "not-utf8"}[self.kind]

    @property
    def convertible(self) -> bool:
        return self.kind != "binary"

    @property
    def what(self) -> str:
        """One phrase: what is wrong."""
        if self.kind == "binary":
            return "a binary file, not text"
        if self.kind == "utf16":
            return f"{_label(self.encoding or 'utf-16')} text, not UTF-8"
        return "not UTF-8"

    @property
    def where(self) -> str:
        """Where the first bad byte is: 'line 3, byte offset 24 (0xE9)'."""
        noun = "NUL byte" if self.byte == 0 else f"byte 0x{self.byte:02X}"
        return f"line {self.line}, byte offset {self.offset} ({noun})"

    def describe(self) -> str:
        return f"{self.what}: {self.where}"

    @property
    def detail(self) -> str:
        """What is wrong with the first bad byte: 'byte 0xE9 is not UTF-8'."""
        if self.kind == "binary":
            return ("a NUL byte: " if self.byte == 0 else f"byte 0x{self.byte:02X}: ") + "a binary file, not text"
        if self.kind == "utf16":
            return f"{_label(self.encoding or 'utf-16')} text, not UTF-8"
        return f"byte 0x{self.byte:02X} is not UTF-8"


def _label(encoding: str) -> str:
    return codecs.lookup(encoding).name.upper().replace("_", "-")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16_encoding(data: bytes) -> str | None:
    """The UTF-16/32 codec `data` reads as (a BOM, or the NUL pattern of mostly ASCII text), else None."""
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and _reads_as_text(data, name):
            return name
    if len(data) >= 4 and len(data) % 2 == 0:
        sample = data[:8192]
        even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half and _reads_as_text(data, "utf-16-le"):
            return "utf-16-le"
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half and _reads_as_text(data, "utf-16-be"):
            return "utf-16-be"
    return None


def _reads_as_text(data: bytes, encoding: str) -> bool:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    controls = sum(1 for ch in text if ord(ch) in _CONTROL or ch == "\x00")
    return controls <= max(2, len(text) // 200)


def inspect_bytes(data: bytes) -> ByteProblem | None:
    """None when `data` is UTF-8 text (a UTF-8 BOM allowed) without NUL bytes; else what is wrong."""
    nul = data.find(b"\x00")
    if nul >= 0:
        encoding = _utf16_encoding(data)
        if encoding is not None:
            return ByteProblem("utf16", nul, _line_of(data, nul), 0, encoding)
        return ByteProblem("binary", nul, _line_of(data, nul), 0)
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        sample = data[:65536]
        controls = sum(sample.count(bytes([b])) for b in _CONTROL)
        kind = "binary" if controls > len(sample) // 10 else "not-utf8"
        return ByteProblem(kind, offset, _line_of(data, offset), data[offset])
    return None


def display_text(data: bytes, problem: ByteProblem | None) -> str:
    """What a read-only view shows: UTF-8 with each undecodable byte as `\\xNN`; UTF-16 text decoded; a
    binary file as a hex dump of its first bytes. Never used to write anything."""
    if problem is not None and problem.kind == "binary":
        return hex_dump(data)
    if problem is not None and problem.kind == "utf16":
        return data.decode(problem.encoding or "utf-16", errors="backslashreplace").lstrip("\ufeff")
    text = data.decode("utf-8", errors="backslashreplace")
    return text[1:] if text.startswith("\ufeff") else text


def hex_dump(data: bytes, limit: int = HEX_DUMP_LIMIT) -> str:
    lines = []
    for at in range(0, min(len(data), limit), 16):
        chunk = data[at : at + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        chars = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{at:08x}  {hexes:<47}  {chars}")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes ({len(data):,} in all)")
    return "\n".join(lines) + "\n"


# -- converting ---------------------------------------------------------------------------------------

def guess_encodings(data: bytes) -> list[str]:
    """Encodings to offer, the likeliest first: a UTF-16/32 pattern, the detector's guess
    (charset-normalizer), then the common ones. Only encodings that decode `data` are listed."""
    found: list[str] = []
    utf16 = _utf16_encoding(data) if b"\x00" in data else None
    if utf16:
        found.append(utf16)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:262144]).best()
    except Exception:  # the detector is a guess: never let it stop the dialog
        best = None
    if best is not None and best.encoding:
        found.append(best.encoding)
    found.extend(COMMON_ENCODINGS)
    seen: set[str] = set()
    usable = []
    for name in found:
        try:
            key = codecs.lookup(name).name
        except LookupError:
            continue
        if key in seen or key == "utf-8" or (key.startswith(("utf-16", "utf-32")) and utf16 is None):
            continue  # any even number of bytes "decodes" as UTF-16: offered only for UTF-16 text
        seen.add(key)
        if _decodes(data, name):
            usable.append(name)
    return usable


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        _decode(data, encoding)
    except ConversionError:
        return False
    return True


def _decode(data: bytes, encoding: str) -> tuple[str, bytes]:
    """(text, kept prefix): a UTF-8 BOM in front of bytes in another encoding is kept as it is."""
    prefix = UTF8_BOM if data.startswith(UTF8_BOM) and not encoding.lower().startswith("utf") else b""
    try:
        text = data[len(prefix) :].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = len(prefix) + exc.start
        raise ConversionError(f"byte 0x{data[offset]:02X} at line {_line_of(data, offset)}, byte offset {offset} "
                              f"is not {_label(encoding)}", _line_of(data, offset), offset) from None
    except LookupError:
        raise ConversionError(f"unknown encoding {encoding!r}") from None
    if "\x00" in text:
        at = text.index("\x00")
        raise ConversionError(f"the text read as {_label(encoding)} holds a NUL character (line "
                              f"{text.count(chr(10), 0, at) + 1}): not text in this encoding")
    return text.lstrip("\ufeff") if not prefix else text, prefix


@dataclass(frozen=True)
class Conversion:
    """The plan for turning `old` into UTF-8 read as `encoding`: nothing is written by planning."""

    encoding: str
    old: bytes
    new: bytes
    changed_bytes: int  # bytes of the file that are replaced (the rest stays byte for byte)
    changed_places: int  # runs of replaced bytes
    changed_lines: tuple[int, ...]  # 1-based lines that hold a replaced byte
    diff: str  # unified diff of the text as shown now (undecodable bytes as \\xNN) and as converted

    @property
    def summary(self) -> str:
        lines = len(self.changed_lines)
        return (f"{self.changed_bytes:,} byte{'s' if self.changed_bytes != 1 else ''} in "
                f"{self.changed_places:,} place{'s' if self.changed_places != 1 else ''} on {lines:,} "
                f"line{'s' if lines != 1 else ''} change; the file goes from {len(self.old):,} to "
                f"{len(self.new):,} bytes")


def convert(data: bytes, encoding: str, name: str = "article") -> Conversion:
    """Plan the conversion of `data` from `encoding` to UTF-8. Raises ConversionError when the bytes are
    not text in that encoding (or not text at all)."""
    problem = inspect_bytes(data)
    if problem is not None and problem.kind == "binary":
        raise ConversionError(f"{problem.describe()}: a binary file is not text in any encoding",
                              problem.line, problem.offset)
    text, prefix = _decode(data, encoding)
    new = prefix + text.encode("utf-8")
    changed, places, lines = _changed_spans(data, encoding, prefix)
    old_view = display_text(data, problem).splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(old_view, text.splitlines(keepends=True),
                                        fromfile=f"{name} (on disk, {problem.what if problem else 'UTF-8'})",
                                        tofile=f"{name} (converted from {_label(encoding)})"))
    return Conversion(encoding, data, new, changed, places, tuple(lines), diff)


def _changed_spans(data: bytes, encoding: str, prefix: bytes) -> tuple[int, int, list[int]]:
    """Count the original bytes whose UTF-8 form differs: one decoder step per character."""
    decoder = codecs.getincrementaldecoder(encoding)()
    changed = places = 0
    lines: list[int] = []
    line = 1
    start = len(prefix)
    in_run = False
    for i in range(len(prefix), len(data)):
        out = decoder.decode(data[i : i + 1])
        if not out:
            continue
        span = data[start : i + 1]
        if out.encode("utf-8") != span:
            changed += len(span)
            if not in_run:
                places += 1
            in_run = True
            if not lines or lines[-1] != line:
                lines.append(line)
        else:
            in_run = False
        line += out.count("\n")
        start = i + 1
    return changed, places, lines


# -- the exact diff of two versions of a file ---------------------------------------------------------

NO_NEWLINE = "\\ No newline at end of file\n"


def _diff_lines(text: str, show_cr: bool) -> list[str]:
    lines = text.split("\n")
    last = lines.pop()
    out = [line + "\n" for line in lines]
    if last:
        out.append(last + "\n" + NO_NEWLINE)
    return [line.replace("\r", "␍") for line in out] if show_cr else out


def exact_diff(old: bytes, new: bytes, fromfile: str = "on disk", tofile: str = "unsaved") -> str:
    """A unified diff from which no byte change can hide: bytes that are not UTF-8 show as \\xNN, a
    line-ending change shows ␍, a missing last newline is said, and a change of the BOM (or of bytes
    that look alike) gets a note line starting with '#'. Empty when the bytes are equal."""
    if old == new:
        return ""
    old_text, new_text = display_text(old, inspect_bytes(old)), display_text(new, inspect_bytes(new))
    plain = [old_text.split("\n"), new_text.split("\n")]
    show_cr = any(a != b and a.rstrip("\r") == b.rstrip("\r") for a, b in zip(*plain, strict=False)) or (
        old_text.count("\r") != new_text.count("\r") and old_text.replace("\r", "") == new_text.replace("\r", ""))
    diff = "".join(difflib.unified_diff(_diff_lines(old_text, show_cr), _diff_lines(new_text, show_cr),
                                        fromfile=fromfile, tofile=tofile))
    notes = []
    if old.startswith(UTF8_BOM) != new.startswith(UTF8_BOM):
        notes.append(f"# the byte order mark (BOM) at the start of the file is "
                     f"{'removed' if old.startswith(UTF8_BOM) else 'added'}\n")
    if not diff and not notes:
        at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        notes.append(f"# the bytes differ from byte offset {at} where the text looks the same "
                     f"({len(old):,} bytes on disk, {len(new):,} to write)\n")
    return "".join(notes) + diff
