"""Benchmark: `check_references` on 200 URLs spread over 25 local hosts that each take 100 ms to answer.

    python tests/bench/bench_links.py [--urls 200] [--hosts 25] [--delay 0.1]

The hosts (127.0.3.1, 127.0.3.2, ...) run in a child process, so their threads do not share this
process's interpreter lock. Both checkers first ask one URL of a spare host, untimed, so what a process
pays once (imports: anyio's asyncio backend, httpx's modules) is not counted; the first run's time with
those costs is printed too. In this one run it times:
  - a plain one-at-a-time checker (one keep-alive httpx client, one HEAD after another);
  - `check_references` with the documented politeness (2 in flight and 250 ms between starts per host,
    32 overall), on an empty cache;
  - the same references again, answered from the cache.
The servers' own logs give the requests each phase made, the most in flight to one host and the
shortest spacing between two starts to one host.
Targets: at least 20 URLs/s with politeness, at least 10x the plain checker, the cached run under
0.5 s with no request.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from editor.core.verify import CheckSettings, Reference, check_references, classify  # noqa: E402
from tests.core.verify.loopback import LoopbackServer, Reply, RequestLog  # noqa: E402


def serve(hosts: list[str], delay: float, ports, commands) -> None:
    """Child process: one server per host; answers "stats" with the log's figures, "stop" ends."""
    log = RequestLog()
    servers = [LoopbackServer(host, {}, log) for host in hosts]
    for server in servers:
        server.reply_for = lambda seen, d=delay: Reply(200, delay=d)
    ports.put([server.port for server in servers])
    mark = 0
    while True:
        command = commands.get()
        if command == "stop":
            break
        entries = log.of()[mark:]
        mark += len(entries)
        phase = RequestLog()
        phase.entries = entries
        in_flight = max((phase.max_in_flight(h) for h in hosts), default=0)
        gaps = [g for h in hosts for g in phase.start_gaps(h)]
        ports.put({"requests": len(entries), "max_in_flight_per_host": in_flight,
                   "min_gap_per_host": min(gaps) if gaps else None, "max_in_flight": phase.max_in_flight()})
    for server in servers:
        server.close()


def plain_check(urls: list[str], timeout: float) -> int:
    alive = 0
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for url in urls:
            if client.head(url).status_code == 200:
                alive += 1
    return alive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=25)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds each answer takes")
    args = parser.parse_args()

    hosts = [f"127.0.3.{i}" for i in range(1, args.hosts + 1)]
    spare = "127.0.4.1"
    context = multiprocessing.get_context("spawn")
    replies, commands = context.Queue(), context.Queue()
    child = context.Process(target=serve, args=([*hosts, spare], args.delay, replies, commands), daemon=True)
    child.start()
    *ports, spare_port = replies.get(timeout=30)
    spare_url = f"http://{spare}:{spare_port}/warm-up"
    urls = [f"http://{hosts[i % len(hosts)]}:{ports[i % len(hosts)]}/paper/{i}" for i in range(args.urls)]
    references = [Reference("bench.md", f"primary_sources[{i}].url", i + 1, url, classify(url))
                  for i, url in enumerate(urls)]

    def stats() -> dict:
        commands.put("stats")
        return replies.get(timeout=30)

    try:
        settings = CheckSettings()
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            check_references([Reference("bench.md", "url", 1, spare_url, classify(spare_url))],
                             cache=Path(folder, "warm-up.sqlite"), settings=settings)
            first_run_s = time.perf_counter() - started
        plain_check([spare_url], timeout=20)
        stats()

        started = time.perf_counter()
        alive = plain_check(urls, timeout=20)
        plain_s = time.perf_counter() - started
        plain = stats()
        assert alive == len(urls), alive

        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder, "links.sqlite")
            started = time.perf_counter()
            results = check_references(references, cache=cache, settings=settings)
            polite_s = time.perf_counter() - started
            polite = stats()
            assert [r.verdict for r in results] == ["alive"] * len(urls), {r.verdict for r in results}

            started = time.perf_counter()
            again = check_references(references, cache=cache, settings=settings)
            cached_s = time.perf_counter() - started
            cached = stats()
            assert all(r.check.cached for r in again)
    finally:
        commands.put("stop")
        child.join(10)

    print(f"{len(urls)} URLs on {len(hosts)} hosts, each answer taking {args.delay * 1000:.0f} ms")
    print(f"plain one-at-a-time: {plain_s:6.2f} s  {len(urls) / plain_s:7.1f} URLs/s  "
          f"({plain['requests']} requests)")
    print(f"check_references:    {polite_s:6.2f} s  {len(urls) / polite_s:7.1f} URLs/s  "
          f"({polite['requests']} requests; per host at most {polite['max_in_flight_per_host']} in flight, "
          f"starts at least {polite['min_gap_per_host'] * 1000:.0f} ms apart; {polite['max_in_flight']} in flight "
          f"overall at most)  -> {plain_s / polite_s:.1f}x the plain checker")
    print(f"cached re-run:       {cached_s:6.3f} s  ({cached['requests']} requests)")
    print(f"(a first check_references in a fresh process, one URL, imports included: {first_run_s:.2f} s)")
    ok = len(urls) / polite_s >= 20 and plain_s / polite_s >= 10 and cached_s < 0.5 and cached["requests"] == 0
    print("targets (>= 20 URLs/s, >= 10x, cached < 0.5 s with 0 requests):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
