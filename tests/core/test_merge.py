"""Three-way merge on real article text: each case edits the loaded file two ways with the core's
operations (mine, and theirs on disk) and states the merged bytes exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.document.article import ArticleDocument
from editor.core.document.edits import AddKey, InsertItem, MoveItem, RemoveItem, RemoveKey, SetValue
from editor.core.document.errors import CorpusEditorError
from editor.core.files.merge import (
    BODY,
    MINE,
    MISSING,
    THEIRS,
    WHOLE_FILE,
    Clash,
    diff3,
    lost_if_taking_theirs,
    merge_documents,
    merge_lines,
    resolve_field,
    take_theirs,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = (FIXTURES / "sample-article.md").read_bytes()


def edited(data: bytes, *ops) -> bytes:
    doc = ArticleDocument.from_bytes(data, "case.md")
    for op in ops:
        doc.apply(op)
    return doc.to_bytes()


def body_edited(data: bytes, old: str, new: str) -> bytes:
    text = data.decode("utf-8")
    assert text.count(old) == 1
    return text.replace(old, new).encode("utf-8")


def fixture(name: str) -> bytes:
    return (FIXTURES / "articles" / name).read_bytes()


def merged(base: bytes, mine: bytes, theirs: bytes):
    result = merge_documents(base, mine, theirs, "case.md")
    assert result.error is None, result.error
    assert not result.clashes, result.clashes
    return result


# -- front matter ----------------------------------------------------------------------------------

def test_different_fields_merge_exactly():
    mine = edited(SAMPLE, SetValue("title", "AI Democratization: a shorter title"))
    theirs = edited(SAMPLE, SetValue("confidence", "medium"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, SetValue("title", "AI Democratization: a shorter title"))
    assert result.merged_bytes == edited(mine, SetValue("confidence", "medium"))
    assert result.from_disk == ["confidence"]


def test_same_field_changed_differently_clashes():
    mine = edited(SAMPLE, SetValue("title", "Mine"))
    theirs = edited(SAMPLE, SetValue("title", "Theirs"), SetValue("confidence", "low"))
    result = merge_documents(SAMPLE, mine, theirs, "case.md")
    assert result.clashes == ["title"]
    assert result.merged_text is None and result.merged_bytes is None
    assert not result.ok


def test_same_change_on_both_sides_is_not_a_clash():
    mine = edited(SAMPLE, SetValue("title", "Same"), SetValue("completeness", 0.9))
    theirs = edited(SAMPLE, SetValue("title", "Same"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == mine
    assert result.from_disk == []


def test_nested_fields_of_one_fact_merge():
    mine = edited(SAMPLE, SetValue("atomic_facts[0].confidence", "medium"))
    theirs = edited(SAMPLE, SetValue("atomic_facts[0].source_url", "https://example.org/llama3"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, SetValue("atomic_facts[0].confidence", "medium"))
    assert result.from_disk == ["atomic_facts[0].source_url"]


def test_list_item_added_by_me_while_disk_changed_another_field():
    fact = {"id": "af-ai-for-democratization-3", "statement": "Hugging Face hosted more than 500,000 models in 2026.",
            "source_title": "Hugging Face", "source_url": "https://huggingface.co/models", "confidence": "medium"}
    mine = edited(SAMPLE, InsertItem("atomic_facts", None, fact))
    theirs = edited(SAMPLE, SetValue("last_verified", "2026-06-01"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, InsertItem("atomic_facts", None, fact))
    assert result.from_disk == ["last_verified"]


def test_list_item_added_on_disk_while_i_changed_another_field():
    mine = edited(SAMPLE, SetValue("completeness", 0.9))
    theirs = edited(SAMPLE, InsertItem("known_gaps", 0, "Energy cost of running open models locally"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, SetValue("completeness", 0.9))
    assert result.from_disk == ["known_gaps"]


def test_fact_removed_on_disk_while_i_edited_another_fact():
    mine = edited(SAMPLE, SetValue("atomic_facts[1].statement", "Low-code AI platforms let non-programmers "
                                                                "build models."))
    theirs = edited(SAMPLE, RemoveItem("atomic_facts", 0))
    result = merged(SAMPLE, mine, theirs)
    expected = edited(theirs, SetValue("atomic_facts[0].statement", "Low-code AI platforms let non-programmers "
                                                                    "build models."))
    assert result.merged_bytes == expected
    assert "atomic_facts[0]" in result.from_disk


def test_fact_removed_on_disk_while_i_edited_that_fact_clashes():
    mine = edited(SAMPLE, SetValue("atomic_facts[0].confidence", "low"))
    theirs = edited(SAMPLE, RemoveItem("atomic_facts", 0))
    result = merge_documents(SAMPLE, mine, theirs, "case.md")
    assert result.clashes == ["atomic_facts[0]"]
    assert result.merged_text is None


def test_both_sides_add_different_facts():
    def fact(n):
        return {"id": f"af-x-{n}", "statement": f"Statement number {n} is long enough.", "confidence": "low"}

    mine = edited(SAMPLE, InsertItem("atomic_facts", None, fact(8)))
    theirs = edited(SAMPLE, InsertItem("atomic_facts", None, fact(9)))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, InsertItem("atomic_facts", 2, fact(8)))
    doc = ArticleDocument.from_bytes(result.merged_bytes)
    assert [f["id"] for f in doc.get("atomic_facts")][2:] == ["af-x-8", "af-x-9"]


def test_my_move_and_their_edit_of_a_moved_item():
    mine = edited(SAMPLE, MoveItem("primary_sources", 1, 0))
    theirs = edited(SAMPLE, SetValue("primary_sources[0].year", 2025))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, MoveItem("primary_sources", 1, 0))


def test_strings_list_edit_and_append_merge():
    mine = edited(SAMPLE, SetValue("known_gaps[0]", "GPU compute beyond hyperscalers"))
    theirs = edited(SAMPLE, InsertItem("known_gaps", None, "Licensing of open weights"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, SetValue("known_gaps[0]", "GPU compute beyond hyperscalers"))


def test_added_and_removed_keys():
    mine = edited(SAMPLE, AddKey("", "slug", "ai-democratization", before="schema_type"))
    theirs = edited(SAMPLE, RemoveKey("", "data_period"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(theirs, AddKey("", "slug", "ai-democratization", before="schema_type"))
    assert result.from_disk == ["data_period"]


def test_key_removed_by_me_and_changed_on_disk_clashes():
    mine = edited(SAMPLE, RemoveKey("", "data_period"))
    theirs = edited(SAMPLE, SetValue("data_period", "dynamic"))
    assert merge_documents(SAMPLE, mine, theirs).clashes == ["data_period"]


@pytest.mark.parametrize("name, mine_op, their_op", [
    ("flow.md", InsertItem("ai_models", None, "gemini-3"), SetValue("x-tags.level", "advanced")),
    ("crlf.md", SetValue("title", "Line endings kept"), SetValue("confidence", "low")),
    ("bom.md", SetValue("title", "BOM kept"), SetValue("language", "fr")),
    ("comments.md", SetValue("confidence", "low"), SetValue("category", "science")),
])
def test_fixture_layouts_merge_exactly(name, mine_op, their_op):
    base = fixture(name)
    mine = edited(base, mine_op)
    theirs = edited(base, their_op)
    result = merged(base, mine, theirs)
    assert result.merged_bytes == edited(theirs, mine_op)


# -- body --------------------------------------------------------------------------------------------

def test_body_hunks_apart_merge():
    mine = body_edited(SAMPLE, "## TL;DR\n", "## TL;DR (short)\n")
    theirs = body_edited(SAMPLE, "## Detailed Analysis\n", "## Detailed analysis\n")
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == body_edited(theirs, "## TL;DR\n", "## TL;DR (short)\n")
    assert result.from_disk == [BODY]


def test_body_same_line_clashes():
    mine = body_edited(SAMPLE, "## Core Explanation\n", "## Core explanation\n")
    theirs = body_edited(SAMPLE, "## Core Explanation\n", "## How it works\n")
    result = merge_documents(SAMPLE, mine, theirs)
    assert result.clashes == [BODY]
    assert result.merged_text is None


def test_body_and_front_matter_together():
    mine = edited(body_edited(SAMPLE, "## Core Explanation\n", "## Core explanation\n"),
                  SetValue("completeness", 0.95))
    theirs = edited(body_edited(SAMPLE, "## Detailed Analysis\n", "## Analysis\n"), SetValue("confidence", "medium"))
    result = merged(SAMPLE, mine, theirs)
    expected = edited(body_edited(theirs, "## Core Explanation\n", "## Core explanation\n"),
                      SetValue("completeness", 0.95))
    assert result.merged_bytes == expected
    assert result.from_disk == ["confidence", BODY]


def test_diff3_rules():
    base = list("abcdefg")
    assert diff3(base, list("aBcdefg"), list("abcdeFg")) == (list("aBcdeFg"), False)
    assert diff3(base, list("aBcdefg"), list("aXcdefg"))[1] is True
    assert diff3(base, list("aBcdefg"), list("aBcdefg")) == (list("aBcdefg"), False)
    assert diff3(base, list("abXcdefg"), list("abYcdefg"))[1] is True  # two insertions at one place
    assert diff3(base, list("abXcdefg"), list("abXcdefg")) == (list("abXcdefg"), False)
    assert diff3(base, list("acdefg"), list("abcdefgZ")) == (list("acdefgZ"), False)
    assert diff3(base, list("Xabcdefg"), list("bcdefg")) == (list("Xbcdefg"), False)
    lines, clash = merge_lines("one\ntwo\nthree\n", "one\n2\nthree\n", "one\ntwo\nthree\nfour\n")
    assert ("".join(lines), clash) == ("one\n2\nthree\nfour\n", False)


# -- whole file --------------------------------------------------------------------------------------

def test_unparseable_disk_text_is_a_whole_file_clash():
    mine = edited(SAMPLE, SetValue("title", "Mine"))
    theirs = SAMPLE.replace(b"title: ", b"title: [unclosed", 1)
    result = merge_documents(SAMPLE, mine, theirs)
    assert result.clashes == [WHOLE_FILE]
    assert result.error and "disk" in result.error
    assert result.merged_text is None


def test_unparseable_unsaved_text_is_a_whole_file_clash():
    mine = SAMPLE.replace(b"title: ", b"title: [unclosed", 1)
    theirs = edited(SAMPLE, SetValue("title", "Theirs"))
    result = merge_documents(SAMPLE, mine, theirs)
    assert result.clashes == [WHOLE_FILE] and "unsaved" in result.error


def test_trivial_cases():
    theirs = edited(SAMPLE, SetValue("title", "Theirs"))
    unchanged = merge_documents(SAMPLE, SAMPLE, theirs)
    assert unchanged.merged_bytes == theirs and unchanged.from_disk == ["title"]
    mine_only = merge_documents(SAMPLE, theirs, SAMPLE)
    assert mine_only.merged_bytes == theirs and mine_only.from_disk == []


# -- property: edits of different fields and body lines always merge, exactly ------------------------

SCALAR_FIELDS = ["title", "schema_type", "category", "language", "confidence", "last_verified", "created_date",
                 "generation_method", "conflict_of_interest", "data_period", "updated"]
BODY_LINES = SAMPLE.decode().split("---\n", 2)[2].splitlines(keepends=True)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_disjoint_edits_always_merge_exactly(data):
    fields = data.draw(st.lists(st.sampled_from(SCALAR_FIELDS), min_size=2, max_size=6, unique=True))
    split = data.draw(st.integers(1, len(fields) - 1))
    values = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="\x7f"),
                     min_size=1, max_size=40).filter(lambda v: v.strip() == v)
    mine_ops = [SetValue(f, data.draw(values)) for f in fields[:split]]
    their_ops = [SetValue(f, data.draw(values)) for f in fields[split:]]
    lines = data.draw(st.lists(st.integers(0, len(BODY_LINES) - 1), min_size=2, max_size=2, unique=True))
    lines.sort()  # different lines, adjacent ones included: hunks that only touch do not clash
    mine = edited(SAMPLE, *mine_ops)
    theirs = edited(SAMPLE, *their_ops)
    mine_body, their_body = list(BODY_LINES), list(BODY_LINES)
    mine_body[lines[0]] = "mine " + mine_body[lines[0]]
    their_body[lines[1]] = "theirs " + their_body[lines[1]]

    def with_body(data: bytes, body: list[str]) -> bytes:
        head, sep, _ = data.decode().partition("\n---\n")
        return (head + sep + "".join(body)).encode()

    result = merged(SAMPLE, with_body(mine, mine_body), with_body(theirs, their_body))
    both = list(BODY_LINES)
    both[lines[0]], both[lines[1]] = mine_body[lines[0]], their_body[lines[1]]
    assert result.merged_bytes == with_body(edited(theirs, *mine_ops), both)


def test_undecodable_disk_bytes_are_never_merged_with_replacement_characters():
    theirs = SAMPLE.replace(b"Three pillars", b"Three \xe9 pillars", 1)
    result = merge_documents(SAMPLE, SAMPLE, theirs)
    assert result.merged_text is None and result.clashes == [WHOLE_FILE] and "UTF-8" in result.error


def test_my_comment_in_the_front_matter_is_kept_exactly():
    mine = SAMPLE.replace(b"confidence: high\nlast_verified", b"confidence: high  # checked by hand\nlast_verified", 1)
    theirs = edited(SAMPLE, SetValue("title", "Their title"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(mine, SetValue("title", "Their title"))
    assert result.from_disk == ["title"]


def test_my_layout_change_with_a_value_change_is_kept_exactly():
    mine = edited(SAMPLE.replace(b'last_verified: "2026-05-24"', b"last_verified: '2026-05-24'", 1),
                  SetValue("completeness", 0.9))
    theirs = edited(SAMPLE, SetValue("known_gaps[1]", "Quality assurance for citizen data scientists"))
    result = merged(SAMPLE, mine, theirs)
    assert result.merged_bytes == edited(mine, SetValue("known_gaps[1]", "Quality assurance for citizen data "
                                                                          "scientists"))


def test_my_layout_change_on_the_line_they_changed_clashes():
    mine = SAMPLE.replace(b"title: \"AI", b"title: 'AI", 1).replace(b"Learning\"\n", b"Learning'\n", 1)
    theirs = SAMPLE.replace(b"title: \"AI", b"title:  \"AI", 1)  # only their layout, too
    theirs = edited(theirs, SetValue("confidence", "low"))
    result = merge_documents(SAMPLE, mine, theirs)
    assert result.clashes == ["front matter"] and "layout" in result.error


# -- deciding clashes field by field -------------------------------------------------------------------

def test_each_clash_is_detailed_with_both_values():
    mine = edited(body_edited(SAMPLE, "## Core Explanation\n", "## Core explanation\n"), SetValue("title", "Mine"))
    theirs = edited(body_edited(SAMPLE, "## Core Explanation\n", "## How it works\n"), SetValue("title", "Theirs"))
    result = merge_documents(SAMPLE, mine, theirs)
    assert result.clashes == ["title", BODY]
    title, body = result.fields
    assert (title.name, title.path, title.mine, title.theirs) == ("title", ("title",), "Mine", "Theirs")
    assert title.base.startswith("AI Democratization") and title.decidable
    assert (body.path, body.mine, body.theirs) == (None, "## Core explanation\n", "## How it works\n")
    assert body.decidable


def test_choices_decide_clashes_and_keep_every_other_edit():
    mine = edited(body_edited(SAMPLE, "## TL;DR\n", "## TL;DR (mine)\n"), SetValue("title", "Mine"),
                  SetValue("completeness", 0.9))
    theirs = edited(SAMPLE, SetValue("title", "Theirs"), SetValue("confidence", "low"))
    mine_kept = merge_documents(SAMPLE, mine, theirs, choices={"title": MINE})
    assert mine_kept.ok and not mine_kept.clashes
    assert mine_kept.merged_bytes == edited(body_edited(theirs, "## TL;DR\n", "## TL;DR (mine)\n"),
                                            SetValue("title", "Mine"), SetValue("completeness", 0.9))
    theirs_taken = merge_documents(SAMPLE, mine, theirs, choices={"title": THEIRS})
    assert theirs_taken.merged_bytes == edited(body_edited(theirs, "## TL;DR\n", "## TL;DR (mine)\n"),
                                               SetValue("completeness", 0.9))


def test_body_choice_decides_only_the_clashing_hunks():
    mine = body_edited(body_edited(SAMPLE, "## Core Explanation\n", "## Core explanation\n"),
                       "## TL;DR\n", "## TL;DR (mine)\n")
    theirs = body_edited(body_edited(SAMPLE, "## Core Explanation\n", "## How it works\n"),
                         "## Detailed Analysis\n", "## Analysis\n")
    result = merge_documents(SAMPLE, mine, theirs, choices={BODY: THEIRS})
    expected = body_edited(theirs, "## TL;DR\n", "## TL;DR (mine)\n")
    assert result.merged_bytes == expected
    # taking theirs for the body: the body merged, their side where both changed the same lines
    assert take_theirs(SAMPLE, mine, theirs, merge_documents(SAMPLE, mine, theirs).fields[0]) == expected
    lines, clashed = merge_lines("a\nb\n", "a\nB\n", "a\nX\n", prefer=MINE)
    assert (lines, clashed) == (["a\n", "B\n"], False)


def test_take_theirs_writes_one_field_and_nothing_else():
    mine = edited(SAMPLE, SetValue("atomic_facts[1].statement", "My statement."), SetValue("title", "Mine"))
    theirs = edited(SAMPLE, SetValue("atomic_facts[1].statement", "Their statement."))
    result = merge_documents(SAMPLE, mine, theirs)
    (clash,) = result.fields
    assert clash.name == "atomic_facts[1].statement" and clash.path == ("atomic_facts", 1, "statement")
    assert take_theirs(SAMPLE, mine, theirs, clash) == edited(SAMPLE, SetValue("title", "Mine"),
                                                               SetValue("atomic_facts[1].statement",
                                                                        "Their statement."))


def test_take_theirs_of_a_key_i_removed_and_they_changed():
    mine = edited(SAMPLE, RemoveKey("", "data_period"))
    theirs = edited(SAMPLE, SetValue("data_period", "2020-2026"))
    (clash,) = merge_documents(SAMPLE, mine, theirs).fields
    assert clash.mine is MISSING and clash.theirs == "2020-2026"
    assert take_theirs(SAMPLE, mine, theirs, clash) == theirs
    (back,) = merge_documents(SAMPLE, theirs, mine).fields  # and the other way round: they removed it
    assert take_theirs(SAMPLE, theirs, mine, back) == mine


def test_resolving_field_by_field_ends_in_the_merge():
    mine = edited(body_edited(SAMPLE, "## Core Explanation\n", "## Core explanation\n"), SetValue("title", "Mine"),
                  SetValue("completeness", 0.5))
    theirs = edited(body_edited(SAMPLE, "## Core Explanation\n", "## How it works\n"), SetValue("title", "Theirs"),
                    SetValue("confidence", "low"))
    clash = Clash.of(merge_documents(SAMPLE, mine, theirs), SAMPLE, theirs, None)
    assert clash.decidable and clash.names == ["title", BODY]
    first = resolve_field(clash, mine, "title", THEIRS)
    assert not first.merged and [f.name for f in first.clash.unresolved()] == [BODY]
    assert first.mine == edited(mine, SetValue("title", "Theirs"))  # their title is in my text at once
    second = resolve_field(first.clash, first.mine, BODY, MINE)
    assert second.merged
    assert second.mine == edited(body_edited(theirs, "## How it works\n", "## Core explanation\n"),
                                 SetValue("completeness", 0.5))


def test_undecidable_clash_offers_only_all_or_nothing():
    mine = edited(SAMPLE, SetValue("title", "Mine"))
    theirs = SAMPLE.replace(b"title: ", b"title: [unclosed", 1)
    clash = Clash.of(merge_documents(SAMPLE, mine, theirs), SAMPLE, theirs, None)
    assert not clash.decidable and clash.names == [WHOLE_FILE]
    with pytest.raises(CorpusEditorError):
        resolve_field(clash, mine, WHOLE_FILE, THEIRS)


def test_what_taking_theirs_for_everything_loses():
    mine = edited(body_edited(SAMPLE, "## TL;DR\n", "## TL;DR (mine)\n"), SetValue("title", "Mine"),
                  SetValue("confidence", "low"))
    theirs = edited(SAMPLE, SetValue("title", "Theirs"), SetValue("confidence", "low"))
    assert lost_if_taking_theirs(SAMPLE, mine, theirs) == ["title", BODY]  # the same confidence is not lost
    assert lost_if_taking_theirs(SAMPLE, SAMPLE, theirs) == []
