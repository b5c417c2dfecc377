"""Benchmark the write path's race window against writers that take no lock.

    python tests/bench/bench_save_race.py [--saves 2000] [--folder DIR]

Three ways of putting a save in place, measured in this process on the same file and folder:

- "checked before writing" (how saves were made before the lock): the identity check, then the
  temporary file written, fsynced and renamed. An outside write landing after the check is lost: the
  window is the whole write, timed here from the check to the end of the rename.
- "stat before rename" (`files.save` where the file system cannot exchange two names): the identity
  is checked under the lock, and a `stat` right before the rename is the last look. The window is from
  that stat to the end of the rename.
- "exchange" (`files.save` on Linux): the new file is exchanged with the old one and the one that comes
  out is checked; an outside write found there is exchanged back. Nothing is lost, at any moment; the
  figure is how long a displaced outside write is away from its name before it is put back.

Then each is run against a thread that replaces the file without a lock every few hundred microseconds,
checking that its last write is still there, and the lost writes are counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from editor.core.document.errors import SaveConflict
from editor.core.files import save

ARTICLE = b"---\ntitle: A race\nx-outside: 0\n---\nBody text.\n" * 1


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered):.1f} us, p99 {p99:.1f} us, max {ordered[-1]:.1f} us (n={len(ordered)})"


def old_style_save(path: str, data: bytes, expected: save.FileIdentity) -> None:
    """The save as it was: the identity check first, then the whole write."""
    if not expected.matches(path):
        raise SaveConflict(path, save.CHANGED)
    fd, tmp = save.temp_file(os.path.dirname(path), os.path.basename(path))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def time_windows(path: Path, saves: int) -> None:
    real = str(path)
    path.write_bytes(ARTICLE)

    # checked before writing: from the end of the check to the end of the rename
    windows = []
    for n in range(saves):
        data, identity = save.read_with_identity(real)
        started = time.perf_counter()
        old_style_save(real, data + b"x" * (n % 2), identity)
        windows.append((time.perf_counter() - started) * 1e6)
    print(f"checked before writing: an outside write is lost in the {percentiles(windows)} of each save")

    # stat before rename: time the last stat of the article and the rename that follows it
    marks: list[float] = []
    windows = []
    real_stat, real_replace = os.stat, os.replace

    def stat(target, *args, **kwargs):
        if target == real:
            marks.append(time.perf_counter())
        return real_stat(target, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        result = real_replace(src, dst, *args, **kwargs)
        if dst == real and marks:
            windows.append((time.perf_counter() - marks[-1]) * 1e6)
        return result

    exchange = save._renameat2
    save._renameat2 = None
    os.stat, os.replace = stat, replace
    try:
        for n in range(saves):
            save.update_file(real, lambda data, n=n: data + b"y" * (n % 2 + 1))
    finally:
        os.stat, os.replace = real_stat, real_replace
        save._renameat2 = exchange
    print(f"stat before rename: an outside write is lost in the {percentiles(windows)} between that stat and "
          "the rename")
    if exchange is None:
        print("exchange: renameat2 is not available here")
        return
    away: list[float] = []
    original = save._exchange

    def timed_exchange(a, b):
        done = original(a, b)
        away.append(time.perf_counter())
        return done

    save._exchange = timed_exchange
    try:
        swaps = _race(path, saves, "exchange", collect=away)
    finally:
        save._exchange = original
    print(f"exchange: nothing is lost; a displaced outside write was away from its name for {swaps}")


def _race(path: Path, saves: int, label: str, collect: list[float] | None = None) -> str:
    path.write_bytes(ARTICLE)
    stop = threading.Event()
    state = {"count": 0, "lost": 0, "writes": 0}

    def outside():
        tmp = path.with_name(".outside.tmp")
        while not stop.is_set():
            text = path.read_bytes()
            seen = int(text.split(b"x-outside: ", 1)[1].split(b"\n", 1)[0])
            if seen < state["count"]:
                time.sleep(0.002)  # an exchange being undone: judge what stays
                text = path.read_bytes()
                seen = int(text.split(b"x-outside: ", 1)[1].split(b"\n", 1)[0])
                if seen < state["count"]:
                    state["lost"] += 1
            state["count"] += 1
            tmp.write_bytes(text.replace(b"x-outside: %d\n" % seen, b"x-outside: %d\n" % state["count"], 1))
            os.replace(tmp, path)
            state["writes"] += 1
            time.sleep(0.0003)

    thread = threading.Thread(target=outside, daemon=True)
    thread.start()
    written = refused = 0
    gaps: list[float] = []
    for n in range(saves):
        if collect is not None:
            collect.clear()
        try:
            save.update_file(str(path), lambda data, n=n: data.replace(b"Body text.", b"Body %d." % n, 1)
                             if b"Body text." in data else data + b"+")
            written += 1
        except SaveConflict:
            refused += 1
        if collect is not None and len(collect) >= 2:  # exchanged, then exchanged back
            gaps.append((collect[1] - collect[0]) * 1e6)
    stop.set()
    thread.join()
    print(f"{label} against an outside writer: {saves} saves ({written} written, {refused} refused after five "
          f"tries), {state['writes']} outside writes, {state['lost']} lost")
    return percentiles(gaps) if gaps else "no swap needed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--folder", default=None, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        path = Path(tmp) / "article.md"
        time_windows(path, args.saves)
        exchange = save._renameat2
        save._renameat2 = None
        try:
            _race(path, args.saves // 2, "stat before rename")
        finally:
            save._renameat2 = exchange
        original = save.update_file

        def checked_before_writing(target, change, **_kwargs):
            data, identity = save.read_with_identity(target)
            old_style_save(target, change(data), identity)

        save.update_file = checked_before_writing
        try:
            _race(path, args.saves // 2, "checked before writing")
        finally:
            save.update_file = original
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
