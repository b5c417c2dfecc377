"""Review records written into articles: each verdict, follow-up and `last_verified` bump as exact bytes
(tests/fixtures/review/expected-*.md), undone to the byte; the file's own habits for a first review;
reading reviews back, the queue order and what the index counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from editor.core.document import review
from editor.core.document.article import ArticleDocument
from editor.core.validation.rules import RuleConfig
from editor.core.validation.schema import CORPUS_SCHEMA_NAME, SchemaError, load_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review"
TODAY = dt.date(2026, 12, 1)
QUOTE = ("Diffie and Hellman proposed public-key cryptography, in which enciphering and deciphering are governed "
         "by distinct keys, so that the enciphering key can be made public without compromising the deciphering key.")


def article() -> ArticleDocument:
    return ArticleDocument.from_bytes((FIXTURES / "article.md").read_bytes(), "article.md")


def expected(name: str) -> bytes:
    return (FIXTURES / f"expected-{name}.md").read_bytes()


CASES = {
    "supported": [lambda d: review.record_verdict(d, 0, "supported", "Jane Doe", TODAY, quote=QUOTE)],
    "partial": [lambda d: review.record_verdict(d, 1, "partial", "Jane Doe", TODAY,
                                                note="the table gives 112 bits for 2048; 3072 is on the next page")],
    "unsupported": [lambda d: review.record_verdict(d, 1, "unsupported", "Jane Doe", TODAY)],
    "unavailable": [lambda d: review.record_verdict(d, 2, "unavailable", "Jane Doe", TODAY, note="PDF behind a login")],
    "two-reviews": [lambda d: review.record_verdict(d, 0, "supported", "Jane Doe", TODAY, quote=QUOTE),
                    lambda d: review.record_verdict(d, 1, "partial", "Jane Doe", TODAY,
                                                    quote="2048-bit RSA: 112 bits of security strength")],
    "lowered": [lambda d: review.record_verdict(d, 1, "unsupported", "Jane Doe", TODAY),
                lambda d: review.lower_confidence(d, 1)],
    "disputed": [lambda d: review.record_verdict(d, 1, "unsupported", "Jane Doe", TODAY),
                 lambda d: review.move_to_disputed(d, 1, "the cited table gives other strengths")],
    "verified": [*(lambda d, i=i, v=v: review.record_verdict(d, i, v, "Jane Doe", TODAY)
                   for i, v in enumerate(["supported", "partial", "unavailable"])),
                 lambda d: review.mark_verified(d, TODAY)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_step_writes_the_expected_bytes_and_undoes_to_the_byte(name):
    doc = article()
    original = doc.to_bytes()
    applied = []
    for make in CASES[name]:
        step = doc.apply(make(doc))
        assert step is not None
        applied.append(step)
    assert doc.to_bytes() == expected(name)
    for step in reversed(applied):
        doc.undo(step)
    assert doc.to_bytes() == original


def test_one_verdict_is_one_splice():
    doc = article()
    applied = doc.apply(review.record_verdict(doc, 0, "supported", "Jane Doe", TODAY, quote=QUOTE, note="p. 644"))
    assert applied.description == "Review af-rsa-1: supported"
    assert doc.get("atomic_facts[0].review") == {"verdict": "supported", "by": "Jane Doe", "date": "2026-12-01",
                                                 "quote": QUOTE, "note": "p. 644"}


def test_a_second_verdict_updates_the_review_in_place():
    doc = article()
    doc.apply(review.record_verdict(doc, 0, "supported", "Jane Doe", dt.date(2026, 6, 1), quote=QUOTE))
    before = doc.text
    doc.apply(review.record_verdict(doc, 0, "partial", "Bob Roe", TODAY, note="only the idea, not the method"))
    data = doc.get("atomic_facts[0].review")
    assert data == {"verdict": "partial", "by": "Bob Roe", "date": "2026-12-01", "quote": QUOTE,
                    "note": "only the idea, not the method"}
    assert "      date: '2026-12-01'\n" in doc.text  # the quoting kept
    assert doc.text.count("quote: >-") == before.count("quote: >-") == 1
    # an empty quote removes it
    doc.apply(review.record_verdict(doc, 0, "partial", "Bob Roe", TODAY, quote=""))
    assert "quote" not in doc.get("atomic_facts[0].review")


@pytest.mark.parametrize(("written", "quoted"), [("'2026-11-12'", "'2026-12-01'"), ('"2026-11-12"', '"2026-12-01"'),
                                                 ("2026-11-12", "2026-12-01")])
def test_a_first_review_takes_the_files_date_quoting(written, quoted):
    text = (FIXTURES / "article.md").read_text().replace("last_verified: '2026-11-12'", f"last_verified: {written}")
    doc = ArticleDocument.from_text(text)
    doc.apply(review.record_verdict(doc, 2, "supported", "Jane Doe", TODAY))
    assert f"      date: {quoted}\n" in doc.text


def test_a_short_quote_stays_on_its_line_a_long_one_is_folded_like_the_statements():
    doc = article()
    doc.apply(review.record_verdict(doc, 2, "supported", "Jane Doe", TODAY, quote="RSAES-OAEP and RSASSA-PSS"))
    assert "      quote: RSAES-OAEP and RSASSA-PSS\n" in doc.text
    doc = article()
    doc.apply(review.record_verdict(doc, 2, "supported", "Jane Doe", TODAY, quote=QUOTE))
    lines = doc.text.split("      quote: >-\n", 1)[1].splitlines()[:3]
    assert all(line.startswith("        ") and len(line) <= 96 for line in lines)


def test_a_pasted_quote_has_its_whitespace_made_single():
    doc = article()
    doc.apply(review.record_verdict(doc, 2, "supported", "Jane Doe", TODAY, quote="  RSAES-OAEP\n   and\tRSASSA-PSS "))
    assert doc.get("atomic_facts[2].review.quote") == "RSAES-OAEP and RSASSA-PSS"


def test_the_key_a_corpus_chose_is_used():
    doc = article()
    doc.apply(review.record_verdict(doc, 0, "supported", "Jane Doe", TODAY, key="verification"))
    assert doc.get("atomic_facts[0].verification.verdict") == "supported"
    facts = review.fact_reviews(doc.data, "verification")
    assert facts[0].reviewed and not facts[1].reviewed
    assert not review.fact_reviews(doc.data)[0].reviewed  # under the default key there is none


def test_an_unknown_verdict_is_refused():
    with pytest.raises(ValueError, match="supported, partial, unsupported, unavailable"):
        review.record_verdict(article(), 0, "true", "Jane Doe", TODAY)


def test_lower_confidence_steps_down_and_stops_at_low():
    doc = article()
    doc.apply(review.lower_confidence(doc, 0))
    assert doc.get("atomic_facts[0].confidence") == "medium"
    doc.apply(review.lower_confidence(doc, 0))
    assert doc.get("atomic_facts[0].confidence") == "low"
    assert review.lower_confidence(doc, 0) is None


def test_the_queue_puts_unreviewed_first_then_the_oldest_review():
    doc = article()
    doc.apply(review.record_verdict(doc, 0, "supported", "Jane Doe", dt.date(2026, 10, 1)))
    doc.apply(review.record_verdict(doc, 2, "partial", "Jane Doe", dt.date(2026, 3, 1)))
    order = [f.id for f in review.queue(review.fact_reviews(doc.data))]
    assert order == ["af-rsa-2", "af-rsa-3", "af-rsa-1"]
    counts = review.review_counts(doc.data)
    assert counts == review.ReviewCounts(unreviewed=1, high_unreviewed=1, oldest_review="2026-03-01")
    assert review.summary_text(review.fact_reviews(doc.data)) == "1 supported, 1 partial, 1 unreviewed"


def test_mark_verified_keeps_a_date_typed_as_a_date():
    doc = ArticleDocument.from_text((FIXTURES / "article.md").read_text().replace(
        "last_verified: '2026-11-12'", "last_verified: 2026-11-12"))
    doc.apply(review.mark_verified(doc, TODAY))
    assert "\nlast_verified: 2026-12-01\n" in doc.text
    assert review.mark_verified(doc, TODAY) is None


# -- the corpus setting --------------------------------------------------------------------------------------
def write_corpus_schema(root: Path, text: str) -> None:
    (root / CORPUS_SCHEMA_NAME).write_text(text, encoding="utf-8")


def test_a_corpus_renames_the_review_key(tmp_path):
    write_corpus_schema(tmp_path, "rules:\n  review: {key: verification}\n")
    schema = load_schema(tmp_path)
    assert RuleConfig.from_schema(schema).review_key == "verification"
    facts = schema.field(("atomic_facts", 0))["properties"]
    assert "verification" in facts and "review" not in facts
    assert schema.field(("atomic_facts", 0, "verification", "verdict"))["enum"][0] == "supported"


@pytest.mark.parametrize("setting", ["review: false", "review: {enabled: false}", "review: off"])
def test_a_corpus_turns_reviews_off(tmp_path, setting):
    write_corpus_schema(tmp_path, f"rules:\n  {setting}\n")
    schema = load_schema(tmp_path)
    assert RuleConfig.from_schema(schema).review_key is None
    assert "review" not in schema.field(("atomic_facts", 0))["properties"]


@pytest.mark.parametrize(("setting", "message"), [("review: {key: 'two words'}", "must be a field name"),
                                                  ("review: {name: x}", "unknown rules.review setting"),
                                                  ("review: {enabled: maybe}", "must be true or false"),
                                                  ("review: 3", "must be a mapping")])
def test_a_bad_review_setting_is_named(tmp_path, setting, message):
    write_corpus_schema(tmp_path, f"rules:\n  {setting}\n")
    with pytest.raises(SchemaError, match=message):
        load_schema(tmp_path)


# -- the source a fact cites -----------------------------------------------------------------------------------
def test_the_cited_source_is_resolved_from_the_articles_sources():
    from editor.core.document.citations import cited_source

    data = article().data
    first = cited_source(data, 0)
    assert (first.field, first.title, first.type, first.year, first.listed_at) == (
        "atomic_facts[0].source_url", "New Directions in Cryptography", "journal_article", 1976, "primary_sources[0]")
    by_ref = cited_source(data, 2)  # source_ref: the listed source's own address
    assert (by_ref.field, by_ref.url, by_ref.title) == ("primary_sources[2].url", "http://127.0.0.1:PORT/rfc8017.pdf",
                                                        "RFC 8017: PKCS #1 v2.2")
    doc = ArticleDocument.from_text("---\nid: x\natomic_facts:\n  - id: f1\n    statement: A statement of a fact.\n"
                                    "    source_title: Knuth (1968)\n    source_doi: 10.1145/359340.359342\n"
                                    "  - id: f2\n    statement: Another statement.\n---\n")
    doi = cited_source(doc.data, 0)
    assert (doi.url, doi.title, doi.listed_at) == ("https://doi.org/10.1145/359340.359342", "Knuth (1968)", None)
    assert cited_source(doc.data, 1) is None and cited_source(doc.data, 5) is None
