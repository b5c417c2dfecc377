"""The article schema: the default declaration, corpus extensions, typed values and form fields."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml

from editor.core.document.article import ArticleDocument
from editor.core.validation.rules import RuleConfig, check_corpus, check_document
from editor.core.validation.schema import (
    CORPUS_SCHEMA_NAME,
    DEFAULT_SCHEMA_PATH,
    WIDGETS,
    FieldSpec,
    Schema,
    SchemaError,
    find_corpus_root,
    load_schema,
    load_schema_file,
    merge,
)

TODAY = dt.date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validation"
FORMAT_FIELDS = [
    "id", "title", "slug", "status", "schema_type", "category", "language", "confidence", "last_verified",
    "created_date", "updated", "generation_method", "ai_models", "derived_from_human_seed",
    "conflict_of_interest", "is_live_document", "data_period", "completeness", "atomic_facts",
    "primary_sources", "secondary_sources", "known_gaps", "disputed_statements",
]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(None)


# -- the default declaration ---------------------------------------------------------------------------
def test_default_schema_declares_every_field_of_the_format(schema):
    assert DEFAULT_SCHEMA_PATH.name == "schema.yaml" and DEFAULT_SCHEMA_PATH.is_file()
    assert list(schema.json_schema["properties"]) == FORMAT_FIELDS
    fact = schema.field(("atomic_facts", 0))
    assert set(fact["properties"]) == {"id", "statement", "source_title", "source_url", "source_doi",
                                       "source_ref", "confidence", "review"}
    assert set(schema.field(("primary_sources", 0))["properties"]) >= {"id", "title", "type", "year",
                                                                       "institution", "url", "doi"}
    assert "authors" in schema.field(("secondary_sources", 3))["properties"]
    for name in FORMAT_FIELDS:
        sub = schema.field((name,))
        assert sub.get("x-label") and sub.get("x-help") and sub.get("x-widget") in WIDGETS, name


def test_unknown_fields_are_allowed(schema):
    assert schema.field(("confidence_rationale",)) is None
    assert schema.field(("atomic_facts", 0, "reviewer")) is None
    assert schema.check_value(("confidence_rationale",), [1, 2]) == []
    data = {"id": "kb-2026-00060", "title": "t", "category": "ai", "language": "en", "confidence": "high",
            "last_verified": dt.date(2026, 1, 1), "schema_type": "TechArticle", "date_created": "2026",
            "atomic_facts": [{"id": "f1", "statement": "A fact long enough.", "extra": {"a": 1}}]}
    assert list(schema.iter_errors(data)) == []


def test_field_follows_properties_and_items(schema):
    assert schema.field(("atomic_facts", 1, "source_url"))["format"] == "uri"
    assert schema.field(("atomic_facts", -1, "confidence"))["enum"] == ["high", "medium", "low"]
    assert schema.field(("secondary_sources", 0, "authors", 2))["type"] == "string"
    assert schema.field(("title", 0)) is None
    assert schema.field(())["type"] == "object"


def test_form_fields_come_in_order_with_their_widgets(schema):
    specs = schema.form_fields()
    assert [s.name for s in specs] == FORMAT_FIELDS
    by_name = {s.name: s for s in specs}
    assert by_name["title"] == FieldSpec("title", "Title", by_name["title"].help, "line", required=True,
                                         order=20.0)
    assert by_name["confidence"].widget == "enum" and by_name["confidence"].enum == ("high", "medium", "low")
    assert by_name["last_verified"].widget == "date" and by_name["last_verified"].required
    assert by_name["ai_models"].widget == "string-list"
    assert by_name["derived_from_human_seed"].widget == "bool"
    assert by_name["completeness"].widget == "number"
    assert (by_name["completeness"].minimum, by_name["completeness"].maximum) == (0, 1)
    assert by_name["disputed_statements"].widget == "yaml"
    assert [s.name for s in specs if s.recommended] == ["schema_type", "created_date", "generation_method",
                                                        "atomic_facts", "primary_sources"]
    assert "TechArticle" in by_name["schema_type"].suggestions
    facts = by_name["atomic_facts"]
    assert facts.widget == "object-list" and facts.summary == ("id", "statement")
    assert [s.name for s in facts.items] == ["id", "statement", "source_title", "source_url", "source_doi",
                                             "source_ref", "confidence", "review"]
    assert {s.name: s.widget for s in facts.items}["statement"] == "text"
    assert {s.name: s.widget for s in facts.items}["source_url"] == "url"
    assert [s.name for s in schema.form_fields(("atomic_facts",))] == [s.name for s in facts.items]
    assert [s.name for s in schema.form_fields(("atomic_facts", 4))] == [s.name for s in facts.items]
    assert {s.name: s.widget for s in schema.form_fields(("primary_sources", 0))}["year"] == "int"
    assert schema.form_fields(("title",)) == []


# -- typed values ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "text", "value"), [
    (("confidence",), "medium", "medium"),
    (("confidence",), " High ", "high"),
    (("completeness",), "0.85", 0.85),
    (("completeness",), "1", 1),
    (("primary_sources", 0, "year"), "2024", 2024),
    (("is_live_document",), "yes", True),
    (("derived_from_human_seed",), "False", False),
    (("last_verified",), "2026-05-24", "2026-05-24"),
    (("title",), "AI: a title with: colons", "AI: a title with: colons"),
    (("ai_models",), "claude-4.5-sonnet\ngpt-5\n", ["claude-4.5-sonnet", "gpt-5"]),
    (("ai_models",), "[a, b]", ["a", "b"]),
    (("ai_models",), "single", ["single"]),
    (("secondary_sources", 0, "authors"), "Seger, Elizabeth", ["Seger, Elizabeth"]),
    (("atomic_facts", 0, "source_url"), "https://arxiv.org/abs/2407.21783", "https://arxiv.org/abs/2407.21783"),
    (("primary_sources",), "- title: A\n  year: 2020\n", [{"title": "A", "year": 2020}]),
    (("disputed_statements", 0), "plain text", "plain text"),
    (("disputed_statements", 0), "{statement: x, sources: [a]}", {"statement": "x", "sources": ["a"]}),
    (("x-custom",), "42", "42"),
])
def test_convert_turns_text_into_the_declared_type(schema, path, text, value):
    converted = schema.convert(path, text)
    assert converted == value and type(converted) is type(value)


@pytest.mark.parametrize(("path", "text", "message"), [
    (("confidence",), "certain", "confidence must be one of high, medium, low"),
    (("atomic_facts", 2, "confidence"), "sure", "atomic_facts[2].confidence must be one of high, medium, low"),
    (("completeness",), "1.5", "completeness must be between 0 and 1, not 1.5"),
    (("completeness",), "most", "completeness must be a number, not 'most'"),
    (("completeness",), "nan", "completeness must be a finite number"),
    (("primary_sources", 0, "year"), "2024.5", "primary_sources[0].year must be a whole number"),
    (("is_live_document",), "maybe", "is_live_document must be true or false"),
    (("last_verified",), "2026-02-30", "last_verified must be a date written YYYY-MM-DD, not '2026-02-30'"),
    (("last_verified",), "24/05/2026", "last_verified must be a date written YYYY-MM-DD"),
    (("id",), "has spaces", "id must be letters, digits, '-' and '_' only"),
    (("atomic_facts", 0, "source_url"), "arxiv.org/abs/1", "atomic_facts[0].source_url must be a full URL"),
    (("title",), "", "title must not be empty"),
    (("primary_sources",), "[unclosed", "primary_sources: malformed YAML"),
    (("primary_sources",), "- year: 2020", "primary_sources[0].title required field is missing"),
])
def test_convert_refuses_values_that_break_the_schema(schema, path, text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        schema.convert(path, text)


def test_check_value(schema):
    assert schema.check_value(("confidence",), "high") == []
    assert schema.check_value(("confidence",), "certain") == [
        "confidence must be one of high, medium, low, not 'certain'"]
    assert schema.check_value(("last_verified",), dt.date(2026, 5, 24)) == []
    assert schema.check_value(("last_verified",), "2026-05-24") == []
    assert schema.check_value(("last_verified",), 20260524) == [
        "last_verified must be a date written YYYY-MM-DD, not a whole number (20260524)"]
    assert schema.check_value(("completeness",), -0.1) == ["completeness must be between 0 and 1, not -0.1"]
    assert schema.check_value(("primary_sources", 0, "year"), True) == [
        "primary_sources[0].year must be a whole number, not true or false (true)"]
    assert schema.check_value(("atomic_facts", 0), {"id": "f1"}) == [
        "atomic_facts[0].statement required field is missing: add it"]
    assert schema.check_value(("unknown",), object()) == []


# -- corpus schemas -------------------------------------------------------------------------------------
def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


EXTENSION = """\
extends: default
schema:
  required: [id, title, category, language, confidence, last_verified, reviewer]
  properties:
    status:
      enum: [draft, review, published]
    reviewer:
      type: string
      x-label: Reviewer
      x-order: 45
    slug: null
