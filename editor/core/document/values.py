"""Converting front matter values for output and from command-line text."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import yaml

from editor.core.document import render
from editor.core.document.source import LineMap
from editor.core.document.yamltree import LongInteger, parse_integer, parse_tree, resolve_plain, to_python

TRUE_WORDS = {"true", "yes", "on", "1"}
FALSE_WORDS = {"false", "no", "off", "0"}


def to_jsonable(value: Any, drop_null: bool = False) -> Any:
    """Front matter values as JSON values: dates as ISO text, keys as text, NaN and infinities as text.

    With `drop_null`, a mapping's empty (null) fields are left out: `slug:` with no value counts as no
    slug (the schema check uses this, so an empty field is an error only where it is required).
    """
    if isinstance(value, dict):
        return {k if isinstance(k, str) else format_scalar(k): to_jsonable(v, drop_null)
                for k, v in value.items() if not (drop_null and v is None)}
    if isinstance(value, list):
        return [to_jsonable(v, drop_null) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return value


def format_scalar(value: Any) -> str:
    """A scalar as `get` prints it: raw text, ISO dates, true/false, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def format_value(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
    return format_scalar(value)


def convert_like(text: str, current: Any) -> Any:
    """Read command-line `text` as a value of the same type as `current`; ValueError if it is not."""
    if isinstance(current, bool):
        lowered = text.strip().lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise ValueError(f"{text!r} is not a boolean (true or false)")
    if isinstance(current, int | LongInteger):
        try:
            return parse_integer(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not an integer") from None
    if isinstance(current, float):
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if isinstance(current, dt.datetime):
        try:
            return dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a date-time (YYYY-MM-DDTHH:MM:SS)") from None
    if isinstance(current, dt.date):
        return parse_date(text)
    if isinstance(current, dict | list):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"a list or mapping must be given as JSON ({exc.msg})") from None
        if not isinstance(value, type(current)):
            raise ValueError(f"expected a JSON {'object' if isinstance(current, dict) else 'array'}")
        return value
    if current is None:
        return read_scalar(text)
    return text


def read_scalar(text: str) -> Any:
    """A new value read as a YAML scalar would be: `12` is a number, `2026-01-01` a date, `x` text."""
    return resolve_plain(text) if text == text.strip() else text


def parse_date(text: str) -> dt.date:
    text = text.strip()
    if text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or 'today')") from None


class _BoxDumper(yaml.SafeDumper):
    """PyYAML's dumper, quoting every string that any common reader (1.1 or 1.2) could misread."""


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = None
    if "\n" not in data and not render.plain_ok(data):
        style = "'" if render.single_ok(data) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BoxDumper.add_representer(str, _represent_str)


def yaml_text(value: Any, width: int = 100) -> str:
    """A value as the YAML text a person would type for it (what a YAML box shows)."""
    text = yaml.dump(value, Dumper=_BoxDumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=width)
    if text.endswith("\n...\n"):
        text = text[: -len("...\n")]
    return text.rstrip("\n")


def read_yaml(text: str) -> Any:
    """The value YAML text stands for, read as the articles are (YAML 1.2 core schema, dates; no tags
    outside it). Raises ArticleError (with the line in `text`) when it does not parse."""
    lines = LineMap(text)
    return to_python(parse_tree(text, 0, len(text), lines.line), lines.line)
