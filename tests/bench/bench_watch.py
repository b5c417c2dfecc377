"""Benchmark the window while a checkout rewrites thousands of files: how long the event loop ever stalls.

    python tests/bench/bench_watch.py [--n 5000] [--rewrites 5000] [--folder DIR]

Offscreen. A corpus of N generated articles (plus non-article files) is indexed once; the window opens
it with a warm index and an article open. Another process then rewrites `--rewrites` articles the way
`git checkout` does (a temporary file renamed over each), deletes the non-article files and puts them
back. A 5 ms timer on the GUI thread records every gap between its ticks until the list shows every
change; the figure is the worst gap (the longest the window could not answer a key or a paint), against
the baseline of the same timer in an idle window.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from editor.ui.app import create_app, dispose, wait_until
from tests.bench.generate import generate_corpus

WRITER = """
import os, re, sys
paths = sys.argv[2:]
suffix = sys.argv[1].encode()
for path in paths:
    data = open(path, 'rb').read()
    head, sep, rest = data.partition(b'\\ntitle: ')
    line, nl, tail = rest.partition(b'\\n')
    cr = b'\\r' if line.endswith(b'\\r') else b''
    line = line[:-1] if cr else line
    quote = line[-1:] if line[:1] in (b'"', b"'") else b''
    text = re.sub(rb' ~[0-9]+$', b'', line[:-1] if quote else line)
    new = head + sep + text + b' ~' + suffix + quote + cr + nl + tail
    tmp = os.path.join(os.path.dirname(path), '.' + os.path.basename(path) + '.swp~')
    with open(tmp, 'wb') as handle:
        handle.write(new)
    os.replace(tmp, path)