rules:
  stale_warning_days: 90
"""


def test_a_corpus_schema_extends_the_default(tmp_path):
    write(tmp_path / CORPUS_SCHEMA_NAME, EXTENSION)
    schema = load_schema(tmp_path)
    assert schema.sources == (str(DEFAULT_SCHEMA_PATH), str(tmp_path / CORPUS_SCHEMA_NAME))
    assert schema.field(("status",)) == {**load_schema(None).field(("status",)), "enum": ["draft", "review",
                                                                                          "published"]}
    assert schema.field(("slug",)) is None
    assert [s.name for s in schema.form_fields()][:5] == ["id", "title", "status", "reviewer", "schema_type"]
    assert schema.convert(("status",), "review") == "review"
    assert RuleConfig.from_schema(schema).stale_warning_days == 90

    article = (FIXTURES / "clean.md").read_text(encoding="utf-8")
    write(tmp_path / "ai" / "a.md", article.replace("language: en\n", "language: en\nstatus: review\n"))
    write(tmp_path / "ai" / "b.md", article.replace("kb-2026-00060", "b").replace(
        "language: en\n", "language: en\nreviewer: Ann\nstatus: final\n"))
    problems = check_corpus([tmp_path], today=TODAY)
    assert [(Path(p.file).name, p.code, p.field, p.line) for p in problems] == [
        ("a.md", "schema", "reviewer", 2),  # now required
        ("b.md", "schema", "status", 8),  # not one of the corpus's values
    ]


def test_a_corpus_schema_can_forbid_unknown_fields(tmp_path):
    write(tmp_path / CORPUS_SCHEMA_NAME, "schema:\n  additionalProperties: false\n")
    doc = ArticleDocument.from_bytes((FIXTURES / "clean.md").read_bytes(), "clean.md")
    problems = check_document(doc, load_schema(tmp_path), today=TODAY)
    assert [(p.code, p.field, p.line) for p in problems] == [("schema", "confidence_rationale", 17)]
    assert CORPUS_SCHEMA_NAME in problems[0].message


def test_a_corpus_schema_can_replace_the_default(tmp_path):
    write(tmp_path / CORPUS_SCHEMA_NAME, """\
