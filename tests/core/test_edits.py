"""Exact edits: each case states the file before and the file after, byte for byte."""

from __future__ import annotations

import datetime as dt

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import AddKey, InsertItem, MoveItem, RemoveItem, RemoveKey, SetValue, set_path_value
from editor.core.document.errors import EditError, FieldPathError


def doc_of(text: str | bytes) -> ArticleDocument:
    return ArticleDocument.from_bytes(text if isinstance(text, bytes) else text.encode("utf-8"), "case.md")


def edited(text: str | bytes, *ops) -> bytes:
    doc = doc_of(text)
    original = doc.to_bytes()
    applied = [doc.apply(op) for op in ops]
    result = doc.to_bytes()
    for a in reversed(applied):
        if a is not None:
            doc.undo(a)
    assert doc.to_bytes() == original, "undo did not give back the original bytes"
    return result


def b(text: str) -> bytes:
    return text.encode("utf-8")


# -- scalars keep their style -----------------------------------------------------------------------

SCALARS = """\
---
# leading comment
plain: hello world
single: 'it''s here'
double: "say \\"hi\\"\\tnow"
spaced:    lots of space   # trailing comment
date_q: "2026-05-24"
date_s: '2026-05-24'
date_p: 2026-05-24
num: 0.85
flag: true
anchored: &a anchor value # comment
empty:
tilde: ~
---
Body text.
"""


@pytest.mark.parametrize(
    ("field", "value", "old_line", "new_line"),
    [
        ("plain", "goodbye", "plain: hello world", "plain: goodbye"),
        ("plain", "needs: quoting", "plain: hello world", "plain: 'needs: quoting'"),
        ("plain", "# not a comment", "plain: hello world", "plain: '# not a comment'"),
        ("plain", "- not a list", "plain: hello world", "plain: '- not a list'"),
        ("plain", "[not flow]", "plain: hello world", "plain: '[not flow]'"),
        ("plain", "it's: here", "plain: hello world", "plain: \"it's: here\""),
        ("plain", "true", "plain: hello world", "plain: 'true'"),
        ("plain", "12", "plain: hello world", "plain: '12'"),
        ("plain", "", "plain: hello world", "plain: ''"),
        ("single", "don't", "single: 'it''s here'", "single: 'don''t'"),
        ("double", 'a "b" \\ c', 'double: "say \\"hi\\"\\tnow"', 'double: "a \\"b\\" \\\\ c"'),
        ("spaced", "other", "spaced:    lots of space   # trailing comment",
         "spaced:    other   # trailing comment"),
        ("date_q", "2026-11-28", 'date_q: "2026-05-24"', 'date_q: "2026-11-28"'),
        ("date_s", "2026-11-28", "date_s: '2026-05-24'", "date_s: '2026-11-28'"),
        ("date_p", dt.date(2026, 11, 28), "date_p: 2026-05-24", "date_p: 2026-11-28"),
        ("num", 0.9, "num: 0.85", "num: 0.9"),
        ("flag", False, "flag: true", "flag: false"),
        ("anchored", "new", "anchored: &a anchor value # comment", "anchored: &a new # comment"),
        ("empty", "filled", "empty:", "empty: filled"),
        ("tilde", "x", "tilde: ~", "tilde: x"),
    ],
)
def test_set_scalar_changes_only_its_text(field, value, old_line, new_line):
    assert SCALARS.count(old_line + "\n") == 1
    assert edited(SCALARS, SetValue(field, value)) == b(SCALARS.replace(old_line + "\n", new_line + "\n"))


def test_set_to_same_value_writes_nothing():
    doc = doc_of(SCALARS)
    for field in ("plain", "single", "double", "date_q", "date_p", "num", "flag", "empty", "tilde"):
        assert doc.apply(SetValue(field, doc.get(field))) is None
    assert doc.apply(SetValue("date_q", dt.date(2026, 5, 24))) is None  # the same date, quoted
    assert doc.to_bytes() == b(SCALARS)


def test_set_and_set_back_gives_the_original():
    doc = doc_of(SCALARS)
    for field, value in [("plain", "other words"), ("single", "x"), ("double", "y"), ("num", 1.5)]:
        old = doc.get(field)
        doc.apply(SetValue(field, value))
        assert doc.get(field) == value
        doc.apply(SetValue(field, old))
    assert doc.to_bytes() == b(SCALARS)


