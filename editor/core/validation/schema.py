"""The article schema: one declaration for validation, typed edits and the generated form.

The default schema is `editor/resources/schema.yaml`: JSON Schema (draft 2020-12) written in YAML, whose
`x-` keys carry the form's hints (label, help, order, widget, summary fields of object lists).

A corpus can bring its own schema in a file named `.corpus-schema.yaml` at its root (the folder that
also holds `.git`, usually). The file is YAML with three optional keys:

    extends: default        # merge `schema` into the default (the default); `none` replaces it
    schema:                 # JSON Schema in YAML, merged into the default one:
      required: [id, title, category, language, confidence, last_verified, status]
      properties:           #   mappings merge key by key, any other value (list, string, number)
        status:             #   replaces the default's, and `null` deletes the key
          enum: [draft, review, published]
        reviewer: {type: string, x-label: Reviewer, x-order: 45}
    rules:                  # corpus rule settings (see editor.core.validation.rules.RuleConfig)
      stale_warning_days: 90
      stale_error_days: 365
      min_sources_for_high: 2
      severity: {homepage-source: error, missing-section: off}

A file without a `schema` key whose top level looks like JSON Schema (`properties`, `type`,
`required`, `$schema`...) is taken as the `schema` part itself. Unknown fields are never an error
unless the schema says so (`additionalProperties: false`).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from editor.core.document.errors import ArticleError, CorpusEditorError
from editor.core.document.fieldpath import format_path, parse_path
from editor.core.document.source import LineMap
from editor.core.document.values import format_scalar, to_jsonable
from editor.core.document.yamltree import LongInteger, parse_integer, parse_tree, to_python
from editor.core.files.walk import CORPUS_SCHEMA_NAME
from editor.core.validation.quickvalid import compile_validity
from editor.paths import resource

DEFAULT_SCHEMA_PATH = resource("schema.yaml")

WIDGETS = ("line", "text", "enum", "date", "bool", "int", "number", "url", "string-list", "object-list",
           "object", "yaml")

_SCHEMA_KEYS = {"$schema", "$id", "$defs", "type", "properties", "required", "items", "patternProperties",
                "additionalProperties", "allOf", "anyOf", "oneOf", "title", "description"}
_FILE_KEYS = {"extends", "schema", "rules"}
DEFAULT_REVIEW_KEY = "review"  # a fact's review record (see editor.core.review.record)


class SchemaError(CorpusEditorError):
    """A schema or corpus configuration file that cannot be used."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<schema>"
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}"


# -- formats ------------------------------------------------------------------------------------------
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_NETWORK_SCHEMES = {"http", "https", "ftp", "ftps"}


def is_date_text(value: str) -> bool:
    if not _DATE_TEXT.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_PLAIN_WEB_URL = re.compile(r"^(?:https?|ftps?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\s\x00-\x1f]*)?$")
_BAD_URI_CHAR = re.compile(r"[\s\x00-\x1f]")


def is_uri_text(value: str) -> bool:
    if _PLAIN_WEB_URL.match(value):
        return True  # the common case, without urlsplit
    if not value or _BAD_URI_CHAR.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.scheme or not _URI_SCHEME.match(parts.scheme):
        return False
    if parts.scheme.lower() in _NETWORK_SCHEMES:
        try:
            return bool(parts.netloc) and bool(parts.hostname)
        except ValueError:
            return False
    return bool(value[len(parts.scheme) + 1 :])


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date")
    def _date(instance: object) -> bool:
        return not isinstance(instance, str) or is_date_text(instance)

    @checker.checks("uri")
    def _uri(instance: object) -> bool:
        return not isinstance(instance, str) or is_uri_text(instance)

    return checker


FORMAT_CHECKER = _format_checker()
_NOT_COMPILED = object()


