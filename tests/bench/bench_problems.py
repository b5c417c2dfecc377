"""Benchmark: the corpus problems view and a severity change, against a re-read of the corpus.

    python tests/bench/bench_problems.py --n 2000
    python tests/bench/bench_problems.py --n 50000 --dir /tmp/bench-50k

Generates N varied articles (tests/bench/generate.py, some with duplicate ids), builds the index
once, then times in this process, each the median of five runs:

- baseline: the warm listing the window reads at start (`CorpusIndex.rows()` of every article);
- summary: the problems of the whole corpus by rule (`problem_summary`), what the view shows;
- places: the articles and fields of the commonest rule (expanding it);
- filter: the list filtered by that rule (`rows(where="problem=CODE")`);
- override: a severity changed in `.corpus-schema.yaml` taken in (`apply_overrides`: a recount);
- reread: what that change would cost as a re-read of every file (`refresh(rescan=True)`, once).

Each is printed with its ratio to the baseline; the severity change also against the re-read.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.bench.generate import generate_corpus  # noqa: E402


def timed(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--dir", help="generate here (kept) instead of a temporary folder")
    args = parser.parse_args()

    from editor.core.index.store import CorpusIndex
    from editor.core.validation.schema import CORPUS_SCHEMA_NAME

    base = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-problems-"))
    corpus, cache = base / "corpus", base / "cache"
    try:
        if not corpus.exists():
            generate_corpus(corpus, args.n, broken=max(1, args.n // 500), non_articles=max(1, args.n // 1000))
        schema_file = corpus / CORPUS_SCHEMA_NAME
        schema_file.unlink(missing_ok=True)
        with CorpusIndex(corpus, cache_dir=cache) as index:
            started = time.perf_counter()
            index.refresh(full_text=False)
            print(f"{args.n:,} articles; index built in {time.perf_counter() - started:.1f} s")
            baseline = timed(lambda: index.rows())
            counts = index.problem_summary()
            common = max((c for c in counts if c.code != "duplicate-id"), key=lambda c: c.files)
            summary = timed(index.problem_summary)
            places = timed(lambda: index.problem_places(common.code))
            filtered = timed(lambda: index.rows(where=f"problem={common.code}"))
            levels = iter(["off", "error"] * 10)

            def override() -> None:
                schema_file.write_text(f"rules:\n  severity:\n    {common.code}: {next(levels)}\n")
                assert index.apply_overrides()

            overriding = timed(override)
            started = time.perf_counter()
            index.refresh(rescan=True, full_text=False)
            reread = time.perf_counter() - started
        print(f"rules with problems: {len(counts)}; commonest: {common.code} in {common.files:,} articles")
        print(f"baseline (warm listing of every article): {baseline * 1000:8.1f} ms")
        for name, seconds in (("summary by rule", summary), ("places of one rule", places),
                              ("list filtered by rule", filtered), ("severity change (recount)", overriding)):
            print(f"{name:<28} {seconds * 1000:8.1f} ms  {seconds / baseline:5.2f}x the baseline")
        print(f"re-read of every file        {reread * 1000:8.1f} ms  the recount is {reread / overriding:.0f}x faster")
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