def test_quoted_date_accepts_a_date_value_and_keeps_quotes():
    assert edited(SCALARS, SetValue("date_q", dt.date(2026, 11, 28))) == b(
        SCALARS.replace('date_q: "2026-05-24"', 'date_q: "2026-11-28"'))


# -- folded and literal blocks ------------------------------------------------------------------------

FOLDED = """\
---
atomic_facts:
  - id: f1
    statement: >-
      The quick brown fox jumps over the lazy dog and keeps running far beyond the
      river bank until night falls on the quiet valley.
    confidence: high
  - id: f2
    statement: |
      line one
      line two
---
"""


def test_folded_edit_at_end_keeps_the_unchanged_lines():
    doc = doc_of(FOLDED)
    old = doc.get("atomic_facts[0].statement")
    new = old.replace("quiet valley.", "quiet green valley.")
    out = edited(FOLDED, SetValue("atomic_facts[0].statement", new))
    assert out == b(FOLDED.replace("on the quiet valley.", "on the quiet green valley."))


def test_folded_long_value_is_refolded_at_the_files_width():
    doc = doc_of(FOLDED)
    width = len("      The quick brown fox jumps over the lazy dog and keeps running far beyond the")
    new = "A " + "very long statement " * 12 + "ends here."
    doc.apply(SetValue("atomic_facts[0].statement", new))
    lines = doc.text.splitlines()
    start = lines.index("    statement: >-") + 1
    block = []
    for line in lines[start:]:
        if not line.startswith("      "):
            break
        block.append(line)
    assert len(block) > 2
    assert all(len(line) <= width for line in block)
    assert doc.get("atomic_facts[0].statement") == new


def test_folded_value_with_paragraphs_and_literal_block():
    out = edited(FOLDED, SetValue("atomic_facts[0].statement", "First.\nSecond."),
                 SetValue("atomic_facts[1].statement", "alpha\n  beta\n"))
    expected = FOLDED.replace(
        "      The quick brown fox jumps over the lazy dog and keeps running far beyond the\n"
        "      river bank until night falls on the quiet valley.\n",
        "      First.\n\n      Second.\n").replace("      line one\n      line two\n", "      alpha\n        beta\n")
    assert out == b(expected)


def test_folded_keeps_chomping_or_adjusts_it():
    doc = doc_of(FOLDED)
    doc.apply(SetValue("atomic_facts[0].statement", "ends with newline\n"))
    assert "    statement: >\n      ends with newline\n" in doc.text
    assert doc.get("atomic_facts[0].statement") == "ends with newline\n"


def test_value_a_block_cannot_hold_falls_back_to_double_quotes():
    doc = doc_of(FOLDED)
    doc.apply(SetValue("atomic_facts[0].statement", "  leading spaces"))
    assert doc.get("atomic_facts[0].statement") == "  leading spaces"
    assert '    statement: "  leading spaces"\n' in doc.text


# -- lists: indented, flush, flow ---------------------------------------------------------------------

LISTS = """\
---
indented:
  - a
  - b   # about b
  # between items
  - c
flush:
- x
- y
flow: [one, two]
empty: []
facts:
  - id: f1
    statement: >-
      First fact.
    source_url: https://example.org/1
  - id: f2
    statement: >-
      Second fact.
    source_url: https://example.org/2
---
"""


def test_append_to_indented_and_flush_lists():
    out = edited(LISTS, InsertItem("indented", None, "d"), InsertItem("flush", None, "z"))
    assert out == b(LISTS.replace("  - c\n", "  - c\n  - d\n").replace("- y\n", "- y\n- z\n"))


def test_insert_before_an_item():
    out = edited(LISTS, InsertItem("indented", 1, "a2"), InsertItem("flush", 0, "w"))
    assert out == b(LISTS.replace("  - b", "  - a2\n  - b").replace("flush:\n- x", "flush:\n- w\n- x"))


