"""The window on a corpus of hostile files (see tests/test_hostile_files.py): it lists them as unreadable,
refuses to open them at once with the reason, opens the long integer's article, and bumps the good ones."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from tests.test_hostile_files import FIFO, GOOD, TOO_LARGE, copy_without_specials, hostile_corpus


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with hostile_corpus(tmp_path_factory.mktemp("hostile-window")) as corpus:
        yield corpus


def test_the_window_lists_opens_and_bumps_around_bad_files(make_window, hostile, tmp_path, qtbot):
    corpus = copy_without_specials(hostile, tmp_path / "window")
    window = make_window(corpus, corpus / GOOD[0])
    model = window.corpus_panel.model
    row = model.row_at(model.row_for_path(str(corpus / "bad" / "fifo.md")))
    assert row.kind == "broken" and FIFO in row.message
    assert model.row_at(model.row_for_path(str(corpus / "bad" / "bigint.md"))).kind == "article"
    assert model.row_for_path(str(corpus / "ai" / ".backpropagation.md.ce-k2j4h1.tmp")) is None
    started = time.perf_counter()
    assert not window.open_article(str(corpus / "bad" / "fifo.md"))
    assert FIFO in window.answers.errors[-1][1]
    assert not window.open_article(str(corpus / "bad" / "huge.md"))
    assert TOO_LARGE in window.answers.errors[-1][1]
    assert time.perf_counter() - started < 5
    assert window.open_article(str(corpus / "bad" / "bigint.md"))
    assert window.session.doc.get("x-big") == "7" * 100_000
    paths = [model.row_at(i).path for i in range(model.rowCount())]
    window.answers.unsaved = "discard"
    assert window.close_article()
    command = window.apply_bump(window.plan_bump(paths, ["last_verified"], dt.date(2030, 3, 4)))
    assert command is not None and not command.failed
    for rel in [*GOOD, "bad/bigint.md"]:
        assert b"2030-03-04" in (corpus / rel).read_bytes(), rel
