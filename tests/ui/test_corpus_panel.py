"""The corpus panel: a model over the index, filters, full-text search, stale and dirty marks."""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import Qt

from editor.ui import theme
from editor.ui.corpus.model import (
    COL_CONFIDENCE,
    COL_PROBLEMS,
    COL_TITLE,
    COL_VERIFIED,
    PATH_ROLE,
    CorpusFilterProxy,
    CorpusTableModel,
)
from editor.ui.corpus.rows import CorpusRow, row_from_index


def _rows():
    return [
        CorpusRow("/c/a.md", "a", "Alpha", "ai", "high", dt.date(2026, 11, 1), "2026-11-01"),
        CorpusRow("/c/b.md", "b", "Beta", "ai", "low", dt.date(2024, 1, 1), "2024-01-01", errors=2, warnings=1),
        CorpusRow("/c/c.md", "c", "Gamma", "physics", "medium", None, "", warnings=3),
        CorpusRow("/c/README.txt", kind="other"),
    ]


def _proxy(today=dt.date(2026, 11, 28)):
    model = CorpusTableModel(today=today, stale_days=180)
    model.set_rows(_rows())
    proxy = CorpusFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def _shown(proxy):
    return [os.path.basename(proxy.index(r, 0).data(PATH_ROLE)) for r in range(proxy.rowCount())]


def test_filters_combine():
    _model, proxy = _proxy()
    assert len(_shown(proxy)) == 4
    proxy.set_filters(category="ai")
    assert _shown(proxy) == ["a.md", "b.md"]
    proxy.set_filters(confidence="low")
    assert _shown(proxy) == ["b.md"]
    proxy.set_filters(category="", confidence="", stale_only=True)
    assert _shown(proxy) == ["b.md"]
    proxy.set_filters(stale_only=False, errors_only=True)
    assert _shown(proxy) == ["b.md"]
    proxy.set_filters(errors_only=False)
    proxy.set_search("gam", None)
    assert _shown(proxy) == ["c.md"]
    proxy.set_search("quasar", {"/c/a.md"})  # full-text hits from the index
    assert _shown(proxy) == ["a.md"]


def test_stale_marks_problem_counts_and_dirty_marker():
    model, _ = _proxy()
    stale = model.index(1, COL_VERIFIED)
    assert stale.data(Qt.ItemDataRole.ToolTipRole) == "not verified for 1062 days"
    assert stale.data(Qt.ItemDataRole.ForegroundRole) == theme.stale_color()
    assert model.index(0, COL_VERIFIED).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(1, COL_PROBLEMS).data() == "✖ 2  ⚠ 1"
    assert model.index(1, COL_PROBLEMS).data(Qt.ItemDataRole.AccessibleTextRole) == "Problems: 2 errors, 1 warning"
    assert model.index(1, COL_PROBLEMS).data(Qt.ItemDataRole.ToolTipRole) == "2 errors, 1 warning"
    assert model.index(1, COL_PROBLEMS).data(Qt.ItemDataRole.ForegroundRole) == theme.error_color()
    model.set_dirty("/c/a.md", True)
    assert model.index(0, COL_TITLE).data().startswith("● ")
    assert model.index(0, COL_TITLE).data(Qt.ItemDataRole.FontRole).bold()
    model.set_dirty("/c/a.md", False)
    assert model.index(0, COL_TITLE).data() == "Alpha"
    assert "not an article" in model.index(3, COL_TITLE).data()


def test_sorting_by_confidence_and_title_keeps_non_articles_last():
    _model, proxy = _proxy()
    proxy.sort(COL_CONFIDENCE, Qt.SortOrder.AscendingOrder)
    assert _shown(proxy)[:3] == ["a.md", "c.md", "b.md"]
    proxy.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert _shown(proxy) == ["a.md", "b.md", "c.md", "README.txt"]


def test_rows_from_index_entries():
    row = row_from_index({"path": "ai/x.md", "is_article": True, "id": "x", "title": "X", "last_verified": "2026-01-02",
                          "errors": None, "warnings": 2, "error": None}, "/root")
    assert (row.path, row.kind, row.last_verified, row.errors, row.warnings) == (
        "/root/ai/x.md", "article", dt.date(2026, 1, 2), 0, 2)
    broken = row_from_index({"path": "b.md", "is_article": True, "error": "bad YAML", "error_line": 3}, "/root")
    assert broken.kind == "broken" and broken.message == "line 3: bad YAML"
    other = row_from_index({"path": "README.txt", "is_article": False, "error": "no front matter"}, "/root")
    assert other.kind == "other"