def test_remove_items_keeps_comments_of_others():
    out = edited(LISTS, RemoveItem("indented", 1))
    assert out == b(LISTS.replace("  - b   # about b\n", ""))
    out = edited(LISTS, RemoveItem("indented", 2))
    assert out == b(LISTS.replace("  - c\n", ""))


def test_remove_last_item_leaves_an_empty_flow_list():
    out = edited(LISTS, RemoveItem("flush", 0), RemoveItem("flush", 0))
    assert out == b(LISTS.replace("flush:\n- x\n- y\n", "flush: []\n"))


def test_move_items_keeps_gaps_in_place():
    out = edited(LISTS, MoveItem("indented", 0, 2))
    assert out == b(LISTS.replace("  - a\n  - b   # about b\n  # between items\n  - c\n",
                                  "  - b   # about b\n  - c\n  # between items\n  - a\n"))


def test_flow_list_edits_stay_flow():
    assert edited(LISTS, InsertItem("flow", None, "three")) == b(LISTS.replace("[one, two]", "[one, two, three]"))
    assert edited(LISTS, RemoveItem("flow", 0)) == b(LISTS.replace("[one, two]", "[two]"))
    assert edited(LISTS, MoveItem("flow", 1, 0)) == b(LISTS.replace("[one, two]", "[two, one]"))
    assert edited(LISTS, InsertItem("empty", None, "x, y")) == b(LISTS.replace("empty: []", "empty: ['x, y']"))


def test_new_fact_copies_its_siblings_styles():
    fact = {"id": "f3", "statement": "Third fact.", "source_url": "https://example.org/3"}
    out = edited(LISTS, InsertItem("facts", None, fact))
    assert out == b(LISTS.replace(
        "    source_url: https://example.org/2\n",
        "    source_url: https://example.org/2\n"
        "  - id: f3\n    statement: >-\n      Third fact.\n    source_url: https://example.org/3\n"))


def test_map_into_empty_flow_list_becomes_a_block_list():
    out = edited(LISTS, InsertItem("empty", None, {"statement": "s", "by": "x"}))
    assert out == b(LISTS.replace("empty: []\n", "empty:\n  - statement: s\n    by: x\n"))


def test_move_and_remove_facts():
    out = edited(LISTS, MoveItem("facts", 1, 0))
    f1 = "  - id: f1\n    statement: >-\n      First fact.\n    source_url: https://example.org/1\n"
    f2 = "  - id: f2\n    statement: >-\n      Second fact.\n    source_url: https://example.org/2\n"
    assert out == b(LISTS.replace(f1 + f2, f2 + f1))
    assert edited(LISTS, RemoveItem("facts", 0)) == b(LISTS.replace(f1, ""))


# -- keys -------------------------------------------------------------------------------------------

KEYS = """\
---
title: T
x-review:
    notes:
        - one
    by: someone
facts:
  - id: f1
    statement: s
---
"""


def test_add_and_remove_keys_in_each_blocks_indentation():
    assert edited(KEYS, AddKey("x-review", "when", "now")) == b(KEYS.replace("    by: someone\n",
                                                                             "    by: someone\n    when: now\n"))
    assert edited(KEYS, AddKey("", "status", "draft", before="x-review")) == b(KEYS.replace(
        "title: T\n", "title: T\nstatus: draft\n"))
    assert edited(KEYS, RemoveKey("x-review", "by")) == b(KEYS.replace("    by: someone\n", ""))
    assert edited(KEYS, AddKey("facts[0]", "confidence", "high")) == b(KEYS.replace(
        "    statement: s\n", "    statement: s\n    confidence: high\n"))


def test_remove_the_first_key_of_a_list_item():
    assert edited(KEYS, RemoveKey("facts[0]", "id")) == b(KEYS.replace("  - id: f1\n    statement: s\n",
                                                                      "  - statement: s\n"))


def test_add_a_key_before_the_first_key_of_a_list_item():
    assert edited(KEYS, AddKey("facts[0]", "uid", "u1", before="id")) == b(KEYS.replace(
        "  - id: f1\n", "  - uid: u1\n    id: f1\n"))


def test_set_path_value_adds_missing_keys_and_nested_values():
    out = edited(KEYS, set_path_value("ai_models", ["a", "b"]))
    assert out == b(KEYS.replace("    statement: s\n", "    statement: s\nai_models:\n  - a\n  - b\n"))


