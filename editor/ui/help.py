"""The Help menu of a window: the keyboard shortcut sheet, the fields of the open corpus's schema, and
About with the folders where the program keeps its files. Each dialog is made afresh when asked for
(its content follows the window: its actions, its corpus), replacing one still open."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from editor.ui.dialogs.about import AboutDialog, KeptFolder
from editor.ui.dialogs.fields import FieldsDialog
from editor.ui.dialogs.shortcuts import ShortcutsDialog, shortcut_sheet


class WindowHelp:
    def __init__(self, window):
        self.window = window
        self._open: dict[str, QWidget] = {}

    def kept_folders(self) -> list[KeptFolder]:
        """Where the index, the settings, the crash journal and the sample corpus copy live."""
        from editor.core.index.store import default_cache_dir
        from editor.ui.app import sample_corpus_dir

        w = self.window
        if w.source is not None:
            index = os.path.dirname(w.source.index.db_path)
        else:
            index = w.cache_dir or str(default_cache_dir())
        settings = os.path.dirname(w.settings.file_name())
        journal = str(w.sync_hub.journal.journal.folder)
        return [
            KeptFolder("Index", index, "A cache of every corpus's articles: safe to delete, it is rebuilt"),
            KeptFolder("Settings", settings, "Window size, pane sizes and recent corpora"),
            KeptFolder("Crash journal", journal, "Unsaved edits, offered back after a crash"),
            KeptFolder("Sample corpus", str(sample_corpus_dir()), "Your writable copy of the sample corpus"),
        ]

    def _show(self, name: str, dialog: QWidget, modal: bool = False) -> QWidget:
        old = self._open.pop(name, None)
        if old is not None:
            old.close()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.destroyed.connect(lambda _obj=None, n=name, d=dialog: self._forget(n, d))
        self._open[name] = dialog
        if modal:
            dialog.open()
        else:
            dialog.show()
        return dialog

    def _forget(self, name: str, dialog: QWidget) -> None:
        if self._open.get(name) is dialog:
            del self._open[name]

    def show_shortcuts(self) -> ShortcutsDialog:
        """Every command of the window's menus with its keys (and any keyed action no menu shows)."""
        w = self.window
        keyed = [action for action in vars(w.actions).values() if action.shortcuts()]
        return self._show("shortcuts", ShortcutsDialog(shortcut_sheet(w.menuBar(), keyed), w))

    def show_fields(self) -> FieldsDialog:
        """The schema in force for the open corpus (the default one before any corpus is open)."""
        from editor.core.validation.schema import load_schema

        w = self.window
        schema = w.schema if w.schema is not None else load_schema(w.root)
        note = w.schema_label.text() if not w.schema_label.isHidden() else ""
        return self._show("fields", FieldsDialog(schema, note, w))

    def show_about(self) -> AboutDialog:
        return self._show("about", AboutDialog(self.kept_folders(), self.window), modal=True)
