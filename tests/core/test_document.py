"""Reading articles: parts, values, lines, and every kind of bad input refused with its line."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError, NotAnArticle
from editor.core.document.fieldpath import format_path, parse_path


def read(data: bytes | str) -> ArticleDocument:
    return ArticleDocument.from_bytes(data.encode() if isinstance(data, str) else data, "a.md")


def test_parts_values_and_lines(sample_bytes):
    doc = read(sample_bytes)
    assert doc.get("id") == "ai-for-democratization"
    assert doc.get("last_verified") == "2026-05-24"  # quoted: a string in the file's own form
    assert doc.get("completeness") == 0.85
    assert doc.get("derived_from_human_seed") is True
    assert doc.get("secondary_sources[1].authors[0]") == "Seger, Elizabeth"
    assert doc.get("atomic_facts[-1].id") == "af-ai-for-democratization-2"
    assert doc.line_of("title") == 3
    assert doc.line_of("atomic_facts[1].source_url") == 33
    assert doc.line_of("atomic_facts[1].nothing") == doc.line_of("atomic_facts[1]")
    assert doc.body.startswith("\n## TL;DR") or doc.body.startswith("## TL;DR")
    assert doc.to_bytes() == sample_bytes


def test_unquoted_dates_and_yaml_12_scalars():
    doc = read("---\nd: 2026-01-02\nyes_word: yes\nnum: 0x1F\nnull1: ~\nnull2:\nf: 1e3\n---\n")
    assert doc.get("d") == dt.date(2026, 1, 2)
    assert doc.get("yes_word") == "yes"
    assert doc.get("num") == 31
    assert doc.get("null1") is None and doc.get("null2") is None
    assert doc.get("f") == 1000.0


def test_bom_and_crlf_detected():
    doc = read(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nbody\r\n")
    assert doc.source.bom and doc.newline == "\r\n"
    assert doc.body == "body\r\n"
    assert doc.to_bytes() == b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nbody\r\n"


def test_front_matter_ends_at_first_exact_rule():
    doc = read("---\na: 1\n---\nbody\n---\nmore\n")
    assert doc.data == {"a": 1}
    assert doc.body == "body\n---\nmore\n"
    assert doc.body_line == 4


def test_empty_front_matter_is_an_empty_mapping():
    assert read("---\n---\nbody").data == {}


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty file"),
        (b"plain text, no front matter\n", 1, "no front matter"),
    ],
)
def test_not_articles(data, line, words):
    with pytest.raises(NotAnArticle) as info:
        read(data)
    assert info.value.line == line and words in info.value.message


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"---\ntitle: a\nsummary: 'unclosed\nnext: b\n---\n", 3, "malformed YAML"),
        (b"---\ntitle: a\nlist:\n\t- x\n---\n", 4, "malformed YAML"),
        (b"---\ntitle: a\nother: 1\ntitle: b\n---\n", 4, "duplicate key 'title'"),
        (b"---\ntitle: a\nno closing line\n", 1, "not closed"),
        (b"---\ntitle: caf\xe9\n---\n", 2, "not UTF-8"),
        (b"---\ntitle: a\n\x00\x01\x02binary\n", 3, "binary"),
        (b'---\nx: !!python/object/apply:os.system ["echo hi"]\n---\n', 2, "tag"),
        (b"---\nx: !custom 1\n---\n", 2, "tag"),
        (b"---\n- a\n- b\n---\n", 2, "must be a mapping"),
        (b"---\na: *nothing\n---\n", 2, "alias"),
    ],
)
def test_bad_input_is_refused_with_its_line(data, line, words):
    with pytest.raises(ArticleError) as info:
        read(data)
    assert not isinstance(info.value, NotAnArticle)
    assert info.value.line == line, info.value
    assert words in info.value.message
    assert str(info.value).startswith(f"a.md:{line}: ")


def test_alias_bomb_is_refused_quickly():
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines.append("---")
    started = time.perf_counter()
    with pytest.raises(ArticleError, match="alias bomb"):
        read("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0


def test_small_aliases_are_fine():
    doc = read("---\nbase: &b {x: 1}\nuse: *b\n---\n")
    assert doc.get("use.x") == 1


@pytest.mark.parametrize("text", ["title", "atomic_facts[0].statement", "secondary_sources[1].authors[0]",
                                  "x-review.notes[0]", '["odd.key"].x', "a[-1]"])
def test_field_paths_round_trip(text):
    assert format_path(parse_path(text)) == text


@pytest.mark.parametrize("text", ["", "a.", ".a", "a[", "a[x]", "a..b", "a]b"])
def test_bad_field_paths(text):
    from editor.core.document.errors import FieldPathError

    with pytest.raises(FieldPathError):
        parse_path(text)
