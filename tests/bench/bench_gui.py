"""Benchmark the window: preview render time, typing latency while previews render, time to a usable
window on a large corpus with a warm index.

    python tests/bench/bench_gui.py [--n 50000] [--folder DIR] [--skip-corpus]

Runs offscreen. The large corpus is generated once into --folder (default: a folder under the system
temp dir, reused between runs) and indexed once (cold, timed too); the measured start is the second,
warm one: window created, corpus opened, rows shown and the first article open and editable.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from editor.ui.app import create_app, dispose, wait_until
from tests.bench.generate import generate_corpus

PARAGRAPH = ("The measured effect was significant in the early study, however later reports with a larger "
             "sample and a standard method estimated a smaller increase; the review notes that the design of "
             "the first trial could not separate the role of the new framework from known confounders. ")


def article_of_size(folder: Path, size: int) -> Path:
    """A real generated article whose body is grown with headings, lists and links to `size` bytes."""
    path = generate_corpus(folder, 1, seed=7)[0]
    data = path.read_bytes()
    parts = [data.rstrip(b"\n")]
    n = 0
    while sum(len(p) for p in parts) < size:
        n += 1
        parts.append(f"\n\n## Section {n}\n\n{PARAGRAPH}\n\n- point one with `code`\n- point **two** with "
                     f"a [link](https://example.org/{n})\n\n{PARAGRAPH[: 200]}".encode())
    path.write_bytes(b"".join(parts) + b"\n")
    return path


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, max {values[-1]:.1f} ms (n={len(values)})"


def bench_preview_and_typing(tmp: Path) -> None:
    from editor.ui.body.panel import BodyPanel
    from editor.ui.body.render import preview_html
    from editor.ui.session import ArticleSession

    path = article_of_size(tmp / "one", 20_000)
    session = ArticleSession(path)
    print(f"article: {path.stat().st_size} bytes, body {len(session.doc.body)} chars")
    html_times = []
    for _ in range(20):
        started = time.perf_counter()
        preview_html(session.doc.body, session.doc.data)
        html_times.append((time.perf_counter() - started) * 1000)
    print(f"preview HTML (Python-Markdown + facts): {ms(html_times)}")

    panel = BodyPanel()
    panel.resize(700, 900)
    panel.set_session(session)
    panel.show()
    QApplication.processEvents()
    render_times = []
    for _ in range(20):
        panel.render_preview()
        render_times.append(panel.last_render_ms)
    print(f"preview render (HTML + QTextBrowser.setHtml): {ms(render_times)}")

    # typing: each keystroke is an edit of the session (re-parse included); bursts of 15 keys, then a
    # pause long enough for the preview to render, so later keystrokes land while previews are rendered
    editor = panel.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    key_times, waits = [], []
    text = "the quick brown fox jumps over the lazy dog "
    for burst in range(8):
        for ch in text[:15]:
            started = time.perf_counter()
            QTest.keyClick(editor, ch)
            key_times.append((time.perf_counter() - started) * 1000)
        # the next keystroke arrives while the preview renders: it waits for the render to finish
        started = time.perf_counter()
        wait_until(lambda: not panel.preview_pending(), 2)
        waits.append(panel.last_render_ms)
        del burst
    QTest.keyClick(editor, Qt.Key.Key_Space)
    print(f"keystroke handling (session edit + highlight + outline): {ms(key_times)}")
    print(f"worst extra wait for a keystroke arriving during a render: {max(waits):.1f} ms "
          f"(a render happens only after {panel.preview_timer.interval()} ms without typing)")
    dispose(panel)

    # the same with a heavy front matter: 1,000 fact-like items (typing must not re-parse them)
    data = path.read_text(encoding="utf-8")
    cut = data.index("\n---\n", 3) + 1
    facts = "".join(f"  - id: fact-bench-{i:04d}\n    statement: >-\n      Statement {i}: {PARAGRAPH[:90]}\n"
                    f"      {PARAGRAPH[90:170]}\n    source_url: https://example.org/{i}\n    confidence: high\n"
                    for i in range(1000))
    big = path.with_name("thousand-facts.md")
    big.write_text(data[:cut] + "x_bench_facts:\n" + facts + data[cut:], encoding="utf-8")
    session = ArticleSession(big)
    panel = BodyPanel()
    panel.resize(700, 900)
    panel.set_session(session)
    panel.show()
    editor = panel.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    key_times = []
    for ch in text * 2:
        started = time.perf_counter()
        QTest.keyClick(editor, ch)
        key_times.append((time.perf_counter() - started) * 1000)
    print(f"keystroke handling, {big.stat().st_size // 1024} KB article with 1,000 fact-like items in its front "
          f"matter: {ms(key_times)}")
    dispose(panel)


def bench_startup(folder: Path, n: int, cache: Path) -> None:
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings

    marker = folder / ".generated"
    if not marker.exists() or marker.read_text() != str(n):
        print(f"generating {n} articles in {folder} ...", flush=True)
        started = time.perf_counter()
        generate_corpus(folder, n, seed=1)
        marker.write_text(str(n))
        print(f"  {time.perf_counter() - started:.1f} s")

    def start(label: str) -> MainWindow:
        started = time.perf_counter()
        window = MainWindow(Settings(), cache_dir=str(cache), remember=False)
        window.resize(1400, 900)
        window.show()
        window.open_corpus(str(folder))
        QApplication.processEvents()
        usable = time.perf_counter() - started
        rows = window.corpus_panel.model.rowCount()
        opened = window.session is not None
        # how long the GUI thread is ever busy while the worker refreshes: a 20 ms timer's late ticks
        gaps, last = [], [time.perf_counter()]

        def tick():
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        timer = QTimer()
        timer.timeout.connect(tick)
        timer.start(20)
        wait_until(lambda: not window.source.refreshing, 3600)
        QApplication.processEvents()
        timer.stop()
        done = time.perf_counter() - started
        print(f"{label}: usable window after {usable:.2f} s ({rows} rows shown, article open: "
              f"{opened}); background refresh done after {done:.2f} s, "
              f"{window.corpus_panel.model.rowCount()} rows; GUI thread during the refresh: "
              f"{ms(gaps) if gaps else 'no ticks'} between 20 ms ticks")
        return window

    first = start("first start (index missing or out of date)")
    dispose(first)
    warm = start("warm start (index cached)")
    # filtering and searching the full list
    panel = warm.corpus_panel
    started = time.perf_counter()
    panel.stale.setChecked(True)
    stale_ms = (time.perf_counter() - started) * 1000
    panel.stale.setChecked(False)
    started = time.perf_counter()
    panel.search.setText("photosynthesis")
    panel.apply_search()
    search_ms = (time.perf_counter() - started) * 1000
    print(f"stale filter over {panel.model.rowCount()} rows: {stale_ms:.0f} ms; full-text search "
          f"'photosynthesis' ({panel.proxy.rowCount()} hits): {search_ms:.0f} ms")
    panel.search.setText("")
    panel.apply_search()
    started = time.perf_counter()
    panel.review.setCurrentIndex(panel.review.findData("queue"))
    queue_ms = (time.perf_counter() - started) * 1000
    queued = panel.proxy.rowCount()
    started = time.perf_counter()
    panel.review.setCurrentIndex(panel.review.findData("links"))
    links_ms = (time.perf_counter() - started) * 1000
    print(f"review queue filter and sort by need over {panel.model.rowCount()} rows: {queue_ms:.0f} ms ({queued} "
          f"articles); sources broken / blocked filter: {links_ms:.0f} ms")
    dispose(warm)


def bench_reviewer(tmp: Path) -> None:
    """Reviewer mode while source pages load: a 10 ms heartbeat on the GUI thread, the longest gap between
    two beats while 12 facts are stepped through and their 250 KB pages fetched (from a loopback server
    answering in 150 ms), their text extracted, marked and shown; against the same heartbeat idle."""
    from editor.core.verify.settings import CheckSettings
    from editor.ui.mainwindow import MainWindow
    from editor.ui.settings import Settings
    from tests.core.verify.loopback import LoopbackServer, Reply

    paragraph = ("<p>NIST SP 800-57 rates a 2048-bit RSA modulus at about 112 bits of security strength; the "
                 "table lists 3072-bit moduli at 128 bits, and symmetric keys for comparison.</p>\n")
    page = ("<html><head><title>Key management</title><script>var x = 1;</script></head><body><main>"
            + paragraph * 1400 + "</main></body></html>").encode()
    count = 12
    server = LoopbackServer("127.0.0.1", {f"/page{i}": Reply(200, {"Content-Type": "text/html"}, page, delay=0.15)
                                          for i in range(count)})
    root = tmp / "review-corpus"
    root.mkdir()
    facts = "".join(f"  - id: af-{i}\n    statement: >-\n      NIST SP 800-57 ({2020 + i % 3}) rates a 2048-bit RSA "
                    f"modulus at about 112 bits of security strength.\n    source_url: {server.url(f'/page{i}')}\n"
                    f"    confidence: high\n" for i in range(count))
    path = root / "review.md"
    path.write_text(f"---\nid: bench\ntitle: Review bench\ncategory: test\nlanguage: en\nconfidence: high\n"
                    f"last_verified: '2026-11-01'\natomic_facts:\n{facts}---\n## TL;DR\nx\n")
    # the longest single run of each GUI-thread handler of the panel, beside the heartbeat (which also
    # counts what other processes on the machine take from this one)
    import functools

    from editor.ui.review import panel as panel_module
    from editor.ui.review import source_text

    longest: dict[str, float] = {}

    def timed(cls, name):
        function = getattr(cls, name)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                longest[name] = max(longest.get(name, 0.0), (time.perf_counter() - started) * 1000)

        setattr(cls, name, wrapper)
        return function

    originals = [(source_text.SourceTextView, n, timed(source_text.SourceTextView, n))
                 for n in ("show_page", "_fill_step", "_update_marks", "set_url")]
    originals += [(panel_module.ReviewPanel, n, timed(panel_module.ReviewPanel, n))
                  for n in ("select_fact", "load_source_text", "refresh")]
    window = MainWindow(Settings(), cache_dir=str(tmp / "review-cache" / "index"), remember=False)
    window.resize(1400, 900)
    window.show()
    window.open_corpus(str(root), str(path))
    app = QApplication.instance()
    wait_until(lambda: window.session is not None, 10.0)
    panel = window.review_mode.panel
    panel.check_settings = CheckSettings(host_interval=0.0)
    window.actions.review_mode.trigger()

    def heartbeat(seconds: float, step=None) -> list[float]:
        gaps, last = [], [time.perf_counter()]

        def beat():
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(beat)
        timer.start()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if step is not None:
                step()
            app.processEvents()
            time.sleep(0.002)
        timer.stop()
        return gaps

    idle = heartbeat(1.0)
    shown = []
    state = {"next": 0, "at": 0.0}

    def step():
        view = panel.source_view
        now = time.perf_counter()
        if view.page is not None and view.page.ok and view.url not in shown:
            shown.append(view.url)
        if state["next"] < count and (view.page is not None or now - state["at"] > 3.0):
            panel.select_fact(state["next"])
            panel.load_source_text()
            state["next"] += 1
            state["at"] = now

    started = time.perf_counter()
    busy = heartbeat(8.0, step)
    busy_time = time.perf_counter() - started
    print(f"reviewer mode, GUI thread heartbeat idle: {ms(idle)}")
    print(f"reviewer mode while {len(shown)} pages of {len(page) // 1024} KB load and show "
          f"({panel.source_view.measure.text()}, {len(panel.source_view.marked_texts())} marks): {ms(busy)}; "
          f"longest gap {max(busy) / max(idle):.1f}x the idle one ({busy_time:.1f} s)")
    worst = max(longest, key=longest.get)
    print(f"reviewer mode, longest GUI-thread handler: {longest[worst]:.1f} ms ({worst}); "
          + ", ".join(f"{name} {value:.1f}" for name, value in sorted(longest.items())))
    for cls, name, function in originals:
        setattr(cls, name, function)
    panel.stop_jobs()
    window.session and setattr(window, "ask_unsaved", lambda s: "discard")
    window.close()
    dispose(window)
    server.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--folder", default=os.path.join(tempfile.gettempdir(), "corpus-editor-bench"))
    parser.add_argument("--skip-corpus", action="store_true", help="only the preview and typing figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        create_app([])
        bench_preview_and_typing(Path(tmp))
        bench_reviewer(Path(tmp))
        if not args.skip_corpus:
            folder = Path(args.folder) / f"n{args.n}"
            bench_startup(folder / "corpus", args.n, Path(args.folder) / f"n{args.n}-cache")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
