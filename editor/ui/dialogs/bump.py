"""The batch bump dialog: choose the date field and the date, read the combined diff, then apply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from editor.core.bump import BumpPlanSet
from editor.ui.dialogs.diff_view import DiffView


class BumpDialog(QDialog):
    """`planner(fields, date) -> BumpPlanSet` is called again whenever the field or the date changes."""

    def __init__(self, count: int, date_fields: list[str], planner: Callable[[list[str], dt.date], BumpPlanSet],
                 today: dt.date | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Bump a date on {count} article{'s' if count != 1 else ''}")
        self.resize(860, 600)
        self.planner = planner
        self.plan_set: BumpPlanSet | None = None

        self.field_combo = QComboBox()
        self.field_combo.setEditable(False)
        self.field_combo.addItems(date_fields)
        self.field_combo.setAccessibleName("Date field")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = today or dt.date.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.date_edit.setAccessibleName("New date")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.view = DiffView()
        self.problems = QLabel()
        self.problems.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Field:", self.field_combo)
        form.addRow("&Date:", self.date_edit)
        diff_label = QLabel("&Changes to be written:")
        diff_label.setBuddy(self.view)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setAccessibleName("Apply the bump")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(diff_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

        self.field_combo.currentTextChanged.connect(self.replan)
        self.date_edit.dateChanged.connect(self.replan)
        self.replan()

    def selected_field(self) -> str:
        return self.field_combo.currentText()

    def selected_date(self) -> dt.date:
        return self.date_edit.date().toPython()

    def replan(self, *_args) -> None:
        self.plan_set = self.planner([self.selected_field()], self.selected_date())
        self.view.set_diff(self.plan_set.combined_diff())
        self.summary.setText(self.plan_set.summary() + ". Nothing is written until you apply; one undo "
                             "(Ctrl+Z in the corpus list) restores every file.")
        failed = [f"{p.path}: {p.reason}" for p in self.plan_set.plans if p.error]
        self.problems.setText("Not bumped:\n" + "\n".join(failed) if failed else "")
        self.problems.setVisible(bool(failed))
        n = len(self.plan_set.to_write)
        self.apply_button.setText(f"Apply to {n} article{'s' if n != 1 else ''}")
        self.apply_button.setEnabled(n > 0)
