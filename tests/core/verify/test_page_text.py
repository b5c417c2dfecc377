"""A source's readable text (page_text), Save Page Now snapshots (archive) and the key terms of a
statement found in a page (terms), against real loopback servers."""

from __future__ import annotations

import threading
import time

from editor.core.verify.archive import save_snapshot, snapshot_url, wayback_base
from editor.core.verify.page_text import PDF, TEXT, fetch_page_text, html_to_text
from editor.core.verify.terms import find_terms, key_terms
from tests.core.verify.loopback import Reply, redirect

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Recommendation for Key Management</title>
<script>document.write('<img src="http://127.0.0.9/track.gif">')</script><style>p {color: red}</style>
<link rel="stylesheet" href="http://127.0.0.9/style.css"></head>
<body><nav>Home | Publications</nav><main><h1>Table 2</h1>
<p>A 2048-bit RSA modulus provides about <b>112 bits</b> of security strength.</p>
<p>A 3072-bit modulus provides 128 bits.</p><ul><li>first</li><li>second</li></ul>
<img src="http://127.0.0.9/figure.png"><iframe src="http://127.0.0.9/ad"></iframe></main>
<footer>Contact us</footer></body></html>"""


def test_html_becomes_plain_text_without_scripts_or_navigation():
    title, text = html_to_text(PAGE)
    assert title == "Recommendation for Key Management"
    assert text.splitlines() == ["Table 2", "", "A 2048-bit RSA modulus provides about 112 bits of security strength.",
                                 "", "A 3072-bit modulus provides 128 bits.", "", "first", "second"]
    assert "document.write" not in text and "color" not in text and "Home" not in text and "Contact" not in text


def test_a_page_is_fetched_once_with_no_remote_loads(serve, settings):
    server = serve("127.0.0.1", {"/nist": Reply(200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode())})
    other = serve("127.0.0.9", {})
    page = fetch_page_text(server.url("/nist"), settings=settings)
    assert page.ok and page.kind == "html" and page.status == 200
    assert "112 bits of security strength" in page.text
    assert [s.method for s in server.seen()] == ["GET"]
    assert server.seen()[0].headers["user-agent"].startswith("corpus-editor/")
    assert other.seen() == []  # nothing the page names is loaded


def test_redirects_are_followed_and_the_charset_is_honoured(serve, settings):
    body = "<html><body><p>Caf\u00e9 cr\u00e8me</p></body></html>".encode("latin-1")
    server = serve("127.0.0.1", {"/old": redirect(301, "/new"),
                                 "/new": Reply(200, {"Content-Type": "text/html; charset=ISO-8859-1"}, body)})
    page = fetch_page_text(server.url("/old"), settings=settings)
    assert page.text == "Caf\u00e9 cr\u00e8me"
    assert page.final_url == server.url("/new")


def test_a_pdf_and_a_failure_say_so(serve, settings):
    server = serve("127.0.0.1", {"/paper.pdf": Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ..."),
                                 "/plain": Reply(200, {"Content-Type": "text/plain"}, b"line one\r\n\r\n\r\nline two"),
                                 "/gone": Reply(404, body=b"no")})
    pdf = fetch_page_text(server.url("/paper.pdf"), settings=settings)
    assert pdf.kind == PDF and pdf.problem == "PDF: open in browser" and not pdf.ok
    plain = fetch_page_text(server.url("/plain"), settings=settings)
    assert plain.kind == TEXT and plain.text == "line one\n\nline two"
    gone = fetch_page_text(server.url("/gone"), settings=settings)
    assert gone.problem == "the server answered 404 Not Found"


def test_a_slow_page_is_cancelled_within_half_a_second(serve, settings):
    server = serve("127.0.0.1", {"/slow": Reply(200, body=b"<p>late</p>", delay=5.0)})
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    page = fetch_page_text(server.url("/slow"), settings=settings.replace(timeout=10.0), cancel=cancel)
    assert page.problem == "cancelled"
    assert time.monotonic() - started < 0.3 + 0.5


# -- Save Page Now ------------------------------------------------------------------------------------------
def test_a_snapshot_address_comes_from_content_location(serve, settings):
    target = "https://example.org/paper"
    archive = serve("127.0.0.1", {f"/save/{target}": Reply(200, {"Content-Location": f"/web/20261201093000/{target}"},
                                                           b"<html>saved</html>")})
    snapshot = save_snapshot(target, base=archive.base, settings=settings)
    assert snapshot.url == f"{archive.base}web/20261201093000/{target}" and snapshot.problem is None


def test_a_snapshot_address_comes_from_the_redirect(serve, settings):
    target = "https://example.org/paper"
    archive = serve("127.0.0.1", {f"/save/{target}": redirect(302, f"/web/20261201093001/{target}")})
    snapshot = save_snapshot(target, base=archive.base, settings=settings)
    assert snapshot.url == f"{archive.base}web/20261201093001/{target}"
    assert len(archive.seen()) == 1  # the snapshot itself is not fetched


def test_no_archive_and_a_refusal_are_problems_not_crashes(serve, settings):
    from tests.core.verify.loopback import free_port

    nowhere = save_snapshot("https://example.org/", base=f"http://127.0.0.1:{free_port()}/", settings=settings)
    assert nowhere.url is None and "could not be reached" in nowhere.problem
    archive = serve("127.0.0.1", {"/save/https://example.org/": Reply(429)})
    refused = save_snapshot("https://example.org/", base=archive.base, settings=settings)
    assert "try again later" in refused.problem


def test_the_archive_base_comes_from_the_environment():
    assert wayback_base({}) == "https://web.archive.org/"
    assert wayback_base({"CORPUS_EDITOR_WAYBACK": "http://127.0.0.1:9"}) == "http://127.0.0.1:9/"
    assert snapshot_url("https://web.archive.org/", "https://web.archive.org/save/x", {}) is None


# -- key terms ------------------------------------------------------------------------------------------------
STATEMENT = ("NIST SP 800-57 Part 1 Revision 5 (2020) rates a 2048-bit RSA modulus at about 112 bits of security "
             "strength and a 3072-bit modulus at about 128 bits.")


def test_key_terms_are_the_numbers_names_and_content_words():
    terms = [t.text for t in key_terms(STATEMENT)]
    assert terms == ["NIST", "SP", "800-57", "Revision", "2020", "rates", "2048", "RSA", "modulus", "112",
                     "security", "strength", "3072", "128"]


def test_terms_are_found_as_numbers_and_stems():
    page = "In 2020 NIST published SP 800 57. A 2048 bit RSA modulus gives 112 bits of security strength; 1,000 tests."
    found = find_terms(page, key_terms(STATEMENT + " It was run 1000 times on moduli."))
    assert found.summary() == "11 of 16 key terms found"
    assert found.missing == ["Revision", "rates", "3072", "128", "moduli"]
    highlighted = {page[a:b] for a, b, _ in found.spans}
    assert {"2020", "NIST", "SP", "800 57", "2048", "RSA", "modulus", "1,000"} <= highlighted
    assert all(a < b for a, b, _ in found.spans) and found.spans == sorted(found.spans)


def test_a_statement_without_terms_says_so():
    assert find_terms("anything", key_terms("It is so.")).summary() == "no key terms in the statement"
