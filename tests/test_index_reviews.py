"""What the index knows of reviews: per-article counts of unreviewed facts and the oldest review, and
broken or blocked sources joined from the link cache at query time (a check run shows without any
article being read again); `list --where` on them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from editor.cli import main
from editor.core.index.store import CorpusIndex
from editor.core.verify.cache import LinkCache
from editor.core.verify.results import Check
from tests.test_index import article

TODAY = dt.date(2026, 11, 28)
REVIEWED = """    review:
      verdict: supported
      by: Jane Doe
      date: "{date}"
"""


def reviewed_article(root: Path, rel: str, dates: list[str | None], confidence: str = "high") -> Path:
    """An article with one fact per entry of `dates`, reviewed on that date (None: not reviewed)."""
    path = article(root, rel, statements=tuple(f"Statement number {i} long enough." for i in range(len(dates))),
                   confidence=confidence)
    text = path.read_text()
    head, rest = text.split("atomic_facts:\n", 1)
    facts, tail = rest.split("primary_sources:", 1)
    blocks = facts.split("  - id: ")[1:]
    out = []
    for block, date in zip(blocks, dates, strict=True):
        block = "  - id: " + block
        if date is not None:
            block += REVIEWED.format(date=date)
        out.append(block)
    path.write_text(head + "atomic_facts:\n" + "".join(out) + "primary_sources:" + tail)
    return path


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    reviewed_article(root, "a.md", [None, None, "2026-06-01"])
    reviewed_article(root, "b.md", ["2025-01-01", "2026-10-01"])
    reviewed_article(root, "c.md", [None], confidence="medium")
    return root


def index_for(root: Path, tmp_path: Path) -> CorpusIndex:
    index = CorpusIndex(root, tmp_path / "cache" / "index", today=TODAY, workers=1)
    index.refresh()
    return index


def test_rows_count_unreviewed_facts_and_the_oldest_review(corpus, tmp_path):
    with index_for(corpus, tmp_path) as index:
        rows = {row.path: row for row in index.rows()}
    assert (rows["a.md"].unreviewed, rows["a.md"].high_unreviewed, rows["a.md"].oldest_review) == (2, 2, "2026-06-01")
    assert (rows["b.md"].unreviewed, rows["b.md"].oldest_review) == (0, "2025-01-01")
    assert (rows["c.md"].unreviewed, rows["c.md"].high_unreviewed, rows["c.md"].oldest_review) == (1, 0, None)
    assert rows["b.md"].to_dict()["oldest_review"] == "2025-01-01"


def test_filters_and_sorts_on_review_state(corpus, tmp_path):
    with index_for(corpus, tmp_path) as index:
        assert [r.path for r in index.rows(where="unreviewed>0")] == ["a.md", "c.md"]
        assert [r.path for r in index.rows(where="high_unreviewed>0")] == ["a.md"]
        assert [r.path for r in index.rows(where="oldest_review<2026-01-01")] == ["b.md"]
        assert [r.path for r in index.rows(sort="-unreviewed")] == ["a.md", "c.md", "b.md"]


def test_broken_and_blocked_sources_come_from_the_link_cache_without_reading_articles(corpus, tmp_path):
    with index_for(corpus, tmp_path) as index:
        assert all(r.broken == 0 and r.blocked == 0 for r in index.rows())
        assert index.links_path == tmp_path / "cache" / "links.sqlite"
        with LinkCache(index.links_path) as cache:
            cache.put(Check("https://example.org/a/1", "url", "https://example.org/a/1", "broken", "404 Not Found"))
            cache.put(Check("https://example.org/b/2", "url", "https://example.org/b/2", "blocked", "403 Forbidden"))
        stats = index.refresh()
        assert stats.read == 0  # nothing was read again
        rows = index.rows()
        assert {(r.broken, r.blocked) for r in rows} == {(1, 1)}
        assert [r.path for r in index.rows(where="broken>0", search="statement")] == ["a.md", "b.md", "c.md"]
        with LinkCache(index.links_path) as cache:
            cache.put(Check("https://example.org/a/1", "url", "https://example.org/a/1", "alive", "200 OK"))
        assert {(r.broken, r.blocked) for r in index.rows()} == {(0, 1)}


def test_a_damaged_link_cache_counts_nothing(corpus, tmp_path):
    with index_for(corpus, tmp_path) as index:
        index.links_path.write_bytes(b"not a database")
        assert {(r.broken, r.blocked) for r in index.rows()} == {(0, 0)}


def test_list_filters_on_review_state(corpus, capsys):
    assert main(["list", "--format", "json", "--where", "unreviewed>0", "--sort=-unreviewed", str(corpus)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(Path(r["path"]).name, r["unreviewed"]) for r in rows] == [("a.md", 2), ("c.md", 1)]
