"""A list of strings, one per row: add, remove, reorder, paste several lines at once."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from editor.core.document import edits
from editor.core.validation.problems import Problem
from editor.ui.form.base import MISSING, FieldEditor, problem_path, problems_tooltip, severity_color, tool_button

# -- lists of strings -------------------------------------------------------------------------------------

class _StringListView(QListWidget):
    action = Signal(str)

    def event(self, event):
        if event.type() == QEvent.Type.ShortcutOverride and self._key_action(event) is not None \
                and self.state() != QAbstractItemView.State.EditingState:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        action = self._key_action(event)
        if action is not None and self.state() != QAbstractItemView.State.EditingState:
            self.action.emit(action)
            event.accept()
            return
        super().keyPressEvent(event)

    @staticmethod
    def _key_action(event) -> str | None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        key = event.key()
        if ctrl and key == Qt.Key.Key_Up:
            return "up"
        if ctrl and key == Qt.Key.Key_Down:
            return "down"
        if ctrl and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return "add"
        if key == Qt.Key.Key_Delete:
            return "remove"
        if event.matches(QKeySequence.StandardKey.Paste):
            return "paste"
        return None


class StringListEditor(FieldEditor):
    """One row per string: double-click, F2 or Enter edits a row; add, remove, move; a paste of several
    lines adds one item per line (one undo step)."""

    def build(self, layout):
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.view = _StringListView(self)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setAccessibleName(self.spec.label)
        self.view.itemChanged.connect(self._item_changed)
        self.view.itemDelegate().closeEditor.connect(lambda *_: QTimer.singleShot(0, self._editor_closed))
        self.view.action.connect(self._action)
        self.view.activated.connect(self.view.edit)  # Enter edits the row
        self.view.installEventFilter(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(0)
        self.add_button = tool_button(self, "+ Add", f"Add an item at the end of {self.spec.label} (Ctrl+Enter)",
                                      self.add_item)
        self.remove_button = tool_button(self, "\u2212 Remove", "Remove the selected item (Delete)", self.remove_item)
        self.up_button = tool_button(self, "\u2191", "Move the selected item up (Ctrl+Up)", lambda: self.move(-1))
        self.down_button = tool_button(self, "\u2193", "Move the selected item down (Ctrl+Down)", lambda: self.move(1))
        self.count_label = QLabel(self)
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for widget in (self.add_button, self.remove_button, self.up_button, self.down_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        box.addWidget(self.view)
        box.addLayout(bar)
        layout.addLayout(box)
        self.setFocusProxy(self.view)
        self._values: list[str] = []
        self._pending_row: int | None = None
        self._row_problems: dict[int, list[Problem]] = {}

    def accepts(self, value):
        return value is MISSING or value is None or (isinstance(value, list) and all(
            isinstance(item, str) for item in value))

    # showing -------------------------------------------------------------------------------------------
    def show_value(self, value):
        values = list(value) if isinstance(value, list) else []
        self._values = values
        self._pending_row = None
        current = self.view.currentRow()
        if [self.view.item(i).text() for i in range(self.view.count())] != values:
            self.view.clear()
            for text in values:
                self._add_view_item(text)
            if values:
                self.view.setCurrentRow(max(0, min(current, len(values) - 1)),
                                        QItemSelectionModel.SelectionFlag.NoUpdate)
        self._paint_rows()
        self.count_label.setText(f"{len(values)} item{'s' if len(values) != 1 else ''}")
        self._fit()

    def _add_view_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.view.addItem(item)
        return item

    MAX_ROWS = 60  # the list is as tall as its rows (wrapped) up to this many; longer ones scroll

    def _fit(self):
        """As tall as its rows (wrapped), so the list has no scrollbar of its own inside the form's."""
        fm = QFontMetrics(self.view.font())
        width = max(50, self.view.viewport().width() - 8)
        height = 0
        for i in range(min(self.view.count(), self.MAX_ROWS)):
            text = self.view.item(i).text() or " "
            rect = fm.boundingRect(QRect(0, 0, width, 10000), int(Qt.TextFlag.TextWordWrap), text)
            height += rect.height() + 4
        if self.view.count() == 0:
            height = fm.lineSpacing() + 8
        self.view.setFixedHeight(height + 2 * self.view.frameWidth() + 2)

    def eventFilter(self, obj, event):
        if obj is self.view and event.type() == QEvent.Type.Resize and event.oldSize().width() != event.size().width():
            QTimer.singleShot(0, self._fit)
        return super().eventFilter(obj, event)

    def set_problems(self, problems):
        super().set_problems(problems)
        n = len(self.path)
        rows: dict[int, list[Problem]] = {}

        for problem in problems:
            path = problem_path(problem)
            if path is not None and len(path) > n and isinstance(path[n], int):
                rows.setdefault(path[n], []).append(problem)
        self._row_problems = rows
        self._paint_rows()

    def _paint_rows(self):
        with self.ctx.updating():
            for i in range(self.view.count()):
                item = self.view.item(i)
                problems = self._row_problems.get(i, [])
                color = severity_color(problems)
                item.setForeground(color if color is not None else self.view.palette().color(
                    QPalette.ColorRole.Text))
                item.setToolTip(problems_tooltip(problems) if problems else item.text())

    # editing ---------------------------------------------------------------------------------------------
    def _item_changed(self, item: QListWidgetItem):
        if self.ctx.is_updating:
            return
        row = self.view.row(item)
        text = item.text()
        if row == self._pending_row:
            self._pending_row = None
            if text.strip():
                self._insert([text], row)
            return
        if 0 <= row < len(self._values) and text != self._values[row]:
            self.ctx.apply(edits.SetValue((*self.path, row), text))

    def _editor_closed(self):
        if self._pending_row is not None:
            self._pending_row = None
            self.refresh()

    def _insert(self, texts: list[str], row: int) -> bool:
        current = self.current()
        if current is MISSING or current is None:
            return self.write(list(texts))
        if len(texts) == 1:
            ok = self.ctx.apply(edits.InsertItem(self.path, row, texts[0]))
        else:
            with self.ctx.macro(f"Paste {len(texts)} items into {self.spec.label}"):
                ok = all(self.ctx.apply(edits.InsertItem(self.path, row + i, text)) for i, text in enumerate(texts))
        if ok:
            self.view.setCurrentRow(row + len(texts) - 1)
        return ok

    def add_item(self):
        """A new empty row at the end, edited in place; written when the edit ends with some text."""
        row = self.view.count()
        with self.ctx.updating():
            item = QListWidgetItem("")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.view.insertItem(row, item)
        self._pending_row = row
        self._fit()
        self.view.setCurrentRow(row)
        self.view.setFocus()
        self.view.editItem(item)

    def remove_item(self):
        row = self.view.currentRow()
        if 0 <= row < len(self._values) and self.ctx.apply(edits.RemoveItem(self.path, row)) and self._values:
            self.view.setCurrentRow(min(row, len(self._values) - 1))

    def move(self, delta: int):
        row = self.view.currentRow()
        dst = row + delta
        if 0 <= row < len(self._values) and 0 <= dst < len(self._values) and self.ctx.apply(
                edits.MoveItem(self.path, row, dst)):
            self.view.setCurrentRow(dst)

    def paste(self):
        text = QGuiApplication.clipboard().text()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            row = self.view.currentRow() + 1 if self.view.currentRow() >= 0 else len(self._values)
            self._insert(lines, min(row, len(self._values)))

    def _action(self, name: str):
        {"up": lambda: self.move(-1), "down": lambda: self.move(1), "add": self.add_item,
         "remove": self.remove_item, "paste": self.paste}[name]()

    def focus_editor(self):
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.view.currentRow() < 0 and self.view.count():
            self.view.setCurrentRow(0)

    def focus_row(self, row: int):
        if 0 <= row < self.view.count():
            self.view.setCurrentRow(row)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
