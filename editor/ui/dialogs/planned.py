"""What the New article, Duplicate and Rename dialogs share: a form over a line that says what OK will
do (or why it cannot), replanned at every change, OK enabled only while the plan holds."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from editor.core.new_article import NewArticleError
from editor.ui import theme


class PlannedDialog(QDialog):
    """Subclasses fill `form`, then call `finish(ok_text)`; `make_plan()` returns the plan or raises
    NewArticleError; `describe(plan)` words it."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.plan = None
        self.form = QFormLayout()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self, ok_text: str) -> None:
        self.ok_button.setText(ok_text)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

    def make_plan(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, plan) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def refusal(self, exc: NewArticleError) -> str:
        return exc.message

    def update_plan(self, *_args) -> None:
        try:
            self.plan = self.make_plan()
        except NewArticleError as exc:
            self.plan = None
            text = self.refusal(exc)
            self.result_label.setText(text)
            self.result_label.setStyleSheet(f"color: {theme.error_color().name()};" if text == exc.message else "")
        else:
            self.result_label.setText(self.describe(self.plan))
            self.result_label.setStyleSheet("")
        self.ok_button.setEnabled(self.plan is not None)

    def accept(self) -> None:
        self.update_plan()
        if self.plan is not None:
            super().accept()
