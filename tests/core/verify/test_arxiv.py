"""arXiv ids through an export API on loopback: batches, found / missing / Error entries, the request
interval, and a feed that tries to declare entities."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from editor.core.verify import CheckSettings
from editor.core.verify.arxiv import FeedError, parse_feed
from editor.core.verify.refs import Reference, Target
from tests.core.verify.conftest import references
from tests.core.verify.loopback import Reply

PAPERS = {
    "2407.21783": ("2407.21783v3", "The Llama 3 Herd of Models"),
    "1706.03762": ("1706.03762v7", "Attention Is All\n  You Need"),
    "hep-th/9901001": ("hep-th/9901001v1", "Lectures on Supergravity"),
}


def feed(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><title>arXiv Query</title>'
            f'<opensearch:totalResults>{len(entries)}</opensearch:totalResults>{"".join(entries)}</feed>').encode()


def entry(arxiv_id: str, title: str) -> str:
    return (f"<entry><id>http://arxiv.org/abs/{arxiv_id}</id><published>2024-07-31T17:54:27Z</published>"
            f"<title>{title}</title><summary>Abstract.</summary></entry>")


def error_entry(bad: str) -> str:
    return (f"<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id><title>Error</title>"
            f"<summary>incorrect id format for {bad}</summary></entry>")


def api(seen, n) -> Reply:
    """Like arXiv: one entry per known id (the cited version, or the latest), none for an unknown one;
    an id it calls malformed (here: anything with 'bad') fails the whole request with an Error entry."""
    ids = parse_qs(urlsplit(seen.path).query)["id_list"][0].split(",")
    bad = [i for i in ids if "bad" in i]
    if bad:
        return Reply(400, {"Content-Type": "application/atom+xml"}, feed([error_entry(bad[0])]))
    found = []
    for wanted in ids:
        base = re.sub(r"v\d+$", "", wanted)
        if base in PAPERS:
            latest, title = PAPERS[base]
            found.append(entry(wanted if wanted != base else latest, title))
    return Reply(200, {"Content-Type": "application/atom+xml"}, feed(found))


@pytest.fixture
def arxiv(serve, settings):
    server = serve("127.0.0.40", {"/api/query": api})
    return server, settings.replace(arxiv_api=server.url("/api/query"))


def urls(*ids: str) -> list[str]:
    return [f"https://arxiv.org/abs/{i}" for i in ids]


def test_found_and_missing_ids_in_one_batch(arxiv, run):
    server, settings = arxiv
    refs = references(*urls("2407.21783", "1706.03762v7", "hep-th/9901001", "2501.00001"),
                      "https://arxiv.org/pdf/2407.21783v2.pdf")
    results = run(refs, settings=settings)
    assert [r.verdict for r in results] == ["alive", "alive", "alive", "broken", "alive"]
    assert results[0].check.final_url == "https://arxiv.org/abs/2407.21783v3"
    assert results[2].check.metadata["titles"] == ["Lectures on Supergravity"]
    assert results[3].detail == "arXiv has no such paper; first failed check"
    assert all(r.to_dict()["kind"] == "arxiv" for r in results)
    [request] = server.seen()
    asked = parse_qs(urlsplit(request.path).query)["id_list"][0].split(",")
    assert sorted(asked) == sorted(["2407.21783", "1706.03762v7", "hep-th/9901001", "2501.00001", "2407.21783v2"])


def test_an_error_entry_is_broken_and_the_others_are_asked_again(arxiv, run):
    server, settings = arxiv
    # ids our pattern accepts but this API calls malformed (real arXiv does the same to some odd ids)
    refs = [Reference("a.md", "primary_sources[0].url", 1, "https://arxiv.org/abs/1706.03762",
                      Target("arxiv", "1706.03762")),
            Reference("a.md", "primary_sources[1].url", 2, "https://arxiv.org/abs/0000.bad00",
                      Target("arxiv", "0000.bad00")),
            Reference("a.md", "primary_sources[2].url", 3, "https://arxiv.org/abs/2407.21783",
                      Target("arxiv", "2407.21783"))]
    results = run(refs, settings=settings)
    assert [r.verdict for r in results] == ["alive", "broken", "alive"]
    assert "incorrect id format for 0000.bad00" in results[1].detail
    first, second = (parse_qs(urlsplit(s.path).query)["id_list"][0] for s in server.seen())
    assert (first, second) == ("1706.03762,0000.bad00,2407.21783", "1706.03762,2407.21783")


def test_a_feed_answering_another_version_still_finds_the_paper(serve, run, settings):
    latest_only = serve("127.0.0.42", {"/api/query": Reply(200, {}, feed([entry("2407.21783v3", "The Llama 3 Herd")]))})
    [result] = run(references(*urls("2407.21783v2")),
                   settings=settings.replace(arxiv_api=latest_only.url("/api/query")))
    assert result.verdict == "alive"
    assert result.detail == "on arXiv (as 2407.21783v3; 2407.21783v2 is cited): The Llama 3 Herd"


def test_older_forms_of_a_missing_id_are_broken(serve, run, settings):
    answer = feed([entry("1706.03762v7", "Attention Is All You Need"),
                   "<entry><id>http://arxiv.org/abs/2501.00001</id><title>Error</title>"
                   "<summary>paper not found</summary></entry>",
                   "<entry><id>http://arxiv.org/abs/2501.00002</id><title></title></entry>"])
    server = serve("127.0.0.43", {"/api/query": Reply(200, {}, answer)})
    results = run(references(*urls("1706.03762", "2501.00001", "2501.00002")),
                  settings=settings.replace(arxiv_api=server.url("/api/query?format=atom")))
    assert [r.verdict for r in results] == ["alive", "broken", "broken"]
    assert results[1].detail.startswith("arXiv refuses the id: paper not found")
    [request] = server.seen()  # the others were answered: nothing to ask again
    assert request.path.startswith("/api/query?format=atom&id_list=")


def test_title_compared_as_for_dois(arxiv, run):
    _, settings = arxiv
    cited = ["Llama 3: Open and Efficient Foundation Language Models (Meta AI)", "attention is all you need"]
    refs = references(*urls("2407.21783"), title=cited[0], year=2023)
    refs += references(*urls("1706.03762"), title=cited[1], year=2023)
    results = run(refs, settings=settings)
    assert [r.mismatch for r in results] == [["title"], []]  # years are not compared for arXiv
    assert "The Llama 3 Herd of Models" in results[0].detail


def test_batches_are_three_seconds_apart(arxiv, run):
    server, settings = arxiv
    assert CheckSettings().arxiv_interval == 3.0
    started = time.monotonic()
    results = run(references(*urls("2407.21783", "1706.03762", "hep-th/9901001")),
                  settings=settings.replace(arxiv_batch=2, arxiv_interval=3.0))
    assert [r.verdict for r in results] == ["alive"] * 3
    first, second = server.seen()
    assert second.start - first.start >= 2.95
    assert time.monotonic() - started < 6


def test_unreachable_api_is_an_error_for_every_id(serve, run, settings):
    server = serve("127.0.0.41", {"/api/query": Reply(503)})
    results = run(references(*urls("2407.21783", "1706.03762")),
                  settings=settings.replace(arxiv_api=server.url("/api/query")))
    assert [r.verdict for r in results] == ["error", "error"]
    assert len(server.seen()) == 3  # one batch, retried twice


def test_feed_with_entities_is_refused():
    evil = (b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>')
    with pytest.raises(FeedError, match="DTD or entities"):
        parse_feed(evil)
    with pytest.raises(FeedError, match="not XML"):
        parse_feed(b"<feed")
    with pytest.raises(FeedError, match="not an Atom feed"):
        parse_feed(b"<html/>")


def test_feed_entries():
    entries = parse_feed(feed([entry("hep-th/9901001v1", "Lectures\n on  Supergravity"), error_entry("x")]))
    assert [(e.id, e.title, e.is_error) for e in entries] == [
        ("hep-th/9901001v1", "Lectures on Supergravity", False),
        ("http://arxiv.org/api/errors#incorrect_id_format_for_x", "Error", True)]