# -- plain values as JSON values ------------------------------------------------------------------------
# -- messages -----------------------------------------------------------------------------------------
_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping of fields", "null": "empty",
    "long-integer": "an integer too long to read as a number",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, LongInteger):
        return "long-integer"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _shown(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, LongInteger):
        return f"{len(value.lstrip('+-')):,} digits"
    text = repr(value) if isinstance(value, str) else format_scalar(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _range_phrase(schema: dict) -> str:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        return f"between {format_scalar(low)} and {format_scalar(high)}"
    if low is not None:
        return f"at least {format_scalar(low)}" if "minimum" in schema else f"more than {format_scalar(low)}"
    return f"at most {format_scalar(high)}" if "maximum" in schema else f"less than {format_scalar(high)}"


def describe_error(error: ValidationError, owner: Schema | None = None) -> list[tuple[tuple, str]]:
    """(field path relative to the validated instance, message) for one jsonschema error.

    Messages start lowercase without the field's name (`must be one of high, medium, low, not
    'certain'`) and say what a good value looks like. `owner` is the Schema whose hints
    (`x-pattern-help`) complete the message when the error's own subschema lacks them.
    """
    if error.validator in ("anyOf", "oneOf") and error.context:
        deepest = best_match(error.context)
        if deepest is not None:
            return describe_error(deepest, owner)
        return [(tuple(error.absolute_path), error.message)]
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    kind = error.validator
    value = error.validator_value
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance
                   and repr(name) in error.message]
        return [((*path, name), "required field is missing: add it") for name in missing[:1]] or [
            (path, error.message)]
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        wanted = {"date": "a date written YYYY-MM-DD", "uri": "a full URL"}.get(schema.get("format"), "") or \
            " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        found = _TYPE_WORDS.get(_json_type(instance), _json_type(instance))
        return [(path, f"must be {wanted}, not {found} ({_shown(instance)})"
                 if not isinstance(instance, (dict, list)) else f"must be {wanted}, not {found}")]
    if kind == "enum":
        return [(path, f"must be one of {', '.join(format_scalar(v) for v in value)}, not {_shown(instance)}")]
    if kind == "const":
        return [(path, f"must be {_shown(value)}, not {_shown(instance)}")]
    if kind == "format":
        if value == "date":
            return [(path, f"must be a date written YYYY-MM-DD, not {_shown(instance)}")]
        if value == "uri":
            return [(path, f"must be a full URL such as https://example.org/page, not {_shown(instance)}")]
        return [(path, f"must be in the {value} format, not {_shown(instance)}")]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return [(path, f"must be {_range_phrase(schema)}, not {_shown(instance)}")]
    if kind == "pattern":
        hint = schema.get("x-pattern-help")
        if not hint and owner is not None:
            hint = (owner.field(path) or {}).get("x-pattern-help")
        if hint:
            return [(path, f"must be {hint}; {_shown(instance)} is not")]
        return [(path, f"must match the pattern {value}; {_shown(instance)} does not")]
    if kind == "minLength":
        return [(path, "must not be empty" if value == 1 else f"must be at least {value} characters long")]
    if kind == "maxLength":
        return [(path, f"must be at most {value} characters long")]
    if kind == "minItems":
        return [(path, "must not be empty" if value == 1 else f"must have at least {value} items")]
    if kind == "maxItems":
        return [(path, f"must have at most {value} items")]
    if kind == "uniqueItems":
        return [(path, "must not repeat an item: remove the duplicates")]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
        if extras:
            return [((*path, k), "is not a field the corpus schema allows: remove it or declare it in "
                     f"{CORPUS_SCHEMA_NAME}") for k in extras]
    return [(path, error.message)]


_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SCHEMA_ONE = {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
               "unevaluatedItems", "unevaluatedProperties", "additionalItems"}


