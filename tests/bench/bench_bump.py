"""Benchmark: `bump` over N generated articles against a naive ruamel.yaml load-and-dump of each file.

    python tests/bench/bench_bump.py [--n 2000]

Both runs work on their own copy of the same generated corpus, in this process. Target: bump at least
5x faster than the naive round trip (which also damages files: it is the baseline, not an option).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ruamel.yaml import YAML

from editor.cli import main as cli_main
from tests.bench.generate import generate_corpus


def naive_round_trip(folder: Path) -> int:
    yaml = YAML()
    count = 0
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        end = text.index("\n---\n", 4)
        data = yaml.load(text[4 : end + 1])
        data["last_verified"] = "2026-11-28"
        out = io.StringIO()
        yaml.dump(data, out)
        path.write_text("---\n" + out.getvalue() + text[end + 1 :], encoding="utf-8")
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp, "corpus")
        generate_corpus(base, args.n, seed=1)
        naive_dir, bump_dir = Path(tmp, "naive"), Path(tmp, "bump")
        shutil.copytree(base, naive_dir)
        shutil.copytree(base, bump_dir)

        started = time.perf_counter()
        done = naive_round_trip(naive_dir)
        naive = time.perf_counter() - started

        started = time.perf_counter()
        status = cli_main(["bump", "--date", "2026-11-28", str(bump_dir)])
        bump = time.perf_counter() - started

        changed = sum(1 for p in bump_dir.rglob("*.md")
                      if p.read_bytes() != (base / p.relative_to(bump_dir)).read_bytes())
    print(f"articles: {args.n} (naive round trip rewrote {done}; bump exit {status}, changed {changed})")
    print(f"naive ruamel load+dump: {naive:.2f} s ({naive / args.n * 1000:.2f} ms/article)")
    print(f"corpus-editor bump:     {bump:.2f} s ({bump / args.n * 1000:.2f} ms/article)")
    print(f"ratio: bump is {naive / bump:.1f}x faster (target >= 5x)")


if __name__ == "__main__":
    main()
