"""New article, Duplicate, Rename / Move, Delete and Add front matter in the window, on real files: the
file is written through the safe save, the index and the list follow at once, the trash is the
desktop's (XDG_DATA_HOME in tmp), and Ctrl+Z in the list brings a file back."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication

from editor.core.document.article import ArticleDocument
from editor.core.files.walk import CORPUS_TEMPLATE_NAME
from editor.ui import article_files

ARTICLE = Path("ai/backpropagation.md")


def filling(**fields):
    """A run_dialog that types into the dialog's real fields and presses its OK (if it is enabled)."""
    seen = []

    def run(dialog) -> bool:
        seen.append(dialog)
        for name, value in fields.items():
            widget = getattr(dialog, name)
            if hasattr(widget, "setCurrentText"):
                widget.setCurrentText(value)
            elif hasattr(widget, "setChecked") and isinstance(value, bool):
                widget.setChecked(value)
            else:
                widget.setText(value)
        if not dialog.ok_button.isEnabled():
            return False
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    run.seen = seen
    return run


def listed(window, path) -> bool:
    return window.corpus_panel.model.row_for_path(os.path.realpath(path)) is not None


def test_new_article_is_written_listed_and_opened_with_its_title_focused(make_window, corpus):
    window = make_window(corpus, corpus / ARTICLE)
    window.article_files.run_dialog = filling(title_edit="Gradient Descent: Why It Works", category_combo="ai")
    assert window.actions.new_article.shortcuts()[0].toString() == "Ctrl+N"
    window.actions.new_article.trigger()
    path = corpus / "ai" / "gradient-descent-why-it-works.md"
    assert path.is_file()
    doc = ArticleDocument.from_bytes(path.read_bytes())
    assert doc.data["id"] == "gradient-descent-why-it-works" and doc.data["category"] == "ai"
    assert listed(window, path)  # the list has it at once, without a refresh
    assert window.source.index.get(path).title == "Gradient Descent: Why It Works"
    assert window.session.path == os.path.realpath(path)
    title = window.form.editor_at("title").edit
    assert title.hasFocus() and title.selectedText() == "Gradient Descent: Why It Works"


def test_new_article_refuses_a_title_whose_file_exists(make_window, corpus):
    window = make_window(corpus, corpus / ARTICLE)
    run = filling(title_edit="Backpropagation", category_combo="ai")
    window.article_files.run_dialog = run
    before = sorted(p.name for p in (corpus / "ai").iterdir())
    assert window.new_article() is None
    dialog = run.seen[0]
    assert not dialog.ok_button.isEnabled() and "ai/backpropagation.md already exists" in dialog.result_label.text()
    assert sorted(p.name for p in (corpus / "ai").iterdir()) == before


def test_new_article_from_the_corpus_template(make_window, corpus):
    (corpus / CORPUS_TEMPLATE_NAME).write_text("---\nid: {id}\ntitle: {title}\ncategory: {category}\n"
                                               "language: {language}\nconfidence: low\nlast_verified: '{today}'\n"
                                               "---\n## TL;DR\n{title}\n", encoding="utf-8")
    window = make_window(corpus, corpus / ARTICLE)
    assert not listed(window, corpus / CORPUS_TEMPLATE_NAME)  # configuration, not a file of the corpus
    window.article_files.run_dialog = filling(title_edit="Optics: An Overview", category_combo="physics")
    path = Path(window.new_article())
    doc = ArticleDocument.from_bytes(path.read_bytes())
    assert doc.data["title"] == "Optics: An Overview" and doc.data["confidence"] == "low"
    assert doc.body == "## TL;DR\nOptics: An Overview\n"


def test_duplicate_renumbers_the_facts_and_opens_the_copy(make_window, corpus):
    source = corpus / "ai" / "ai-for-democratization.md"
    source.write_bytes((Path(__file__).parents[1] / "fixtures" / "validation" /
                        "real-ai-for-democratization.md").read_bytes())
    window = make_window(corpus, source)
    window.article_files.run_dialog = filling(title_edit="AI Democratization in Schools")
    window.actions.duplicate_article.trigger()
    copy = corpus / "ai" / "ai-democratization-in-schools.md"
    doc = ArticleDocument.from_bytes(copy.read_bytes())
    assert [f["id"] for f in doc.data["atomic_facts"]] == ["af-ai-democratization-in-schools-1",
                                                            "af-ai-democratization-in-schools-2"]
    assert listed(window, copy) and window.session.path == os.path.realpath(copy)
    assert ArticleDocument.from_bytes(source.read_bytes()).data["id"] == "ai-for-democratization"


