"""Web pages against real servers on loopback: every verdict, HEAD then GET, redirects, bot walls,
retries and Retry-After, timeouts, refused connections, names that never resolve."""

from __future__ import annotations

import email.utils
import threading
import time

import pytest

from editor import __version__
from editor.core.verify import CheckSettings, check_references
from editor.core.verify.http import retry_after_seconds
from tests.core.verify.conftest import references
from tests.core.verify.loopback import Reply, by_method, free_port, redirect, sequence


def one(run, url, **options):
    [result] = run([url], **options)
    return result


def test_alive_with_head_only_and_a_user_agent_naming_the_program(serve, run):
    server = serve("127.0.0.2", {"/page": Reply(200)})
    result = one(run, server.url("/page"))
    assert (result.verdict, result.check.status, result.check.final_url) == ("alive", 200, server.url("/page"))
    assert result.mismatch == [] and result.check.redirects == []
    [seen] = server.seen()
    assert seen.method == "HEAD"
    agent = seen.headers["user-agent"]
    assert agent.startswith(f"corpus-editor/{__version__} (+https://") and "corpus-editor" in agent.split("+")[1]


def test_head_not_allowed_then_get(serve, run):
    server = serve("127.0.0.2", {"/no-head": by_method(HEAD=Reply(405), GET=Reply(200, body=b"<html>ok</html>"))})
    result = one(run, server.url("/no-head"))
    assert (result.verdict, result.check.status) == ("alive", 200)
    assert [s.method for s in server.seen()] == ["HEAD", "GET"]


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_chain_is_moved_and_suggests_the_final_url(serve, run, status):
    server = serve("127.0.0.3", {"/old": redirect(status, "/older"), "/older": redirect(status, "/new"),
                                 "/new": Reply(200)})
    result = one(run, server.url("/old"))
    assert result.verdict == "moved"
    assert result.check.final_url == server.url("/new")
    assert [(hop["url"], hop["status"]) for hop in result.check.redirects] == [
        (server.url("/old"), status), (server.url("/older"), status)]
    assert server.url("/new") in result.detail and result.severity == "ok"


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirect_that_ends_alive_is_alive(serve, run, status):
    server = serve("127.0.0.4", {"/entry": redirect(status, "/today"), "/today": Reply(200)})
    result = one(run, server.url("/entry"))
    assert result.verdict == "alive"
    assert result.check.final_url == server.url("/today")
    assert result.check.redirects[0]["status"] == status


def test_redirect_across_hosts_and_permanent_redirect_to_a_dead_page(serve, run):
    target = serve("127.0.0.6", {"/gone": Reply(404)})
    server = serve("127.0.0.5", {"/moved-away": redirect(301, target.url("/gone"))})
    result = one(run, server.url("/moved-away"))
    assert (result.verdict, result.check.status) == ("broken", 404)
    assert result.check.final_url == target.url("/gone")
    assert "permanent redirect" in result.detail


def test_redirect_loop_is_an_error(serve, run):
    server = serve("127.0.0.5", {"/a": redirect(302, "/b"), "/b": redirect(301, "/a")})
    result = one(run, server.url("/a"))
    assert result.verdict == "error"
    assert "redirect loop" in result.detail
    assert len(server.seen()) == 2  # one look at each address, then the loop is seen


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_broken_without_retries(serve, run, status):
    server = serve("127.0.0.7", {"/dead": Reply(status)})
    result = one(run, server.url("/dead"))
    assert (result.verdict, result.check.status, result.severity) == ("broken", status, "error")
    assert [s.method for s in server.seen()] == ["HEAD", "GET"]  # GET confirms what HEAD said, no retry


@pytest.mark.parametrize(("reply", "words"), [
    (Reply(403, {"cf-mitigated": "challenge", "Server": "cloudflare"}, b"<title>Just a moment...</title>"),
     "challenge"),
    (Reply(403), "refuses access"),
    (Reply(401, {"WWW-Authenticate": "Basic"}), "login"),
    (Reply(999), "999"),
])
def test_bot_walls_and_logins_are_blocked_never_broken(serve, run, reply, words):
    server = serve("127.0.0.8", {"/wall": reply})
    result = one(run, server.url("/wall"))
    assert (result.verdict, result.check.status, result.severity) == ("blocked", reply.status, "warning")
    assert words in result.detail and "a person must look" in result.detail
    assert [s.method for s in server.seen()] == ["HEAD", "GET"]  # no retries for 401/403/999


