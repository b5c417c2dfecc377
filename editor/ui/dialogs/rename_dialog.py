"""The Rename / Move dialog: folder and file name, optionally a new id (whose fact and source ids follow),
with the move it will make, or why it cannot, shown as you type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from editor.core.new_article import RenamePlan
from editor.ui.dialogs.planned import PlannedDialog

# planner(new relative path, new id or None, follow category) -> RenamePlan, raising NewArticleError
Planner = Callable[[str, str | None, bool], RenamePlan]


class RenameDialog(PlannedDialog):
    def __init__(self, old_rel: str, article_id: str | None, folders: list[str], planner: Planner,
                 describe: Callable[[RenamePlan], str], parent=None):
        super().__init__(f"Rename or move {old_rel}", parent)
        self.planner = planner
        self.describer = describe
        folder, _, name = old_rel.rpartition("/")
        self.folder_combo = QComboBox()
        self.folder_combo.setEditable(True)
        self.folder_combo.addItems(folders)
        self.folder_combo.setCurrentText(folder)
        self.folder_combo.setAccessibleName("Folder")
        self.name_edit = QLineEdit(name)
        self.name_edit.setAccessibleName("File name")
        self.change_id = QCheckBox("Also change the &id (the fact and source ids that embed it follow)")
        self.change_id.setEnabled(article_id is not None)
        self.id_edit = QLineEdit(article_id or "")
        self.id_edit.setAccessibleName("New ID")
        self.id_edit.setEnabled(False)
        self.follow_category = QCheckBox("Moving to another top folder changes the &category too")
        self.follow_category.setChecked(True)
        self.form.addRow("&Folder:", self.folder_combo)
        self.form.addRow("File &name:", self.name_edit)
        self.form.addRow("", self.change_id)
        self.form.addRow("New I&D:", self.id_edit)
        self.form.addRow("", self.follow_category)
        self.finish("Rename")
        self.change_id.toggled.connect(self.id_edit.setEnabled)
        for toggle in (self.change_id, self.follow_category):
            toggle.toggled.connect(self.update_plan)
        self.folder_combo.currentTextChanged.connect(self.update_plan)
        for edit in (self.name_edit, self.id_edit):
            edit.textChanged.connect(self.update_plan)
        self.name_edit.setFocus()
        stem_end = name.rfind(".")
        self.name_edit.setSelection(0, stem_end if stem_end > 0 else len(name))
        self.update_plan()

    def new_rel(self) -> str:
        folder = self.folder_combo.currentText().strip().strip("/")
        name = self.name_edit.text().strip()
        return f"{folder}/{name}" if folder else name

    def make_plan(self) -> RenamePlan:
        return self.planner(self.new_rel(), self.id_edit.text() if self.change_id.isChecked() else None,
                            self.follow_category.isChecked())

    def describe(self, plan: RenamePlan) -> str:
        return self.describer(plan)
