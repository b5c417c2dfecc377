"""DOIs through a resolver on loopback: the handle API for existence, CSL JSON by content negotiation
for the title and year, compared with what the article cites."""

from __future__ import annotations

import json

import pytest

from editor.core.verify.doi import csl_metadata
from tests.core.verify.conftest import references
from tests.core.verify.loopback import Reply, redirect

CSL = "application/vnd.citationstyles.csl+json"


def handle(doi: str, landing: str = "https://publisher.example/article") -> Reply:
    body = {"responseCode": 1, "handle": doi,
            "values": [{"index": 1, "type": "URL", "data": {"format": "string", "value": landing}}]}
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


def csl(title, issued=None, **dates) -> Reply:
    body = {"type": "article-journal", "title": title, "container-title": "Communications of the ACM"}
    if issued:
        body["issued"] = {"date-parts": [[issued]]}
    for name, year in dates.items():
        body[name.replace("_", "-")] = {"date-parts": [[year, 2, 1]]}
    return Reply(200, {"Content-Type": CSL}, json.dumps(body).encode())


NOT_FOUND = Reply(404, {"Content-Type": "application/json"},
                  json.dumps({"responseCode": 100, "handle": "10.9999/nothing"}).encode())


@pytest.fixture
def resolver(serve, settings):
    """A resolver at 127.0.0.30 knowing 10.1145/359340.359342 (RSA, 1978) and two more."""
    server = serve("127.0.0.30", {
        "/api/handles/10.1145/359340.359342": handle("10.1145/359340.359342"),
        "/10.1145/359340.359342": csl("A method for obtaining digital signatures and public-key cryptosystems",
                                      published_print=1978, created=2002),
        "/api/handles/10.5555/subtitled": handle("10.5555/subtitled"),
        "/10.5555/subtitled": Reply(200, {"Content-Type": CSL}, json.dumps({
            "title": ["Attention Is All You Need"], "subtitle": ["Transformers for sequence transduction"],
            "published-online": {"date-parts": [[2017, 6]]}, "created": {"date-parts": [[2023]]}}).encode()),
        "/api/handles/10.5555/no-metadata": handle("10.5555/no-metadata"),
        "/10.5555/no-metadata": Reply(406),
        "/api/handles/10.9999/nothing": NOT_FOUND,
    })
    return server, settings.replace(doi_base=server.base)


RSA = "A Method for Obtaining Digital Signatures and Public-Key Cryptosystems"


def test_registered_doi_with_matching_title_and_year(resolver, run):
    server, settings = resolver
    [result] = run(references("10.1145/359340.359342", field="secondary_sources[{i}].doi", title=RSA, year=1978),
                   settings=settings)
    assert (result.verdict, result.mismatch, result.check.status) == ("alive", [], 200)
    assert result.check.final_url == "https://publisher.example/article"
    assert result.check.metadata["titles"][0].startswith("A method for obtaining")
    handle_request, csl_request = server.seen()
    assert handle_request.path == "/api/handles/10.1145/359340.359342"
    assert csl_request.path == "/10.1145/359340.359342" and csl_request.headers["accept"] == CSL
    assert result.to_dict()["kind"] == "doi"


@pytest.mark.parametrize(("title", "year", "mismatch"), [
    ("Attention Is All You Need", 1978, ["title"]),
    (RSA, 1975, ["year"]),
    ("Attention Is All You Need", 2017, ["title", "year"]),
    (RSA.upper() + ".", 1979, []),  # case, punctuation, one year off
    ("A method for obtaining digital signatures & public key crypto-systems", 1977, []),
])
def test_title_and_year_compared_with_the_registry(resolver, run, title, year, mismatch):
    _, settings = resolver
    [result] = run(references("https://doi.org/10.1145/359340.359342", title=title, year=year), settings=settings)
    assert result.verdict == "alive"
    assert result.mismatch == mismatch
    assert result.severity == ("warning" if mismatch else "ok")
    if "title" in mismatch:
        assert "A method for obtaining digital signatures" in result.detail