def test_challenge_on_a_503_is_blocked_and_not_retried(serve, run):
    server = serve("127.0.0.8", {"/cf": Reply(503, {"cf-mitigated": "challenge"})})
    result = one(run, server.url("/cf"))
    assert result.verdict == "blocked"
    assert len(server.seen()) == 2


def test_429_with_retry_after_is_honoured_then_alive(serve, run):
    server = serve("127.0.0.9", {"/busy": sequence(Reply(429, {"Retry-After": "1"}), Reply(200))})
    started = time.monotonic()
    result = one(run, server.url("/busy"))
    assert result.verdict == "alive"
    first, second = server.seen()
    assert second.start - first.start >= 0.95  # the server asked for a second
    assert time.monotonic() - started < 5


def test_retry_after_as_an_http_date(serve, run):
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    server = serve("127.0.0.9", {"/date": sequence(Reply(429, {"Retry-After": when}), Reply(200))})
    result = one(run, server.url("/date"))
    assert result.verdict == "alive"
    first, second = server.seen()
    assert second.start - first.start >= 0.9  # the date is to the second: between 1 and 2 s from now


def test_retry_after_holds_the_whole_host(serve, run):
    server = serve("127.0.0.10", {"/a": sequence(Reply(429, {"Retry-After": "1"}), Reply(200)),
                                  "/b": Reply(200, delay=0.0)})
    # /b is asked after /a's 429 arrived (/a starts first, /b 250 ms later at the earliest)
    results = run([server.url("/a"), server.url("/b"), server.url("/b?again")])
    assert [r.verdict for r in results] == ["alive"] * 3
    first_429 = server.seen("/a")[0]
    later = [s for s in server.seen() if s.start > first_429.end]
    assert later and min(s.start for s in later) - first_429.start >= 0.95


def test_still_429_after_retries_is_rate_limited(serve, run):
    server = serve("127.0.0.11", {"/limited": Reply(429, {"Retry-After": "0"})})
    result = one(run, server.url("/limited"))
    assert (result.verdict, result.check.status, result.severity) == ("rate-limited", 429, "warning")
    assert len(server.seen()) == 3  # the first try and 2 retries


def test_retry_after_beyond_the_cap_is_not_waited_for(serve, run, settings):
    server = serve("127.0.0.11", {"/later": Reply(429, {"Retry-After": "3600"})})
    started = time.monotonic()
    result = one(run, server.url("/later"), settings=settings.replace(max_retry_after=60))
    assert result.verdict == "rate-limited" and "3600" in result.detail
    assert len(server.seen()) == 1 and time.monotonic() - started < 2


def test_503_then_200_is_alive_after_a_retry(serve, run):
    server = serve("127.0.0.12", {"/flaky": sequence(Reply(503), Reply(503), Reply(200))})
    result = one(run, server.url("/flaky"))
    assert result.verdict == "alive"
    assert [s.method for s in server.seen()] == ["HEAD", "GET", "GET"]  # the GET was retried


def test_server_errors_after_retries_are_an_error(serve, run):
    server = serve("127.0.0.12", {"/down": Reply(500)})
    result = one(run, server.url("/down"))
    assert (result.verdict, result.check.status, result.severity) == ("error", 500, "warning")
    assert [s.method for s in server.seen()] == ["HEAD", "GET", "GET", "GET"]
    gaps = server.log.start_gaps(server.host)
    assert gaps[1] >= 0.05 and gaps[2] >= 0.1  # the backoff doubles


def test_slow_answer_past_the_timeout_is_timeout(serve, run):
    server = serve("127.0.0.13", {"/slow": Reply(200, delay=3)})
    started = time.monotonic()
    result = one(run, server.url("/slow"), timeout=0.3)
    elapsed = time.monotonic() - started
    assert (result.verdict, result.check.status) == ("timeout", None)
    assert "0.3 s" in result.detail
    assert [s.method for s in server.seen()] == ["HEAD", "GET", "GET"]  # the HEAD was the first attempt
    assert elapsed < 3


