"""Every fixture article: a set, a set back, a set to the same value, structural edits and their undo,
each compared byte for byte; every bad fixture refused with its line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import InsertItem, MoveItem, RemoveItem, SetValue
from editor.core.document.errors import ArticleError, EditError, NotAnArticle

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
GOOD = sorted(p for p in FOLDER.glob("*.md") if not p.name.startswith("bad-") and p.name != "README.md")


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def load(path: Path) -> tuple[bytes, ArticleDocument]:
    raw = path.read_bytes()
    return raw, ArticleDocument.from_bytes(raw, path.name)


def only_lines_changed(before: bytes, after: bytes, allowed: set[int]) -> bool:
    a, b = lines_of(before), lines_of(after)
    return len(a) == len(b) and all(x == y for i, (x, y) in enumerate(zip(a, b, strict=True), 1) if i not in allowed)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_set_then_set_back(path):
    raw, doc = load(path)
    field = "last_verified" if path.name == "lone-cr.md" else "title"
    old = doc.get(field)
    line = doc.line_of(field)
    new = "2026-11-28" if field == "last_verified" else "An edited title"
    applied = doc.apply(SetValue(field, new))
    after = doc.to_bytes()
    assert doc.get(field) == new
    assert only_lines_changed(raw, after, {line})
    old_line, new_line = lines_of(raw)[line - 1], lines_of(after)[line - 1]
    prefix = old_line[: old_line.index(b":") + 1]
    assert new_line.startswith(prefix + b" " * (len(old_line) - len(old_line[len(prefix):].lstrip()) - len(prefix)))
    quote = old_line[len(prefix):].lstrip()[:1]
    if quote in (b'"', b"'"):
        assert new_line[len(prefix):].lstrip()[:1] == quote  # the file's own quoting
    if b" #" in old_line and quote not in (b'"', b"'"):
        assert new_line.endswith(old_line[old_line.index(b" #"):])  # end-of-line comment kept
    assert doc.apply(SetValue(field, new)) is None  # same value: nothing written
    assert doc.to_bytes() == after
    doc.apply(SetValue(field, old))
    assert doc.to_bytes() == raw
    doc.apply(SetValue(field, new))
    doc.undo(applied)
    assert doc.get(field) == old


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_structural_edits_and_undo(path):
    raw, doc = load(path)
    facts = doc.get("atomic_facts")
    fact = {"id": "af-new-1", "statement": "A newly added fact about the topic, long enough to be real.",
            "source_url": "https://example.org/new", "confidence": "medium"}
    done = []
    done.append(doc.apply(InsertItem("atomic_facts", None, fact)))
    assert doc.get("atomic_facts")[-1] == fact
    assert doc.get("atomic_facts")[:-1] == facts
    # an append only adds lines: every original line is still there, in order
    added = doc.to_bytes()
    assert lines_of(raw)[: doc.line_of("atomic_facts[0]") - 1] == lines_of(added)[: doc.line_of("atomic_facts[0]") - 1]
    done.append(doc.apply(MoveItem("atomic_facts", len(facts), 0)))
    assert doc.get("atomic_facts[0].id") == "af-new-1"
    done.append(doc.apply(RemoveItem("atomic_facts", len(facts))))
    assert doc.get("atomic_facts")[1:] == facts[:-1]
    gaps = doc.get("known_gaps") if doc.has("known_gaps") else None
    if isinstance(gaps, list):
        done.append(doc.apply(InsertItem("known_gaps", 0, "A gap: with a colon")))
        assert doc.get("known_gaps[0]") == "A gap: with a colon"
    for applied in reversed(done):
        doc.undo(applied)
    assert doc.to_bytes() == raw


def test_big_body_loads_and_edits_fast():
    raw, doc = load(FOLDER / "big-body.md")
    assert len(raw) > 500_000
    started = time.perf_counter()
    applied = doc.apply(SetValue("title", "Big"))
    doc.undo(applied)
    assert time.perf_counter() - started < 1.0
    assert doc.to_bytes() == raw


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        ("bad-yaml.md", 5, "yaml-error"),
        ("bad-tabs.md", 13, "yaml-error"),
        ("bad-duplicate-key.md", 12, "duplicate-key"),
        ("bad-unclosed.md", 1, "unclosed-front-matter"),
        ("bad-latin1.md", 3, "not-utf8"),
        ("bad-binary.md", None, "binary-file"),
        ("bad-python-tag.md", 3, "unsupported-tag"),
        ("bad-alias-bomb.md", None, "alias-bomb"),
    ],
)
def test_bad_fixtures_are_refused(name, line, code):
    started = time.perf_counter()
    with pytest.raises(ArticleError) as info:
        ArticleDocument.from_bytes((FOLDER / name).read_bytes(), name)
    assert time.perf_counter() - started < 1.0
    assert info.value.code == code
    assert info.value.line is not None
    if line is not None:
        assert info.value.line == line
    assert str(info.value).startswith(f"{name}:{info.value.line}: ")


@pytest.mark.parametrize("name", ["bad-empty.md", "not-an-article.txt"])
def test_not_articles(name):
    with pytest.raises(NotAnArticle):
        ArticleDocument.from_bytes((FOLDER / name).read_bytes(), name)


def test_removing_an_anchored_fact_is_refused_while_aliases_use_it():
    raw, doc = load(FOLDER / "anchors.md")
    with pytest.raises(EditError, match="alias"):
        doc.apply(RemoveItem("atomic_facts", 0))
    assert doc.to_bytes() == raw
