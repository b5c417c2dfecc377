"""What an article cites: every checkable field with its path and line, classified as URL, DOI or arXiv."""

from __future__ import annotations

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.verify.refs import ARXIV, DOI, OTHER, URL, classify, extract_references, target_of
from editor.core.verify.titles import normalize_title, titles_match, years_match


@pytest.mark.parametrize(("value", "doi_field", "kind", "target"), [
    ("https://doi.org/10.1145/359340.359342", False, DOI, "10.1145/359340.359342"),
    ("http://dx.doi.org/10.1007/BF01386390", False, DOI, "10.1007/BF01386390"),
    ("https://doi.org/10.1002/(SICI)1097-4571%28199806%2949", False, DOI, "10.1002/(SICI)1097-4571(199806)49"),
    ("10.1145/359340.359342", True, DOI, "10.1145/359340.359342"),
    ("doi:10.1038/nature09913", True, DOI, "10.1038/nature09913"),
    ("https://doi.org/10.1038/nature09913", True, DOI, "10.1038/nature09913"),
    ("not a doi", True, DOI, "not a doi"),  # a doi field: the DOI checker reports it
    ("https://arxiv.org/abs/2407.21783v2", False, ARXIV, "2407.21783v2"),
    ("https://arxiv.org/abs/2407.21783", False, ARXIV, "2407.21783"),
    ("https://arxiv.org/pdf/2407.21783v2.pdf", False, ARXIV, "2407.21783v2"),
    ("https://arxiv.org/pdf/2407.21783", False, ARXIV, "2407.21783"),
    ("http://www.arxiv.org/abs/hep-th/9901001", False, ARXIV, "hep-th/9901001"),
    ("https://arxiv.org/pdf/math.GT/0309136v1.pdf", False, ARXIV, "math.GT/0309136v1"),
    ("https://arxiv.org/list/cs.AI/recent", False, URL, "https://arxiv.org/list/cs.AI/recent"),
    ("https://doi.org/", False, URL, "https://doi.org/"),
    ("https://example.org/page#section", False, URL, "https://example.org/page"),
    ("  https://example.org/a?b=1  ", False, URL, "https://example.org/a?b=1"),
    ("ftp://ftp.example.org/file", False, OTHER, "ftp://ftp.example.org/file"),
    ("file:///home/me/paper.pdf", False, OTHER, "file:///home/me/paper.pdf"),
    ("javascript:alert(1)", False, OTHER, "javascript:alert(1)"),
    ("Nature", False, OTHER, "Nature"),
    ("https://", False, OTHER, "https://"),
    (2024, False, OTHER, "2024"),
])
def test_classify(value, doi_field, kind, target):
    found = classify(value, doi_field=doi_field)
    assert (found.kind, found.value) == (kind, target)


def test_keys_join_what_is_the_same_source():
    assert classify("10.1145/ABC", doi_field=True).key == classify("https://doi.org/10.1145/abc").key
    assert classify("https://arxiv.org/pdf/2407.21783.pdf").key == "arxiv:2407.21783"
    assert target_of("doi:10.1145/abc").key == target_of("10.1145/ABC").key == "doi:10.1145/abc"
    assert target_of("2407.21783v2").key == "arxiv:2407.21783v2"
    assert target_of("https://example.org/x").key == "https://example.org/x"


def test_every_checked_field_of_the_real_article_with_its_line(sample_bytes):
    document = ArticleDocument.from_bytes(sample_bytes, "ai/ai-for-democratization.md")
    refs = extract_references(document)
    lines = sample_bytes.decode().splitlines()
    assert [(r.field, r.kind) for r in refs] == [
        ("atomic_facts[0].source_url", ARXIV), ("atomic_facts[1].source_url", URL),
        ("primary_sources[0].url", ARXIV), ("primary_sources[1].url", URL),
        ("secondary_sources[0].url", DOI), ("secondary_sources[1].url", DOI),
        ("secondary_sources[2].url", DOI), ("secondary_sources[3].url", DOI)]
    for ref in refs:
        assert ref.file == "ai/ai-for-democratization.md"
        assert ref.text in lines[ref.line - 1], ref.field
    # a fact citing a listed source is compared with that source's title and year
    fact, source = refs[0], refs[2]
    assert (fact.title, fact.year) == (source.title, source.year) == (
        "Llama 3: Open and Efficient Foundation Language Models (Meta AI)", 2024)
    assert refs[4].target.value == "10.3390/app14188236" and refs[4].year == 2024


ARTICLE = """---
title: Sources of every kind
atomic_facts:
  - id: f1
    statement: A fact with a DOI of its own.
    source_title: "Rivest, Shamir, Adleman (1978): A Method for Obtaining Digital Signatures"
    source_doi: "10.1145/359340.359342"
  - id: f2
    statement: A fact naming a source id only.
    source_ref: s1
  - just a string, not a fact
primary_sources:
  - id: s1
    title: The page
    year: "2020"
    url: https://example.org/page
    doi: 10.5555/page
  - title: Empty fields are not references
    url: ""
    doi:
secondary_sources:
  - {title: Flow style, url: "ftp://ftp.example.org/x", year: 2019}
disputed_statements:
  - a plain string
  - statement: Someone disagrees.
    source_url: https://example.org/dispute
---
Body with https://example.org/not-a-field
"""


def test_facts_sources_and_disputed_statements():
    document = ArticleDocument.from_text(ARTICLE, "a.md")
    refs = extract_references(document)
    assert [(r.field, r.line, r.kind, r.title, r.year) for r in refs] == [
        ("atomic_facts[0].source_doi", 7, DOI,
         "Rivest, Shamir, Adleman (1978): A Method for Obtaining Digital Signatures", None),
        ("primary_sources[0].url", 16, URL, "The page", 2020),
        ("primary_sources[0].doi", 17, DOI, "The page", 2020),
        ("secondary_sources[0].url", 22, OTHER, "Flow style", 2019),
        ("disputed_statements[1].source_url", 26, URL, None, None),
    ]


def test_titles_robust_to_case_punctuation_and_subtitles():
    assert normalize_title("  <i>Café</i> &amp; Crème: Über-Größe! ") == "cafe and creme uber grosse"
    same = [("Attention Is All You Need", "attention is all you need."),
            ("Attention is all you need", "Attention Is All You Need: Transformers, explained"),
            ("Deep Residual Learning for Image Recognition (CVPR 2016)",
             "Deep residual learning for image recognition"),
            ("Vaswani et al. (2017), Attention Is All You Need", "Attention is all you need"),
            ("Gödel, Escher, Bach", "Godel Escher Bach"),
            ("Colour & Light", "Colour and light"),
            ("Attention is all you nead", "Attention Is All You Need")]
    for cited, found in same:
        assert titles_match(cited, found), (cited, found)
    different = [("Llama 3: Open and Efficient Foundation Language Models (Meta AI)", "The Llama 3 Herd of Models"),
                 ("Deep Learning", "Deep Learning for Chemists"),
                 ("Attention Is All You Need", "Attention Is All You Need in Speech Separation"),
                 ("Quantum Computation and Quantum Information", "Quantum Computing: An Applied Approach")]
    for cited, found in different:
        assert not titles_match(cited, found), (cited, found)


def test_years_within_one():
    assert years_match(2017, [2018]) and years_match(2017, [2016, 2020]) and years_match(2017, [])
    assert not years_match(2017, [2019])
