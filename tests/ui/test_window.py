"""The main window on a real corpus copy: open, type, preview, save byte for byte, undo, prompts."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from editor.ui.corpus.model import COL_TITLE, PATH_ROLE

ARTICLE = Path("ai/backpropagation.md")
OTHER = Path("history/printing-press.md")


def body_start(data: bytes) -> int:
    """Byte offset of the body: just after the closing '---' line."""
    first = data.index(b"\n---\n", 3)
    return first + len(b"\n---\n")


def type_in_body(qtbot, window, text: str, at_end: bool = False) -> None:
    editor = window.body_panel.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End if at_end else cursor.MoveOperation.Start)
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, text)


def test_opens_the_corpus_and_the_first_article(make_window, corpus):
    window = make_window(corpus)
    model = window.corpus_panel.model
    paths = {os.path.relpath(row.path, os.path.realpath(corpus)) for row in model.rows()}
    assert str(ARTICLE) in paths and "README.txt" in paths
    readme = next(r for r in model.rows() if r.path.endswith("README.txt"))
    assert readme.kind == "other"
    assert window.session is not None and window.session.doc is not None
    assert os.path.basename(window.session.path) in window.windowTitle()
    assert window.corpus_panel.progress.isHidden()


def test_enter_in_the_list_opens_the_article(make_window, corpus, qtbot):
    window = make_window(corpus)
    panel = window.corpus_panel
    target = os.path.realpath(corpus / OTHER)
    panel.show_path(target)
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_Return)
    assert window.session.path == target
    assert window.body_panel.editor.toPlainText().startswith("## TL;DR")


def test_typing_updates_preview_after_a_pause_and_saves_the_minimal_edit(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    panel = window.body_panel
    qtbot.waitUntil(lambda: not panel.preview_pending())
    renders = panel.render_count
    type_in_body(qtbot, window, "Zebra ")
    # the keystrokes are edits of the session at once; the preview waits for the pause
    assert window.session.is_dirty
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    assert window.corpus_panel.model.is_dirty(window.session.path)
    assert panel.render_count == renders and panel.preview_pending()
    qtbot.waitUntil(lambda: "Zebra" in panel.preview.toPlainText(), timeout=3000)
    assert path.read_bytes() == original  # nothing written before Ctrl+S

    QTest.keyClick(panel.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    cut = body_start(original)
    assert path.read_bytes() == original[:cut] + b"Zebra " + original[cut:]
    assert not window.session.is_dirty and not window.isWindowModified()
    assert not window.corpus_panel.model.is_dirty(window.session.path)


def test_undo_and_redo_reach_the_session_from_the_body_editor(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    editor = window.body_panel.editor
    type_in_body(qtbot, window, "abc")
    assert editor.toPlainText().startswith("abc## TL;DR")
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText().startswith("## TL;DR")
    assert not window.session.is_dirty
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText().startswith("abc## TL;DR")
    window.undo_group.undo()
    assert window.session.current_bytes() == original


def test_form_edit_and_undo_share_one_stack_with_the_body(make_window, corpus, qtbot):
    from editor.core.document.edits import SetValue

    path = corpus / ARTICLE
    window = make_window(corpus, path)
    session = window.session
    session.apply(SetValue(("confidence",), "medium"))
    type_in_body(qtbot, window, "Q")
    qtbot.waitUntil(lambda: "Confidence: medium" in window.body_panel.preview.toPlainText(), timeout=3000)
    window.actions.undo.trigger()
    window.actions.undo.trigger()
    assert session.current_bytes() == path.read_bytes()
    assert window.body_panel.editor.toPlainText().startswith("## TL;DR")


def test_switching_keeps_unsaved_changes_without_asking(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    type_in_body(qtbot, window, "Draft ")
    first = window.session
    other = os.path.realpath(corpus / OTHER)

    assert window.open_article(other)  # nothing asked, nothing written: the edits stay in the background
    assert window.session.path == other and window.answers.asked == []
    assert path.read_bytes() == original
    assert first.is_dirty and window.corpus_panel.model.is_dirty(os.path.realpath(path))
    assert "● " in window.corpus_panel.model.index(
        window.corpus_panel.model.row_for_path(os.path.realpath(path)), COL_TITLE).data()

    window.open_article(str(path))  # back: the same session, its text and its history
    assert window.session is first
    assert window.body_panel.editor.toPlainText().startswith("Draft ## TL;DR")
    type_in_body(qtbot, window, "Kept ")
    window.actions.next_article.trigger()
    assert window.session.path != os.path.realpath(path)
    assert path.read_bytes() == original
    window.open_article(str(path))
    window.actions.undo.trigger()  # the article's own history came along
    assert window.session.text.count("Kept ") == 0 and "Draft ## TL;DR" in window.session.text
    assert window.save()
    cut = body_start(original)
    assert path.read_bytes() == original[:cut] + b"Draft " + original[cut:]


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    type_in_body(qtbot, window, "x")
    window.answers.unsaved = "cancel"
    window.close()
    assert window.isVisible()
    window.answers.unsaved = "discard"
    window.close()
    assert not window.isVisible()


def test_save_conflict_overwrites_nothing_and_shows_the_clash(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    window = make_window(corpus, path)
    type_in_body(qtbot, window, "Mine ")
    theirs = path.read_bytes().replace(b"## TL;DR", b"## Summary", 1)  # the same line: a clash
    path.write_bytes(theirs)
    assert not window.save()
    assert path.read_bytes() == theirs
    assert window.session.is_dirty
    banner = window.sync_hub.banner
    assert banner.kind == "clash" and not banner.isHidden()
    assert "changed on disk" in window.statusBar().currentMessage()


def test_save_after_an_outside_change_elsewhere_merges_then_saves_both(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    window = make_window(corpus, path)
    type_in_body(qtbot, window, "Mine ")
    original = path.read_bytes()
    theirs = original.replace(b"## Further Reading", b"## Reading", 1)
    assert theirs != original
    path.write_bytes(theirs)
    if not window.save():  # refused once: the disk version is merged in, shown as unsaved
        assert window.sync_hub.banner.kind == "merged"
        assert window.save()
    saved = path.read_bytes()
    assert b"## Reading" in saved and b"Mine ## TL;DR" in saved
    assert not window.session.is_dirty


def test_review_changes_shows_the_exact_diff(make_window, corpus, qtbot):
    from editor.ui.dialogs.review import ReviewDialog

    window = make_window(corpus, corpus / ARTICLE)
    type_in_body(qtbot, window, "Reviewed ")
    dialog = ReviewDialog("backpropagation.md", window.session.diff(), parent=window)
    qtbot.addWidget(dialog)
    assert dialog.view.diff == window.session.diff()
    assert "+Reviewed ## TL;DR" in dialog.view.toPlainText()
    assert dialog.save_button.isEnabled()


def test_saving_refreshes_the_index_row(make_window, corpus, qtbot):
    from editor.core.document.edits import SetValue

    path = corpus / ARTICLE
    window = make_window(corpus, path)
    window.session.apply(SetValue(("title",), "Backprop, renamed"))
    assert window.save()
    model = window.corpus_panel.model
    row = model.row_at(model.row_for_path(os.path.realpath(path)))
    assert row.title == "Backprop, renamed"
    index = model.index(model.row_for_path(os.path.realpath(path)), COL_TITLE)
    assert index.data() == "Backprop, renamed"
    assert index.data(PATH_ROLE) == os.path.realpath(path)


def test_broken_article_opens_in_raw_mode_and_stays_untouched(make_window, corpus, qtbot):
    broken = corpus / "ai" / "broken.md"
    data = b"---\nid: broken\ntitle: [unclosed\nconfidence: high\n---\n## Body\nText.\n"
    broken.write_bytes(data)
    window = make_window(corpus, broken)
    session = window.session
    panel = window.body_panel
    assert session.raw_mode
    assert panel.banner.isVisible() and "line" in panel.banner.text()
    assert not window.form.scroll.isEnabled()
    assert panel.editor.toPlainText() == data.decode()
    assert window.problems and window.problems[0].severity == "error"
    assert "raw text" in window.windowTitle()
    # switching away writes nothing (no prompt: nothing was edited)
    window.actions.next_article.trigger()
    assert window.answers.asked == []
    assert broken.read_bytes() == data
    row = window.corpus_panel.model.row_at(window.corpus_panel.model.row_for_path(os.path.realpath(broken)))
    assert row.kind == "broken"


def test_fixing_a_broken_article_in_raw_mode_and_saving(make_window, corpus, qtbot):
    broken = corpus / "ai" / "broken.md"
    broken.write_bytes(b"---\nid: broken\ntitle: [unclosed\n---\n## Body\nText.\n")
    window = make_window(corpus, broken)
    editor = window.body_panel.editor
    editor.setFocus()
    cursor = editor.document().find("[unclosed")
    cursor.setPosition(cursor.selectionEnd())
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, "]")
    assert not window.session.raw_mode
    assert window.body_panel.banner.isHidden()
    assert editor.toPlainText() == "## Body\nText.\n"  # the editor now holds the body
    assert window.form.scroll.isEnabled()
    assert window.save()
    assert broken.read_bytes() == b"---\nid: broken\ntitle: [unclosed]\n---\n## Body\nText.\n"


def test_keyboard_shortcuts(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    window.actions.focus_search.trigger()
    assert QApplication.focusWidget() is window.corpus_panel.search
    before = window.session.path
    window.actions.next_article.trigger()
    after = window.session.path
    assert after != before
    window.actions.previous_article.trigger()
    assert window.session.path == before
    window.actions.find.trigger()
    assert window.body_panel.find_bar.isVisible()
    QTest.keyClicks(window.body_panel.find_bar.field, "chain rule")
    QTest.keyClick(window.body_panel.find_bar.field, Qt.Key.Key_Return)
    assert window.body_panel.editor.textCursor().selectedText() == "chain rule"
    shortcuts = {a.text().replace("&", ""): [k.toString() for k in a.shortcuts()]
                 for a in window.actions.__dict__.values()}
    assert "Ctrl+S" in shortcuts["Save"] and "Ctrl+P" in shortcuts["Quick Open…"]
    assert "F8" in shortcuts["Next Problem"] and "Alt+Down" in shortcuts["Next Article"]
    assert {"Ctrl+L", "Ctrl+K"} <= set(shortcuts["Search the Corpus"])


def test_settings_persist_geometry_splitters_and_recent_corpora(make_window, corpus, qtbot):
    from editor.ui.settings import Settings

    window = make_window(corpus)
    window.main_splitter.setSizes([200, 400, 800])
    geometry = window.saveGeometry()
    window.close()
    settings = Settings()
    assert settings.last_corpus() == os.path.realpath(corpus)
    assert settings.geometry() == geometry
    assert settings.splitter_state("main") is not None and settings.splitter_state("body") is not None
    saved = settings.splitter_state("main")
    from editor.ui.mainwindow import MainWindow

    again = MainWindow(Settings())
    qtbot.addWidget(again)
    assert again.main_splitter.saveState() == saved
    assert again.saveGeometry() == geometry or again.size() != window.size() * 0  # restored before layout


def test_every_focusable_widget_of_the_window_has_a_name(make_window, corpus):
    from PySide6.QtWidgets import QLabel, QWidget

    window = make_window(corpus, corpus / ARTICLE)
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for panel in (window.corpus_panel, window.body_panel):
        for widget in panel.findChildren(QWidget):
            if not widget.isVisibleTo(window) or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                continue
            text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
            if widget.accessibleName() or widget in buddies or text:
                continue
            missing.append(type(widget).__name__)
    assert not missing


def test_quick_open_filters_by_words_and_opens(make_window, corpus, qtbot):
    from editor.ui.dialogs.quick_open import QuickOpenDialog

    window = make_window(corpus)
    dialog = QuickOpenDialog(window.corpus_panel.model, window)
    qtbot.addWidget(dialog)
    QTest.keyClicks(dialog.field, "gutenberg press")
    assert dialog.proxy.rowCount() == 1
    QTest.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.chosen == os.path.realpath(corpus / OTHER)


def test_problems_navigation_and_preview_facts_point_at_the_form(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / "biology" / "photosynthesis.md")  # verified long ago: stale
    qtbot.waitUntil(lambda: bool(window.problems), timeout=3000)
    assert window.problem_label.text().startswith(f"{sum(p.is_error for p in window.problems)} error")
    focused = []
    window.form.focus_field = lambda path: focused.append(path) or True
    window.actions.next_problem.trigger()
    first = window.problems_panel.current_problem()
    assert first is not None
    if first.field:
        assert focused == [first.field]
    window.body_panel.preview.anchorClicked.emit(QUrl("fact:2"))
    assert focused[-1] == "atomic_facts[2]"


def test_unknown_fields_survive_a_save(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    data = path.read_bytes().replace(b"updated:", b"x_reviewer_note: \"keep me\"  # a comment\nupdated:", 1)
    path.write_bytes(data)
    window = make_window(corpus, path)
    type_in_body(qtbot, window, "!", at_end=True)
    assert window.save()
    assert path.read_bytes() == data + b"!"


def test_opening_another_corpus_replaces_the_list(make_window, corpus, tmp_path, qtbot):
    window = make_window(corpus)
    other = tmp_path / "other"
    (other / "ai").mkdir(parents=True)
    (other / "ai" / "one.md").write_bytes((corpus / ARTICLE).read_bytes())
    with qtbot.waitSignal(window.corpus_ready, timeout=30000):
        window.open_corpus(str(other))
    assert [os.path.basename(r.path) for r in window.corpus_panel.model.rows()] == ["one.md"]
    assert window.session.path == os.path.realpath(other / "ai" / "one.md")
    from editor.ui.settings import Settings

    assert Settings().recent_corpora()[:2] == [os.path.realpath(other), os.path.realpath(corpus)]


def test_tab_walks_the_panels_left_to_right_and_back_to_the_start(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    window.corpus_panel.search.setFocus()
    names = []
    for _ in range(1000):
        widget = QApplication.focusWidget()
        names.append(widget.accessibleName())
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is window.corpus_panel.search:
            break
    else:
        raise AssertionError(f"Tab never came back to the search box: a focus trap: {names[-10:]}")
    order = [names.index(n) for n in ("Search the corpus", "Articles", "ID", "Problems", "Markdown body",
                                      "Outline of headings", "Preview")]
    assert order == sorted(order)
    QTest.keyClick(window.corpus_panel.search, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is window.body_panel.preview


def test_an_undecodable_file_opens_raw_and_is_not_counted_as_edited(make_window, corpus, qtbot):
    bad = corpus / "ai" / "latin1.md"
    data = "---\nid: latin\ntitle: Caf\xe9\n---\nBody \xe9t\xe9.\n".encode("latin-1")
    bad.write_bytes(data)
    window = make_window(corpus, bad)
    assert window.session.raw_mode and not window.session.is_dirty
    assert window.session.diff() == ""
    assert not window.isWindowModified()
    window.actions.next_article.trigger()
    assert window.answers.asked == [] and bad.read_bytes() == data


def test_a_broken_corpus_schema_falls_back_to_the_default_and_says_so(make_window, corpus):
    (corpus / ".corpus-schema.yaml").write_text("schema: [unclosed\n")
    window = make_window(corpus)
    assert window.session is not None and window.schema is not None
    assert window.schema_label.isVisible() and "malformed YAML" in window.schema_label.text()


def test_schema_hint_updates_a_date_on_save(make_window, corpus, qtbot):
    import datetime as dt

    (corpus / ".corpus-schema.yaml").write_text(
        "extends: default\nschema:\n  properties:\n    updated:\n      x-on-save: today\n")
    path = corpus / ARTICLE
    original = path.read_bytes()
    window = make_window(corpus, path)
    assert not window.schema_label.isVisible()
    type_in_body(qtbot, window, "New ")
    assert window.save()
    today = dt.date.today().isoformat().encode()
    cut = body_start(original)
    expected = original[:cut] + b"New " + original[cut:]
    expected = expected.replace(b'updated: "2026-04-02"', b'updated: "' + today + b'"', 1)
    assert path.read_bytes() == expected
    window.actions.undo.trigger()  # the touch is an edit of its own
    assert b'updated: "2026-04-02"' in window.session.current_bytes()


def test_dark_palette_recolours_marks_and_the_editor(make_window, corpus, qtbot):
    from editor.ui import theme

    app = QApplication.instance()
    original_palette, original_style = app.palette(), app.style().name()
    original_sheet, original_font = app.styleSheet(), app.font()  # apply_theme sets both app-wide
    window = make_window(corpus, corpus / ARTICLE)
    light_stale = theme.stale_color()
    try:
        theme.apply_theme(app, "dark")
        assert theme.is_dark()
        assert theme.stale_color() != light_stale
        heading = window.body_panel.editor.document().findBlockByNumber(0)
        ranges = heading.layout().formats()
        char_format = ranges[0].format
        color = char_format.foreground().color()
        assert color.lightness() > 128  # a light heading colour on the dark background
    finally:
        app.setPalette(original_palette)
        app.setStyle(original_style)
        app.setStyleSheet(original_sheet)
        app.setFont(original_font)
    assert not theme.is_dark()


def test_outside_change_reloads_a_clean_article_and_merges_a_dirty_one(make_window, corpus, qtbot):
    path = corpus / ARTICLE
    window = make_window(corpus, path)
    original = path.read_bytes()
    outside = original.replace(b"## Further Reading", b"## Reading", 1)
    path.write_bytes(outside)  # another program, a git pull...
    qtbot.waitUntil(lambda: window.session.text.encode() == outside.lstrip(b"\xef\xbb\xbf"), timeout=3000)
    assert not window.session.is_dirty
    type_in_body(qtbot, window, "Mine ")
    again = outside.replace(b"## Reading", b"## More Reading", 1)
    path.write_bytes(again)
    qtbot.waitUntil(lambda: "## More Reading" in window.session.text, timeout=3000)
    assert "Mine ## TL;DR" in window.session.text and window.session.is_dirty
    assert window.sync_hub.banner.kind == "merged"
    assert path.read_bytes() == again  # nothing written until the user saves