def test_panel_lists_the_index_and_filters_with_its_widgets(make_window, corpus, qtbot):
    window = make_window(corpus)
    panel = window.corpus_panel
    assert panel.model.rowCount() == 12  # eleven articles and the README
    assert panel.category.findText("physics") > 0 and panel.confidence.findText("high") > 0
    panel.category.setCurrentText("physics")
    assert sorted(_shown(panel.proxy)) == ["gravitational-waves-gw150914.md", "quantum-entanglement.md"]
    assert panel.status.text() == "2 of 12 files"
    panel.category.setCurrentIndex(0)
    panel.stale.setChecked(True)
    stale = _shown(panel.proxy)
    assert "photosynthesis.md" in stale and "quantum-entanglement.md" not in stale
    panel.stale.setChecked(False)
    panel.errors.setChecked(True)
    assert all(panel.model.row_at(panel.model.row_for_path(panel.proxy.path_at(r))).errors
               for r in range(panel.proxy.rowCount()))
    panel.errors.setChecked(False)


def test_full_text_search_finds_words_of_the_body(make_window, corpus, qtbot):
    window = make_window(corpus)
    panel = window.corpus_panel
    # "Jacobians" appears only in the body of the backpropagation article, not in titles or ids
    panel.search.setText("Jacobians")
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1, timeout=2000)
    assert _shown(panel.proxy) == ["backpropagation.md"]
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 12, timeout=2000)
    panel.search.setText('"unbalanced quote')  # a query the full-text engine refuses: plain matching
    panel.apply_search()
    assert panel.proxy.rowCount() == 0


def test_index_builds_in_a_worker_with_a_progress_bar(make_window, corpus, qtbot):
    from tests.bench.generate import generate_corpus

    generate_corpus(corpus / "generated", 150, seed=3)
    window = make_window(corpus, wait=False)
    panel = window.corpus_panel
    assert panel.progress.isVisible()  # the window is up, the worker is reading
    assert window.source.refreshing
    with qtbot.waitSignal(window.corpus_ready, timeout=60000):
        pass
    assert panel.progress.isHidden()
    assert panel.model.rowCount() >= 150 + 12


def test_a_warm_index_shows_rows_before_the_refresh(make_window, corpus, qtbot, user_dirs):
    first = make_window(corpus)
    count = first.corpus_panel.model.rowCount()
    first.close()
    again = make_window(corpus, wait=False)
    assert again.corpus_panel.model.rowCount() == count
    assert again.session is not None  # the first article opened at once
    with qtbot.waitSignal(again.corpus_ready, timeout=30000):
        pass


def test_double_click_opens(make_window, corpus, qtbot):
    window = make_window(corpus)
    panel = window.corpus_panel
    target = os.path.realpath(corpus / "physics" / "quantum-entanglement.md")
    index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_for_path(target), COL_TITLE))
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.path == target


def test_closing_during_the_first_index_build_stops_the_worker(make_window, corpus, qtbot):
    from tests.bench.generate import generate_corpus

    generate_corpus(corpus / "generated", 600, seed=4)
    window = make_window(corpus, wait=False)
    source = window.source
    assert source.refreshing
    window.close()
    assert not source.refreshing and source._thread is None


def test_down_from_search_goes_to_the_list_and_escape_clears(make_window, corpus, qtbot):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window = make_window(corpus)
    panel = window.corpus_panel
    panel.focus_search()
    QTest.keyClicks(panel.search, "apollo")
    QTest.keyClick(panel.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.table and panel.proxy.rowCount() == 1
    panel.search.setFocus()
    QTest.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == "" and panel.proxy.rowCount() == 12


def test_the_list_fills_while_a_first_build_runs(make_window, corpus, qtbot):
    window = make_window(corpus)
    panel = window.corpus_panel
    panel.model.set_rows([])
    panel._last_partial = 0.0  # the last partial reload was long ago
    panel._on_progress(5, 100)
    assert panel.model.rowCount() == 12 and panel.progress.value() == 5
    panel._on_progress(6, 100)  # too soon for another reload
    assert panel.progress.value() == 6
