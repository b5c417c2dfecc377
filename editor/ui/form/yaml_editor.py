"""Any value as YAML text: the editor for what the schema declares no widget for."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette, QTextOption
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
)

from editor.core.document import edits, values
from editor.core.document.diffops import SyncValue
from editor.core.document.errors import ArticleError
from editor.ui.form.base import ERROR_COLOR, MISSING, AutoHeightPlainTextEdit, FieldEditor
from editor.ui.history import forget_typing


def yaml_text(value: Any) -> str:
    """A value as the YAML text a person would type for it."""
    if value is MISSING:
        return ""
    return values.yaml_text(value)


class YamlFieldEditor(FieldEditor):
    """Any value as YAML text: written when leaving the field (or Ctrl+Enter) if it parses; a parse
    error is shown and nothing is written. The text is read as the articles are (YAML 1.2), and only
    what differs from the field's value is written, as one undo step (`SyncValue`): the scalars not
    changed in the box keep their bytes, a folded statement one word of which changed stays folded."""

    def build(self, layout):
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.edit = AutoHeightPlainTextEdit(self, min_lines=1, max_lines=12)
        self.edit.setWordWrapMode(QTextOption.WrapMode.NoWrap)
        font = self.edit.font()
        font.setStyleHint(font.StyleHint.Monospace)
        font.setFamily("monospace")
        self.edit.setFont(font)
        self.edit.focus_out.connect(self.flush)
        self.edit.installEventFilter(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        palette = self.message.palette()
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
        self.message.setPalette(palette)
        box.addWidget(self.edit)
        box.addWidget(self.message)
        layout.addLayout(box)
        self.setFocusProxy(self.edit)
        self._shown_text = ""

    def eventFilter(self, obj, event):
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.flush()
            return True
        return super().eventFilter(obj, event)

    def show_value(self, value):
        text = yaml_text(value)
        self._shown_text = text
        if self.edit.toPlainText() != text:
            self.edit.setPlainText(text)
        forget_typing(self.edit)
        self.message.setVisible(False)
        self.set_local_warning("")

    def parse(self) -> tuple[bool, Any]:
        text = self.edit.toPlainText()
        try:
            return True, values.read_yaml(text) if text.strip() else None
        except ArticleError as exc:
            where = f" (line {exc.line})" if exc.line is not None else ""
            problem = exc.message.removeprefix("malformed YAML: ")
            self.message.setText(f"Not valid YAML{where}: {problem}. Nothing was written.")
            self.message.setVisible(True)
            self.set_local_warning("not valid YAML: not saved")
            return False, None

    def flush(self):
        if self.ctx.is_updating or self.edit.toPlainText() == self._shown_text:
            self.message.setVisible(False)
            return
        ok, value = self.parse()
        if not ok:
            return
        self.message.setVisible(False)
        self.set_local_warning("")
        self.write(value)

    def write(self, value: Any) -> bool:
        """Change only what differs from the field's value; a missing field is added as usual."""
        if self.ctx.is_updating or not self.path:
            return False
        current = self.current()
        if current is MISSING:
            return super().write(value)
        if edits.strict_equal(current, value):
            return False
        return self.ctx.apply(SyncValue(self.path, value))
