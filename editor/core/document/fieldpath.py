"""Field paths: `title`, `atomic_facts[0].statement`, `x-review.notes[0]`, `["odd.key"].x`.

A path is a tuple of steps: a `str` is a mapping key, an `int` a list index (negative counts from the end).
"""

from __future__ import annotations

import json
import re

from editor.core.document.errors import FieldPathError

Step = str | int
Path = tuple[Step, ...]

_KEY_CHARS = re.compile(r"[^.\[\]\s]+")
_PLAIN_KEY = re.compile(r"^[^.\[\]\"\s][^.\[\]]*$")


def parse_path(text: str | Path) -> Path:
    if isinstance(text, tuple):
        return text
    if not text or text.strip() != text:
        raise FieldPathError(f"empty or padded field path {text!r}")
    steps: list[Step] = []
    i, n = 0, len(text)
    expect_key = True
    while i < n:
        ch = text[i]
        if ch == "[":
            close = text.find("]", i)
            if close < 0:
                raise FieldPathError(f"unclosed '[' in field path {text!r}")
            inner = text[i + 1 : close]
            if inner.startswith('"'):
                # a quoted key: ["key.with.dots"]
                end = _json_string_end(text, i + 1)
                if end is None or end >= n or text[end] != "]":
                    raise FieldPathError(f"bad quoted key in field path {text!r}")
                steps.append(json.loads(text[i + 1 : end]))
                i = end + 1
            else:
                try:
                    steps.append(int(inner))
                except ValueError:
                    raise FieldPathError(f"list index must be a number in field path {text!r}") from None
                i = close + 1
            expect_key = False
        elif ch == ".":
            if expect_key:
                raise FieldPathError(f"empty key in field path {text!r}")
            expect_key = True
            i += 1
        else:
            if not expect_key:
                raise FieldPathError(f"expected '.' or '[' at column {i + 1} in field path {text!r}")
            m = _KEY_CHARS.match(text, i)
            if not m:
                raise FieldPathError(f"bad character at column {i + 1} in field path {text!r}")
            steps.append(m.group(0))
            i = m.end()
            expect_key = False
    if expect_key:
        raise FieldPathError(f"field path {text!r} ends with '.'")
    return tuple(steps)


def _json_string_end(text: str, start: int) -> int | None:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return None


def format_path(path: Path | str) -> str:
    if isinstance(path, str):
        return path
    out = []
    for step in path:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif _PLAIN_KEY.match(step):
            out.append(("." if out else "") + step)
        else:
            out.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(out)
