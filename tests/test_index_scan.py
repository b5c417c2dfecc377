"""The index's fast reader and quick schema check agree with the exact reader and with jsonschema."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError, NotAnArticle
from editor.core.files.walk import CORPUS_SCHEMA_NAME, is_candidate
from editor.core.index.scan import (
    Checker,
    _ScannedDocument,
    read_article,
    scan_file,
)
from editor.core.validation import rules, schema
from editor.core.validation.quickvalid import _TYPE_TESTS, compile_validity
from tests.bench.generate import generate_corpus

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"
TODAY = dt.date(2026, 11, 28)


def _exact(data: bytes):
    try:
        doc = ArticleDocument.from_bytes(data, "x.md")
    except ArticleError as exc:
        return type(exc).__name__, exc.message, exc.line, exc.code
    return "ok", doc.data, doc.body


def _fast(data: bytes):
    try:
        source, values = read_article(data, "x.md")
    except ArticleError as exc:
        return type(exc).__name__, exc.message, exc.line, exc.code
    return "ok", values, source.body


def _same(a, b) -> bool:
    """Equality that treats NaN as equal to itself (it is one value in both readers)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) and type(a[k]) is type(b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


TRICKY = [
    "",
    "no front matter\n",
    "---\n---\nbody\n",
    "---\n# only a comment\n---\n",
    "---\nid: a\n",
    "---\n- a\n- b\n---\n",
    "---\nplain scalar\n---\n",
    "---\nyes: no\non: off\nn: y\n---\n",
    "---\noctal: 0o17\nold_octal: 017\nhex: 0x1F\nsexagesimal: 1:20\nfloat: 1e3\nf2: .5\ninf: -.inf\nnan: .NaN\n---\n",
    "---\nd: 2026-05-24\nq: '2026-05-24'\ndq: \"2026-05-24\"\nbad: 2026-02-30\ndt: 2026-05-24 10:20:30\n---\n",
    "---\nnull1: ~\nnull2: null\nnull3:\nt: True\nf: FALSE\n---\n",
    "---\na: 1\na: 2\n---\n",
    "---\n1: one\ntrue: yes\nnull: x\n2026-01-01: d\n---\n",
    "---\na: 1\n1: x\n'1': y\n---\n",
    "---\ntrue: 1\n1: 2\n---\n",
    "---\ntag: !!str 123\n---\n",
    "---\ntag: ! 123\n---\n",
    "---\ntag: !!python/object:os.system x\n---\n",
    "---\nbinary: !!binary aGVsbG8=\n---\n",
    "---\nset: !!set {a, b}\n---\n",
    "---\na: &x [1, 2]\nb: *x\n---\n",
    "---\na: &x\n  b: *x\n---\n",
    "---\nmerge: &m {a: 1}\nother:\n  <<: *m\n  b: 2\n---\n",
    "---\n<<: {a: 1}\n---\n",
    "---\n? [complex, key]\n: value\n---\n",
    "---\n? simple\n: value\n---\n",
    "---\nkey: 'it''s'\nesc: \"tab\\there \\u00e9 \\\"q\\\"\"\n---\n",
    "---\nfolded: >-\n  one\n  two\n\n  three\nliteral: |\n  keep\n   this\n---\n",
    "---\nflow: {a: [1, {b: c}], d: e}\n---\n",
    "---\n" + "a:\n  " + "- " * 150 + "x\n---\n",
    "---\n" + "a: " + "[" * 300 + "]" * 300 + "\n---\n",
    "---\ntitle: \"unterminated\n---\n",
    "---\nid: a\n  bad: indent\n---\n",
    "---\nid: a\n--- \nsecond: doc\n---\n",
    "---\nid: a\n...\nb: 2\n---\n",
    "---\n%YAML 1.1\n---\n",
    "---\r\nid: crlf\r\ntitle: \"a\rb\"\r\n---\r\nbody\r\n",
    "\ufeff---\nid: bom\n---\nbody\n",
    "---\nid: \"\\x00\"\n---\n",
    "---\nkey: value # comment\n# c\nlist: [a, b] # c\n---\n",
    "---\nstar: a * b\nbang: wow!\n---\n",
    "---\nempty_flow: []\nempty_map: {}\n---\n",
    "---\nlarge: 123456789012345678901234567890\nneg: -0\nplus: +12\n---\n",
    "--- \nid: trailing-space-opener\n---\n",
    "---\nid: x\n---",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_reader_agrees_with_the_exact_reader_on_tricky_text(text):
    data = text.encode("utf-8")
    assert _same(_fast(data), _exact(data)), text


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.name != "README.md"))
def test_fast_reader_agrees_with_the_exact_reader_on_fixtures(name):
    data = (FIXTURES / name).read_bytes()
    assert _same(_fast(data), _exact(data))


