"""The memory of checks: what is reused and for how long, the history of failures, offline reports,
lookups for the window, and a damaged file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os

import pytest

from editor.core.index.store import default_cache_dir
from editor.core.verify import LinkCache, default_cache_path
from editor.core.verify.results import utc_now
from tests.core.verify.conftest import references
from tests.core.verify.loopback import Reply, redirect
from tests.core.verify.test_doi import RSA, csl, handle


@pytest.fixture
def site(serve):
    return serve("127.0.0.50", {"/alive": Reply(200), "/moved": redirect(301, "/new"), "/new": Reply(200),
                                "/blocked": Reply(403), "/gone": Reply(404), "/down": Reply(500)})


def age(cache_path, url, days, failures_days=None):
    """Pretend `url` was last checked `days` ago (and failed on the given days ago)."""
    with LinkCache(cache_path) as cache:
        check = cache.get(url)
        check.checked_at = utc_now() - dt.timedelta(days=days)
        if failures_days is not None:
            check.failures = [{"at": (utc_now() - dt.timedelta(days=d)).isoformat(), "verdict": "broken",
                               "status": 404} for d in failures_days]
        cache.put(check)


def test_second_run_asks_nothing_for_alive_results(site, run):
    urls = [site.url("/alive"), site.url("/moved"), site.url("/blocked")]
    first = run(urls)
    asked = len(site.seen())
    second = run(urls)
    assert len(site.seen()) == asked
    assert [r.verdict for r in second] == [r.verdict for r in first] == ["alive", "moved", "blocked"]
    assert all(r.check.cached for r in second) and not any(r.check.cached for r in first)
    assert [r.check.checked_at for r in second] == [r.check.checked_at for r in first]
    assert second[1].check.final_url == site.url("/new") and second[1].check.redirects


@pytest.mark.parametrize(("path", "fresh_days", "stale_days"), [("/alive", 6.9, 7.1), ("/moved", 0.9, 1.1),
                                                                  ("/blocked", 0.9, 1.1)])
def test_alive_is_trusted_a_week_moved_and_blocked_a_day(site, run, tmp_path, path, fresh_days, stale_days):
    url = site.url(path)
    run([url])
    cache_path = tmp_path / "links.sqlite"
    age(cache_path, url, fresh_days)
    asked = len(site.seen())
    [result] = run([url])
    assert result.check.cached and len(site.seen()) == asked
    age(cache_path, url, stale_days)
    [result] = run([url])
    assert not result.check.cached and len(site.seen()) > asked


def test_max_age_overrides_the_reuse_rules(site, run, tmp_path):
    url = site.url("/alive")
    run([url])
    age(tmp_path / "links.sqlite", url, 20)
    asked = len(site.seen())
    assert run([url], max_age=30)[0].check.cached
    assert len(site.seen()) == asked
    assert not run([url], max_age=0)[0].check.cached
    assert len(site.seen()) == asked + 1


@pytest.mark.parametrize("path", ["/gone", "/down"])
def test_failures_are_checked_again_every_run(site, run, path):
    url = site.url(path)
    run([url])
    asked = len(site.seen())
    [result] = run([url])
    assert not result.check.cached and len(site.seen()) > asked


def test_broken_carries_how_often_and_how_long_it_has_failed(site, run, tmp_path):
    url = site.url("/gone")
    [first] = run([url])
    assert first.detail == "404 Not Found; first failed check"
    assert first.to_dict()["failed_checks"] == 1
    age(tmp_path / "links.sqlite", url, 4, failures_days=[9, 4])
    [third] = run([url])
    assert third.detail == "404 Not Found; 3 failed checks over 9 days"
    record = third.to_dict()
    assert record["failed_checks"] == 3
    assert dt.datetime.fromisoformat(record["failing_since"]).date() == (utc_now() - dt.timedelta(days=9)).date()


def test_a_source_that_answers_again_forgets_its_failures(serve, run, tmp_path):
    server = serve("127.0.0.51", {"/back": Reply(404)})
    url = server.url("/back")
    run([url])
    run([url])
    server.routes["/back"] = Reply(200)
    [result] = run([url])
    assert result.verdict == "alive"
    with LinkCache(tmp_path / "links.sqlite") as cache:
        assert cache.lookup(url).failures == []


def test_offline_reports_remembered_results_of_any_age_and_asks_nothing(site, run, tmp_path):
    urls = [site.url("/alive"), site.url("/gone")]
    run(urls)
    age(tmp_path / "links.sqlite", urls[0], 100)
    asked = len(site.seen())
    results = run([*urls, site.url("/never-checked")], offline=True)
    assert len(site.seen()) == asked
    assert [(r.verdict, r.check.cached) for r in results] == [("alive", True), ("broken", True), ("skipped", False)]
    assert "no result is remembered" in results[2].detail


def test_a_registry_result_is_not_reused_for_another_registry(serve, run, settings):
    routes = {"/api/handles/10.1145/359340.359342": handle("10.1145/359340.359342"),
              "/10.1145/359340.359342": csl(RSA, issued=1978)}
    first, second = serve("127.0.0.52", routes), serve("127.0.0.53", routes)
    refs = references("10.1145/359340.359342", field="x[{i}].doi", title=RSA)
    run(refs, settings=settings.replace(doi_base=first.base))
    assert run(refs, settings=settings.replace(doi_base=first.base))[0].check.cached
    assert not run(refs, settings=settings.replace(doi_base=second.base))[0].check.cached
    assert len(second.seen()) == 2


def test_lookup_for_the_window(serve, run, tmp_path, settings):
    server = serve("127.0.0.54", {"/api/handles/10.1145/359340.359342": handle("10.1145/359340.359342"),
                                  "/10.1145/359340.359342": csl(RSA, issued=1978), "/p": Reply(200)})
    refs = references("https://doi.org/10.1145/359340.359342", server.url("/p#frag"), title="Not the title")
    run(refs, settings=settings.replace(doi_base=server.base))
    with LinkCache(tmp_path / "links.sqlite") as cache:
        for form in ("10.1145/359340.359342", "doi:10.1145/359340.359342", "https://doi.org/10.1145/359340.359342",
                     "https://dx.doi.org/10.1145/359340.359342"):
            check = cache.lookup(form)
            assert check is not None and check.verdict == "alive", form
        assert check.age() < dt.timedelta(minutes=1)
        assert check.mismatch == ["title"] and check.metadata["years"] == [1978]
        assert cache.lookup(server.url("/p")).verdict == "alive"
        assert cache.lookup("https://never.example/") is None
        assert len(cache) == 2


def test_a_damaged_cache_is_replaced(site, run, tmp_path):
    path = tmp_path / "links.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    [result] = run([site.url("/alive")])
    assert result.verdict == "alive"
    with LinkCache(path) as cache:
        assert cache.lookup(site.url("/alive")) is not None


def test_a_row_this_version_cannot_read_counts_as_unknown(site, run, tmp_path):
    url = site.url("/alive")
    run([url])
    with LinkCache(tmp_path / "links.sqlite") as cache:
        cache._db.execute("UPDATE checks SET checked_at = 'yesterday'")
        assert cache.get(url) is None
    assert not run([url])[0].check.cached


def test_the_cache_lives_beside_the_index_in_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == default_cache_dir().parent / "links.sqlite"
    assert str(default_cache_path()).startswith(str(tmp_path / "xdg" / "corpus-editor"))
    with LinkCache() as cache:
        assert cache.persistent and os.path.exists(default_cache_path())


def test_rows_keep_every_field(tmp_path):
    with LinkCache(tmp_path / "c.sqlite") as cache:
        from editor.core.verify.results import Check

        check = Check("https://x.example/", "url", "https://x.example/", "moved", "moved permanently", 301,
                      "https://y.example/", [{"url": "https://x.example/", "status": 301,
                                              "location": "https://y.example/"}], {"titles": ["Ü"]}, ["title"],
                      failures=[{"at": "2026-01-01T00:00:00+00:00", "verdict": "error", "status": 500}])
        cache.put(check)
        again = cache.get(check.key)
        assert dataclasses.replace(again, cached=False) == check
        assert json.dumps(again.metadata, ensure_ascii=False) == '{"titles": ["Ü"]}'
