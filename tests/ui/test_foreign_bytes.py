"""Bytes that were not decoded are never rewritten: files with a Latin-1 byte, NUL bytes, a binary `.md`,
opened in the window offscreen. Opening, typing, Save, Review and closing never change a byte; the
conversion to UTF-8 happens only when confirmed, as one undo step."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from editor.ui.dialogs.convert import ConvertDialog

ARTICLE = "ai/backpropagation.md"
LATIN1 = "---\nid: latin\ntitle: Caf\xe9 article\nconfidence: high\n---\n## TL;DR\nBody \xe9t\xe9.\n".encode("latin-1")
NULS = b"---\nid: nul\ntitle: With NULs\n---\n## Body\ntext\x00\x00 more text\n"
BINARY = bytes(range(256)) * 8 + b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def write(corpus, name: str, data: bytes):
    path = corpus / "ai" / name
    path.write_bytes(data)
    return path


def try_everything(qtbot, window) -> None:
    """What a user might do to a read-only article: type in the text, in the form, save, review, undo."""
    editor = window.body_panel.editor
    editor.setFocus()
    QTest.keyClicks(editor, "typed")
    QTest.keyClick(editor, Qt.Key.Key_Backspace)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    title = window.form.editor_at("title")
    if title is not None and title.isVisible():
        QTest.keyClicks(title.edit, "x")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.save()
    window.save_all()


def test_a_latin1_byte_opens_read_only_and_no_action_changes_a_byte(make_window, corpus, qtbot, tmp_path):
    path = write(corpus, "latin1.md", LATIN1)
    window = make_window(corpus, path)
    session, panel = window.session, window.body_panel
    assert session.read_only and session.doc is None and not session.is_dirty
    # the banner names the problem and where: line 3, byte offset 24 (the é of "Café")
    assert LATIN1[24] == 0xE9
    assert panel.banner.isVisible() and "byte 0xE9 is not UTF-8" in panel.banner.text()
    assert "line 3, byte offset 24" in panel.banner.text() and panel.convert_button.isVisible()
    assert panel.editor.isReadOnly()
    shown = panel.editor.toPlainText()
    assert "Caf\\xe9 article" in shown and "\ufffd" not in shown  # shown as it is, never replaced
    assert "read-only" in window.windowTitle()
    assert "line 3, byte offset 24" in window.problem_label.text()
    assert window.problems[0].line == 3 and "not UTF-8" in window.problems[0].message
    assert "line 3, byte offset 24" in window.form.placeholder.message.text()

    try_everything(qtbot, window)
    assert path.read_bytes() == LATIN1 and not session.is_dirty
    assert session.current_bytes() == LATIN1 and panel.editor.toPlainText() == shown
    assert session.diff() == ""
    window.actions.next_article.trigger()  # leaving asks nothing: nothing was changed
    window.open_article(str(path))
    window.close()
    assert window.answers.asked == [] and path.read_bytes() == LATIN1


def test_conversion_happens_only_when_confirmed_and_is_one_undo_step(make_window, corpus, qtbot):
    path = write(corpus, "latin1.md", LATIN1)
    window = make_window(corpus, path)
    session = window.session
    window.answers.encoding = None  # the user cancels the dialog
    assert not window.convert_to_utf8()
    assert session.read_only and session.current_bytes() == LATIN1 and path.read_bytes() == LATIN1

    window.answers.encoding = "cp1252"
    window.body_panel.convert_button.click()
    plan = window.answers.conversions[-1]
    assert plan.changed_bytes == 3 and "-title: Caf\\xe9 article\n+title: Café article\n" in plan.diff
    assert not session.read_only and session.doc is not None and session.doc.get("title") == "Café article"
    assert window.form.editor_at("title").edit.text() == "Café article"
    assert session.is_dirty and path.read_bytes() == LATIN1  # converted in the editor, not written yet
    assert "+title: Café article" in session.diff() and "-title: Caf\\xe9 article" in session.diff()
    assert window.undo_router.undo_target().undoText() == "Convert from cp1252 to UTF-8"

    window.actions.undo.trigger()  # one step: the original bytes exactly, read-only again
    assert session.current_bytes() == LATIN1 and session.read_only and not session.is_dirty
    window.actions.redo.trigger()
    assert window.save()
    assert path.read_bytes() == LATIN1.decode("cp1252").encode("utf-8")


def test_the_convert_dialog_guesses_lets_the_user_pick_and_shows_the_bytes(qtbot, tmp_path):
    dialog = ConvertDialog(LATIN1, "latin1.md")
    qtbot.addWidget(dialog)
    encodings = [dialog.combo.itemData(i) for i in range(dialog.combo.count())]
    assert "(the likeliest)" in dialog.combo.itemText(0)
    assert {"cp1252", "latin-1"} <= set(encodings) and "utf-16" not in encodings  # only those that read it
    assert "3 bytes in 3 places on 2 lines" in dialog.summary.text()
    assert "+title: Café article" in dialog.view.toPlainText()
    dialog.select("mac-roman")
    assert dialog.conversion.encoding == "mac-roman" and "+title: Caf\u00c8 article" in dialog.view.toPlainText()
    dialog.select("ascii")  # not in the list, and not readable that way: nothing to confirm
    assert not dialog.convert_button.isEnabled() and "byte offset 24" in dialog.summary.text()


def test_nul_bytes_in_text_open_read_only_and_are_never_converted(make_window, corpus, qtbot):
    path = write(corpus, "nul.md", NULS)
    window = make_window(corpus, path)
    session, panel = window.session, window.body_panel
    assert session.read_only and not session.undecoded.convertible
    offset = NULS.index(b"\x00")
    assert f"line 6, byte offset {offset}: a NUL byte" in panel.banner.text() and "binary" in panel.banner.text()
    assert not panel.convert_button.isVisible()
    assert not window.convert_to_utf8()
    try_everything(qtbot, window)
    window.close()
    assert path.read_bytes() == NULS


def test_a_binary_md_is_never_editable_and_clears_the_last_articles_form(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    assert window.form.editor_at("id").edit.text() == "kb-2026-00060"
    path = write(corpus, "image.md", BINARY)
    window.open_article(str(path))
    session = window.session
    assert session.read_only and session.undecoded.kind == "binary"
    # the previous article's values are gone, not greyed: the form says why there is no form
    assert window.form.editor_at("id").edit.text() == "" and not window.form.scroll.isVisible()
    assert window.form.placeholder.isVisible() and "binary" in window.form.placeholder.title.text().lower()
    dump = window.body_panel.editor.toPlainText()
    assert dump.startswith("00000000  00 01 02 03") and window.body_panel.editor.isReadOnly()
    try_everything(qtbot, window)
    assert path.read_bytes() == BINARY and not session.is_dirty
    window.close()
    assert path.read_bytes() == BINARY


def test_review_changes_shows_every_byte_saving_writes(make_window, corpus, qtbot):
    from editor.ui.dialogs.review import ReviewDialog

    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    session = window.session
    crlf = original.replace(b"\n", b"\r\n")
    session.replace_bytes(crlf, "Line endings")  # a change no line of text shows by itself
    diff = session.diff()
    assert "␍" in diff and diff.count("\n+") >= original.count(b"\n") - 1
    session.replace_bytes(b"\xef\xbb\xbf" + original, "BOM")
    assert session.diff().startswith("# the byte order mark (BOM) at the start of the file is added")
    dialog = ReviewDialog("x", session.diff(), parent=window,
                          note=f"Saving writes {len(session.current_bytes()):,} bytes")
    qtbot.addWidget(dialog)
    assert "byte order mark" in dialog.view.toPlainText() and dialog.note.text().startswith("Saving writes")
    window.actions.undo.trigger()
    window.actions.undo.trigger()
    assert session.current_bytes() == original and session.diff() == ""
    assert os.path.getsize(path) == len(original)