def test_a_new_date_key_takes_the_files_date_quoting():
    text = '---\nlast_verified: "2026-01-01"\ntitle: T\n---\n'
    assert edited(text, AddKey("", "updated", dt.date(2026, 2, 3), before="title")) == b(
        '---\nlast_verified: "2026-01-01"\nupdated: "2026-02-03"\ntitle: T\n---\n')


# -- line endings, BOM, odd bytes -------------------------------------------------------------------

def test_crlf_and_bom_survive_edits():
    text = "\ufeff---\r\ntitle: Old\r\nlist:\r\n  - a\r\nfold: >-\r\n  one two\r\n---\r\nBody\r\n"
    out = edited(b(text), SetValue("title", "New"), InsertItem("list", None, "b"), SetValue("fold", "one\nthree"))
    assert out == b("\ufeff---\r\ntitle: New\r\nlist:\r\n  - a\r\n  - b\r\nfold: >-\r\n  one\r\n\r\n  three\r\n"
                    "---\r\nBody\r\n")


def test_lone_cr_inside_a_quoted_string_is_kept():
    text = '---\ntitle: "a\rb"\nother: x\n---\nbody\n'
    doc = doc_of(text)
    assert doc.newline == "\n"
    assert doc.line_of("other") == 3
    assert edited(text, SetValue("other", "z")) == b(text.replace("other: x", "other: z"))


def test_unicode_values():
    text = "---\ntitle: 长城 — سور 🧱\nlist: [中文, عربي]\n---\n"
    out = edited(text, SetValue("title", "新标题 🎉"), InsertItem("list", None, "😀"))
    assert out == b("---\ntitle: 新标题 🎉\nlist: [中文, عربي, 😀]\n---\n")


def test_no_body_and_no_final_newline():
    text = "---\ntitle: T\n---"
    assert edited(text, SetValue("title", "U")) == b("---\ntitle: U\n---")
    assert doc_of(text).body == ""


def test_body_with_rules_and_yaml_fences_is_never_touched():
    body = "Intro\n\n---\n\n```yaml\n---\ntitle: fake\n---\n```\n"
    text = "---\ntitle: T\n---\n" + body
    doc = doc_of(text)
    assert doc.body == body
    assert edited(text, SetValue("title", "U")) == b("---\ntitle: U\n---\n" + body)


def test_big_body_edit_is_exact():
    body = ("Lorem ipsum dolor sit amet. " * 40 + "\n") * 450
    assert len(body) > 500_000
    text = "---\ntitle: T\nlast_verified: '2026-01-01'\n---\n" + body
    assert edited(text, SetValue("last_verified", "2026-11-28")) == b(text.replace("2026-01-01", "2026-11-28"))


def test_trailing_spaces_are_kept():
    text = "---\ntitle: T   \nnext: n  \n---\n"
    assert edited(text, SetValue("title", "U")) == b("---\ntitle: U   \nnext: n  \n---\n")


# -- refusals ---------------------------------------------------------------------------------------

def test_alias_occurrence_is_replaced_in_place_and_the_anchor_keeps_its_value():
    text = "---\nsrc: &s https://a.org/x\nfacts:\n  - url: *s\n---\n"
    doc = doc_of(text)
    assert doc.get("facts[0].url") == "https://a.org/x"
    assert edited(text, SetValue("facts[0].url", "https://b.org")) == b(text.replace("*s", "https://b.org"))
    # editing the anchor changes what the alias reads, as YAML says
    doc.apply(SetValue("src", "https://b.org/y"))
    assert doc.get("facts[0].url") == "https://b.org/y"
    assert doc.text == text.replace("https://a.org/x", "https://b.org/y")


def test_missing_path_is_a_clear_error():
    doc = doc_of(KEYS)
    with pytest.raises(FieldPathError, match=r"no field facts\[3\]"):
        doc.get("facts[3]")
    with pytest.raises(FieldPathError, match="no field nope"):
        doc.apply(SetValue("nope", 1))
    with pytest.raises(EditError):
        doc.apply(InsertItem("title", None, "x"))
    assert doc.to_bytes() == b(KEYS)