def test_year_comes_from_publication_dates_never_from_created(resolver, run):
    _, settings = resolver
    # the RSA record says created 2002: citing 2002 is a mismatch, 1978 is not
    [cited_created] = run(references("10.1145/359340.359342", field="x[{i}].doi", title=RSA, year=2002),
                          settings=settings)
    assert cited_created.mismatch == ["year"]
    [subtitled] = run(references("10.5555/subtitled", field="x[{i}].doi", title="Attention is all you need",
                                 year=2017), settings=settings)
    assert subtitled.mismatch == [] and subtitled.check.metadata["years"] == [2017]


def test_subtitles_on_either_side_still_match(resolver, run):
    _, settings = resolver
    for cited in ("Attention Is All You Need: Transformers for Sequence Transduction",
                  "ATTENTION IS ALL YOU NEED!", "Attention is all you need (NeurIPS 2017)"):
        [result] = run(references("10.5555/subtitled", field="x[{i}].doi", title=cited), settings=settings)
        assert result.mismatch == [], cited


def test_doi_the_resolver_does_not_know_is_broken(resolver, run):
    server, settings = resolver
    [result] = run(references("https://dx.doi.org/10.9999/nothing"), settings=settings)
    assert (result.verdict, result.check.status, result.severity) == ("broken", 404, "error")
    assert "no such DOI" in result.detail
    assert [s.path for s in server.seen()] == ["/api/handles/10.9999/nothing"]  # no retry, no metadata


def test_missing_metadata_leaves_the_doi_alive_without_a_comparison(resolver, run):
    _, settings = resolver
    [result] = run(references("10.5555/no-metadata", field="x[{i}].doi", title="Anything at all", year=1900),
                   settings=settings)
    assert (result.verdict, result.mismatch) == ("alive", [])
    assert "no metadata" in result.detail


def test_metadata_behind_a_redirect_keeps_the_accept_header(serve, run, settings):
    registry = serve("127.0.0.32", {"/works/10.5555/far/transform": csl("Far away", issued=2020)})
    resolver = serve("127.0.0.31", {"/api/handles/10.5555/far": handle("10.5555/far"),
                                    "/10.5555/far": redirect(302, registry.url("/works/10.5555/far/transform"))})
    [result] = run(references("10.5555/far", field="x[{i}].doi", title="Far away", year=2021),
                   settings=settings.replace(doi_base=resolver.base))
    assert (result.verdict, result.mismatch) == ("alive", [])
    [seen] = registry.seen()
    assert seen.headers["accept"] == CSL


def test_a_doi_field_and_a_doi_url_share_one_check(resolver, run):
    server, settings = resolver
    refs = references("10.1145/359340.359342", field="primary_sources[{i}].doi", title=RSA, year=1978)
    refs += references("https://doi.org/10.1145/359340.359342", field="atomic_facts[{i}].source_url",
                       title="Something else entirely, as fact titles go")
    results = run(refs, settings=settings)
    assert [r.verdict for r in results] == ["alive", "alive"]
    assert [r.mismatch for r in results] == [[], ["title"]]  # compared per reference
    assert len(server.seen("/api/handles/10.1145/359340.359342")) == 1


def test_a_doi_field_that_is_no_doi_is_broken_without_asking(resolver, run):
    server, settings = resolver
    [result] = run(references("n/a", field="primary_sources[{i}].doi"), settings=settings)
    assert result.verdict == "broken" and "not a DOI" in result.detail
    assert server.seen() == []


def test_resolver_errors_are_warnings_not_deaths(serve, run, settings):
    server = serve("127.0.0.33", {"/api/handles/10.5555/x": Reply(503)})
    [result] = run(references("10.5555/x", field="x[{i}].doi"), settings=settings.replace(doi_base=server.base))
    assert (result.verdict, result.check.status) == ("error", 503)
    assert len(server.seen()) == 3  # retried


def test_csl_years_and_titles():
    data = {"title": "T", "subtitle": ["S"], "created": {"date-parts": [[2030]]},
            "published-print": {"date-parts": [["1999", 1]]}, "issued": {"literal": "circa 1998"}}
    assert csl_metadata(data) == {"titles": ["T", "T: S"], "years": [1999, 1998]}
