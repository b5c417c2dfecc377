"""Reviewer mode as a reviewer uses it, offscreen, with a loopback server serving the cited pages: the
queue order, the source's text with its key terms marked, "Use as quote", each verdict written into
the file exactly (tests/fixtures/review/expected-*.md) and undone, the follow-ups of an unsupported
fact, Mark article verified, the reviewer's name asked once, a snapshot, and cancelling within 500 ms."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from editor.core.verify.cache import LinkCache
from editor.core.verify.results import Check
from editor.core.verify.settings import CheckSettings
from tests.core.verify.conftest import FAST, NOWHERE
from tests.core.verify.loopback import LoopbackServer, Reply, redirect
from tests.core.verify.test_page_text import PAGE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review"
TODAY = dt.date(2026, 12, 1)
DH_PAGE = (b"<html><body><main><h1>New Directions in Cryptography</h1><p>In a public key cryptosystem enciphering "
           b"and deciphering are governed by distinct keys. Diffie and Hellman, 1976.</p></main></body></html>")
QUOTE = ("Diffie and Hellman proposed public-key cryptography, in which enciphering and deciphering are governed "
         "by distinct keys, so that the enciphering key can be made public without compromising the deciphering key.")


@pytest.fixture
def server():
    routes = {"/nist": Reply(200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode()),
              "/diffie-hellman": Reply(200, {"Content-Type": "text/html"}, DH_PAGE),
              "/rfc8017.pdf": Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.5")}
    server = LoopbackServer("127.0.0.1", routes)
    yield server
    server.close()


def fixture_text(name: str, port: int) -> bytes:
    return (FIXTURES / f"{name}.md").read_bytes().replace(b"PORT", str(port).encode())


@pytest.fixture
def review_window(make_window, tmp_path, server, user_dirs):
    """A window on a corpus of one article citing `server`, in reviewer mode, with Jane Doe as reviewer."""
    root = tmp_path / "reviews"
    root.mkdir()
    path = root / "rsa.md"
    path.write_bytes(fixture_text("article", server.port))

    def make(name_known: bool = True):
        window = make_window(root, path)
        if name_known:
            window.settings.set_reviewer_name("Jane Doe")
            window.review_mode.panel._update_reviewer_button()
        panel = window.review_mode.panel
        panel.today = lambda: TODAY
        panel.check_settings = CheckSettings(**FAST, **NOWHERE)
        panel.network_available = lambda: True
        panel.opened: list[str] = []
        panel.source_view.open_requested.disconnect()
        panel.source_view.open_requested.connect(panel.opened.append)
        window.actions.review_mode.trigger()
        assert window.review_mode.active and window.editor_stack.currentWidget() is panel
        window.path = path
        return window, panel

    return make


def queue_ids(panel) -> list[str]:
    return [fact.id for fact in panel.queue_model.facts]


def wait_page(qtbot, panel, fact_index: int):
    panel.select_fact(fact_index)
    qtbot.waitUntil(lambda: panel.source_view.page is not None, timeout=5000)
    return panel.source_view.page


def test_the_queue_puts_unreviewed_first_then_the_oldest_review(review_window, qtbot):
    _window, panel = review_window()
    assert queue_ids(panel) == ["af-rsa-1", "af-rsa-2", "af-rsa-3"]
    assert panel.current.id == "af-rsa-1"
    assert panel.record("supported")
    assert queue_ids(panel) == ["af-rsa-2", "af-rsa-3", "af-rsa-1"]
    assert panel.current.id == "af-rsa-2"  # on to the next fact without a verdict
    panel.today = lambda: dt.date(2026, 11, 1)
    panel.select_fact(2)
    panel.record("partial")
    panel.today = lambda: dt.date(2026, 12, 5)
    panel.select_fact(1)
    panel.record("supported")
    assert queue_ids(panel) == ["af-rsa-3", "af-rsa-1", "af-rsa-2"]  # no unreviewed: oldest review first
    assert panel.progress.text() == "3 of 3 facts have a verdict"


def test_the_sources_text_is_fetched_with_its_key_terms_marked(review_window, qtbot, server):
    _window, panel = review_window()
    page = wait_page(qtbot, panel, 1)
    view = panel.source_view
    assert page.ok and "112 bits of security strength" in view.text.toPlainText()
    assert "document.write" not in view.text.toPlainText()
    assert view.measure.text() == "8 of 14 key terms found"
    assert view.measure.toolTip() == "Not found: NIST, SP, 800-57, Revision, 2020, rates"
    assert {"2048", "RSA", "modulus", "112", "3072", "128"} <= set(view.marked_texts())
    assert view.title.text() == "Recommendation for Key Management"
    assert [s.method for s in server.seen("/nist")] == ["GET"]
    # the panel shows what the cited source is and what the link cache says
    assert panel.source_title.text() == "Recommendation for Key Management, Part 1"
    assert panel.source_kind.text() == "standard · 2020"
    assert panel.check_label.text() == "never checked"
    view.open_button.click()
    view.copy_button.click()
    assert panel.opened == [server.url("/nist")]
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == server.url("/nist")


def test_a_pdf_says_open_in_browser(review_window, qtbot):
    _window, panel = review_window()
    page = wait_page(qtbot, panel, 2)
    assert page.kind == "pdf" and panel.source_view.status.text() == "PDF: open in browser"


def test_use_as_quote_fills_the_quote_and_the_verdict_writes_it(review_window, qtbot, server):
    window, panel = review_window()
    wait_page(qtbot, panel, 1)
    view = panel.source_view
    text = view.text.toPlainText()
    passage = "A 2048-bit RSA modulus provides about 112 bits of security strength."
    cursor = view.text.textCursor()
    cursor.setPosition(text.index(passage))
    cursor.setPosition(text.index(passage) + len(passage), QTextCursor.MoveMode.KeepAnchor)
    view.text.setTextCursor(cursor)
    assert view.quote_button.isEnabled()
    view.quote_button.click()
    assert panel.quote.toPlainText() == passage
    panel.verdict_buttons["partial"].click()
    assert window.session.current_bytes() == fixture_text("expected-quoted", server.port)


CASES = {"supported": (0, QUOTE, ""), "partial": (1, "", "the table gives 112 bits for 2048; 3072 is on the next page"),
         "unsupported": (1, "", ""), "unavailable": (2, "", "PDF behind a login")}


@pytest.mark.parametrize("verdict", sorted(CASES))
def test_each_verdict_is_written_exactly_and_undone_in_one_step(review_window, qtbot, server, verdict):
    window, panel = review_window()
    original = window.session.current_bytes()
    index, quote, note = CASES[verdict]
    panel.select_fact(index)
    panel.quote.setPlainText(quote)
    panel.note.setText(note)
    panel.queue_view.setFocus()
    qtbot.keyClick(panel.queue_view, str(list(CASES).index(verdict) + 1))  # 1..4 in the queue
    assert window.session.current_bytes() == fixture_text(f"expected-{verdict}", server.port)
    assert window.save()
    assert window.path.read_bytes() == fixture_text(f"expected-{verdict}", server.port)
    window.actions.undo.trigger()
    assert window.session.current_bytes() == original
    assert not panel.facts()[index].reviewed


def test_alt_digits_record_a_verdict(review_window, qtbot, server):
    window, panel = review_window()
    panel.select_fact(1)
    panel.quote.setFocus()
    qtbot.keyClick(panel.quote, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.session.current_bytes() == fixture_text("expected-unsupported", server.port)


def test_the_follow_ups_of_an_unsupported_fact(review_window, qtbot, server):
    window, panel = review_window()
    panel.select_fact(1)
    panel.record("unsupported")
    assert panel.current.id == "af-rsa-2" and panel.followups.isVisibleTo(panel)
    unsupported = fixture_text("expected-unsupported", server.port)
    panel.lower_button.click()
    assert window.session.current_bytes() == fixture_text("expected-lowered", server.port)
    window.actions.undo.trigger()
    assert window.session.current_bytes() == unsupported
    assert not panel.dispute_button.isEnabled()
    panel.reason.setText("the cited table gives other strengths")
    panel.dispute_button.click()
    assert window.session.current_bytes() == fixture_text("expected-disputed", server.port)
    assert queue_ids(panel) == ["af-rsa-1", "af-rsa-3"]
    window.actions.undo.trigger()  # one step: the fact is back, the disputed entry gone
    assert window.session.current_bytes() == unsupported
    panel.select_fact(1)
    panel.edit_button.click()
    assert not window.review_mode.active and window.editor_stack.currentWidget() is window.editor_splitter


def test_mark_article_verified_when_every_fact_has_a_verdict(review_window, qtbot, server):
    window, panel = review_window()
    for index, verdict in enumerate(["supported", "partial", "unavailable"]):
        assert not panel.verify_button.isEnabled()
        panel.select_fact(index)
        panel.record(verdict)
    before = window.session.current_bytes()
    assert panel.verify_button.isEnabled()
    panel.verify_button.click()
    assert window.session.current_bytes() == fixture_text("expected-verified", server.port)
    assert panel.summary.text() == "Article verified on 2026-12-01: 1 supported, 1 partial, 1 unavailable."
    window.actions.undo.trigger()
    assert window.session.current_bytes() == before


def test_the_reviewers_name_is_asked_once_and_kept(review_window, qtbot):
    window, panel = review_window(name_known=False)
    asked = []

    def ask(suggested):
        asked.append(suggested)
        return "  Jane Doe "

    panel.ask_reviewer_name = ask
    assert panel.reviewer_button.text() == "Reviewer: (not set)"
    panel.record("supported")
    panel.record("partial")
    assert len(asked) == 1 and asked[0]  # prefilled from the system's user name
    assert window.settings.reviewer_name() == "Jane Doe"
    assert panel.reviewer_button.text() == "Reviewer: Jane Doe"
    assert [f.review.by for f in panel.facts() if f.reviewed] == ["Jane Doe", "Jane Doe"]


def test_no_name_no_verdict(review_window):
    window, panel = review_window(name_known=False)
    panel.ask_reviewer_name = lambda suggested: None
    before = window.session.current_bytes()
    assert not panel.record("supported")
    assert window.session.current_bytes() == before


def test_save_a_snapshot_fills_archived(review_window, qtbot, server):
    target = server.url("/diffie-hellman")
    server.routes[f"/save/{target}"] = redirect(302, f"/web/20261201093000/{target}")
    window, panel = review_window()
    panel.wayback_base = server.base
    panel.snapshot_button.click()
    qtbot.waitUntil(lambda: panel.archived_label.text().startswith("http"), timeout=5000)
    panel.record("supported")  # a fact without a review: the address is written with the verdict
    assert window.session.current_bytes() == fixture_text("expected-archived", server.port)


def test_no_network_no_snapshot_request(review_window, server):
    window, panel = review_window()
    panel.network_available = lambda: False
    panel.snapshot_button.click()
    assert not [s for s in server.seen() if s.path.startswith("/save/")]
    assert "No network" in window.statusBar().currentMessage()


def test_check_now_shows_the_verdict_and_its_age(review_window, qtbot, server, user_dirs):
    window, panel = review_window()
    panel.select_fact(1)
    panel.check_button.click()
    qtbot.waitUntil(lambda: panel.check_label.text().startswith("alive"), timeout=5000)
    assert panel.check_label.text() == "alive, just now: 200 OK"
    with LinkCache(window.source.index.links_path) as cache:
        assert cache.lookup(server.url("/nist")).verdict == "alive"
    assert window.source.index.links_path == user_dirs / "cache" / "links.sqlite"


def test_loading_and_checking_are_cancelled_within_half_a_second(review_window, qtbot, server):
    server.routes["/nist"] = Reply(200, body=b"<p>late</p>", delay=5.0)
    _window, panel = review_window()
    panel.check_settings = CheckSettings(**{**FAST, "timeout": 10.0}, **NOWHERE)
    panel.select_fact(1)
    panel.load_source_text()
    job = panel.page_job
    qtbot.waitUntil(lambda: bool(server.seen("/nist")), timeout=3000)
    with qtbot.waitSignal(job.ended, timeout=2000):
        started = time.monotonic()
        panel.source_view.cancel_button.click()
    assert time.monotonic() - started < 0.5
    assert panel.source_view.status.text() == "Loading cancelled."
    panel.check_button.click()
    job = panel.check_job
    qtbot.waitUntil(lambda: len(server.seen("/nist")) >= 2, timeout=3000)
    with qtbot.waitSignal(job.ended, timeout=2000):
        started = time.monotonic()
        panel.check_cancel.click()
    assert time.monotonic() - started < 0.5
    assert panel.check_button.isVisibleTo(panel)


def test_the_shortcut_toggles_the_mode_and_the_corpus_list_comes_back(review_window, qtbot):
    window, panel = review_window()
    assert not window.corpus_panel.isVisible() and not window.corpus_problems.isVisible()
    qtbot.waitUntil(lambda: panel.width() > 0.9 * window.width(), timeout=2000)  # the list's column steps aside
    assert panel.height() > 0.7 * window.height()
    window.actions.review_mode.trigger()
    assert window.editor_stack.currentWidget() is window.editor_splitter and window.corpus_panel.isVisible()
    assert window.actions.review_mode.shortcut().toString() == "Ctrl+Shift+R"


def test_the_mode_follows_the_article_on_screen(review_window, qtbot, server):
    window, panel = review_window()
    other = window.path.parent / "second.md"
    other.write_bytes(fixture_text("article", server.port).replace(b"RSA and the Origins", b"A second look at"))
    window.corpus_panel.refresh_path(str(other))
    panel.record("supported")
    first = window.session
    assert window.open_article(str(other))
    assert panel.session is window.session is not first
    assert panel.heading.text() == "Reviewing: A second look at of Public-Key Cryptography"
    assert window.editor_stack.currentWidget() is panel
    assert queue_ids(panel) == ["af-rsa-1", "af-rsa-2", "af-rsa-3"]  # this one has no review yet
    panel.record("partial")
    assert window.session.doc.get("atomic_facts[0].review.verdict") == "partial"
    assert first.doc.get("atomic_facts[0].review.verdict") == "supported"  # each article its own edits


def test_the_last_check_shows_its_age_and_a_registry_mismatch(review_window, user_dirs, server):
    url = server.url("/nist")
    with LinkCache(user_dirs / "cache" / "links.sqlite") as cache:
        cache.put(Check(url, "url", url, "alive", "200 OK", status=200,
                        metadata={"titles": ["Guide to Wireless Networks"], "years": [2012]},
                        checked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3, hours=1)))
    _window, panel = review_window()
    panel.select_fact(1)
    assert panel.check_label.text() == "alive, 3 days ago: 200 OK"
    assert panel.mismatch_label.text() == ("Mismatch: the registry's title is \u201cGuide to Wireless Networks\u201d; "
                                           "the registry's year is 2012")
    assert panel.mismatch_label.isVisibleTo(panel)


def test_a_reviewed_facts_note_is_kept_when_the_field_is_left(review_window, qtbot):
    window, panel = review_window()
    panel.record("supported")
    panel.select_fact(0)
    before = window.session.current_bytes()
    panel.note.setFocus()
    panel.note.setText("page 644, second column")
    panel.quote.setFocus()  # leaving the note writes it
    assert window.session.doc.get("atomic_facts[0].review.note") == "page 644, second column"
    panel.quote.setPlainText("In a public key cryptosystem enciphering and deciphering are governed by distinct keys.")
    panel.queue_view.setFocus()
    assert window.session.doc.get("atomic_facts[0].review.quote").startswith("In a public key cryptosystem")
    window.actions.undo.trigger()
    window.actions.undo.trigger()
    assert window.session.current_bytes() == before
    qtbot.keyClick(panel.queue_view, Qt.Key.Key_Escape)
    assert not window.review_mode.active