def strip_hints(schema: Any) -> Any:
    """A copy of a schema without its `x-` keywords (field names starting with `x-` are kept)."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if isinstance(key, str) and key.startswith("x-"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: strip_hints(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [strip_hints(sub) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = strip_hints(value)
        else:
            out[key] = value
    return out


_KIND_RANK = {"required": 0, "additionalProperties": 0, "enum": 1, "const": 1, "type": 2, "format": 3}


def describe_errors(errors: Iterable[ValidationError], owner: Schema | None = None) -> list[tuple[tuple, str]]:
    """`describe_error` for many errors, one finding per field: a null that is neither text nor one
    of the allowed values is reported once, as not one of the allowed values."""
    best: dict[tuple, tuple[int, list[str]]] = {}
    order: list[tuple] = []
    for error in errors:
        rank = _KIND_RANK.get(str(error.validator), 4)
        for path, message in describe_error(error, owner):
            if path not in best:
                order.append(path)
                best[path] = (rank, [message])
            elif rank < best[path][0]:
                best[path] = (rank, [message])
            elif rank == best[path][0] and message not in best[path][1]:
                best[path][1].append(message)
    return [(path, message) for path in order for message in best[path][1]]


# -- form description -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """One field of the generated form, from the schema and its `x-` hints."""

    name: str
    label: str
    help: str
    widget: str  # one of WIDGETS
    enum: tuple = ()
    required: bool = False
    recommended: bool = False  # listed in the object's `x-recommended`: missing is a warning
    summary: tuple[str, ...] = ()  # object lists: fields shown in an item's summary line
    items: tuple[FieldSpec, ...] = ()  # object lists: an item's fields; objects: their fields
    suggestions: tuple = ()  # free-text fields: values to offer
    minimum: float | None = None
    maximum: float | None = None
    order: float = 0
    schema: dict = field(default_factory=dict, compare=False, repr=False)


def _types(schema: dict) -> list[str]:
    declared = schema.get("type")
    if declared is None:
        return []
    return list(declared) if isinstance(declared, list) else [declared]


def infer_widget(schema: dict) -> str:
    widget = schema.get("x-widget")
    if widget in WIDGETS:
        return widget
    types = _types(schema)
    if "enum" in schema:
        return "enum"
    fmt = schema.get("format")
    if len(types) != 1:
        return "yaml"
    kind = types[0]
    if kind == "string":
        return "date" if fmt == "date" else "url" if fmt == "uri" else "line"
    if kind == "boolean":
        return "bool"
    if kind == "integer":
        return "int"
    if kind == "number":
        return "number"
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        item_types = _types(items)
        if item_types == ["string"]:
            return "string-list"
        if item_types == ["object"] and items.get("properties"):
            return "object-list"
        return "yaml"
    if kind == "object" and schema.get("properties"):
        return "object"
    return "yaml"


def _default_label(name: str) -> str:
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else name


# -- the schema -------------------------------------------------------------------------------------------
class Schema:
    """A merged article schema with its compiled validator."""

    def __init__(self, json_schema: dict, settings: dict | None = None, sources: Iterable[str] = ()):
        sources = tuple(sources)
        try:
            Draft202012Validator.check_schema(json_schema)
        except jsonschema.SchemaError as exc:
            where = format_path(tuple(exc.absolute_path)) or "the top level"
            raise SchemaError(f"not a valid JSON Schema at {where}: {exc.message}",
                              sources[-1] if sources else None) from None
        self.json_schema = json_schema
        self.settings: dict = settings or {}
        self.sources = tuple(sources)  # files the schema was read from, default first
        # `x-` hints are dropped from the copy the validator walks: it visits every keyword of every
        # subschema it descends into, and hints are most of them
        self.validator = Draft202012Validator(strip_hints(json_schema), format_checker=FORMAT_CHECKER)
        self._sub_validators: dict[int, Any] = {}
        self._quick_valid: Any = _NOT_COMPILED  # compiled on first use: see editor.core.validation.quickvalid

    def __repr__(self) -> str:
        return f"<Schema from {', '.join(self.sources) or 'memory'}>"

    # -- structure ------------------------------------------------------------------------------
    def iter_errors(self, data: dict) -> Iterable[ValidationError]:
        """jsonschema errors for a document's front matter (plain values, see `ArticleDocument.data`).

        A document the quick check proves valid (most are) skips jsonschema's walk.
        """
        if self._quick_valid is _NOT_COMPILED:
            self._quick_valid = compile_validity(self.json_schema, FORMAT_CHECKER)
        if self._quick_valid is not None and self._quick_valid(data):
            return iter(())
        return self.validator.iter_errors(to_jsonable(data, drop_null=True))

    def _deref(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 20:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                break
            target: Any = self.json_schema
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            if not isinstance(target, dict):
                return None
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **rest} if rest else target
            seen += 1
        return schema

    def field(self, path: tuple | str = ()) -> dict | None:
        """The subschema for a field path (`("atomic_facts", 1, "source_url")` or its text form), or None
        if the schema does not declare it."""
        node: Any = self._deref(self.json_schema)
        for step in _steps(path):
            if not isinstance(node, dict):
                return None
            if isinstance(step, int):
                node = node.get("items")
            else:
                props = node.get("properties") or {}
                if step in props:
                    node = props[step]
                else:
                    extra = node.get("additionalProperties")
                    node = next((sub for pattern, sub in (node.get("patternProperties") or {}).items()
                                 if re.search(pattern, step)), extra if isinstance(extra, dict) else None)
            node = self._deref(node)
        return node if isinstance(node, dict) else None

    def _object_schema(self, path: tuple) -> dict | None:
        sub = self.field(path)
        if sub is not None and "array" in _types(sub) and isinstance(sub.get("items"), dict):
            sub = self._deref(sub["items"])
        return sub if isinstance(sub, dict) else None

    def form_fields(self, path: tuple | str = ()) -> list[FieldSpec]:
        """The declared fields of the object at `path` (of its items, for a list), in form order."""
        sub = self._object_schema(path)
        if sub is None:
            return []
        return self._specs(sub)

    def key_order(self, path: tuple | str = ()) -> tuple[str, ...]:
        """The declared keys of the mapping at `path` (of its items, for a list), in the schema's order:
        where a new key goes, and the order of a new item's keys the siblings do not show."""
        return tuple(spec.name for spec in self.form_fields(path))

    def _specs(self, sub: dict, depth: int = 0) -> list[FieldSpec]:
        required = set(sub.get("required") or ())
        recommended = set(sub.get("x-recommended") or ())
        specs = []
        for position, (name, raw) in enumerate((sub.get("properties") or {}).items()):
            prop = self._deref(raw)
            if not isinstance(prop, dict):
                continue
            spec = self._spec(name, prop, name in required, position, depth)
            specs.append(replace(spec, recommended=True) if name in recommended else spec)
        specs.sort(key=lambda spec: spec.order)
        return specs

    def _spec(self, name: str, prop: dict, required: bool, position: int, depth: int) -> FieldSpec:
        widget = infer_widget(prop)
        children: tuple[FieldSpec, ...] = ()
        if depth < 8:
            if widget == "object-list":
                items = self._deref(prop.get("items"))
                children = tuple(self._specs(items, depth + 1)) if isinstance(items, dict) else ()
            elif widget == "object":
                children = tuple(self._specs(prop, depth + 1))
        order = prop.get("x-order")
        return FieldSpec(
            name=name,
            label=str(prop.get("x-label") or prop.get("title") or _default_label(name)),
            help=str(prop.get("x-help") or prop.get("description") or ""),
            widget=widget,
            enum=tuple(prop.get("enum") or ()),
            required=required,
            summary=tuple(prop.get("x-summary") or ()),
            items=children,
            suggestions=tuple(prop.get("x-suggestions") or ()),
            minimum=prop.get("minimum"),
            maximum=prop.get("maximum"),
            order=float(order) if isinstance(order, (int, float)) else 1e9 + position,
            schema=prop,
        )

    # -- typed values ------------------------------------------------------------------------------
    def _validator_for(self, sub: dict):
        key = id(sub)
        validator = self._sub_validators.get(key)
        if validator is None:
            validator = self.validator.evolve(schema=sub)
            self._sub_validators[key] = validator
        return validator

    def check_value(self, path: tuple | str, value: Any) -> list[str]:
        """Messages (`confidence must be one of high, medium, low, not 'certain'`) when `value` breaks
        the field's schema; empty when it fits or the field is not declared."""
        path = _steps(path)
        sub = self.field(path)
        if sub is None:
            return []
        if value is None and path and isinstance(path[-1], str):
            parent = self.field(path[:-1]) or {}
            if path[-1] not in (parent.get("required") or ()):
                return []  # an optional field left empty is the same as no field
        errors = self._validator_for(sub).iter_errors(to_jsonable(value, drop_null=True))
        return [f"{format_path(tuple(path) + rel) or 'the front matter'} {message}"
                for rel, message in describe_errors(errors, self)]

    def convert(self, path: tuple | str, text: str) -> Any:
        """Turn command-line text into the field's declared type, or raise ValueError saying why not.

        Dates stay `YYYY-MM-DD` text (the writer keeps the file's quoting); lists of strings take one
        item per line, or a YAML flow list `[a, b]`; other lists, mappings and undeclared types are read
        as YAML. An undeclared field keeps the text as it is.
        """
        path = _steps(path)
        sub = self.field(path)
        if sub is None:
            return text
        name = format_path(path)
        value = self._convert(sub, text, name)
        messages = self.check_value(path, value)
        if messages:
            raise ValueError("; ".join(messages))
        return value

    def _convert(self, sub: dict, text: str, name: str) -> Any:
        enum = sub.get("enum")
        types = _types(sub)
        if enum:
            for option in enum:
                if isinstance(option, str) and option == text.strip():
                    return option
            for option in enum:
                if isinstance(option, str) and option.lower() == text.strip().lower():
                    return option
            for option in enum:
                if not isinstance(option, str) and format_scalar(option) == text.strip():
                    return option
            raise ValueError(f"{name} must be one of {', '.join(format_scalar(v) for v in enum)}")
        if len(types) == 1:
            kind = types[0]
            if kind == "string":
                if sub.get("format") == "date":
                    stripped = text.strip()
                    if not is_date_text(stripped):
                        raise ValueError(f"{name} must be a date written YYYY-MM-DD, not {text!r}")
                    return stripped
                return text
            if kind == "boolean":
                word = text.strip().lower()
                if word in ("true", "yes", "on", "1"):
                    return True
                if word in ("false", "no", "off", "0"):
                    return False
                raise ValueError(f"{name} must be true or false, not {text!r}")
            if kind == "integer":
                try:
                    return parse_integer(text.strip())
                except ValueError:
                    raise ValueError(f"{name} must be a whole number, not {text!r}") from None
            if kind == "number":
                stripped = text.strip()
                try:
                    return int(stripped)
                except ValueError:
                    pass
                try:
                    number = float(stripped)
                except ValueError:
                    raise ValueError(f"{name} must be a number, not {text!r}") from None
                if number != number or number in (float("inf"), float("-inf")):
                    raise ValueError(f"{name} must be a finite number, not {text!r}")
                return number
            if kind == "array":
                items = self._deref(sub.get("items"))
                if isinstance(items, dict) and _types(items) == ["string"] and not text.lstrip().startswith("["):
                    return [line.strip() for line in text.splitlines() if line.strip()]
        value = parse_yaml_value(text, name)
        if types and _json_type(value) not in types and not (_json_type(value) == "integer" and "number" in types):
            if "string" in types:
                return text
            wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
            raise ValueError(f"{name} must be {wanted}")
        return value


