"""Corpus rules: one fixture per rule, clean articles, corpora with broken files, duplicate ids, settings.

A defect fixture in tests/fixtures/validation/ marks each problem it must raise on the line where it
must be reported: `# expect: CODE FIELD [SEVERITY]` in the front matter, `<!-- expect: ... -->` in the
body (FIELD `-` for none). It must raise exactly those problems and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.validation.problems import Problem
from editor.core.validation.rules import (
    RULES,
    RuleConfig,
    check_corpus,
    check_document,
    check_file,
    is_homepage,
    normalize_doi,
    normalize_url,
)
from editor.core.validation.schema import CORPUS_SCHEMA_NAME, load_schema

TODAY = dt.date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validation"
_EXPECT = re.compile(r"(?:#|<!--)\s*expect:\s*(?P<code>[\w-]+)\s+(?P<field>\S+)(?:\s+(?P<severity>error|warning))?")
DEFECTS = sorted(p.name for p in FIXTURES.glob("*.md") if not p.name.startswith(("clean", "real-")))
CLEAN = sorted(p.name for p in FIXTURES.glob("clean*.md"))
PARSE_CODES = {"yaml-error", "duplicate-key"}


def expectations(path: Path) -> set[tuple[str, str, int, str]]:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            code = match["code"]
            field = "" if match["field"] == "-" else match["field"]
            severity = match["severity"] or ("error" if code in PARSE_CODES else RULES[code][0])
            expected.add((code, field, number, severity))
    return expected


def found(problems: list[Problem]) -> set[tuple[str, str, int | None, str]]:
    return {(p.code, p.field, p.line, p.severity) for p in problems}


def copy_fixture(name: str, folder: Path, as_name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (as_name or name)
    shutil.copyfile(FIXTURES / name, target)
    return target


@pytest.fixture(scope="module")
def schema():
    return load_schema(None)


@pytest.mark.parametrize("name", DEFECTS)
def test_defect_fixture_raises_exactly_its_problem(name, tmp_path, schema):
    path = copy_fixture(name, tmp_path)
    expected = expectations(path)
    assert expected, f"{name} has no `expect:` annotation"
    problems = check_file(path, schema, today=TODAY)
    assert found(problems) == expected
    for problem in problems:
        assert problem.file == str(path)
        assert problem.message.strip()


def test_every_rule_has_a_fixture():
    covered = {code for name in DEFECTS for code, *_ in expectations(FIXTURES / name)}
    tested_elsewhere = {"duplicate-id", "line-ending-damage", "bad-schema", "unreadable", "internal-error",
                        "empty-article", "not-an-article",  # files that cannot carry annotations: test_validate_cli
                        "not-a-regular-file", "file-too-large"}  # hostile files: tests/test_hostile_files.py
    assert set(RULES) - tested_elsewhere <= covered


@pytest.mark.parametrize("name", CLEAN)
def test_clean_articles_raise_nothing(name, tmp_path, schema):
    path = copy_fixture(name, tmp_path)
    assert not expectations(path)
    assert check_file(path, schema, today=TODAY) == []


def test_clean_article_with_crlf_line_endings_and_bom_is_clean(tmp_path, schema):
    text = (FIXTURES / "clean.md").read_text(encoding="utf-8")
    path = tmp_path / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert check_file(path, schema, today=TODAY) == []


def test_real_sample_raises_only_justified_warnings(tmp_path, schema):
    path = copy_fixture("real-ai-for-democratization.md", tmp_path)
    assert found(check_file(path, schema, today=TODAY)) == {
        ("stale", "last_verified", 8, "warning"),  # 188 days old
        ("homepage-source", "atomic_facts[1].source_url", 33, "warning"),  # https://huggingface.co/
        ("homepage-source", "primary_sources[1].url", 47, "warning"),
    }
    # verified within the warning threshold, it is entirely clean apart from the homepage
    assert {p.code for p in check_file(path, schema, today=dt.date(2026, 6, 1))} == {"homepage-source"}


# -- line endings, encodings, files that are not articles -----------------------------------------------
def _clean_text() -> str:
    return (FIXTURES / "clean.md").read_text(encoding="utf-8")


def test_lone_carriage_return_in_body_and_front_matter(tmp_path, schema):
    text = _clean_text().replace("releasing oxygen.\n", "releasing\roxygen.\n")
    text = text.replace("    institution: Wiley\n", '    institution: "Wiley\r VCH"\n')
    path = tmp_path / "cr.md"
    path.write_bytes(text.encode("utf-8"))
    problems = check_file(path, schema, today=TODAY)
    assert found(problems) == {
        ("line-ending-damage", "primary_sources[0].institution", 43, "warning"),
        ("line-ending-damage", "", 69, "warning"),
    }


def test_mixed_line_endings(tmp_path, schema):
    lines = _clean_text().split("\n")
    path = tmp_path / "mixed.md"
    path.write_bytes(("\r\n".join(lines[:10]) + "\n" + "\n".join(lines[10:])).encode("utf-8"))
    problems = check_file(path, schema, today=TODAY)
    assert [(p.code, p.field, p.line) for p in problems] == [("line-ending-damage", "", 1)]
    assert "mixes CRLF" in problems[0].message


def test_escaped_replacement_character_in_a_double_quoted_value(tmp_path, schema):
    text = _clean_text().replace('title: "Photosynthesis: How', 'title: "Photosynthesis\\uFFFD: How')
    path = tmp_path / "escaped.md"
    path.write_text(text, encoding="utf-8")
    assert found(check_file(path, schema, today=TODAY)) == {("encoding-damage", "title", 3, "warning")}


@pytest.mark.parametrize(("data", "code", "line"), [
    (b"---\nid: a\ntitle: caf\xe9\n---\nbody\n", "not-utf8", 3),
    (b"---\nid: a\ntitle: no closing line\n", "unclosed-front-matter", 1),
    (b"---\nid: a\ntitle: [unclosed\nlanguage: en\n---\nbody\n", "yaml-error", 4),
    (b"---\n- a list\n- not a mapping\n---\nbody\n", "not-a-mapping", 2),
])
def test_files_that_do_not_parse_are_one_problem_with_a_line(tmp_path, schema, data, code, line):
    path = tmp_path / "broken.md"
    path.write_bytes(data)
    problems = check_file(path, schema, today=TODAY)
    assert [(p.code, p.field, p.line, p.severity) for p in problems] == [(code, "", line, "error")]


def test_files_without_front_matter_are_not_problems_but_an_empty_file_is_a_warning(tmp_path, schema):
    (tmp_path / "README.txt").write_text("A corpus.\nNo front matter.\n", encoding="utf-8")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "plain.md").write_text("# Just Markdown\n", encoding="utf-8")
    for name in ("README.txt", "plain.md"):
        assert check_file(tmp_path / name, schema, today=TODAY) == []
    empty = [(p.code, p.line, p.severity) for p in check_file(tmp_path / "empty.md", schema, today=TODAY)]
    assert empty == [("empty-article", 1, "warning")]
    assert [(Path(p.file).name, p.code) for p in check_corpus([tmp_path], today=TODAY)] == [
        ("empty.md", "empty-article")]


def test_rules_survive_values_of_the_wrong_type(tmp_path, schema):
    text = (
        "---\nid: odd\ntitle: Odd\ncategory: ai\nlanguage: en\nconfidence: high\nlast_verified: yesterday\n"
        "created_date: 12\natomic_facts: not a list\nprimary_sources:\n  - just a string\n  - {year: true, url: 5}\n"
        "secondary_sources: {title: x}\nknown_gaps: [1, [2]]\n2024: a number as a key\n---\n## TL;DR\nx\n"
    )
    path = tmp_path / "odd.md"
    path.write_text(text, encoding="utf-8")
    problems = check_file(path, schema, today=TODAY)
    codes = {p.code for p in problems}
    assert "schema" in codes
    assert codes <= {"schema", "weak-evidence", "missing-section", "missing-field"}
    fields = {p.field for p in problems if p.code == "schema"}
    assert {"last_verified", "created_date", "atomic_facts", "primary_sources[0]", "primary_sources[1].title",
            "primary_sources[1].year", "primary_sources[1].url", "secondary_sources", "known_gaps[0]",
            "known_gaps[1]"} <= fields


# -- corpora --------------------------------------------------------------------------------------------
def test_corpus_with_a_malformed_file_among_good_ones(tmp_path):
    corpus = tmp_path / "corpus"
    copy_fixture("clean-variants.md", corpus / "ai")
    copy_fixture("clean-zh.md", corpus / "zh")
    bad = copy_fixture("parse-yaml-error.md", corpus / "biology", "a-broken.md")
    later = copy_fixture("schema-confidence.md", corpus / "biology", "b-after-the-broken-one.md")
    copy_fixture("schema-confidence.md", corpus / ".git", "ignored.md")  # hidden folders are skipped
    (corpus / "README.txt").write_text("Not an article.\n", encoding="utf-8")
    (corpus / "ai" / "notes.rst").write_text("---\nid: x\n---\n", encoding="utf-8")  # not an article suffix
    seen = []
    problems = check_corpus([corpus], today=TODAY, progress=lambda done, total: seen.append((done, total)))
    assert [(p.file, p.code, p.field, p.line) for p in problems] == [
        (str(bad), "yaml-error", "", 6),
        (str(later), "schema", "confidence", 7),
    ]
    assert seen[-1] == (5, 5)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_duplicate_article_ids_across_files(tmp_path):
    first = copy_fixture("clean.md", tmp_path / "corpus" / "biology")
    second = copy_fixture("clean.md", tmp_path / "corpus" / "plants", "photosynthesis-copy.md")
    problems = check_corpus([tmp_path / "corpus"], today=TODAY)
    assert [(p.file, p.code, p.field, p.line, p.severity) for p in problems] == [
        (str(first), "duplicate-id", "id", 2, "error"),
        (str(second), "duplicate-id", "id", 2, "error"),
    ]
    assert f"{second}:2" in problems[0].message and "own id" in problems[0].message


def test_duplicate_ids_are_looked_for_within_each_corpus(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name / ".git").mkdir(parents=True)
        copy_fixture("clean.md", tmp_path / name)
    assert check_corpus([tmp_path / "one", tmp_path / "two"], today=TODAY) == []
    assert {p.code for p in check_corpus([tmp_path / "one", tmp_path / "one"], today=TODAY)} == set()


def test_files_given_twice_are_checked_once(tmp_path):
    path = copy_fixture("schema-confidence.md", tmp_path)
    assert len(check_corpus([path, tmp_path, str(path)], today=TODAY)) == 1


def test_problems_are_sorted_by_file_then_line(tmp_path):
    copy_fixture("stale-error.md", tmp_path, "b.md")
    copy_fixture("weak-evidence.md", tmp_path, "a.md")
    path = copy_fixture("clean.md", tmp_path, "c.md")
    path.write_text(path.read_text(encoding="utf-8").replace("id: kb-2026-00060", "id: c\nconfidence_x: 1")
                    .replace("confidence: high\n", "confidence: sure\n", 1).replace("year: 2021", "year: 2040"),
                    encoding="utf-8")
    problems = check_corpus([tmp_path], today=TODAY)
    keys = [(p.file, p.line) for p in problems]
    assert keys == sorted(keys)
    assert [(Path(p.file).name, p.line, p.code) for p in problems] == [
        ("a.md", 2, "duplicate-id"), ("a.md", 7, "weak-evidence"),
        ("b.md", 2, "duplicate-id"), ("b.md", 8, "stale"),
        ("c.md", 8, "schema"), ("c.md", 43, "future-source-year"),
    ]


def test_corpus_settings_raise_lower_and_silence_rules(tmp_path):
    (tmp_path / CORPUS_SCHEMA_NAME).write_text(
        "rules:\n  stale_warning_days: 30\n  stale_error_days: 60\n"
        "  severity: {homepage-source: error, missing-section: off, duplicate-id: warning}\n",
        encoding="utf-8")
    homepage = copy_fixture("homepage-source.md", tmp_path / "a")
    tldr = copy_fixture("missing-section-tldr.md", tmp_path / "a")
    stale = copy_fixture("clean.md", tmp_path / "b")
    problems = check_corpus([tmp_path], today=TODAY)
    by_file = {(Path(p.file).name, p.code, p.severity) for p in problems}
    assert ("homepage-source.md", "homepage-source", "error") in by_file
    assert not any(p.code == "missing-section" for p in problems)
    assert ("clean.md", "stale", "warning") in by_file  # 58 days: past 30, not past 60
    assert ("clean.md", "duplicate-id", "warning") in by_file
    assert {Path(p.file).name for p in problems} == {homepage.name, tldr.name, stale.name}


def test_an_unusable_corpus_schema_is_reported_and_the_default_used(tmp_path):
    (tmp_path / CORPUS_SCHEMA_NAME).write_text("rules:\n  stale_days: 3\n", encoding="utf-8")
    copy_fixture("schema-confidence.md", tmp_path)
    problems = check_corpus([tmp_path], today=TODAY)
    assert [(Path(p.file).name, p.code) for p in problems] == [(CORPUS_SCHEMA_NAME, "bad-schema"),
                                                                ("schema-confidence.md", "schema")]
    assert "stale_days" in problems[0].message


def test_parallel_run_gives_the_same_problems(tmp_path):
    text = _clean_text()
    for i in range(220):
        variant = text.replace("kb-2026-00060", f"kb-2026-{i:05d}")
        if i % 7 == 0:
            variant = variant.replace("confidence: high\n", "confidence: sure\n", 1)
        if i % 50 == 0:
            variant = variant.replace(f"kb-2026-{i:05d}", "kb-2026-clash")
        (tmp_path / f"a{i:03d}.md").write_text(variant, encoding="utf-8")
    (tmp_path / "broken.md").write_bytes(b"---\nid: [\n---\n")
    serial = check_corpus([tmp_path], today=TODAY, workers=1)
    calls = []
    parallel = check_corpus([tmp_path], today=TODAY, workers=None, progress=lambda d, t: calls.append(d))
    assert parallel == serial
    assert calls[-1] == 221
    assert {p.code for p in serial} == {"schema", "duplicate-id", "yaml-error"}


def test_check_document_with_explicit_config(schema):
    doc = ArticleDocument.from_bytes((FIXTURES / "stale-warning.md").read_bytes(), "x.md")
    assert [p.severity for p in check_document(doc, schema, RuleConfig(), TODAY)] == ["warning"]
    assert check_document(doc, schema, RuleConfig(severity={"stale": "off"}), TODAY) == []
    assert [p.severity for p in check_document(doc, schema, RuleConfig(stale_error_days=200), TODAY)] == ["error"]


def test_rule_config_from_mapping_refuses_nonsense():
    from editor.core.validation.schema import SchemaError

    config = RuleConfig.from_mapping({"stale_warning_days": 10, "severity": {"placeholder": "ERROR",
                                                                             "weak-evidence": False}})
    assert config.stale_warning_days == 10
    assert config.severity == {"placeholder": "error", "weak-evidence": "off"}
    for bad in ({"stale_error_days": -1}, {"stale_error_days": "a year"}, {"severity": {"stale": "fatal"}},
                {"severity": ["stale"]}, {"unknown": 1}):
        with pytest.raises(SchemaError):
            RuleConfig.from_mapping(bad)


# -- helpers --------------------------------------------------------------------------------------------
def test_url_normalisation():
    assert normalize_url("HTTPS://www.Example.org/Page/") == normalize_url("http://example.org/page")
    assert normalize_url("https://dx.doi.org/10.1/ABC") == normalize_doi("doi:10.1/abc")
    assert normalize_doi("10.1/abc") == normalize_doi("https://doi.org/10.1/abc/")
    assert normalize_url("https://arxiv.org/pdf/1706.03762v7.pdf") == normalize_url("https://arxiv.org/abs/1706.03762")
    assert normalize_url("https://example.org/a#part") == normalize_url("https://example.org/a")
    assert normalize_url("https://example.org/a") != normalize_url("https://example.org/b")


@pytest.mark.parametrize(("url", "homepage"), [
    ("https://huggingface.co/", True), ("https://huggingface.co", True), ("http://www.nature.com/", True),
    ("https://huggingface.co/models", False), ("https://example.org/?id=3", False), ("not a url", False),
])
def test_is_homepage(url, homepage):
    assert is_homepage(url) is homepage


def test_problem_text_and_dict():
    problem = Problem("a.md", "atomic_facts[1].source_url", 12, "warning", "homepage-source", "fix it")
    assert problem.format_text() == "a.md:12: warning: atomic_facts[1].source_url: fix it (homepage-source)"
    assert Problem("a.md", "", None, "error", "yaml-error", "bad").format_text() == "a.md: error: bad (yaml-error)"
    assert problem.to_dict() == {"file": "a.md", "field": "atomic_facts[1].source_url", "line": 12,
                                 "severity": "warning", "code": "homepage-source", "message": "fix it"}


@pytest.mark.parametrize(("gap", "flagged"), [
    ("TODO", True), ("TBD: the C4 pathway", True), ("To be completed.", True),
    ("This section is to be completed", True), ("lorem ipsum dolor sit amet", True),
    ("FIXME describe CAM plants", True),
    ("The ITER reactor is scheduled to be completed by 2035", False),
    ("Mapping the full pathway is yet to be completed", False),
    ("Todo lists in lab notebooks", False), ("Photosystem I structure", False),
])
def test_placeholder_text_in_known_gaps(tmp_path, schema, gap, flagged):
    path = tmp_path / "gap.md"
    path.write_text(_clean_text().replace("  - Artificial photosynthesis research\n", f'  - "{gap}"\n'),
                    encoding="utf-8")
    problems = check_file(path, schema, today=TODAY)
    assert found(problems) == ({("placeholder", "known_gaps[1]", 63, "warning")} if flagged else set())


MOJIBAKE_ZH = "据史料记载，这一发明在当时的社会中产生了深远的影响。".encode().decode("gbk", errors="ignore")


@pytest.mark.parametrize(("title", "damaged"), [
    ("Caf\u00c3\u00a9 culture", True), ("It\u00e2\u20ac\u2122s", True), ("\u951f\u65a4\u62f7 text", True),
    ("Lost \ufffd byte", True), (MOJIBAKE_ZH, True), ("Price in \u00c2\u00a3", True),
    ("Caf\u00e9, na\u00efve, \u00c5ngstr\u00f6m, Gr\u00fc\u00dfe", False), ("S\u00c3O PAULO", False),
    ("\u00c0 l'\u00e9poque, fran\u00e7ais", False), ("活字印刷术：毕昇的胶泥活字", False),
    ("日本語のテキスト、カタカナ", False), ("한국어 텍스트", False), ("涓涓细流", False),
])
def test_encoding_damage_in_a_value(tmp_path, schema, title, damaged):
    path = tmp_path / "title.md"
    path.write_text(_clean_text().replace('title: "Photosynthesis: How Plants Turn Light into Sugar"',
                                          f'title: "{title}"'), encoding="utf-8")
    problems = check_file(path, schema, today=TODAY)
    assert found(problems) == ({("encoding-damage", "title", 3, "warning")} if damaged else set())


def test_a_rule_that_breaks_on_one_file_does_not_stop_the_corpus(tmp_path, monkeypatch):
    from editor.core.validation import rules

    def broken(self):
        if self.data.get("id") == "breaks":
            raise RuntimeError("boom")
    monkeypatch.setattr(rules._Checker, "check_dates", broken)
    bad = copy_fixture("clean.md", tmp_path, "a.md")
    bad.write_text(bad.read_text(encoding="utf-8").replace("kb-2026-00060", "breaks"), encoding="utf-8")
    copy_fixture("schema-confidence.md", tmp_path, "b.md")
    problems = check_corpus([tmp_path], today=TODAY)
    assert [(Path(p.file).name, p.code) for p in problems] == [("a.md", "internal-error"), ("b.md", "schema")]
    assert "RuntimeError: boom" in problems[0].message
