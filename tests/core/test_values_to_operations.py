"""A whole value written back as the fewest operations (the YAML boxes, merges), and aliases."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.document.diffops import SyncValue, operations
from editor.core.document.edits import AddKey, Batch, InsertItem, RemoveItem, RemoveKey, SetValue
from editor.core.document.errors import EditError

DISPUTED = """\
---
title: "T"
disputed_statements:
  - statement: >-
      Open models match closed ones on every benchmark that matters to
      practitioners, according to the leaderboards.
    by: 'vendor blog'   # who says so
    sources:
      - https://example.org/a
  - Plain text dispute
x-review:
  notes: [a, b]
  by: someone
---
Body.
"""


def doc_of(text: str) -> ArticleDocument:
    return ArticleDocument.from_bytes(text.encode("utf-8"), "case.md")


def test_one_word_changed_in_a_folded_statement_changes_one_word():
    doc = doc_of(DISPUTED)
    value = copy.deepcopy(doc.get("disputed_statements"))
    value[0]["statement"] = value[0]["statement"].replace("every benchmark", "most benchmarks")
    ops = operations(doc, ("disputed_statements",), value)
    assert ops == [SetValue(("disputed_statements", 0, "statement"), value[0]["statement"])]
    applied = doc.apply(SyncValue("disputed_statements", value))
    assert doc.text == DISPUTED.replace("every benchmark", "most benchmarks")
    assert isinstance(applied.operation, Batch)
    doc.undo(applied)
    assert doc.text == DISPUTED


def test_structure_changes_become_insert_remove_add_and_remove_key():
    doc = doc_of(DISPUTED)
    value = copy.deepcopy(doc.get("disputed_statements"))
    del value[0]["by"]
    value[0]["sources"].append("https://example.org/b")
    value[0]["note"] = "checked"
    value.append("Another dispute")
    ops = operations(doc, ("disputed_statements",), value)
    kinds = sorted(type(op).__name__ for op in ops)
    assert kinds == ["AddKey", "InsertItem", "InsertItem", "RemoveKey"]
    applied = doc.apply(SyncValue("disputed_statements", value))
    assert doc.get("disputed_statements") == value
    assert "      Open models match closed ones on every benchmark that matters to\n" in doc.text
    assert "  - Plain text dispute\n  - Another dispute\n" in doc.text
    assert "      - https://example.org/a\n      - https://example.org/b\n" in doc.text
    doc.undo(applied)
    assert doc.text == DISPUTED


def test_a_refused_step_leaves_the_document_untouched():
    doc = doc_of(DISPUTED)
    with pytest.raises(EditError):
        doc.apply(Batch((SetValue("title", "U"), InsertItem("title", None, "x"))))
    assert doc.text == DISPUTED


def test_a_mapping_synced_keeps_its_flow_list_and_comment():
    doc = doc_of(DISPUTED)
    doc.apply(SyncValue("x-review", {"notes": ["a", "b", "c"], "by": "someone else"}))
    assert "  notes: [a, b, c]\n  by: someone else\n" in doc.text
    assert "# who says so" in doc.text


# -- aliases ----------------------------------------------------------------------------------------------

ALIASED = """\
---
title: 'T'
created_date: &created '2026-05-24'
last_verified: &verified "2026-05-24"
updated: *created
also: *verified
fact_url: &u https://example.org/x
facts:
  - url: *u
base: &base
  a: 1
merged:
  <<: *base
  b: 2
---
"""


def test_setting_an_alias_writes_the_value_in_place_in_the_anchors_quoting():
    doc = doc_of(ALIASED)
    doc.apply(SetValue("updated", "2026-11-28"))
    assert doc.text == ALIASED.replace("updated: *created", "updated: '2026-11-28'")
    assert doc.get("created_date") == "2026-05-24"
    doc.apply(SetValue("also", "2026-12-01"))
    assert 'also: "2026-12-01"\n' in doc.text
    doc.apply(SetValue("facts[0].url", "https://example.org/y"))
    assert "  - url: https://example.org/y\n" in doc.text and doc.get("fact_url") == "https://example.org/x"


def test_setting_an_alias_to_its_value_writes_nothing():
    doc = doc_of(ALIASED)
    assert doc.apply(SetValue("updated", "2026-05-24")) is None
    assert doc.text == ALIASED


def test_a_merge_key_alias_is_refused_with_a_clear_message():
    doc = doc_of(ALIASED)
    with pytest.raises(EditError, match=r"merged\.<< is a merge key .*line 10"):
        doc.apply(SetValue(("merged", "<<"), "x"))
    assert doc.text == ALIASED


def test_set_through_the_command_line_on_an_alias(tmp_path):
    path = tmp_path / "a.md"
    text = ALIASED.replace("title: 'T'", "title: 'T'\nid: aliased")
    path.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "editor", "set", str(path), *args], capture_output=True,
                              text=True, timeout=60, env=env)

    same = run("updated", "2026-05-24")
    assert same.returncode == 0, same.stderr
    assert path.read_text(encoding="utf-8") == text
    changed = run("updated", "2026-11-28")
    assert changed.returncode == 0, changed.stderr
    assert path.read_text(encoding="utf-8") == text.replace("updated: *created", "updated: '2026-11-28'")
    merge = run("x-note", "<<")
    assert merge.returncode == 0, merge.stderr
    assert "x-note: '<<'\n" in path.read_text(encoding="utf-8")


def test_remove_and_add_through_operations_keep_other_bytes():
    doc = doc_of(DISPUTED)
    for op in (RemoveItem("disputed_statements", 1), RemoveKey("x-review", "by"), AddKey("x-review", "by", "x")):
        doc.apply(op)
    assert doc.text == DISPUTED.replace("  - Plain text dispute\n", "").replace("  by: someone\n", "  by: x\n")