def _steps(path: tuple | str) -> tuple:
    if isinstance(path, str):
        return parse_path(path) if path else ()
    return tuple(path)


def parse_yaml_value(text: str, name: str = "value") -> Any:
    """Read `text` as one YAML value with the same rules as article front matter."""
    lines = LineMap(text)
    try:
        return to_python(parse_tree(text, 0, len(text), lines.line), lines.line)
    except ArticleError as exc:
        raise ValueError(f"{name}: {exc.message}") from None


# -- loading ----------------------------------------------------------------------------------------------
def corpus_folder(path: str | Path) -> Path:
    """The corpus a user means by PATH (a folder, or a file in one): the nearest folder at or above it
    that declares a corpus with `.corpus-schema.yaml`, else that folder itself. A `.git` above is no
    sign here: a repository may hold much besides its corpus (`list` and the window index this folder)."""
    start = Path(path).absolute()
    if not start.is_dir():
        start = start.parent
    return next((folder for folder in (start, *start.parents) if (folder / CORPUS_SCHEMA_NAME).is_file()), start)


def find_corpus_root(path: str | Path) -> Path:
    """The folder holding `.corpus-schema.yaml` or `.git`, walking up from a file or folder; else the
    folder itself (a file's folder)."""
    start = Path(path).absolute()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / CORPUS_SCHEMA_NAME).is_file() or (folder / ".git").exists():
            return folder
    return start


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SchemaError(f"cannot read the schema: {exc.strerror or exc}", str(path)) from None


