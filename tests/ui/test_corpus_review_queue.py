"""The corpus list's review state: the Review column and the review filter, with the queue across
articles in order of need (broken sources first, then unreviewed high-confidence facts, then the oldest
reviews), read from the index and the link cache."""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import Qt

from editor.core.verify.cache import LinkCache
from editor.core.verify.results import Check
from editor.ui.corpus.model import COL_CATEGORY, COL_REVIEW, PATH_ROLE
from tests.test_index_reviews import reviewed_article


def shown(panel) -> list[str]:
    proxy = panel.proxy
    return [os.path.basename(proxy.index(r, 0).data(PATH_ROLE)) for r in range(proxy.rowCount())]


def test_the_review_filter_and_the_queue_across_articles(make_window, tmp_path, user_dirs):
    root = tmp_path / "corpus"
    reviewed_article(root, "old-review.md", ["2025-01-01", "2026-11-01"])  # reviewed long ago
    reviewed_article(root, "recent.md", ["2026-11-20"])  # nothing to do
    reviewed_article(root, "high.md", [None, None])  # two high-confidence facts without a verdict
    reviewed_article(root, "medium.md", [None], confidence="medium")
    broken = reviewed_article(root, "broken-source.md", ["2026-11-20"])
    broken.write_text(broken.read_text().replace("https://example.org/b/2", "https://example.org/gone"))
    with LinkCache(user_dirs / "cache" / "links.sqlite") as cache:
        cache.put(Check("https://example.org/gone", "url", "https://example.org/gone", "broken", "404 Not Found"))
    window = make_window(root)
    panel = window.corpus_panel
    panel.model.today = dt.date(2026, 12, 1)
    assert panel.table.isColumnHidden(COL_REVIEW)
    panel.review.setCurrentIndex(panel.review.findData("queue"))
    assert not panel.table.isColumnHidden(COL_REVIEW) and panel.table.isColumnHidden(COL_CATEGORY)
    assert shown(panel) == ["broken-source.md", "high.md", "old-review.md", "medium.md"]
    model = panel.model
    row = model.row_for_path(str(root / "broken-source.md"))
    assert model.index(row, COL_REVIEW).data() == "⛓ 1"
    assert model.index(row, COL_REVIEW).data(Qt.ItemDataRole.ToolTipRole).startswith("1 broken source")
    row = model.row_for_path(str(root / "high.md"))
    assert model.index(row, COL_REVIEW).data() == "○ 2"
    assert model.index(row, COL_REVIEW).data(Qt.ItemDataRole.AccessibleTextRole) == \
        "Review: 2 facts unreviewed (2 of high confidence)"
    panel.review.setCurrentIndex(panel.review.findData("links"))
    assert shown(panel) == ["broken-source.md"]
    panel.review.setCurrentIndex(panel.review.findData("unreviewed"))
    assert sorted(shown(panel)) == ["high.md", "medium.md"]
    panel.review.setCurrentIndex(panel.review.findData("old"))
    assert shown(panel) == ["old-review.md"]
    assert panel.review.currentText() == "Reviewed more than 180 days ago"
    panel.review.setCurrentIndex(panel.review.findData(""))
    assert len(shown(panel)) == 5 and panel.table.isColumnHidden(COL_REVIEW)
