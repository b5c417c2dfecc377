"""The list stays true to the folder after outside changes, for the files beside the articles too:
deleted ones disappear, restored ones come back, without anyone asking for a refresh; a checkout's
thousands of changes arrive row by row."""

from __future__ import annotations

from pathlib import Path

OTHERS = {"notes/README.txt": b"Notes without front matter.\n", "notes/data.json": b"{}\n",
          "ai/figure.png": b"\x89PNG\r\n\x1a\n", "ai/.gitkeep": b""}


def _rows(window) -> set[str]:
    """Every file the list shows (a folder's files that are not articles may share one group row)."""
    return {row.path for row in window.corpus_panel.model.rows()}


def test_files_beside_the_articles_disappear_and_come_back(make_window, corpus, qtbot):
    for rel, data in OTHERS.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_bytes(data)
    window = make_window(corpus)
    paths = {str(corpus / rel) for rel in OTHERS}
    assert paths <= _rows(window)
    refreshes = []
    window.source.refresh_finished.connect(refreshes.append)
    for rel in OTHERS:  # a checkout of a branch without them
        (corpus / rel).unlink()
    qtbot.waitUntil(lambda: not paths & _rows(window), timeout=5000)
    for rel, data in OTHERS.items():  # and back
        (corpus / rel).write_bytes(data)
    qtbot.waitUntil(lambda: paths <= _rows(window), timeout=5000)
    assert refreshes == []  # row by row, no refresh of the whole corpus
    model = window.corpus_panel.model
    group = model.row_at(model.row_for_path(str(corpus / "notes" / "README.txt")))
    assert group.kind == "group" and "README.txt" in group.message and "data.json" in group.message


def test_a_big_batch_of_outside_changes_updates_only_its_rows(make_window, corpus, qtbot):
    window = make_window(corpus)
    model = window.corpus_panel.model
    reset = []
    model.modelReset.connect(lambda: reset.append(True))
    articles = sorted(p for p in Path(corpus).rglob("*.md"))
    added = []
    for n in range(80):  # more than the watcher's batch limit: a background refresh, rows applied as changes
        path = corpus / "bulk" / f"article-{n}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(articles[n % len(articles)].read_bytes().replace(b"\nid: ", b"\nid: bulk-%d-" % n, 1))
        added.append(str(path))
    qtbot.waitUntil(lambda: set(added) <= _rows(window), timeout=20000)
    assert reset == []  # the list was not rebuilt: the rows were added
    for path in added[:40]:
        Path(path).unlink()
    qtbot.waitUntil(lambda: not set(added[:40]) & _rows(window), timeout=20000)
    assert set(added[40:]) <= _rows(window)