# Caches are keyed on the files' bytes, not their times: a file rewritten within one clock tick keeps
# its mtime, and schema files are small.
@functools.lru_cache(maxsize=8)
def _parse_yaml(data: bytes, path: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"cannot read the schema: not UTF-8 ({exc.reason})", path) from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise SchemaError(f"malformed YAML: {message}", path, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise SchemaError(f"malformed YAML: {exc}", path) from None


def _read_yaml(path: Path, data: bytes | None = None) -> Any:
    return copy.deepcopy(_parse_yaml(_file_bytes(path) if data is None else data, str(path)))


def default_json_schema(data: bytes | None = None) -> dict:
    data = _read_yaml(DEFAULT_SCHEMA_PATH, data)
    if not isinstance(data, dict):
        raise SchemaError("the default schema is not a mapping", str(DEFAULT_SCHEMA_PATH))
    return data


def merge(base: Any, extension: Any) -> Any:
    """Mappings merge key by key (`None` deletes a key); any other value replaces the base's."""
    if not isinstance(base, dict) or not isinstance(extension, dict):
        return copy.deepcopy(extension)
    merged = dict(base)
    for key, value in extension.items():
        if value is None:
            merged.pop(key, None)
        elif key in merged:
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def split_corpus_file(data: Any, path: str) -> tuple[str, dict, dict]:
    if data is None:
        return "default", {}, {}
    if not isinstance(data, dict):
        raise SchemaError("a corpus schema file must be a mapping (extends / schema / rules)", path)
    extends = data.get("extends", "default")
    if extends is None:
        extends = "default"
    if extends not in ("default", "none"):
        raise SchemaError(f"extends must be 'default' or 'none', not {extends!r}", path)
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise SchemaError("rules must be a mapping of rule settings", path)
    if "schema" in data:
        unknown = sorted(str(k) for k in data if k not in _FILE_KEYS)
        if unknown:
            raise SchemaError(f"unknown key(s) {', '.join(unknown)}: the file takes extends, schema and rules",
                              path)
        schema = data.get("schema") or {}
    else:
        schema = {k: v for k, v in data.items() if k not in _FILE_KEYS}
        unknown = sorted(str(k) for k in schema if k not in _SCHEMA_KEYS and not str(k).startswith("x-"))
        if unknown:
            raise SchemaError(f"unknown key(s) {', '.join(unknown)}: put the JSON Schema under `schema:`",
                              path)
    if not isinstance(schema, dict):
        raise SchemaError("schema must be a mapping (JSON Schema written in YAML)", path)
    return extends, schema, rules


def load_schema_file(path: str | Path) -> Schema:
    """The default schema combined with one corpus schema file (see the module documentation).

    Schemas are cached while their files are unchanged: treat a returned Schema as read-only.
    """
    path = Path(path)
    return _load_schema_file(str(path), _file_bytes(path), _file_bytes(DEFAULT_SCHEMA_PATH))


def review_key_setting(value: Any, source: str | None = None) -> str | None:
    """`rules.review` of a corpus schema: `{key: NAME, enabled: BOOL}` (both optional), or `false`/`off`
    for no reviews. The key under which each fact keeps its review; None when reviews are off."""
    if value is False or (isinstance(value, str) and value.lower() == "off"):
        return None
    if value is None or value is True:
        return DEFAULT_REVIEW_KEY
    if not isinstance(value, dict):
        raise SchemaError(f"rules.review must be a mapping (key, enabled) or false, not {value!r}", source)
    unknown = sorted(str(k) for k in value if k not in ("key", "enabled"))
    if unknown:
        raise SchemaError(f"unknown rules.review setting(s) {', '.join(unknown)}: known are key and enabled", source)
    enabled = value.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SchemaError(f"rules.review.enabled must be true or false, not {enabled!r}", source)
    key = value.get("key", DEFAULT_REVIEW_KEY)
    if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_][\w-]*", key):
        raise SchemaError(f"rules.review.key must be a field name (letters, digits, '_', '-'), not {key!r}", source)
    return key if enabled else None