extends: none
schema:
  $schema: https://json-schema.org/draft/2020-12/schema
  type: object
  required: [id, summary]
  $defs:
    text: {type: string, minLength: 1, x-widget: text}
  properties:
    id: {type: string}
    summary: {$ref: '#/$defs/text', x-label: Summary}
""")
    schema = load_schema(tmp_path)
    assert schema.sources == (str(tmp_path / CORPUS_SCHEMA_NAME),)
    assert schema.field(("summary",))["minLength"] == 1
    assert [(s.name, s.label, s.widget, s.required) for s in schema.form_fields()] == [
        ("id", "Id", "line", True), ("summary", "Summary", "text", True)]
    assert schema.check_value(("summary",), "") == ["summary must not be empty"]
    assert [p.field for p in check_document(ArticleDocument.from_text("---\nid: a\n---\n## TL;DR\n", "a.md"),
                                            schema, today=TODAY) if p.code == "schema"] == ["summary"]


def test_a_bare_json_schema_file_is_taken_as_the_extension(tmp_path):
    path = write(tmp_path / "custom.yaml", "properties:\n  confidence:\n    enum: [high, low]\n")
    schema = load_schema_file(path)
    with pytest.raises(ValueError, match="confidence must be one of high, low"):
        schema.convert(("confidence",), "medium")


@pytest.mark.parametrize(("text", "message", "line"), [
    ("schema: [unclosed\n", "malformed YAML", 2),
    ("- a\n- list\n", "must be a mapping", None),
    ("extends: other\n", "extends must be 'default' or 'none'", None),
    ("schema:\n  properties:\n    year: {type: 5}\n", "not a valid JSON Schema at properties.year.type", None),
    ("schema: {}\nextra: 1\n", "unknown key(s) extra", None),
    ("propertes: {}\n", "unknown key(s) propertes", None),
    ("extends: none\n", "the schema is empty", None),
])
def test_unusable_schema_files_raise_schema_error(tmp_path, text, message, line):
    path = write(tmp_path / CORPUS_SCHEMA_NAME, text)
    with pytest.raises(SchemaError) as caught:
        load_schema(tmp_path)
    assert message in caught.value.message
    assert caught.value.path == str(path)
    assert caught.value.line == line


def test_schemas_are_cached_until_the_file_changes(tmp_path):
    assert load_schema(None) is load_schema(tmp_path)
    path = write(tmp_path / CORPUS_SCHEMA_NAME, "rules: {stale_warning_days: 10}\n")
    first = load_schema(tmp_path)
    assert load_schema(tmp_path) is first
    stat = path.stat()
    write(path, "rules: {stale_warning_days: 20}\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # rewritten within one clock tick
    assert load_schema(tmp_path).settings == {"stale_warning_days": 20}


def test_find_corpus_root(tmp_path):
    article = write(tmp_path / "corpus" / "ai" / "deep" / "a.md", "---\nid: a\n---\n")
    assert find_corpus_root(article) == article.parent
    assert find_corpus_root(article.parent) == article.parent
    (tmp_path / "corpus" / ".git").mkdir()
    assert find_corpus_root(article) == tmp_path / "corpus"
    write(tmp_path / "corpus" / "ai" / CORPUS_SCHEMA_NAME, "rules: {}\n")
    assert find_corpus_root(article) == tmp_path / "corpus" / "ai"
    assert find_corpus_root(tmp_path / "corpus") == tmp_path / "corpus"


def test_merge_rules():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert merge(base, {"a": {"c": [3]}, "d": None, "e": {"f": 1}}) == {"a": {"b": 1, "c": [3]}, "e": {"f": 1}}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


def test_the_schema_file_is_plain_yaml_json_schema():
    data = yaml.safe_load(DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert data["$schema"].endswith("2020-12/schema")
    assert data["required"] == ["id", "title", "category", "language", "confidence", "last_verified"]


def test_the_example_corpus_schema_loads(tmp_path):
    example = DEFAULT_SCHEMA_PATH.parent / "corpus-schema.example.yaml"
    write(tmp_path / CORPUS_SCHEMA_NAME, example.read_text(encoding="utf-8"))
    schema = load_schema(tmp_path)
    assert schema.field(("status",))["enum"] == ["draft", "review", "published"]
    assert {s.name: s.label for s in schema.form_fields()}["reviewer"] == "Reviewer"
    config = RuleConfig.from_schema(schema)
    assert config.severity == {"homepage-source": "error", "fact-confidence-above-article": "off"}


def test_paths_may_be_given_as_text(schema):
    assert schema.field("atomic_facts[1].source_url") == schema.field(("atomic_facts", 1, "source_url"))
    assert schema.convert("atomic_facts[-1].confidence", "High") == "high"
    assert schema.check_value("primary_sources[0].year", 1999) == []
    assert [s.name for s in schema.form_fields("secondary_sources")][:3] == ["id", "title", "type"]
    assert schema.field("") is schema.field(())


def test_hints_are_left_out_of_validation_but_not_field_names(tmp_path):
    write(tmp_path / CORPUS_SCHEMA_NAME, "schema:\n  properties:\n    x-review:\n      type: object\n"
                                         "      required: [reviewer]\n      x-label: Review\n")
    schema = load_schema(tmp_path)
    doc = ArticleDocument.from_bytes((FIXTURES / "clean.md").read_bytes().replace(
        b"id: kb-2026-00060", b"id: kb 2026\nx-review: {notes: none}"), "a.md")
    problems = check_document(doc, schema, today=TODAY)
    assert [(p.field, p.message) for p in problems] == [
        ("id", "must be letters, digits, '-' and '_' only, no spaces (e.g. ai-for-democratization or "
               "kb-2026-00060); 'kb 2026' is not"),
        ("x-review.reviewer", "required field is missing: add it"),
    ]
    assert schema.field(("x-review",))["x-label"] == "Review"


def test_empty_optional_fields_count_as_absent_and_one_message_per_field(schema):
    assert schema.check_value(("slug",), None) == []
    assert schema.check_value(("atomic_facts", 0, "confidence"), None) == []
    assert schema.check_value(("title",), None) == ["title must be text, not empty (null)"]
    assert schema.check_value(("confidence",), 5) == ["confidence must be one of high, medium, low, not 5"]
    text = (FIXTURES / "clean.md").read_text(encoding="utf-8")
    text = text.replace("updated: 2026-10-01", "updated:\nslug: ~").replace("confidence: high\n", "confidence:\n", 1)
    problems = check_document(ArticleDocument.from_text(text, "a.md"), schema, today=TODAY)
    assert [(p.code, p.field, p.line, p.message) for p in problems] == [
        ("schema", "confidence", 7, "required field is empty: fill it in")]
