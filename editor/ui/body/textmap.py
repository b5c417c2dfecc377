"""Between the file's text and the editor's: Qt shows every `\r\n` (and a lone `\r`) as one line break.

The editor only ever holds `to_editor(text)`. A user's edit is carried back as a splice of the file
text, so line endings outside the edit stay exactly as they were in the file.
"""

from __future__ import annotations

import bisect
import re

from editor.core.document.edits import text_diff

_BREAK = re.compile(r"\r\n?")


def to_editor(text: str) -> str:
    if "\r" not in text:
        return text
    return _BREAK.sub("\n", text)


def _editor_to_text_pos(text: str, pos: int) -> int:
    """Index in `text` of the editor position `pos` (each `\r\n` is one editor character)."""
    if "\r\n" not in text:
        return pos
    pairs = [m.start() for m in re.finditer(r"\r\n", text)]
    # editor index of the k-th pair's start is pairs[k] - k; each pair before `pos` adds one character
    editor_starts = [p - k for k, p in enumerate(pairs)]
    count = bisect.bisect_left(editor_starts, pos)
    return pos + count


def splice(text: str, old_editor: str, new_editor: str, newline: str = "\n") -> str:
    """The file text after the user changed the editor from `old_editor` (== to_editor(text)) to `new_editor`."""
    edit = text_diff(old_editor, new_editor)
    if edit is None:
        return text
    start, end_old = edit.offset, edit.offset + len(edit.old)
    middle = edit.new
    if newline != "\n":
        middle = middle.replace("\n", newline)
    a = _editor_to_text_pos(text, start)
    b = _editor_to_text_pos(text, end_old)
    return text[:a] + middle + text[b:]
