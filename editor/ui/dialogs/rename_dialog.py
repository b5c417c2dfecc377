"""The Rename / Move dialog: folder and file name, optionally a new id (whose fact and source ids follow),
with the move it will make, or why it cannot, shown as you type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from editor.core.new_article import NewArticleError, RenamePlan
from editor.ui import theme

# planner(new relative path, new id or None, follow category) -> RenamePlan, raising NewArticleError
Planner = Callable[[str, str | None, bool], RenamePlan]


class RenameDialog(QDialog):
    def __init__(self, old_rel: str, article_id: str | None, folders: list[str], planner: Planner,
                 describe: Callable[[RenamePlan], str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Rename or move {old_rel}")
        self.setMinimumWidth(560)
        self.planner = planner
        self.describe = describe
        self.plan: RenamePlan | None = None
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
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Folder:", self.folder_combo)
        form.addRow("File &name:", self.name_edit)
        form.addRow("", self.change_id)
        form.addRow("New I&D:", self.id_edit)
        form.addRow("", self.follow_category)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Rename")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        self.change_id.toggled.connect(self.id_edit.setEnabled)
        self.change_id.toggled.connect(self.update_plan)
        self.follow_category.toggled.connect(self.update_plan)
        self.folder_combo.currentTextChanged.connect(self.update_plan)
        self.name_edit.textChanged.connect(self.update_plan)
        self.id_edit.textChanged.connect(self.update_plan)
        self.name_edit.setFocus()
        stem_end = name.rfind(".")
        self.name_edit.setSelection(0, stem_end if stem_end > 0 else len(name))
        self.update_plan()

    def new_rel(self) -> str:
        folder = self.folder_combo.currentText().strip().strip("/")
        name = self.name_edit.text().strip()
        return f"{folder}/{name}" if folder else name

    def update_plan(self, *_args) -> None:
        try:
            self.plan = self.planner(self.new_rel(), self.id_edit.text() if self.change_id.isChecked() else None,
                                     self.follow_category.isChecked())
        except NewArticleError as exc:
            self.plan = None
            self.result_label.setText(exc.message)
            self.result_label.setStyleSheet(f"color: {theme.error_color().name()};")
        else:
            self.result_label.setText(self.describe(self.plan))
            self.result_label.setStyleSheet("")
        self.ok_button.setEnabled(self.plan is not None)

    def accept(self) -> None:
        self.update_plan()
        if self.plan is not None:
            super().accept()