def test_fast_reader_agrees_on_bytes_that_are_not_text():
    for data in (b"\x00\x01---\n", b"---\nid: caf\xe9\n---\n", b"\xef\xbb\xbf", b"\xff\xfe---\n"):
        assert _same(_fast(data), _exact(data))


def test_fast_reader_agrees_on_a_generated_corpus(tmp_path):
    generate_corpus(tmp_path, 150, seed=3, broken=5, non_articles=6)
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            assert _same(_fast(data), _exact(data)), path


SPLIT_CASES = [
    "---\nid: a\n---\nbody\n", "---\nid: a\n---", "---\nid: a\n---\r\nbody", "---\nid: a\n---\r",
    "---\nid: a\n--- \n---\n", "---\nid: a\n ---\n---\n", "---\n---\n", "---\n", "---\n\n---\n",
    "---\nid: a\n----\n---x\n---\n", "---\r\nid: a\r\n---\r\n", "---\nid: a\n", "--- \nid: a\n---\n",
    "\ufeff---\nid: a\n---\n", "---\nt: \"a\rb\"\n---\n", "---\nid: a\r---\n---\n",
]


@pytest.mark.parametrize("text", SPLIT_CASES)
def test_quick_split_agrees_with_split(text):
    from editor.core.document.source import split
    from editor.core.index.scan import split_fast

    data = text.encode("utf-8")
    try:
        expected = split(data)
    except ArticleError as exc:
        with pytest.raises(type(exc)):
            split_fast(data)
        return
    assert split_fast(data) == expected


def test_not_an_article_and_errors_are_told_apart():
    with pytest.raises(NotAnArticle):
        read_article(b"# Title\n\ntext\n")
    with pytest.raises(NotAnArticle):
        read_article(b"")
    with pytest.raises(ArticleError) as info:
        read_article(b"---\nid: a\nid: b\n---\n", "dup.md")
    assert not isinstance(info.value, NotAnArticle)
    assert (info.value.line, info.value.code, info.value.path) == (3, "duplicate-key", "dup.md")


def test_candidate_files():
    assert is_candidate("a.md") and is_candidate("B.MD") and is_candidate("notes.txt")
    assert is_candidate("x.markdown")
    assert not is_candidate(".gitkeep") and not is_candidate(".hidden.md")
    assert not is_candidate("figure.png") and not is_candidate("Makefile")


def test_corpus_schema_file_name_matches_the_schema_module():
    assert CORPUS_SCHEMA_NAME == schema.CORPUS_SCHEMA_NAME


# -- the quick schema check ------------------------------------------------------------------------------
def test_type_tests_match_jsonschema():
    checker = Draft202012Validator.TYPE_CHECKER
    values = [0, 1, -5, 1.0, 1.5, float("nan"), float("inf"), True, False, None, "", "x", [], [1], {}, {"a": 1}]
    for name, test in _TYPE_TESTS.items():
        for value in values:
            assert test(value) == checker.is_type(value, name), (name, value)


def _mutations(data: dict, rng: random.Random) -> dict:
    """A copy of `data` with a few values broken in the ways real files break them."""
    broken = dict(data)
    choices = [
        ("confidence", rng.choice(["certain", "HIGH", 3, None, ["high"]])),
        ("last_verified", rng.choice(["2026-13-01", "May 2026", 20260101, dt.date(2026, 1, 1), None, ""])),
        ("id", rng.choice(["has space", "", 12, "ok-id", None])),
        ("completeness", rng.choice([1.5, -0.1, "0.5", True, 1, 0.0])),
        ("language", rng.choice(["EN", "en-US", "english", "", 5])),
        ("ai_models", rng.choice([[], ["x", ""], "gpt", [1], None])),
        ("derived_from_human_seed", rng.choice(["true", 1, None, False])),
        ("title", rng.choice(["", None, "ok", 42])),
    ]
    for key, value in rng.sample(choices, rng.randint(1, 3)):
        broken[key] = value
    facts = broken.get("atomic_facts")
    if isinstance(facts, list) and facts and rng.random() < 0.6:
        fact = dict(facts[0])
        key, value = rng.choice([("source_url", "not a url"), ("source_url", "https://"), ("confidence", "sure"),
                                 ("id", "bad id"), ("statement", None), ("source_doi", "11.1/x"),
                                 ("source_doi", "10.1000/ok"), ("source_url", dt.date(2026, 1, 1))])
        fact[key] = value
        broken["atomic_facts"] = [fact, *facts[1:]]
    sources = broken.get("primary_sources")
    if isinstance(sources, list) and sources and rng.random() < 0.5:
        source = dict(sources[0])
        source[rng.choice(["year", "type", "title"])] = rng.choice([2024.0, 2024.5, "2024", -4000, 10000, "blog", ""])
        broken["primary_sources"] = [source, *sources[1:]]
    if rng.random() < 0.1:
        broken[1] = "a key that is not text"
    return broken