def test_rename_moves_the_file_changes_the_id_and_undo_moves_it_back(make_window, corpus, qtbot):
    source = corpus / "ai" / "ai-for-democratization.md"
    original = (Path(__file__).parents[1] / "fixtures" / "validation" / "real-ai-for-democratization.md").read_bytes()
    source.write_bytes(original)
    window = make_window(corpus, source)
    window.article_files.run_dialog = filling(folder_combo="policy", name_edit="ai-access.md", change_id=True,
                                              id_edit="ai-access")
    window.actions.rename_article.trigger()
    moved = corpus / "policy" / "ai-access.md"
    assert not source.exists() and moved.is_file()
    doc = ArticleDocument.from_bytes(moved.read_bytes())
    assert doc.data["id"] == "ai-access" and doc.data["category"] == "policy"
    assert [f["id"] for f in doc.data["atomic_facts"]] == ["af-ai-access-1", "af-ai-access-2"]
    assert listed(window, moved) and not listed(window, source)
    assert window.session.path == os.path.realpath(moved)
    window.corpus_panel.table.setFocus()
    window.undo_group.setActiveStack(window.corpus_stack)
    window.actions.undo.trigger()
    assert source.read_bytes() == original and not moved.exists()
    assert listed(window, source) and not listed(window, moved)
    assert window.session.path == os.path.realpath(source)


def test_rename_from_the_list_with_f2_only_renames(make_window, corpus, qtbot):
    window = make_window(corpus, corpus / ARTICLE)
    other = corpus / "history" / "printing-press.md"
    data = other.read_bytes()
    window.corpus_panel.show_path(os.path.realpath(other))
    window.article_files.run_dialog = filling(name_edit="gutenberg-press.md")
    window.corpus_panel.table.setFocus()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(window.corpus_panel.table, Qt.Key.Key_F2)
    target = corpus / "history" / "gutenberg-press.md"
    assert target.read_bytes() == data and not other.exists()  # byte for byte: only the name changed
    assert window.session.path == os.path.realpath(corpus / ARTICLE)  # the open article stays open


def test_delete_moves_to_the_trash_and_undo_brings_it_back(make_window, corpus, user_dirs):
    path = corpus / ARTICLE
    data = path.read_bytes()
    window = make_window(corpus, path)
    window.actions.delete_article.trigger()
    assert not path.exists()
    trash = user_dirs / "data" / "Trash"
    assert (trash / "files" / path.name).read_bytes() == data
    assert (trash / "info" / (path.name + ".trashinfo")).is_file()
    assert not listed(window, path) and window.session is None
    assert "trash" in window.statusBar().currentMessage()
    assert window.undo_group.activeStack() is window.corpus_stack
    window.actions.undo.trigger()
    assert path.read_bytes() == data and listed(window, path)
    assert not (trash / "files" / path.name).exists() and not (trash / "info" / (path.name + ".trashinfo")).exists()
    window.actions.redo.trigger()  # and again
    assert not path.exists() and (trash / "files" / path.name).is_file()


def test_delete_several_from_the_list(make_window, corpus):
    window = make_window(corpus, corpus / ARTICLE)
    first, second = corpus / "history" / "printing-press.md", corpus / "physics" / "quantum-entanglement.md"
    window.corpus_panel.select_paths([os.path.realpath(first), os.path.realpath(second)])
    window.list_file_action("delete")
    assert not first.exists() and not second.exists()
    assert window.session is not None  # the open article was not among them
    window.corpus_stack.undo()
    assert first.is_file() and second.is_file()


def test_without_a_trash_it_asks_before_deleting_for_good_and_undo_recreates(make_window, corpus, monkeypatch):
    path = corpus / ARTICLE
    data = path.read_bytes()
    window = make_window(corpus, path)
    monkeypatch.setattr(article_files, "trash_file", lambda p: (None, "no trash on this volume"))
    asked = []
    window.article_files.confirm = lambda title, text: asked.append(text) or False
    assert not window.article_files.delete()
    assert path.exists() and asked and "permanently" in asked[0]
    window.open_article(str(path))
    window.article_files.confirm = lambda title, text: True
    assert window.article_files.delete()
    assert not path.exists()
    window.corpus_stack.undo()
    assert path.read_bytes() == data


def test_deleting_an_article_with_unsaved_edits_asks_first(make_window, corpus):
    from editor.core.document.edits import SetValue

    path = corpus / ARTICLE
    window = make_window(corpus, path)
    window.session.apply(SetValue("title", "Edited"))
    window.article_files.confirm = lambda title, text: False
    assert not window.article_files.delete()
    assert path.exists() and window.session.is_dirty


def test_add_front_matter_to_a_file_without_it_is_one_undo_step(make_window, corpus, qtbot):
    notes = corpus / "physics" / "laser-notes.md"
    notes.write_bytes(b"# Notes on Lasers\nStimulated emission.\n")
    empty = corpus / "physics" / "empty.md"
    empty.write_bytes(b"")
    window = make_window(corpus, notes)
    panel = window.body_panel
    assert window.session.raw_mode and panel.front_matter_button.isVisibleTo(window)
    panel.front_matter_button.click()
    session = window.session
    assert session.doc is not None
    assert session.doc.data["title"] == "Notes on Lasers" and session.doc.data["category"] == "physics"
    assert session.doc.body == "# Notes on Lasers\nStimulated emission.\n"
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.current_bytes() == b"# Notes on Lasers\nStimulated emission.\n"
    window.answers.unsaved = "discard"
    window.open_article(str(empty))
    assert window.body_panel.front_matter_button.isVisibleTo(window)
    window.actions.add_front_matter.trigger()
    assert window.session.doc is not None and window.session.doc.body == "## TL;DR\n\n## Core Explanation\n"
    window.open_article(str(corpus / ARTICLE))
    assert not window.body_panel.front_matter_button.isVisibleTo(window)
    QApplication.processEvents()
