"""A quick check that proves most articles valid without running jsonschema.

jsonschema walks a document in about 0.6 ms, most of a cold index scan's time. Almost every article is
valid, and proving that needs far less machinery: the schema is compiled into closures that answer
"certainly valid" (True) or "not sure" (False). Only "not sure" documents go through jsonschema, whose
errors are the ones reported; a certainly valid one has none. Keywords outside the handled subset make
a schema (or that part of it) "not sure" for every document: slower, never wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from editor.core.document.values import to_jsonable

_ANNOTATIONS = {"title", "description", "default", "examples", "$comment", "$schema", "$id", "$defs",
                "definitions", "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding"}
_HANDLED = {"type", "enum", "const", "format", "pattern", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "required", "properties", "additionalProperties",
            "patternProperties", "items", "$ref", "allOf", "anyOf"}


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPE_TESTS = {
    "string": lambda x: isinstance(x, str),
    "integer": _is_integer,
    "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}


# the types of a value as jsonschema sees it after `values.to_jsonable`: a date is text, and so are
# NaN and the infinities (JSON has no such numbers)
_RAW_TYPE_TESTS = dict(
    _TYPE_TESTS,
    string=lambda x: isinstance(x, (str, dt.date)),
    number=lambda x: _TYPE_TESTS["number"](x) and math.isfinite(x),
)


def _never(_value: Any) -> bool:
    return False


def _always(_value: Any) -> bool:
    return True


def _json_scalar(value: Any) -> Any:
    """What jsonschema is given for a scalar (see `Schema.iter_errors`)."""
    return to_jsonable(value)


class _Unsupported(Exception):
    pass


def compile_validity(json_schema: Any, format_checker: Any) -> Any:
    """A function data -> bool that is True only when jsonschema would find no error in `data`."""
    compiling: set[int] = set()

    def resolve(ref: str) -> Any:
        if not ref.startswith("#"):
            raise _Unsupported
        target: Any = json_schema
        for part in [p for p in ref[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise _Unsupported
            target = target[part]
        return target

    def build(schema: Any) -> Any:
        if schema is True:
            return _always
        if not isinstance(schema, dict):
            return _never
        if id(schema) in compiling:  # a recursive $ref: leave it to jsonschema
            raise _Unsupported
        compiling.add(id(schema))
        try:
            return build_checks(schema)
        finally:
            compiling.discard(id(schema))

    def build_checks(schema: dict) -> Any:
        for key in schema:
            if key not in _HANDLED and key not in _ANNOTATIONS and not str(key).startswith("x-"):
                raise _Unsupported
        value_tests: list = []  # on the value as jsonschema sees it (dates as text)
        tests: list = []  # on the value itself
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if any(name not in _TYPE_TESTS for name in names):
                raise _Unsupported
            kinds = [_RAW_TYPE_TESTS[name] for name in names]
            tests.append(kinds[0] if len(kinds) == 1 else (lambda x, t=kinds: any(f(x) for f in t)))
        if "enum" in schema:
            options = schema["enum"]
            if not isinstance(options, list):
                raise _Unsupported
            texts = frozenset(o for o in options if isinstance(o, str))
            value_tests.append(lambda x, t=texts: isinstance(x, str) and x in t)
        if "const" in schema:
            const = schema["const"]
            if not isinstance(const, str):
                raise _Unsupported
            value_tests.append(lambda x, c=const: isinstance(x, str) and x == c)
        if "format" in schema and format_checker is not None:
            fmt = schema["format"]
            value_tests.append(lambda x, f=fmt: format_checker.conforms(x, f))
        if "pattern" in schema:
            pattern = re.compile(schema["pattern"])
            value_tests.append(lambda x, p=pattern: not isinstance(x, str) or p.search(x) is not None)
        if "minLength" in schema:
            value_tests.append(lambda x, n=schema["minLength"]: not isinstance(x, str) or len(x) >= n)
        if "maxLength" in schema:
            value_tests.append(lambda x, n=schema["maxLength"]: not isinstance(x, str) or len(x) <= n)
        for key, fails in (("minimum", lambda x, m: x < m), ("maximum", lambda x, m: x > m),
                           ("exclusiveMinimum", lambda x, m: x <= m), ("exclusiveMaximum", lambda x, m: x >= m)):
            if key in schema:
                limit = schema[key]
                if isinstance(limit, bool) or not isinstance(limit, (int, float)):
                    raise _Unsupported
                tests.append(lambda x, m=limit, f=fails: not _TYPE_TESTS["number"](x) or not f(x, m))
        if "required" in schema:
            names = tuple(schema["required"])
            tests.append(lambda x, r=names: not isinstance(x, dict) or all(n in x for n in r))
        if any(k in schema for k in ("properties", "additionalProperties", "patternProperties")):
            props = {name: build(sub) for name, sub in (schema.get("properties") or {}).items()}
            patterns = [(re.compile(p), build(sub)) for p, sub in (schema.get("patternProperties") or {}).items()]
            extra = schema.get("additionalProperties", True)
            extra_check = None if extra is True else build(extra)

            def object_check(x, props=props, patterns=patterns, extra_check=extra_check):
                if not isinstance(x, dict):
                    return True
                for key, value in x.items():
                    if key.__class__ is not str:
                        return False  # keys that are not text: let jsonschema judge
                    check = props.get(key)
                    if check is not None and not check(value):
                        return False
                    if patterns or extra_check is not None:
                        matched = False
                        for pattern, sub in patterns:
                            if pattern.search(key):
                                matched = True
                                if not sub(value):
                                    return False
                        if extra_check is not None and check is None and not matched and not extra_check(value):
                            return False
                return True
            tests.append(object_check)
        if "items" in schema:
            item = build(schema["items"])

            def items_check(x, item=item):
                if isinstance(x, list):
                    for value in x:
                        if not item(value):
                            return False
                return True
            tests.append(items_check)
        if "$ref" in schema:
            tests.append(build(resolve(schema["$ref"])))
        for sub in schema.get("allOf") or ():
            tests.append(build(sub))
        if "anyOf" in schema:
            branches = [build(sub) for sub in schema["anyOf"]]
            tests.append(lambda x, b=branches: any(f(x) for f in b))
        if value_tests:
            def on_json_value(x, value_tests=value_tests):
                if isinstance(x, dt.date):
                    x = _json_scalar(x)
                for test in value_tests:  # noqa: SIM110 - a loop beats all() over a generator here
                    if not test(x):
                        return False
                return True
            tests.append(on_json_value)
        if not tests:
            return _always
        if len(tests) == 1:
            return tests[0]

        def check(x, tests=tests):
            for test in tests:  # noqa: SIM110 - a loop beats all() over a generator here
                if not test(x):
                    return False
            return True
        return check

    try:
        return build(json_schema)
    except (_Unsupported, re.error, TypeError):
        return None
