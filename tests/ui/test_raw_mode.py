"""Raw mode tells the truth: the form is cleared, the raw editor numbers its lines and marks the error
line, one error location shows everywhere and follows the typing; a file that is not an article says
so (with a place for the actions that fit it)."""

from __future__ import annotations

import os

from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

ARTICLE = "ai/backpropagation.md"
BROKEN = b"---\nid: broken\ntitle: a: b\nconfidence: high\nlanguage: x: y\n---\n## Body\nText.\n"


def locations(window) -> dict[str, str]:
    """Where each view says the error is."""
    return {"banner": window.body_panel.banner.text(), "form": window.form.placeholder.message.text(),
            "problems": f"line {window.problems_panel.problems[0].line}" if window.problems_panel.problems else "",
            "status": window.problem_label.text(), "mark": f"line {window.body_panel.editor.error_line}"}


def test_a_broken_article_clears_the_form_and_shows_one_error_line_everywhere(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    assert window.form.editor_at("id").edit.text() == "kb-2026-00060"
    path = corpus / "ai" / "broken.md"
    path.write_bytes(BROKEN)
    window.open_article(str(path))
    form, editor = window.form, window.body_panel.editor
    assert form.editor_at("id").edit.text() == "" and form.editor_at("title").edit.text() == ""
    assert not form.scroll.isVisible() and form.placeholder.isVisible()  # not greyed: gone
    assert editor.gutter.isVisible() and editor.gutter.width() > 20  # line numbers
    assert all("line 3" in text for text in locations(window).values()), locations(window)
    block = editor.document().findBlockByNumber(2)
    assert block.text() == "title: a: b"
    assert [s.cursor.block().blockNumber() for s in editor.extraSelections()] == [2]  # the marked line

    # a partial fix: the first error goes, the next one (line 5) is what every view shows now
    cursor = editor.document().find("a: b")
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, "ok")
    assert window.session.raw_mode
    assert all("line 5" in text for text in locations(window).values()), locations(window)
    assert [s.cursor.block().blockNumber() for s in editor.extraSelections()] == [4]
    cursor = editor.document().find("x: y")
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, "x")  # the keystroke that makes it parse: the form comes back
    assert not window.session.raw_mode and form.scroll.isVisible() and not form.placeholder.isVisible()
    assert form.editor_at("id").edit.text() == "broken" and form.editor_at("title").edit.text() == "ok"
    assert not editor.gutter.isVisible() and editor.extraSelections() == []
    assert window.save()
    assert path.read_bytes() == BROKEN.replace(b"a: b", b"ok").replace(b"x: y", b"x")


def test_an_empty_file_is_not_an_article_and_says_so(make_window, corpus, qtbot):
    empty = corpus / "ai" / "empty.md"
    empty.write_bytes(b"")
    window = make_window(corpus, empty)
    assert window.session is not None and window.session.path == os.path.realpath(empty)
    placeholder, editor = window.form.placeholder, window.body_panel.editor
    assert placeholder.isVisible() and placeholder.title.text() == "Not an article"
    assert "the file is empty" in placeholder.message.text()
    assert "Open an article" not in editor.placeholderText() and "empty" in editor.placeholderText()
    assert "Not an article" in window.body_panel.banner.text()
    assert window.problems == [] and window.problem_label.text() == "Not an article"
    window.close()
    assert empty.read_bytes() == b""


def test_a_file_without_front_matter_has_no_errors_and_a_slot_for_actions(make_window, corpus, qtbot):
    window = make_window(corpus)
    action = QAction("Add &front matter", window)
    triggered = []
    action.triggered.connect(lambda: triggered.append(window.session.path))
    button = window.form.placeholder.add_action(action)
    readme = os.path.realpath(corpus / "README.txt")
    window.open_article(readme)
    assert window.problems == [] and window.problem_label.text() == "Not an article"
    assert "no front matter" in window.form.placeholder.message.text()
    assert button.isVisible() and button.text() == "Add front matter"
    button.click()
    assert triggered == [readme]
    broken = corpus / "ai" / "broken.md"
    broken.write_bytes(BROKEN)
    window.open_article(str(broken))
    assert not button.isVisible()  # the action fits files that are not articles only
    assert window.problems[0].severity == "error" and window.problems[0].line == 3