def test_quick_check_never_calls_an_invalid_document_valid(tmp_path):
    loaded = schema.load_schema(None)
    valid = compile_validity(loaded.json_schema, schema.FORMAT_CHECKER)
    assert valid is not None
    paths = generate_corpus(tmp_path, 120, seed=5)
    rng = random.Random(7)
    seen_valid = seen_invalid = 0
    for path in paths:
        _, data = read_article(path.read_bytes())
        for candidate in [data] + [_mutations(data, rng) for _ in range(8)]:
            has_errors = any(True for _ in loaded.iter_errors(candidate))
            if valid(candidate):
                assert not has_errors, candidate
                seen_valid += 1
            else:
                seen_invalid += has_errors
    assert seen_valid > 100 and seen_invalid > 500  # both kinds were exercised


def test_quick_check_declines_schemas_it_does_not_understand():
    checker = schema.FORMAT_CHECKER
    assert compile_validity({"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}},
                            checker) is None
    assert compile_validity({"$ref": "https://example.org/remote.json"}, checker) is None
    strict = compile_validity({"type": "object", "additionalProperties": False,
                               "properties": {"a": {"type": "integer"}},
                               "patternProperties": {"^x-": {"type": "string"}}}, checker)
    assert strict({"a": 1, "x-b": "c"}) and not strict({"a": 1, "b": 2}) and not strict({"x-b": 3})
    assert not strict({"a": True}) and strict({"a": 2.0})
    recursive = {"$defs": {"n": {"type": "object", "properties": {"c": {"$ref": "#/$defs/n"}}}},
                 "$ref": "#/$defs/n"}
    assert compile_validity(recursive, checker) is None


# -- counts ------------------------------------------------------------------------------------------------
def test_counts_equal_the_rules_on_exact_documents(tmp_path):
    """The index counts (fast reader, no line numbers) equal check_document's on the exact document."""
    paths = generate_corpus(tmp_path, 80, seed=11, today=TODAY)
    extra = tmp_path / "odd.md"
    extra.write_bytes(b"---\nid: odd\ntitle: \"A\rB\"\nlast_verified: 2030-01-01\nconfidence: sure\n"
                      b"known_gaps: [TODO, \"caf\xc3\x83\xc2\xa9\"]\n---\nbody\r\nwith TBD\n")
    paths.append(extra)
    for name in ("crlf.md", "lone-cr.md", "unicode.md", "anchors.md", "nulls.md", "body-rules.md"):
        target = tmp_path / name
        target.write_bytes((FIXTURES / name).read_bytes())
        paths.append(target)
    checker = Checker(str(tmp_path), TODAY)
    loaded = schema.load_schema(tmp_path)
    config = rules.RuleConfig.from_schema(loaded)
    for path in paths:
        rel = path.relative_to(tmp_path).as_posix()
        row = scan_file(str(tmp_path), rel, None, checker)
        problems = rules.check_file(path, loaded, config, TODAY)
        errors = sum(1 for p in problems if p.severity == "error")
        assert (row.errors, row.warnings) == (errors, len(problems) - errors), (path, problems)


def test_scanned_document_builds_its_tree_only_when_asked():
    source, data = read_article(b"---\nid: a\ntitle: T\n---\nbody\n")
    doc = _ScannedDocument(source, data, "a.md")
    assert doc.line_of(("title",)) is None
    assert doc.lines.line(len("---\nid: a\n")) == 3
    assert doc.root is not None and doc.root.kind == "map"
    assert doc.get("title") == "T"


def test_valid_until_is_the_next_day_the_counts_can_change():
    checker = Checker("/nonexistent", TODAY)
    config = checker.config
    verified = TODAY - dt.timedelta(days=10)
    data = {"last_verified": verified.isoformat(), "primary_sources": [{"year": 2025}]}
    assert checker.valid_until(data) == (verified + dt.timedelta(days=config.stale_warning_days + 1)).isoformat()
    data["updated"] = dt.date(2026, 12, 1)  # in the future: becomes fine on that day
    assert checker.valid_until(data) == "2026-12-01"
    data = {"primary_sources": [{"year": TODAY.year + 1}]}
    assert checker.valid_until(data) == f"{TODAY.year + 1}-01-01"
    assert checker.valid_until({"title": "no dates"}) is None
