"""The New article / Duplicate dialog: title, category, id (automatic unless typed) and language, with
the file it will make, or why it cannot, shown as you type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from editor.core.new_article import NewArticle, NewArticleError
from editor.ui import theme

# planner(title, category, id or None, language or None) -> NewArticle, raising NewArticleError
Planner = Callable[[str, str, str | None, str | None], NewArticle]


class ArticleDialog(QDialog):
    """`planner` is asked again at each change; OK stays disabled while it refuses."""

    def __init__(self, title: str, planner: Planner, categories: list[str], *, initial_title: str = "",
                 category: str = "", language: str | None = None, ask_language: bool = True, parent=None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.planner = planner
        self.plan: NewArticle | None = None
        self.today = today

        self.title_edit = QLineEdit(initial_title)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setPlaceholderText("The article's title")
        self.category_combo = QComboBox()
        self.category_combo.setEditable(True)
        self.category_combo.addItems(categories)
        self.category_combo.setCurrentText(category)
        self.category_combo.setAccessibleName("Category")
        self.category_combo.setToolTip("The category, and the folder the file goes to")
        self.id_edit = QLineEdit()
        self.id_edit.setAccessibleName("ID")
        self.id_edit.setToolTip("Leave empty for the next id in the corpus's style")
        self.language_edit = QLineEdit()
        self.language_edit.setAccessibleName("Language")
        self.language_edit.setPlaceholderText(language or "en")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("File to be created")

        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Category:", self.category_combo)
        form.addRow("&ID:", self.id_edit)
        if ask_language:
            form.addRow("&Language:", self.language_edit)
        else:
            self.language_edit.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        for edit in (self.title_edit, self.id_edit, self.language_edit):
            edit.textChanged.connect(self.update_plan)
        self.category_combo.currentTextChanged.connect(self.update_plan)
        self.title_edit.setFocus()
        self.title_edit.selectAll()
        self.update_plan()

    def update_plan(self, *_args) -> None:
        title = self.title_edit.text()
        try:
            self.plan = self.planner(title, self.category_combo.currentText(), self.id_edit.text().strip() or None,
                                     self.language_edit.text().strip() or None)
        except NewArticleError as exc:
            self.plan = None
            self.result_label.setText(exc.message if title.strip() else "Type the article's title.")
            self.result_label.setStyleSheet(f"color: {theme.error_color().name()};" if title.strip() else "")
        else:
            note = f"<br><i>{self.plan.note}</i>" if self.plan.note else ""
            self.result_label.setText(f"Creates <b>{self.plan.rel}</b> with the id <b>{self.plan.id}</b>.{note}")
            self.result_label.setStyleSheet("")
            self.id_edit.setPlaceholderText(self.plan.id if not self.id_edit.text() else "")
        self.ok_button.setEnabled(self.plan is not None)

    def accept(self) -> None:
        self.update_plan()
        if self.plan is not None:
            super().accept()
