"""YamlDocument: a plain YAML file (a corpus's `.corpus-schema.yaml`) edited with the article's exact splices.

The whole file is the "front matter": every operation of `editor.core.document.edits` plans its splice,
re-parses and checks it the same way, so comments, key order, quoting and line endings stay as they
were and only the edited value changes. An empty or missing file is an empty mapping.
"""

from __future__ import annotations

from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError
from editor.core.document.source import Source


def _source(data: bytes) -> Source:
    bom = data.startswith(b"\xef\xbb\xbf")
    if b"\x00" in data:
        raise ArticleError("binary file (contains NUL bytes)", line=data[: data.index(b"\x00")].count(b"\n") + 1,
                           code="binary-file")
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
                           line=data[: exc.start].count(b"\n") + 1, code="not-utf8") from None
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"  # new lines as the first one ends
    return Source(text, bom, newline, 0, len(text), len(text))


class YamlDocument(ArticleDocument):
    """A YAML file whose top level is a mapping (or empty), edited like an article's front matter."""

    @staticmethod
    def source_of(data: bytes) -> Source:
        """The whole file is the YAML to edit."""
        return _source(data)

    def ends_with_newline(self) -> YamlDocument:
        """This document, or one whose text ends its last line: a key added at the end needs its own
        line (the only edit this may mean is the missing line break itself)."""
        text = self.text
        if not text or text.endswith("\n"):
            return self
        return self.with_text(text + self.newline)
