"""Benchmark: `corpus-editor list` cold and warm against a naive ruamel.yaml round-trip load.

    python tests/bench/bench_index.py --n 2000
    python tests/bench/bench_index.py --n 50000 --dir /tmp/bench-50k

Generates N varied articles (tests/bench/generate.py) plus a few broken and non-article files in a
temporary folder (deleted afterwards unless --keep), then prints in one run:

- naive: reading every file and loading its front matter with ruamel.yaml's round-trip loader, as an
  editor that opens every article would (in this process, timed after the index runs);
- cold: `corpus-editor list --format json` with an empty cache (a new process: interpreter start,
  the scan in worker processes, the index written, the JSON printed);
- warm: the same command again, the index in place (median of three runs);
- the first and the next `--search` (a listing leaves full-text indexing to the first search);
- the ratios naive/cold and naive/warm, the index size, and peak memory (maxrss) of this process and
  of the largest child process (`list` and its workers).

Targets on the 2-core reference machine: at 2,000 articles cold >= 15x and warm >= 40x faster than
naive; at 50,000 articles warm < 1.5 s and cold < 20 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.bench.generate import generate_corpus  # noqa: E402


def naive_load(folder: Path, limit: int | None) -> tuple[float, int, int]:
    """(seconds, files loaded, files measured) for a ruamel.yaml round-trip load of every article."""
    from ruamel.yaml import YAML

    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".md", ".txt"))
    measured = files if limit is None else files[:limit]
    yaml = YAML()  # round-trip
    loaded = 0
    started = time.perf_counter()
    for path in measured:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if not text.startswith("---"):
            continue
        end = text.find("\n---", 3)
        if end < 0:
            continue
        try:
            yaml.load(text[3:end])
            loaded += 1
        except Exception:  # a broken file costs its parse attempt, as in an editor
            pass
    seconds = time.perf_counter() - started
    if limit is not None and len(files) > len(measured):
        seconds *= len(files) / len(measured)
    return seconds, loaded, len(measured)


def run_list(folder: Path, cache: Path, *extra: str) -> tuple[float, list]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    command = [sys.executable, "-m", "editor", "list", "--format", "json", *extra, str(folder)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, env=env, cwd=HERE.parent.parent, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"list failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    return seconds, json.loads(result.stdout)


def review_filters(corpus: Path, cache: Path) -> None:
    """The review columns in this process: rows without a link cache (the baseline), with 2% of the cited
    sources broken and 1% blocked in it (joined at query time), `--where` on review state, and the
    window's review queue (filter and sort of the rows in memory)."""
    import datetime as dt
    import sqlite3

    from editor.core.index.store import CorpusIndex
    from editor.core.verify.cache import LinkCache
    from editor.core.verify.results import Check
    from editor.ui.corpus.rows import row_from_index

    def timed(function, runs: int = 3):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - started)
        return statistics.median(times), result

    index = CorpusIndex(corpus, cache / "corpus-editor" / "index")
    try:
        index.refresh()
        base, rows = timed(index.rows)
        keys = [k for (k,) in sqlite3.connect(index.db_path).execute("SELECT DISTINCT key FROM cites ORDER BY key")]
        with LinkCache(index.links_path) as links:
            for i, key in enumerate(keys):
                if i % 50 == 0 or i % 100 == 1:
                    links.put(Check(key, "url", key, "broken" if i % 50 == 0 else "blocked", "test"))
        joined, rows = timed(index.rows)
        broken, hits = timed(lambda: index.rows(where="broken>0"))
        unreviewed, _ = timed(lambda: index.rows(where="unreviewed>0"))
        today = dt.date.today()
        corpus_rows = [row_from_index(r, str(corpus)) for r in rows]
        queue, ordered = timed(lambda: sorted((r for r in corpus_rows if r.needs_review(today, 180)),
                                              key=lambda r: r.need_key()))
    finally:
        index.close()
        with contextlib.suppress(OSError):
            Path(index.links_path).unlink()
    print(f"rows, no link cache (baseline):   {base:8.3f} s  ({len(rows):,} rows)")
    print(f"rows, link cache joined:          {joined:8.3f} s  {joined / base:5.2f}x the baseline "
          f"({len(keys):,} cited sources, {sum(r.broken > 0 for r in rows):,} articles with a broken one)")
    print(f"rows --where broken>0:            {broken:8.3f} s  ({len(hits):,} rows)")
    print(f"rows --where unreviewed>0:        {unreviewed:8.3f} s")
    print(f"review queue, in memory:          {queue:8.3f} s  {queue / base:5.2f}x the baseline "
          f"({len(ordered):,} articles need a review)")


def maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of articles (default 2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and cache")
    parser.add_argument("--naive-sample", type=int, metavar="K",
                        help="time the naive load on K files only and scale up (default: all files)")
    args = parser.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-index-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, cache = work / "corpus", work / "cache"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    extras = max(5, args.n // 2000)
    try:
        started = time.perf_counter()
        generate_corpus(corpus, args.n, args.seed, broken=extras, non_articles=extras)
        os.sync()  # the corpus on disk before anything is timed (no writeback competing with the runs)
        size = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
        print(f"corpus: {args.n:,} articles + {extras} broken + {extras} non-article files, "
              f"{size / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s ({work})")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")

        print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
              "(other processes slow every figure; cpu = user + system time of list and its workers)")

        # the index first, the long naive load after: the short runs are the ones other work disturbs most
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold, rows = run_list(corpus, cache)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        expected = args.n + extras
        if len(rows) != expected:
            sys.exit(f"list printed {len(rows)} rows, expected {expected}")
        cold_children = maxrss_mb(resource.RUSAGE_CHILDREN)
        warm_times = [run_list(corpus, cache)[0] for _ in range(3)]
        warm = statistics.median(warm_times)
        first_search, hits = run_list(corpus, cache, "--search", "neutrino lattice")
        next_search, hits2 = run_list(corpus, cache, "--search", "quantum entropy")
        one = next(p for p in sorted(corpus.rglob("*.md")) if "broken" not in p.parts)
        os.utime(one, ns=(one.stat().st_atime_ns, one.stat().st_mtime_ns + 10**9))
        touched, _ = run_list(corpus, cache)

        review_filters(corpus, cache)

        naive, loaded, measured = naive_load(corpus, args.naive_sample)
        naive_rss = maxrss_mb(resource.RUSAGE_SELF)
        sampled = f" (timed on {measured:,} files, scaled)" if args.naive_sample else ""
        print(f"naive ruamel.yaml round-trip load: {naive:8.2f} s  ({loaded:,} front matters loaded{sampled}; "
              f"{1000 * naive / max(1, args.n):.2f} ms/article)")
        print(f"cold list (empty cache):           {cold:8.2f} s  {naive / cold:6.1f}x faster than naive "
              f"(cpu {cold_cpu:.2f} s)")
        print(f"warm list (index in place):        {warm:8.2f} s  {naive / warm:6.1f}x faster than naive "
              f"(runs: {', '.join(f'{t:.2f}' for t in warm_times)})")
        print(f"warm list after touching one file: {touched:8.2f} s")
        print(f"first --search (indexes the text): {first_search:8.2f} s  ({len(hits):,} hits; a listing leaves "
              "full-text indexing to the first search)")
        print(f"next --search:                     {next_search:8.2f} s  ({len(hits2):,} hits)")
        db = next(cache.rglob("*.sqlite"))
        db_size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        print(f"index: {db_size / 1e6:.1f} MB ({db_size / max(1, args.n) / 1024:.1f} KB/article)")
        print(f"peak memory (maxrss): this process {naive_rss:.0f} MB (naive load), largest child "
              f"{cold_children:.0f} MB (cold list), any child {maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
        print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if not args.keep:
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            if args.dir is None:
                shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
