"""New and rewritten values are written the way the file already writes them.

Each fixture is a variant of a real article (quoted or plain source titles, statements on one line or
wrapped at 80/100/120 columns, unusual key orders, flush lists, CRLF). A new item must read back as
given AND match a sibling line by line: the same keys in the same order, at the same columns, with the
same quoting and block style, its statement folded the same way.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from editor.core.document import render
from editor.core.document.article import ArticleDocument
from editor.core.document.edits import (
    AddKey,
    InsertItem,
    RemoveItem,
    RemoveKey,
    SetValue,
    loose_equal,
    set_path_value,
)
from editor.core.document.errors import EditError
from editor.core.document.layout import Geometry

from .test_edits import doc_of, edited

REAL = Path("/work/shared/samples/ai-for-democratization.md")
REAL_COPY = Path(__file__).resolve().parents[1] / "fixtures" / "validation" / "real-ai-for-democratization.md"

LONG = ("Solar photovoltaic capacity additions reached a record in 2024, driven by falling module prices, "
        "new manufacturing in several regions, and policy support that made distributed rooftop systems "
        "cheaper than grid power for many households and small firms across the world.")
SHORT = "Wind power supplied a tenth of global electricity in 2024."


def applied(text: str | bytes, *ops) -> ArticleDocument:
    """The document after `ops` (`edited` has checked that undoing them gives back the exact bytes)."""
    return doc_of(edited(text, *ops))


def item_lines(doc: ArticleDocument, path: tuple) -> list[str]:
    """The text lines of one list item, from its `-` line to its last line."""
    geo = Geometry(doc)
    node = doc.node_at(path)
    start = geo.line_start(geo.dash_of(node))
    end = geo.line_end(geo.tight_end(node))
    return doc.text[start:end].replace("\r\n", "\n").split("\n")


_KEY = re.compile(r"^( *)(- +)?([A-Za-z_][\w-]*): ?(.*)$")


def shape(lines: list[str]) -> list[tuple]:
    """Each line's layout: (indent, dash, key, how the value is written); folded/literal content lines
    count as one `text` entry per block with their indentation (their number depends on the length)."""
    out: list[tuple] = []
    for line in lines:
        m = _KEY.match(line)
        if m and not (out and out[-1][0] == "text" and len(line) - len(line.lstrip()) >= out[-1][1]):
            indent, dash, key, value = m.groups()
            if value[:1] in ("'", '"'):
                kind = value[0]
            elif value[:1] in (">", "|"):
                kind = value
            elif value == "":
                kind = "block"
            else:
                kind = "plain"
            out.append((len(indent), len(dash or ""), key, kind))
        elif line.strip().startswith("- "):
            indent = len(line) - len(line.lstrip())
            value = line.strip()[2:]
            kind = value[0] if value[:1] in ("'", '"') else "plain"
            out.append((indent, "item", kind))
        else:
            indent = len(line) - len(line.lstrip())
            if not (out and out[-1][0] == "text"):
                out.append(("text", indent))
    return out


def block_widths(lines: list[str]) -> list[int]:
    """The lengths of the content lines of folded blocks among `lines`."""
    widths, inside = [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if inside is not None and line.strip() and indent >= inside:
            widths.append(len(line))
            continue
        inside = None
        if line.rstrip().endswith((">-", ">")):
            inside = indent + 2
    return widths


def article(facts: str, sources: str = "", newline: str = "\n", extra: str = "") -> str:
    text = ("---\nid: solar-2024\ntitle: \"Solar and wind in 2024\"\nlast_verified: \"2026-05-24\"\n"
            f"{extra}atomic_facts:\n{facts}{sources}---\n## TL;DR\nBody.\n")
    return text.replace("\n", newline)


def fact(i: int, statement_lines: list[str], quote_title: str = '"', quote_id: str = "", url_quote: str = "",
         indent: str = "  ") -> str:
    q = quote_title
    body = "\n".join(f"{indent}    {line}" for line in statement_lines)
    return (f"{indent}- id: {quote_id}af-{i}{quote_id}\n{indent}  statement: >-\n{body}\n"
            f"{indent}  source_title: {q}Source {i} - a report{q}\n"
            f"{indent}  source_url: {url_quote}https://example.org/{i}{url_quote}\n{indent}  confidence: high\n")


def wrapped(text: str, width: int, indent: int = 6) -> list[str]:
    return textwrap.wrap(text, width - indent, break_long_words=False, break_on_hyphens=False)


NEW_FACT = {"id": "af-9", "statement": LONG, "source_title": "Source 9 - a report",
            "source_url": "https://example.org/9", "confidence": "high"}


# -- new facts copy their siblings ----------------------------------------------------------------------

@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("quote", ['"', "'", ""])
def test_a_new_fact_matches_its_siblings_line_by_line(width, quote):
    text = article("".join(fact(i, wrapped(LONG, width), quote) for i in (1, 2, 3)))
    doc = applied(text, InsertItem("atomic_facts", None, dict(NEW_FACT)))
    assert loose_equal(doc.get("atomic_facts[3]"), NEW_FACT)
    new, sibling = item_lines(doc, ("atomic_facts", 3)), item_lines(doc, ("atomic_facts", 2))
    assert shape(new) == shape(sibling)
    assert len(new) == len(sibling)  # the same statement wraps the same way
    assert [line.replace("9", "3") for line in new] == sibling


def test_a_new_fact_in_a_file_of_one_line_statements_stays_on_one_line():
    text = article("".join(fact(i, [LONG]) for i in (1, 2, 3, 4)))
    doc = applied(text, InsertItem("atomic_facts", None, dict(NEW_FACT, statement=LONG + " " + LONG)))
    new = item_lines(doc, ("atomic_facts", 4))
    assert shape(new) == shape(item_lines(doc, ("atomic_facts", 0)))
    assert new[2] == "      " + LONG + " " + LONG


def test_a_new_fact_takes_the_siblings_key_order_and_per_key_quoting():
    # ids and statements quoted, the URL not: the new fact mixes them the same way
    facts = "".join(
        f"  - statement: \"{SHORT} ({i})\"\n    id: 'af-{i}'\n    source_url: https://example.org/{i}\n"
        f"    source_title: \"Report {i}\"\n" for i in (1, 2))
    doc = applied(article(facts), InsertItem("atomic_facts", 1, {
        "id": "af-3", "source_title": "Report 3", "source_url": "https://example.org/3", "statement": SHORT}))
    assert item_lines(doc, ("atomic_facts", 1)) == [
        f"  - statement: \"{SHORT}\"", "    id: 'af-3'", "    source_url: https://example.org/3",
        "    source_title: \"Report 3\""]


def test_keys_the_siblings_lack_come_after_in_the_given_order():
    sources = ("secondary_sources:\n"
               "  - title: \"The rise of open models\"\n    authors:\n      - Seger, Elizabeth\n"
               "    type: journal_article\n    year: 2024\n    url: https://doi.org/10.1/x\n"
               "    institution: ACM\n")
    text = article(fact(1, [SHORT]), sources)
    value = {"title": "New: a study", "type": "report", "year": 2025, "authors": ["Doe, J.", "Roe, K."],
             "institution": "MIT", "url": "https://doi.org/10.1/y", "notes": "n", "accessed": "2026-01-01"}
    doc = applied(text, InsertItem("secondary_sources", None, value,
                                   key_order=("title", "type", "year", "authors", "accessed", "institution",
                                              "url", "notes")))
    assert list(doc.get("secondary_sources[1]")) == ["title", "authors", "type", "year", "url", "institution",
                                                     "accessed", "notes"]
    new = item_lines(doc, ("secondary_sources", 1))
    assert new[:8] == ['  - title: "New: a study"', "    authors:", "      - Doe, J.", '      - Roe, K.',
                       "    type: report", "    year: 2025", "    url: https://doi.org/10.1/y", "    institution: MIT"]
    def without_repeats(lines):  # two authors or one: the same layout
        out = []
        for entry in shape(lines):
            if not out or out[-1] != entry:
                out.append(entry)
        return out

    sibling = item_lines(doc, ("secondary_sources", 0))
    assert without_repeats(new)[:7] == without_repeats(sibling)


def test_a_flush_list_with_wide_dashes_keeps_its_layout():
    facts = "".join(f"-   id: af-{i}\n    statement: >-\n      {SHORT}\n    confidence: high\n" for i in (1, 2))
    text = "---\ntitle: T\natomic_facts:\n" + facts + "---\n"
    doc = applied(text, InsertItem("atomic_facts", None, {"id": "af-3", "statement": SHORT, "confidence": "low"}))
    assert item_lines(doc, ("atomic_facts", 2)) == ["-   id: af-3", "    statement: >-", f"      {SHORT}",
                                                    "    confidence: low"]


def test_crlf_files_stay_crlf():
    text = article("".join(fact(i, wrapped(LONG, 100)) for i in (1, 2)), newline="\r\n")
    doc = applied(text.encode(), InsertItem("atomic_facts", 0, dict(NEW_FACT)),
                  AddKey("atomic_facts[1]", "note", "checked"))
    raw = doc.to_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert shape(item_lines(doc, ("atomic_facts", 0))) == shape(item_lines(doc, ("atomic_facts", 2)))


def test_a_new_string_item_copies_its_siblings_quoting():
    text = "---\ntitle: T\nknown_gaps:\n  - 'First gap'\n  - 'Second gap'\nai_models:\n  - a\n---\n"
    doc = applied(text, InsertItem("known_gaps", None, "Third gap"), InsertItem("ai_models", None, "b"))
    assert "  - 'Second gap'\n  - 'Third gap'\n" in doc.text
    assert "  - a\n  - b\n" in doc.text


def test_set_of_the_index_past_the_end_appends_like_the_siblings():
    text = article("".join(fact(i, [SHORT]) for i in (1, 2)))
    doc = applied(text, set_path_value(("atomic_facts", 2), dict(NEW_FACT, statement=SHORT)))
    assert shape(item_lines(doc, ("atomic_facts", 2))) == shape(item_lines(doc, ("atomic_facts", 1)))


# -- a new key copies the same key of sibling items, else its own mapping ----------------------------------

def test_a_new_key_goes_where_siblings_have_it_in_their_style():
    facts = "".join(f"  - id: af-{i}\n    statement: s{i}\n    source_title: \"T{i}\"\n    confidence: high\n"
                    for i in (1, 2))
    facts += "  - id: af-3\n    statement: s3\n    confidence: low\n"
    doc = applied(article(facts), AddKey("atomic_facts[2]", "source_title", "T3"))
    assert item_lines(doc, ("atomic_facts", 2)) == [
        "  - id: af-3", "    statement: s3", '    source_title: "T3"', "    confidence: low"]


def test_a_new_key_follows_its_mappings_own_quoting():
    text = "---\ntitle: T\nx-review:\n  by: \"someone\"\n  when: \"later\"\n---\n"
    assert '  note: "checked"\n' in applied(text, AddKey("x-review", "note", "checked")).text
    plain = "---\ntitle: T\nx-review:\n  by: someone\n---\n"
    assert "  note: checked\n" in applied(plain, AddKey("x-review", "note", "checked")).text


def test_a_new_key_without_siblings_goes_in_the_given_order():
    text = "---\ntitle: T\nlanguage: en\nupdated: \"2026-01-01\"\n---\n"
    doc = applied(text, AddKey("", "category", "ai", key_order=("title", "category", "language", "updated")))
    assert list(doc.data) == ["title", "category", "language", "updated"]


# -- rewritten statements keep their layout -------------------------------------------------------------

@pytest.mark.parametrize("width", [80, 100, 120])
def test_extending_a_wrapped_statement_rewraps_at_its_own_width(width):
    text = article("".join(fact(i, wrapped(LONG, width)) for i in (1, 2)))
    doc = doc_of(text)
    old_lines = item_lines(doc, ("atomic_facts", 0))
    new_value = doc.get("atomic_facts[0].statement") + " It was also the year storage caught up with demand."
    doc = applied(text, SetValue("atomic_facts[0].statement", new_value))
    assert doc.get("atomic_facts[0].statement") == new_value
    new_lines = item_lines(doc, ("atomic_facts", 0))
    widths = block_widths(new_lines)
    assert max(widths) <= width
    unchanged = [line for line in old_lines if line in new_lines]
    assert len(unchanged) >= len(old_lines) - 1  # only the last statement line is filled up


def test_a_one_line_statement_stays_one_line_whatever_its_length():
    text = article("".join(fact(i, [LONG]) for i in (1, 2)), extra="summary: >-\n  short wrapped\n  text\n")
    doc = applied(text, SetValue("atomic_facts[0].statement", LONG + " And more. " + LONG))
    assert f"      {LONG} And more. {LONG}\n" in doc.text


def test_a_short_one_line_statement_among_wrapped_siblings_wraps_like_them():
    text = article(fact(1, wrapped(LONG, 80)) + fact(2, [SHORT]))
    doc = applied(text, SetValue("atomic_facts[1].statement", LONG))
    assert item_lines(doc, ("atomic_facts", 1))[:1 + len(wrapped(LONG, 80)) + 1][2:] == \
        ["      " + line for line in wrapped(LONG, 80)]


# -- the real sample ---------------------------------------------------------------------------------------------

@pytest.fixture
def real(tmp_path) -> bytes:
    source = REAL if REAL.exists() else REAL_COPY
    target = tmp_path / "ai-for-democratization.md"
    shutil.copyfile(source, target)
    return target.read_bytes()


def test_real_sample_new_fact_and_source_match_their_siblings(real):
    fact_value = {"id": "af-ai-for-democratization-3",
                  "statement": "Community model hubs " + "and open benchmarks " * 25 + "keep growing.",
                  "source_title": "Hugging Face Hub statistics (2026)", "source_url": "https://huggingface.co/models",
                  "confidence": "medium"}
    source_value = {"title": "Open Models: A Survey", "type": "journal_article", "year": 2025,
                    "authors": ["Doe, Jane"], "institution": "ACM", "url": "https://doi.org/10.1/z"}
    doc = applied(real, InsertItem("atomic_facts", None, fact_value),
                  InsertItem("secondary_sources", 2, source_value),
                  InsertItem("known_gaps", None, "Yes: a gap"))
    assert loose_equal(doc.get("atomic_facts[2]"), fact_value)
    new, sibling = item_lines(doc, ("atomic_facts", 2)), item_lines(doc, ("atomic_facts", 0))
    assert shape(new) == shape(sibling)
    assert max(block_widths(new)) <= max(block_widths(sibling))
    assert max(block_widths(new)) > 150  # wrapped at the siblings' width, not at 100
    assert shape(item_lines(doc, ("secondary_sources", 2))) == shape(item_lines(doc, ("secondary_sources", 0)))
    assert '  - "Yes: a gap"\n' in doc.text  # the file quotes with double quotes


def test_real_sample_extending_a_statement_changes_only_its_last_line(real):
    doc = doc_of(real)
    value = doc.get("atomic_facts[1].statement") + " Adoption keeps widening."
    after = applied(real, SetValue("atomic_facts[1].statement", value))
    old, new = real.decode().splitlines(), after.text.splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(old) == len(new) and len(changed) == 1
    assert changed[0][1] == changed[0][0] + " Adoption keeps widening."


def test_real_sample_remove_and_add_keys_keep_every_other_byte(real):
    doc = applied(real, RemoveItem("secondary_sources", 1), RemoveKey("primary_sources[0]", "institution"),
                  AddKey("primary_sources[0]", "institution", "Meta AI / arXiv"))
    assert doc.to_bytes().count(b"\n") == real.count(b"\n") - 8
    again = applied(real, RemoveKey("primary_sources[0]", "institution"),
                    AddKey("primary_sources[0]", "institution", "Meta AI / arXiv"))
    assert again.to_bytes() == real  # back where the siblings have it, as it was


# -- strings other readers would misread, in the file's own quote ---------------------------------------------

MISREAD = ["yes", "No", "ON", "off", "y", "N", "True", "FALSE", "~", "null", "1_000", "0b101", "0o17", "0x1F",
           "1:20", ".inf", "-.INF", ".NaN", "<<", "2026-11-28", "2026-11-28 10:00:00", "12", "1.5", "1e5"]


@pytest.mark.parametrize("word", MISREAD)
def test_misreadable_strings_are_quoted_in_the_files_quote(word):
    double = '---\ntitle: "T"\ncategory: ai\nupdated: "2026-01-01"\n---\n'
    single = "---\ntitle: 'T'\ncategory: ai\n---\n"
    for text, quote in ((double, '"'), (single, "'")):
        doc = applied(text, SetValue("category", word), AddKey("", "status", word))
        assert f"category: {quote}{word}{quote}\n" in doc.text
        assert f"status: {quote}{word}{quote}\n" in doc.text
        front = yaml.safe_load(doc.text.split("---\n")[1])  # PyYAML: a YAML 1.1 reader
        assert front["category"] == word and front["status"] == word


def test_a_merge_key_is_never_written_as_one():
    doc = applied("---\ntitle: T\nmap:\n  a: 1\n---\n", AddKey("map", "<<", "v"), AddKey("", "yes", "no"))
    assert "  '<<': 'no'" not in doc.text and "  '<<': v\n" in doc.text and "'yes': 'no'\n" in doc.text
    assert yaml.safe_load(doc.text.split("---\n")[1]) == {"title": "T", "map": {"a": 1, "<<": "v"}, "yes": "no"}
    assert render.canonical(1e16) == "1.0e+16" and yaml.safe_load(render.canonical(1e16)) == 1e16


# -- block scalars that cannot hold a value ---------------------------------------------------------------------

def test_a_control_character_in_a_folded_statement_falls_back_to_exact_double_quotes():
    text = article(fact(1, [SHORT]) + fact(2, [SHORT]))
    doc = applied(text, SetValue("atomic_facts[0].statement", "Bell \x07 here"))
    assert doc.get("atomic_facts[0].statement") == "Bell \x07 here"
    assert '    statement: "Bell \\a here"\n' in doc.text


def test_a_value_yaml_cannot_hold_is_refused_naming_the_character():
    doc = doc_of(article(fact(1, [SHORT])))
    before = doc.to_bytes()
    with pytest.raises(EditError, match=r"U\+D800 at position 3"):
        doc.apply(SetValue("atomic_facts[0].statement", "ab\ud800c"))
    assert doc.to_bytes() == before


def test_a_new_number_is_not_quoted_because_the_mappings_strings_are():
    text = '---\ntitle: "T"\ncategory: "ai"\n---\n'
    doc = applied(text, AddKey("", "reading_time", 5), AddKey("", "note", "n"))
    assert "reading_time: 5\n" in doc.text and 'note: "n"\n' in doc.text
    assert doc.get("reading_time") == 5


@pytest.mark.parametrize("quote", ["'", '"', ""])
def test_a_new_date_takes_the_files_date_quoting(quote):
    import datetime as dt

    text = f"---\ntitle: T\nlast_verified: {quote}2026-01-01{quote}\n---\n"
    doc = applied(text, AddKey("", "updated", dt.date(2026, 2, 3)))
    assert f"updated: {quote}2026-02-03{quote}\n" in doc.text


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def test_a_new_source_among_flow_map_siblings_is_a_flow_map():
    raw = (FIXTURES / "flow.md").read_bytes()
    value = {"id": "ps-new", "title": "T: x", "url": "https://e.org", "type": "web", "year": 2020}
    doc = applied(raw, InsertItem("primary_sources", None, value))
    assert "  - {id: ps-new, title: \"T: x\", type: web, year: 2020, url: https://e.org}\n" in doc.text
    assert loose_equal(doc.get("primary_sources[2]"), {k: value[k] for k in ("id", "title", "type", "year", "url")})


def test_a_new_item_copies_its_neighbours_dash_spacing():
    raw = (FIXTURES / "extra-spaces.md").read_bytes()
    doc = applied(raw, InsertItem("atomic_facts", None, {"id": "af-new", "statement": "S.", "source_url": "u"}),
                  InsertItem("atomic_facts", 0, {"id": "af-first", "statement": "S.", "source_url": "u"}))
    assert item_lines(doc, ("atomic_facts", 3))[0] == "  - id: af-new"
    assert item_lines(doc, ("atomic_facts", 0))[0] == "  -   id: af-first"


def test_items_of_a_list_indented_its_own_way_follow_it():
    raw = (FIXTURES / "mixed-indent.md").read_bytes()
    doc = applied(raw, InsertItem("secondary_sources", None, {"title": "S", "authors": ["A", "B"]}),
                  InsertItem("known_gaps", 0, "gap"))
    new = item_lines(doc, ("secondary_sources", len(doc.get("secondary_sources")) - 1))
    assert new == ['- title: "S"', "  authors:", "      - A", "      - B"]
    assert "known_gaps:\n   - gap\n" in doc.text
