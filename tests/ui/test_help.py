"""The Help menu: the shortcut sheet made from the window's actions, the fields of the corpus's schema,
and About with the version and the folders where things are kept."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from editor.ui.dialogs.about import AboutDialog
from editor.ui.dialogs.fields import FieldsDialog, field_rows
from editor.ui.dialogs.shortcuts import ShortcutsDialog


def help_menu_texts(window) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_the_help_menu_offers_shortcuts_fields_and_about(make_window, corpus):
    window = make_window(corpus)
    assert help_menu_texts(window) == ["Keyboard Shortcuts", "Fields of This Corpus", "About Corpus Editor"]
    assert window.actions.shortcuts.shortcut() == QKeySequence("F1")


def test_the_shortcut_sheet_lists_every_action_with_its_keys(make_window, corpus, qtbot):
    window = make_window(corpus)
    QTest.keyClick(window.corpus_panel.table, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    rows = dict(dialog.rows())
    expected = {}
    # the window's actions, and the form's jump keys (Ctrl+3 facts...) that the schema gives and the Go menu shows
    for action in [*window.actions.__dict__.values(), *window.form.jump_actions]:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            expected[action.text().replace("&", "")] = ", ".join(keys)
    assert rows == expected  # every action with a key, each with all of its keys; nothing else
    assert rows["Save"] == "Ctrl+S" and rows["Search the Corpus"] == "Ctrl+L, Ctrl+K"

    # a key the window gains later shows on the next sheet: nothing is written down twice
    window.actions.bump.setShortcuts([QKeySequence("Ctrl+Shift+B"), QKeySequence("Ctrl+Alt+V")])
    window.actions.shortcuts.trigger()
    qtbot.waitUntil(lambda: len(window.findChildren(ShortcutsDialog)) == 1)  # the old sheet went
    again = window.findChild(ShortcutsDialog)
    assert again is not dialog
    assert dict(again.rows())["Bump Last Verified…"] == "Ctrl+Shift+B, Ctrl+Alt+V"

    QTest.keyClicks(again.filter_edit, "F8")
    assert sorted(again.rows()) == [("Next Problem", "F8"), ("Previous Problem", "Shift+F8")]


def test_fields_of_this_corpus_shows_the_corpus_schema_with_labels_and_help(make_window, corpus):
    (corpus / ".corpus-schema.yaml").write_text(
        "extends: default\n"
        "schema:\n"
        "  properties:\n"
        "    reviewer: {type: string, x-label: Reviewer, x-help: Who checked the facts last, x-order: 45}\n",
        encoding="utf-8")
    window = make_window(corpus)
    window.actions.fields.trigger()
    dialog = window.findChild(FieldsDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.browser.toPlainText()
    assert dialog.origin.text().endswith(str(Path(window.root) / ".corpus-schema.yaml"))
    assert "Reviewer" in text and "Who checked the facts last" in text
    rows = field_rows(window.schema)
    paths = [path for _depth, path, _spec in rows]
    assert "reviewer" in paths and "atomic_facts[].statement" in paths
    for _depth, path, spec in rows:
        assert spec.label in text and path in text
        if spec.help:
            assert " ".join(spec.help.split()) in " ".join(text.split())
    QTest.keyClicks(dialog.filter_edit, "who checked")
    assert "Reviewer" in dialog.browser.toPlainText() and "Title" not in dialog.browser.toPlainText()


class _UrlCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


def test_about_shows_the_installed_version_and_opens_the_folders(make_window, corpus, user_dirs, qtbot):
    window = make_window(corpus)
    window.actions.about.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.version_label.text() == f"Version {version('corpus-editor')} · MIT License"
    folders = {f.label: f.path for f in window.help.kept_folders()}
    assert folders["Index"] == os.path.dirname(window.source.index.db_path)
    assert Path(folders["Index"]).is_relative_to(user_dirs)
    assert folders["Settings"] == os.path.dirname(window.settings.file_name())
    assert folders["Crash journal"] == str(user_dirs / "data" / "corpus-editor" / "journal")
    assert folders["Sample corpus"] == str(user_dirs / "data" / "corpus-editor" / "sample-corpus")
    for label, path in folders.items():
        assert dialog.open_buttons[label].isEnabled() == os.path.isdir(path), label
    assert dialog.open_buttons["Index"].isEnabled()

    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        dialog.open_buttons["Index"].click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.opened == [folders["Index"]]
    dialog.close()
    QApplication.processEvents()
