"""Any value as YAML text: the editor for what the schema declares no widget for."""

from __future__ import annotations

from typing import Any

import yaml

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette, QTextOption
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
)

from editor.ui.form.base import ERROR_COLOR, MISSING, AutoHeightPlainTextEdit, FieldEditor


def yaml_text(value: Any) -> str:
    """A value as the YAML text a person would type for it."""
    if value is MISSING:
        return ""
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    if text.endswith("\n...\n"):
        text = text[: -len("...\n")]
    return text.rstrip("\n")


class YamlFieldEditor(FieldEditor):
    """Any value as YAML text: written when leaving the field (or Ctrl+Enter) if it parses; a parse
    error is shown and nothing is written."""

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
        self.message.setVisible(False)
        self.set_local_warning("")

    def parse(self) -> tuple[bool, Any]:
        text = self.edit.toPlainText()
        try:
            return True, yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
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