def test_connection_refused_is_an_error(run):
    url = f"http://127.0.0.14:{free_port('127.0.0.14')}/"
    result = one(run, url)
    assert (result.verdict, result.check.status) == ("error", None)
    assert "refused" in result.detail


def test_a_name_under_invalid_is_broken_at_once(run):
    started = time.monotonic()
    result = one(run, "https://no-such-host.invalid/paper")
    assert (result.verdict, result.severity) == ("broken", "error")
    assert "does not resolve" in result.detail
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("value", ["ftp://ftp.example.org/file.txt", "file:///etc/passwd",
                                   "javascript:alert(1)", "see the library", "mailto:someone@example.org"])
def test_other_schemes_and_bare_words_are_skipped_and_never_fetched(run, value):
    result = one(run, value)
    assert (result.verdict, result.check.status, result.severity) == ("skipped", None, "ok")
    assert result.to_dict()["kind"] == "url"


def test_at_most_two_in_flight_per_host_and_a_quarter_second_between_starts(serve, run, log, settings):
    assert CheckSettings().host_interval == 0.25 and CheckSettings().per_host == 2
    busy = serve("127.0.0.20", {f"/p{i}": Reply(200, delay=0.3) for i in range(6)})
    results = run([busy.url(f"/p{i}") for i in range(6)], settings=settings.replace(host_interval=0.25))
    assert {r.verdict for r in results} == {"alive"}
    assert log.max_in_flight(busy.host) == 2
    # the server stamps a request when it reads its first line; threads of this one process move that
    # stamp by a few milliseconds either way
    assert min(log.start_gaps(busy.host)) >= 0.23


def test_sixteen_or_more_in_flight_overall(serve, run, log):
    assert CheckSettings().max_in_flight >= 16
    hosts = [serve(f"127.0.1.{i}", {"/": Reply(200, delay=0.8)}) for i in range(1, 21)]
    results = run([s.url("/") for s in hosts])
    assert {r.verdict for r in results} == {"alive"}
    assert log.max_in_flight() >= 16  # one request per host: all at once


def test_one_request_per_distinct_url_in_a_run(serve, run):
    server = serve("127.0.0.15", {"/shared": Reply(200)})
    refs = references(server.url("/shared"), server.url("/shared#section"))
    refs += references(server.url("/shared"), field="atomic_facts[{i}].source_url")
    results = run(refs)
    assert [r.verdict for r in results] == ["alive"] * 3
    assert len(server.seen()) == 1


def test_progress_is_reported_per_reference(serve, run):
    server = serve("127.0.0.16", {"/a": Reply(200), "/b": Reply(404)})
    calls = []
    run([server.url("/a"), server.url("/b"), "ftp://x"], progress=lambda *args: calls.append(args))
    assert calls[-1] == (3, 3, {"skipped": 1, "alive": 1, "broken": 1})
    assert [c[0] for c in calls] == [1, 2, 3]


def test_cancel_stops_a_run_within_half_a_second(serve, tmp_path, settings):
    server = serve("127.0.0.17", {"/": Reply(200, delay=10)})
    others = [serve(f"127.0.2.{i}", {"/": Reply(200, delay=10)}) for i in range(1, 6)]
    urls = [server.url(f"/?{i}") for i in range(10)] + [s.url("/") for s in others]
    cancel = threading.Event()
    outcome = {}

    def work():
        outcome["results"] = check_references(references(*urls), cancel=cancel, settings=settings,
                                              timeout=30, cache=tmp_path / "c.sqlite")

    worker = threading.Thread(target=work)
    worker.start()
    time.sleep(0.5)
    assert worker.is_alive()
    cancel.set()
    asked = time.monotonic()
    worker.join(5)
    assert not worker.is_alive()
    assert time.monotonic() - asked < 0.5
    assert outcome["results"] == []  # nothing had finished


def test_retry_after_parsing():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(" 0 ") == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= retry_after_seconds(future) <= 31
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: ask now


def test_an_unusable_address_is_an_error_not_a_crash(run):
    result = one(run, "http://127.0.0.1:99999/")
    assert result.verdict == "error"
    assert result.detail == "not a usable address: Port out of range 0-65535"