def _review_property(json_schema: dict, key: str | None) -> dict:
    """The schema with the facts' `review` property under the corpus's own key, or without it when
    the corpus turns reviews off."""
    try:
        props = json_schema["properties"]["atomic_facts"]["items"]["properties"]
    except (KeyError, TypeError):
        return json_schema
    if not isinstance(props, dict) or DEFAULT_REVIEW_KEY not in props or key == DEFAULT_REVIEW_KEY:
        return json_schema
    json_schema = copy.deepcopy(json_schema)
    props = json_schema["properties"]["atomic_facts"]["items"]["properties"]
    declared = props.pop(DEFAULT_REVIEW_KEY)
    if key is not None and key not in props:
        props[key] = declared
    return json_schema


@functools.lru_cache(maxsize=8)
def _load_schema_file(path_text: str, data: bytes, default_data: bytes) -> Schema:
    path = Path(path_text)
    extends, extension, rules = split_corpus_file(_read_yaml(path, data), str(path))
    if extends == "none":
        json_schema = extension
        sources = (str(path),)
    else:
        json_schema = merge(default_json_schema(default_data), extension)
        sources = (str(DEFAULT_SCHEMA_PATH), str(path))
    if isinstance(rules, dict) and "review" in rules and isinstance(json_schema, dict):
        json_schema = _review_property(json_schema, review_key_setting(rules["review"], str(path)))
    if not isinstance(json_schema, dict) or not json_schema:
        raise SchemaError("the schema is empty: give `schema:` a JSON Schema or use `extends: default`",
                          str(path))
    return Schema(json_schema, rules, sources)


def load_schema(corpus_root: Path | str | None = None) -> Schema:
    """The schema for a corpus: the default one, extended or replaced by `corpus_root/.corpus-schema.yaml`.

    Cached while the files are unchanged: treat the Schema as read-only."""
    if corpus_root is not None:
        candidate = Path(corpus_root) / CORPUS_SCHEMA_NAME
        if candidate.is_file():
            return load_schema_file(candidate)
    return _default_schema(_file_bytes(DEFAULT_SCHEMA_PATH))


@functools.lru_cache(maxsize=2)
def _default_schema(data: bytes) -> Schema:
    return Schema(default_json_schema(data), {}, (str(DEFAULT_SCHEMA_PATH),))


def date_value(value: Any) -> dt.date | None:
    """A date field's value as a date: a `date` object or `YYYY-MM-DD` text; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and is_date_text(value.strip()):
        return dt.date.fromisoformat(value.strip())
    return None


__all__ = [
    "CORPUS_SCHEMA_NAME", "DEFAULT_SCHEMA_PATH", "FORMAT_CHECKER", "FieldSpec", "Schema", "SchemaError",
    "date_value", "describe_error", "find_corpus_root", "infer_widget", "load_schema", "load_schema_file",
    "merge", "parse_yaml_value",
]
