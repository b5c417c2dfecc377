"""The New article / Duplicate dialog: title, category, id (automatic unless typed) and language, with
the file it will make, or why it cannot, shown as you type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit

from editor.core.new_article import NewArticle, NewArticleError
from editor.ui.dialogs.planned import PlannedDialog

# planner(title, category, id or None, language or None) -> NewArticle, raising NewArticleError
Planner = Callable[[str, str, str | None, str | None], NewArticle]


class ArticleDialog(PlannedDialog):
    """`planner` is asked again at each change; OK stays disabled while it refuses."""

    def __init__(self, title: str, planner: Planner, categories: list[str], *, initial_title: str = "",
                 category: str = "", language: str | None = None, ask_language: bool = True, parent=None):
        super().__init__(title, parent)
        self.planner = planner
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
        self.result_label.setAccessibleName("File to be created")
        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("&Category:", self.category_combo)
        self.form.addRow("&ID:", self.id_edit)
        if ask_language:
            self.form.addRow("&Language:", self.language_edit)
        else:
            self.language_edit.hide()
        self.finish("Create")
        for edit in (self.title_edit, self.id_edit, self.language_edit):
            edit.textChanged.connect(self.update_plan)
        self.category_combo.currentTextChanged.connect(self.update_plan)
        self.title_edit.setFocus()
        self.title_edit.selectAll()
        self.update_plan()

    def make_plan(self) -> NewArticle:
        return self.planner(self.title_edit.text(), self.category_combo.currentText(),
                            self.id_edit.text().strip() or None, self.language_edit.text().strip() or None)

    def refusal(self, exc: NewArticleError) -> str:
        return exc.message if self.title_edit.text().strip() else "Type the article's title."

    def describe(self, plan: NewArticle) -> str:
        self.id_edit.setPlaceholderText(plan.id if not self.id_edit.text() else "")
        note = f"<br><i>{plan.note}</i>" if plan.note else ""
        return f"Creates <b>{plan.rel}</b> with the id <b>{plan.id}</b>.{note}"