"""


def trace_stalls(threshold_ms: float = 100):
    """Print where the GUI thread was while it did not tick for `threshold_ms` (finding stalls): a
    thread samples its stack every 10 ms; a gap between ticks prints the samples taken in it."""
    import threading
    import traceback

    main = threading.main_thread().ident
    samples: list[tuple[float, str]] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        if (now - last[0]) * 1000 > threshold_ms:
            inside = [text for at, text in samples if last[0] <= at <= now]
            print(f"--- GUI thread stalled {(now - last[0]) * 1000:.0f} ms; {len(inside)} samples, first and last:")
            for text in inside[:1] + inside[-1:]:
                print(text)
        samples[:] = [(at, text) for at, text in samples if at >= now - 1]
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()

    def watch():
        while True:
            time.sleep(0.01)
            frames = sys._current_frames()
            frame = frames.get(main)
            if frame is not None:
                text = "".join(traceback.format_stack(frame)[-9:])
                if os.environ.get("TRACE_ALL_THREADS"):
                    names = {t.ident: t.name for t in threading.enumerate()}
                    for ident, other in frames.items():
                        if ident not in (main, threading.get_ident()):
                            text += f"  [thread {names.get(ident, ident)}] " + "".join(
                                traceback.format_stack(other)[-2:]).replace("\n", " | ") + "\n"
                samples.append((time.perf_counter(), text))

    threading.Thread(target=watch, daemon=True).start()
    return timer


class HandlerTimes:
    """The GUI thread's own work: the longest call of each slot that handles outside changes, in wall
    time and in the thread's CPU time (wall minus CPU: waiting for the GIL or for a core)."""

    def __init__(self, targets):
        self.worst: dict[str, tuple[float, float]] = {}
        for owner, name in targets:
            self._wrap(owner, name)

    def _wrap(self, owner, name: str) -> None:
        original = getattr(owner, name)
        label = f"{type(owner).__name__}.{name}"

        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                wall, cpu = (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000
                old = self.worst.get(label, (0.0, 0.0))
                self.worst[label] = (max(old[0], wall), max(old[1], cpu))

        setattr(owner, name, timed)

    def report(self) -> str:
        return "; ".join(f"{label} {wall:.0f} ms ({cpu:.0f} ms CPU)"
                         for label, (wall, cpu) in sorted(self.worst.items(), key=lambda item: -item[1][0]))


class StallMeter:
    """Gaps between the ticks of a 5 ms timer on the GUI thread."""

    def __init__(self, interval_ms: int = 5):
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return list(self.gaps)


def describe(gaps: list[float]) -> str:
    ordered = sorted(gaps)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(ordered)
    return f"worst {ordered[-1]:.0f} ms, p99 {p99:.0f} ms, median {median:.1f} ms (n={len(ordered)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rewrites", type=int, default=5000)
    parser.add_argument("--folder", default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--trace-stalls", action="store_true", help="print where the GUI thread stalls")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.folder or tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        os.environ["XDG_DATA_HOME"] = str(work / "data")
        corpus = work / "corpus"
        started = time.perf_counter()
        paths = generate_corpus(corpus, args.n, seed=3, non_articles=20)
        others = sorted(p for p in corpus.rglob("*") if p.is_file() and p not in set(paths))
        print(f"{len(paths)} articles and {len(others)} other files generated in {time.perf_counter() - started:.1f} s")
        create_app([])
        from editor.core.index.store import CorpusIndex
        from editor.ui.mainwindow import MainWindow
        from editor.ui.settings import Settings

        cache = work / "cache"
        with CorpusIndex(corpus, cache_dir=cache) as index:
            index.refresh()
        window = MainWindow(Settings(), cache_dir=str(cache), remember=False)
        window.resize(1400, 900)
        window.show()
        window.open_corpus(str(corpus))
        wait_until(lambda: not window.source.refreshing, 600)
        model = window.corpus_panel.model
        tracer = trace_stalls() if args.trace_stalls else None
        hub, panel = window.sync_hub, window.corpus_panel
        watcher = hub.watcher
        watcher._timer.timeout.disconnect()
        times = HandlerTimes([(watcher, "_tick")])
        watcher._timer.timeout.connect(watcher._tick)
        slots = ((getattr(window.source, "rows_changed", None), "apply_rows"),
                 (window.source.refresh_finished, "_on_refreshed"))
        for signal, slot in slots:
            if signal is None:  # an older version of the window (for a baseline run)
                continue
            signal.disconnect(getattr(panel, slot))
            times._wrap(panel, slot)
            signal.connect(getattr(panel, slot))
        meter = StallMeter()
        meter.start()
        wait_until(lambda: False, 2.0)
        idle = meter.stop()
        print(f"idle window, baseline: {describe(idle)}")

        waiting: set[str] = set()
        checked = [0.0]

        def titles_done(suffix: str) -> bool:
            """Every rewritten row shows its new title (looked at five times a second, a few rows at a
            time: the check must not be what stalls the window)."""
            now = time.perf_counter()
            if now - checked[0] < 0.2:
                return False
            checked[0] = now
            for path in list(waiting)[:500]:
                i = model.row_for_path(path)
                if i is not None and model.row_at(i).title.endswith("~" + suffix):
                    waiting.discard(path)
            return not waiting

        targets = [str(p) for p in paths[: args.rewrites]]
        waiting.update(targets)
        profile = None
        if os.environ.get("PROFILE_GUI"):
            import cProfile
            profile = cProfile.Profile()
            profile.enable()
        meter.start()
        started = time.perf_counter()
        writer = subprocess.Popen([sys.executable, "-c", WRITER, "1", *targets])
        wait_until(lambda: writer.poll() is not None, 600)  # in the event loop, as the window would
        written = time.perf_counter() - started
        shown = wait_until(lambda: titles_done("1"), 300)
        seen = time.perf_counter() - started
        gaps = meter.stop()
        if profile is not None:
            import pstats
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        print(f"{args.rewrites} atomic rewrites (written in {written:.1f} s, all shown in the list after {seen:.1f} s"
              f"{'' if shown else ', NOT ALL SHOWN'}): event loop {describe(gaps)}")
        print(f"  the GUI thread's longest calls: {times.report()}")

        # non-articles deleted, then restored (a checkout of another branch and back)
        saved = {p: p.read_bytes() for p in others}
        rel = {str(p) for p in others}
        meter.start()
        started = time.perf_counter()
        for p in others:
            p.unlink()
        gone = wait_until(lambda: not any(model.row_for_path(p) is not None for p in rel), 60)
        for p, data in saved.items():
            p.write_bytes(data)
        back = wait_until(lambda: all(model.row_for_path(p) is not None for p in rel), 60)
        gaps = meter.stop()
        print(f"{len(others)} non-article files deleted then restored: rows gone {gone}, back {back} after "
              f"{time.perf_counter() - started:.1f} s; event loop {describe(gaps)}")
        del tracer
        if window.session is not None and window.session.is_dirty:
            window.session.undo_stack.setClean()
        window.close()
        dispose(window)
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
