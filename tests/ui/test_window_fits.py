"""A window that fits and a keyboard that goes where it says: the one-line banner, list columns sized to
their content and remembered, non-articles grouped per folder, lists in the form without scrollbars of
their own, the selected item's detail in view at 1,280x720, jump keys, Escape, + Add, Tab stops."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from editor.ui.corpus.model import COL_ID, COL_TITLE
from editor.ui.watcher import SyncOutcome

try:
    from tests.ui.form_helpers import long_real_article, settle
except ImportError:  # tests/ui is not a package
    from form_helpers import long_real_article, settle

ARTICLE = Path("ai/backpropagation.md")


def long_article(corpus: Path) -> Path:
    path = corpus / "ai" / "ai-for-democratization.md"
    path.write_text(long_real_article(30), encoding="utf-8")
    return path


def visible_in_form(window, widget) -> bool:
    """Whether `widget`'s top is inside the form's visible area."""
    viewport = window.form.scroll.viewport()
    top = widget.mapTo(viewport, QPoint(0, 0)).y()
    return 0 <= top < viewport.height()


# -- the banner -----------------------------------------------------------------------------------------
def test_the_banner_is_one_line_and_never_pushes_the_editors_away(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    window.resize(1280, 720)
    settle()
    before = window.main_splitter.height()
    clashes = [f"atomic_facts[{i}].statement" for i in range(40)]
    window.sync_hub.banner.show_outcome(SyncOutcome("clash", window.session.path, clashes=clashes))
    settle()
    banner = window.sync_hub.banner
    line = QFontMetrics(banner.font()).height()
    assert banner.height() <= 3 * line + 16  # one line: message, Details and the buttons
    assert "Nothing was written" in banner.message.text()  # all of it, cut only on screen
    assert window.main_splitter.height() >= before - banner.height() - 12
    banner.details_button.click()
    settle()
    assert banner.details_area.isVisible() and "atomic_facts[39].statement" in banner.details.text()
    assert banner.height() <= 10 * line + 40  # the details scroll past a few lines
    assert window.main_splitter.height() >= 720 // 2
    banner.keep_mine_button.click()


# -- the corpus list ------------------------------------------------------------------------------------------
def test_list_columns_fit_the_ids_and_are_remembered(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    window.resize(1920, 1080)
    window.main_splitter.setSizes([800, 560, 560])
    panel = window.corpus_panel
    qtbot.waitUntil(lambda: not panel._fit_timer.isActive(), timeout=2000)
    panel.fit_columns()
    header = panel.table.horizontalHeader()
    fm = panel.table.fontMetrics()
    longest = max((row.id for row in panel.model.rows()), key=fm.horizontalAdvance)
    assert header.sectionSize(COL_ID) >= fm.horizontalAdvance(longest) + 8
    assert panel.table.textElideMode() == Qt.TextElideMode.ElideRight  # never in the middle
    # a window resize refits; the user's drag of a column's edge is theirs, across runs, with the order
    edge = header.sectionViewportPosition(COL_ID) + header.sectionSize(COL_ID) - 1
    y = header.height() // 2
    QTest.mousePress(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(edge, y))
    QTest.mouseMove(header.viewport(), QPoint(edge + 40, y))
    QTest.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(edge + 40, y))
    assert panel.user_sized
    header.moveSection(header.visualIndex(COL_TITLE), 0)
    header.resizeSection(COL_ID, 333)
    window.close()
    again = make_window(corpus, corpus / ARTICLE)
    again_header = again.corpus_panel.table.horizontalHeader()
    assert again_header.sectionSize(COL_ID) == 333 and again_header.visualIndex(COL_TITLE) == 0


def test_non_articles_are_one_row_per_folder(make_window, corpus, qtbot):
    for name in (".gitkeep", "notes.txt", "draft.md"):
        (corpus / "ai" / name).write_text("no front matter here\n" if name != ".gitkeep" else "")
    window = make_window(corpus, corpus / ARTICLE)
    model = window.corpus_panel.model
    groups = [row for row in (model.row_at(i) for i in range(model.rowCount())) if row.is_group]
    assert len(groups) == 1 and groups[0].title == "3 files not articles in ai/"
    assert {os.path.basename(p) for p in groups[0].members} == {".gitkeep", "notes.txt", "draft.md"}
    assert sum(1 for row in model.rows() if row.kind == "other" and "/ai/" in row.path) == 3  # every file
    assert any(row.kind == "other" and row.path.endswith("README.txt") for row in model.rows())  # alone: itself
    # activating the group lists the files, one can be opened from there
    listed = []

    def run(dialog) -> bool:
        listed.extend(dialog.list.item(i).text() for i in range(dialog.list.count()))
        dialog.list.setCurrentRow(0)
        dialog._open()
        return True

    window.corpus_panel.run_dialog = run
    window.corpus_panel._activate(groups[0].path)
    assert len(listed) == 3 and any("no front matter" in text for text in listed)
    assert window.session.path in groups[0].members
    # a file that becomes an article leaves the group, and a group of one is the file itself: the list follows
    draft = corpus / "ai" / "draft.md"
    draft.write_text("---\nid: draft\ntitle: Draft\n---\n")
    window.corpus_panel.refresh_path(os.path.realpath(draft))
    rows = [model.row_at(i) for i in range(model.rowCount())]
    assert [r.title for r in rows if r.is_group] == ["2 files not articles in ai/"]
    assert model.row_at(model.row_for_path(os.path.realpath(draft))).title == "Draft"
    (corpus / "ai" / "notes.txt").unlink()
    window.corpus_panel.refresh_path(os.path.join(window.root, "ai", "notes.txt"))
    rows = [model.row_at(i) for i in range(model.rowCount())]
    assert not any(r.is_group for r in rows)
    keep = model.row_at(model.row_for_path(os.path.join(window.root, "ai", ".gitkeep")))
    assert keep.kind == "other" and "(not an article) .gitkeep" in model.index(
        model.row_for_path(keep.path), COL_TITLE).data()


def test_quick_open_shows_each_match_s_folder(make_window, corpus, qtbot):
    from editor.ui.dialogs.quick_open import QuickOpenDialog

    window = make_window(corpus)
    dialog = QuickOpenDialog(window.corpus_panel.model, window)
    qtbot.addWidget(dialog)
    QTest.keyClicks(dialog.field, "printing")
    texts = [dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())]
    assert any(text.endswith("history/") for text in texts) and any(text.endswith("zh/") for text in texts)


# -- the form -------------------------------------------------------------------------------------------------------
def test_lists_grow_to_their_items_without_their_own_scrollbar(make_window, corpus, qtbot):
    path = long_article(corpus)
    window = make_window(corpus, path)
    facts = window.form.list_editor("atomic_facts")
    settle()
    assert facts.model.rowCount() == 30
    assert facts.view.height() >= 30 * facts.view.sizeHintForRow(0)
    assert not facts.view.verticalScrollBar().isVisible()
    sources = window.form.list_editor("secondary_sources")
    sources.select_row(0)
    settle()
    authors = sources.form.editor_for("authors")
    assert type(authors).__name__ == "StringListEditor"
    assert not authors.view.verticalScrollBar().isVisible()
    primary = window.form.list_editor("primary_sources")
    primary.select_row(0)
    assert type(primary.form.editor_for("authors")).__name__ == "StringListEditor"  # like secondary sources


def test_at_1280x720_the_selected_item_s_detail_is_in_view(make_window, corpus, qtbot):
    path = long_article(corpus)
    window = make_window(corpus, path, resize=False)
    window.resize(1280, 720)
    settle()
    facts = window.form.list_editor("atomic_facts")
    window.form.jump_to("atomic_facts")
    index = facts.proxy.index(1, 0)
    rect = facts.view.visualRect(index)
    QTest.mouseClick(facts.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: facts.current_row() == 1, timeout=2000)
    settle()
    assert visible_in_form(window, facts.form.editor_for("id"))
    assert facts.form.editor_for("id").edit.text() == "af-ai-for-democratization-2"


def test_jump_keys_are_shown_in_the_section_headers(make_window, corpus, qtbot):
    window = make_window(corpus, long_article(corpus))
    form = window.form
    assert form.sections["Atomic facts"].shortcut_label.text() == "Ctrl+3"
    assert form.sections["Known gaps"].shortcut_label.text() == "Ctrl+6"
    keys = {a.text(): a.shortcut().toString() for a in form.jump_actions}
    assert keys == {"Go to Atomic facts": "Ctrl+3", "Go to Primary sources": "Ctrl+4",
                    "Go to Secondary sources": "Ctrl+5", "Go to Known gaps": "Ctrl+6"}
    assert set(form.jump_actions) <= set(window.go_menu.actions())
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is form.list_editor("secondary_sources").view
    assert visible_in_form(window, form.sections["Secondary sources"])
    QTest.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is form.editor_at("known_gaps").view
    window.actions.focus_body.trigger()
    assert QApplication.focusWidget() is window.body_panel.editor


def test_escape_only_leaves_the_field_and_ctrl_enter_adds_nothing_there(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    session = window.session
    facts = window.form.list_editor("atomic_facts")
    facts.select_row(0)
    field = facts.form.editor_for("id").edit
    field.setFocus()
    before = session.current_bytes()
    QTest.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(session.doc.data["atomic_facts"]) == 4  # no new item from inside a field
    QTest.keyClick(field, Qt.Key.Key_Escape)
    focused = QApplication.focusWidget()
    assert focused is not field and focused is not facts.view
    QTest.keyClicks(focused, "xyz")  # keystrokes after Escape go nowhere
    QTest.keyClick(focused, Qt.Key.Key_Delete)
    assert session.current_bytes() == before
    QTest.keyClick(window, Qt.Key.Key_Tab)  # Tab goes on from the field Escape left
    assert QApplication.focusWidget() is facts.form.editor_for("statement").edit


def test_add_appends_at_the_end_unless_insert_is_asked(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    session = window.session
    facts = window.form.list_editor("atomic_facts")
    facts.select_row(0)
    facts.buttons["add"].click()
    ids = [f["id"] for f in session.doc.data["atomic_facts"]]
    assert ids == ["fact-backprop-001", "fact-backprop-002", "fact-backprop-003", "fact-backprop-004",
                   "fact-backprop-005"]
    assert facts.current_row() == 4
    facts.select_row(0)
    facts.view.setFocus()
    QTest.keyClick(facts.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter in the list
    assert [f["id"] for f in session.doc.data["atomic_facts"]][-1] == "fact-backprop-006"
    facts.select_row(0)
    facts.view.setFocus()
    QTest.keyClick(facts.view, Qt.Key.Key_Insert)
    assert [f["id"] for f in session.doc.data["atomic_facts"]][1] == "fact-backprop-007"  # below the selected
    facts.select_row(0)
    facts.view.setFocus()
    QTest.keyClick(facts.view, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)
    assert session.doc.data["atomic_facts"][0]["id"] == "fact-backprop-008"  # above it


def test_ctrl_1_focuses_the_first_field_with_no_invisible_tab_stop(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    window.actions.focus_form.trigger()
    first = window.form.editor_at("id").edit
    assert QApplication.focusWidget() is first
    QTest.keyClick(first, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.form.editor_at("title").edit
    sequence = window.tab_sequence()
    assert window.form.scroll not in sequence and window.form.body not in sequence


def test_the_focused_widget_is_scrolled_into_view(make_window, corpus, qtbot):
    window = make_window(corpus, long_article(corpus), resize=False)
    window.resize(1280, 720)
    settle()
    form = window.form
    form.scroll.verticalScrollBar().setValue(0)
    target = form.editor_at("known_gaps").view
    assert not visible_in_form(window, target)
    target.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    assert visible_in_form(window, target)
    facts = form.list_editor("atomic_facts")
    facts.select_row(25)
    form.scroll.verticalScrollBar().setValue(0)
    facts.view.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    rect = facts.view.visualRect(facts.view.currentIndex())
    row_top = facts.view.viewport().mapTo(form.scroll.viewport(), rect.topLeft()).y()
    assert 0 <= row_top < form.scroll.viewport().height()  # the current row, not the list's top


def test_list_rows_never_elide_an_id_in_the_middle(make_window, corpus, qtbot):
    from editor.ui.form.object_list import SUMMARY_ROLE, fit_head

    window = make_window(corpus, long_article(corpus))
    facts = window.form.list_editor("atomic_facts")
    head, _rest = facts.proxy.index(11, 0).data(SUMMARY_ROLE)
    assert head == "af-ai-for-democratization-12"
    fm = facts.view.fontMetrics()
    assert fit_head(fm, head, 1000)[0] == head  # room enough: whole
    cut = fit_head(fm, head, 150)[0]
    assert cut.endswith("\u2026") and head.startswith(cut[:-1])  # too little room: cut at the end only


def test_at_1280x720_a_narrow_list_keeps_titles_readable_and_every_column_inside(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    window.resize(1280, 720)
    window.default_pane_sizes(window.size())
    settle()
    panel = window.corpus_panel
    panel.fit_columns()
    header = panel.table.horizontalHeader()
    sections = [header.sectionSize(i) for i in range(header.count())]
    assert sum(sections) <= panel.table.viewport().width()  # no column pushed out of sight
    fm = panel.table.fontMetrics()
    assert header.sectionSize(COL_TITLE) >= fm.horizontalAdvance("Back") + 18  # a word, not two letters
    assert header.sectionSize(COL_ID) >= fm.horizontalAdvance("kb-2026-00060") + 8  # a kb id stays whole


def test_a_folded_problems_pane_stays_folded_when_the_panes_are_sized(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / "physics" / "quantum-entanglement.md")
    settle()
    assert window.problems_panel.is_folded
    window.default_pane_sizes(window.size())  # what a first start and a screenshot do
    settle()
    assert window.form_splitter.sizes()[1] <= window.problems_panel.maximumHeight()
