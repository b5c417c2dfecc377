"""The body editor: preview rendering and its safety, outline, line endings, scroll sync, debounce."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest

from editor.core.document.article import ArticleDocument
from editor.ui.body.panel import BodyPanel
from editor.ui.body.preview import PreviewBrowser
from editor.ui.body.render import facts_html, headings, preview_html
from editor.ui.session import ArticleSession

ARTICLE = """---
id: demo
title: "Demo <script>alert(1)</script>"
confidence: high
atomic_facts:
  - id: f1
    statement: >-
      Water boils at 100 degrees Celsius
      at sea level.
    source_title: Handbook of Chemistry
    source_url: https://example.org/handbook
  - id: f2
    statement: A fact whose source is a reference.
    source_ref: ps-1
primary_sources:
  - id: ps-1
    title: The Primary Paper
    type: journal_article
    year: 2020
    doi: 10.1000/xyz
secondary_sources:
  - title: A Textbook
    authors: [Doe, Jane]
    url: https://example.org/book
---
## TL;DR
Short.

## Core Explanation
Text with a [link](https://example.org/page) and an image ![x](https://tracker.example.com/pixel.png).

```
## not a heading
```
"""


def make_panel(qtbot, tmp_path: Path, text: str = ARTICLE, newline: str = "\n"):
    path = tmp_path / "demo.md"
    path.write_bytes(text.replace("\n", newline).encode())
    session = ArticleSession(path)
    panel = BodyPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 800)
    panel.set_session(session)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, session, path


def test_preview_renders_facts_with_their_sources_and_escapes_values():
    doc = ArticleDocument.from_text(ARTICLE)
    html = preview_html(doc.body, doc.data)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<h2><a name="facts"></a>Facts</h2>' in html and '<a name="sources"></a>Sources</h2>' in html
    assert "Water boils at 100 degrees Celsius at sea level." in html
    assert '<a href="https://example.org/handbook">Handbook of Chemistry</a>' in html
    # a source_ref resolves to the source's title and DOI link
    assert '<a href="https://doi.org/10.1000/xyz">The Primary Paper</a>' in html
    assert "Doe; Jane" in facts_html(doc.data)
    assert headings(doc.body) == [(2, "TL;DR", 0), (2, "Core Explanation", 3)]


def test_preview_never_fetches_remote_content_and_opens_links_outside(qtbot, tmp_path):
    panel, _session, _path = make_panel(qtbot, tmp_path)
    preview = panel.preview
    assert "https://tracker.example.com/pixel.png" in preview.blocked
    assert preview.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("http://a.example/x.png")) is None
    opened = []
    preview.open_url = opened.append
    preview.anchorClicked.emit(QUrl("https://example.org/page"))
    assert opened == [QUrl("https://example.org/page")]
    facts = []
    preview.fact_clicked.connect(facts.append)
    preview.anchorClicked.emit(QUrl("fact:1"))
    assert facts == [1]
    preview.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert len(opened) == 1


def test_preview_waits_for_a_pause_in_typing(qtbot, tmp_path):
    panel, session, _path = make_panel(qtbot, tmp_path)
    renders = panel.render_count
    panel.editor.setFocus()
    cursor = panel.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    panel.editor.setTextCursor(cursor)
    QTest.keyClicks(panel.editor, "More words")
    assert session.doc.body.endswith("More words")
    assert panel.render_count == renders  # nothing rendered while typing
    with qtbot.waitSignal(panel.preview_rendered, timeout=2000):
        pass
    assert panel.render_count == renders + 1
    assert "More words" in panel.preview.toPlainText()


def test_crlf_file_keeps_its_line_endings_when_typing(qtbot, tmp_path):
    panel, session, path = make_panel(qtbot, tmp_path, newline="\r\n")
    original = path.read_bytes()
    editor = panel.editor
    assert "\r" not in editor.toPlainText()
    editor.setFocus()
    cursor = editor.document().find("Short.")
    cursor.setPosition(cursor.selectionEnd())
    editor.setTextCursor(cursor)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "Two.")
    session.save()
    assert path.read_bytes() == original.replace(b"Short.\r\n", b"Short.\r\nTwo.\r\n", 1)


def test_undo_from_elsewhere_updates_the_editor_in_place(qtbot, tmp_path):
    panel, session, _path = make_panel(qtbot, tmp_path)
    editor = panel.editor
    editor.setFocus()
    QTest.keyClicks(editor, "Hello ")
    assert editor.toPlainText().startswith("Hello ## TL;DR")
    session.undo_stack.undo()
    assert editor.toPlainText() == session.doc.body.replace("\r\n", "\n")
    assert not session.is_dirty
    session.undo_stack.redo()
    assert editor.toPlainText().startswith("Hello ")
    assert editor.textCursor().position() == len("Hello ")


def test_outline_lists_headings_and_jumps_to_them(qtbot, tmp_path):
    panel, _session, _path = make_panel(qtbot, tmp_path)
    outline = panel.outline
    assert [outline.item(i).text().strip() for i in range(outline.count())] == ["TL;DR", "Core Explanation"]
    outline.itemActivated.emit(outline.item(1))
    assert panel.editor.textCursor().blockNumber() == 3


def test_scroll_sync_from_editor_to_preview(qtbot, tmp_path):
    long_body = ARTICLE + "\n".join(f"Paragraph {n} with some words.\n" for n in range(300))
    panel, _session, _path = make_panel(qtbot, tmp_path, long_body)
    editor_bar = panel.editor.verticalScrollBar()
    preview_bar = panel.preview.verticalScrollBar()
    assert editor_bar.maximum() > 0 and preview_bar.maximum() > 0
    editor_bar.setValue(editor_bar.maximum())
    assert preview_bar.value() >= 0.95 * preview_bar.maximum()  # the preview lays out lazily
    editor_bar.setValue(0)
    assert preview_bar.value() == 0


def test_highlighter_marks_headings_but_not_inside_code_fences(qtbot, tmp_path):
    panel, _session, _path = make_panel(qtbot, tmp_path)
    doc = panel.editor.document()
    heading = doc.findBlockByNumber(0)
    fenced = doc.find("## not a heading").block()
    assert heading.layout().formats() and heading.layout().formats()[0].format.fontWeight() >= 600
    fence_formats = fenced.layout().formats()
    assert fence_formats and fence_formats[0].format.fontWeight() < 600


def test_find_bar_wraps_around(qtbot, tmp_path):
    panel, _session, _path = make_panel(qtbot, tmp_path)
    panel.open_find()
    panel.find_bar.field.setText("Text with")
    cursor = panel.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    panel.editor.setTextCursor(cursor)
    assert panel.find_bar.find_next()
    assert panel.editor.textCursor().selectedText() == "Text with"
    QTest.keyClick(panel.find_bar, Qt.Key.Key_Escape)
    assert panel.find_bar.isHidden()


def test_browser_refuses_relative_and_file_resources(qtbot):
    browser = PreviewBrowser()
    qtbot.addWidget(browser)
    browser.setHtml('<img src="file:///etc/passwd"><img src="local.png"><p>ok</p>')
    browser.show()
    qtbot.waitExposed(browser)
    qtbot.waitUntil(lambda: len(browser.blocked) >= 2, timeout=2000)
    assert "file:///etc/passwd" in browser.blocked and "local.png" in browser.blocked


def test_selecting_a_fact_in_the_form_scrolls_the_preview_to_it(qtbot, tmp_path):
    long_body = ARTICLE + "\n".join(f"Paragraph {n} with some words.\n" for n in range(200))
    panel, _session, _path = make_panel(qtbot, tmp_path, long_body)
    bar = panel.preview.verticalScrollBar()
    bar.setValue(0)
    panel.show_item("atomic_facts[1]")
    assert bar.value() > 0
    panel.show_item("title")  # not a list item: nothing moves


def test_typing_in_the_body_reuses_the_front_matter_parse_and_agrees_with_a_full_parse(qtbot, tmp_path):
    for newline, bom in (("\n", False), ("\r\n", True)):
        path = tmp_path / f"a{len(newline)}.md"
        data = ARTICLE.replace("\n", newline).encode()
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        session = ArticleSession(path)
        root = session.doc.root
        session.set_body("New body" + newline + "## Heading" + newline)
        assert session.doc.root is root  # not re-parsed
        full = ArticleDocument.from_bytes(session.current_bytes(), str(path))
        assert session.doc.text == full.text and session.doc.data == full.data and session.doc.body == full.body
        assert session.doc.body_line == full.body_line and session.doc.line_of("title") == full.line_of("title")
        assert session.current_bytes().startswith(b"\xef\xbb\xbf") == bom
        session.undo_stack.undo()
        assert session.current_bytes() == path.read_bytes()


def test_text_typed_after_an_unterminated_closing_line_is_parsed_again(qtbot, tmp_path):
    path = tmp_path / "bare.md"
    path.write_bytes(b"---\nid: x\n---")
    session = ArticleSession(path)
    assert session.doc.body == ""
    session.set_text(session.text + "more")  # the closing line becomes '---more': no longer closed
    assert session.raw_mode
