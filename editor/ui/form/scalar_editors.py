"""Editors of one scalar: line, text, enum (radio buttons or a searchable combo), date, bool, int, number."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidgetAction,
)

from editor.core.validation.schema import date_value
from editor.ui.form.base import MISSING, AutoHeightPlainTextEdit, FieldEditor
from editor.ui.history import forget_typing


class _NoWheelMixin:
    """Spin boxes and combos in a scrolling form ignore the wheel unless focused."""

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class LineFieldEditor(FieldEditor):
    """One line of text; written when editing finishes (Enter or leaving the field)."""

    def build(self, layout):
        self.edit = QLineEdit(self)
        self.edit.setClearButtonEnabled(False)
        if self.spec.widget == "url":
            self.edit.setPlaceholderText("https://")
        if self.spec.suggestions:
            completer = QCompleter([str(s) for s in self.spec.suggestions], self.edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.edit.setCompleter(completer)
        self.edit.editingFinished.connect(self._finished)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self._shown: Any = MISSING

    def accepts(self, value):
        return value is MISSING or value is None or (isinstance(value, (str, int, float)) and not isinstance(
            value, bool))

    def show_value(self, value):
        self._shown = value
        text = "" if value is MISSING or value is None else str(value)
        if self.edit.text() != text:
            self.edit.setText(text)
            self.edit.setCursorPosition(0) if not self.edit.hasFocus() else None
        forget_typing(self.edit)  # written (or never typed): Ctrl+Z belongs to the article now
        self.edit.setPlaceholderText("(null)" if value is None else "https://" if self.spec.widget == "url" else "")

    def _finished(self):
        if self.ctx.is_updating:
            return
        text = self.edit.text()
        value = self.current()
        shown = "" if value is MISSING or value is None else str(value)
        if text == shown:
            return
        if not isinstance(value, str) and value is not MISSING and value is not None:
            # a number in a text field: keep its type when the text still reads as one
            try:
                typed: Any = type(value)(text)
                if str(typed) == text:
                    self.write(typed)
                    return
            except ValueError:
                pass
        self.write(text)

    def flush(self):
        if self.edit.hasFocus() or self.edit.isModified():
            self._finished()


class TextFieldEditor(FieldEditor):
    """Long text (statements, gaps): written after a short pause in typing and when leaving the field."""

    PAUSE_MS = 600

    def build(self, layout):
        self.edit = AutoHeightPlainTextEdit(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.PAUSE_MS)
        self.timer.timeout.connect(self.flush)
        self.edit.textChanged.connect(self._typed)
        self.edit.focus_out.connect(self.flush)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def accepts(self, value):
        return value is MISSING or value is None or isinstance(value, str)

    def show_value(self, value):
        self.timer.stop()
        text = "" if value is MISSING or value is None else str(value)
        if self.edit.toPlainText() != text:
            cursor = self.edit.textCursor()
            position = cursor.position()
            self.edit.setPlainText(text)
            if self.edit.hasFocus():
                cursor = self.edit.textCursor()
                cursor.setPosition(min(position, len(text)))
                self.edit.setTextCursor(cursor)
        forget_typing(self.edit)

    def _typed(self):
        if not self.ctx.is_updating:
            self.timer.start()

    def flush(self):
        self.timer.stop()
        if self.ctx.is_updating:
            return
        text = self.edit.toPlainText()
        value = self.current()
        if value is MISSING and not text:
            return
        if value is not MISSING and value is not None and text == str(value):
            return
        self.write(text)


class EnumFieldEditor(FieldEditor):
    """Radio buttons up to 5 options, a searchable combo above; an out-of-vocabulary value stays visible."""

    RADIO_LIMIT = 5

    def build(self, layout):
        self.options = list(self.spec.enum)
        self.radios = len(self.options) <= self.RADIO_LIMIT
        self._extra_value: Any = MISSING
        if self.radios:
            self.group = QButtonGroup(self)
            self.group.setExclusive(True)
            self.buttons: list[QRadioButton] = []
            for i, option in enumerate(self.options):
                button = QRadioButton(_enum_text(option), self)
                self.group.addButton(button, i)
                self.buttons.append(button)
                layout.addWidget(button)
            self.extra_button = QRadioButton(self)
            self.extra_button.setVisible(False)
            self.group.addButton(self.extra_button, -2)
            layout.addWidget(self.extra_button)
            self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
            self.group.idClicked.connect(self._clicked)
            self.setFocusProxy(self.buttons[0] if self.buttons else None)
        else:
            self.combo = _NoWheelCombo(self)
            self.combo.setEditable(True)
            self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
            self.combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            self._fill_combo()
            self.combo.activated.connect(self._activated)
            self.combo.lineEdit().editingFinished.connect(self._combo_typed)
            layout.addWidget(self.combo)
            self.setFocusProxy(self.combo)

    def _fill_combo(self):
        self.combo.clear()
        self.combo.addItem("", MISSING)
        for option in self.options:
            self.combo.addItem(_enum_text(option), option)
        if self._extra_value is not MISSING:
            self.combo.addItem(f"{_enum_text(self._extra_value)} (not in the list)", self._extra_value)

    def accepts(self, value):
        return not isinstance(value, (dict, list))

    def focus_editor(self):
        if self.radios:
            checked = self.group.checkedButton()
            (checked or (self.buttons[0] if self.buttons else self)).setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_value(self, value):
        known = value is MISSING or value is None or any(
            _same_option(value, option) for option in self.options)
        self._extra_value = MISSING if known else value
        self.set_local_warning("" if known else f"{_enum_text(value)!s} is not one of "
                               f"{', '.join(_enum_text(o) for o in self.options)}; kept until you pick another")
        if self.radios:
            self.extra_button.setVisible(not known)
            if not known:
                self.extra_button.setText(f"{_enum_text(value)} \u26a0")
                self.extra_button.setChecked(True)
                return
            index = next((i for i, o in enumerate(self.options) if _same_option(value, o)), None)
            if index is None:
                self.group.setExclusive(False)
                for button in self.group.buttons():
                    button.setChecked(False)
                self.group.setExclusive(True)
            else:
                self.buttons[index].setChecked(True)
        else:
            self._fill_combo()
            if value is MISSING or value is None:
                self.combo.setCurrentIndex(0)
            elif known:
                index = next(i for i, o in enumerate(self.options) if _same_option(value, o))
                self.combo.setCurrentIndex(index + 1)
            else:
                self.combo.setCurrentIndex(self.combo.count() - 1)
            forget_typing(self.combo)

    def _clicked(self, index: int):
        if index >= 0:
            self.write(self.options[index])

    def _activated(self, index: int):
        value = self.combo.itemData(index)
        if value is not MISSING and index > 0:
            self.write(value)

    def _combo_typed(self):
        if self.ctx.is_updating:
            return
        text = self.combo.currentText().strip()
        for option in self.options:
            if _enum_text(option).lower() == text.lower():
                self.write(option)
                return


def _enum_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same_option(value: Any, option: Any) -> bool:
    return type(value) is type(option) and value == option


class _NoWheelCombo(_NoWheelMixin, QComboBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class DateFieldEditor(FieldEditor):
    """A date: typed `YYYY-MM-DD`, a calendar popup and a Today button. Written in the file's own form:
    text stays text (and keeps its quotes), an unquoted YAML date stays a date."""

    def build(self, layout):
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("YYYY-MM-DD")
        metrics = QFontMetrics(self.edit.font())
        self.edit.setMaximumWidth(metrics.horizontalAdvance("0000-00-00 000000") + 16)
        self.edit.setMinimumWidth(metrics.horizontalAdvance("0000-00-00") + 24)  # the whole date, never "07-04"
        self.edit.editingFinished.connect(self._finished)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("\u25be")
        self.calendar_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.calendar_button.setToolTip("Pick a date")
        self.calendar_button.setAccessibleName(f"Pick {self.spec.label}")
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.calendar_button)
        self.calendar = QCalendarWidget(self.menu)
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        action = QWidgetAction(self.menu)
        action.setDefaultWidget(self.calendar)
        self.menu.addAction(action)
        self.menu.aboutToShow.connect(self._prepare_calendar)
        self.calendar_button.setMenu(self.menu)
        self.today_button = QPushButton("Today", self)
        self.today_button.setToolTip(f"Set {self.spec.label} to today's date")
        self.today_button.clicked.connect(self.set_today)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.today_button)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.setFocusProxy(self.edit)

    def accepts(self, value):
        return not isinstance(value, (dict, list))

    def show_value(self, value):
        if value is MISSING or value is None:
            text = ""
        elif isinstance(value, dt.date):
            text = value.isoformat()
        else:
            text = str(value)
        if self.edit.text() != text:
            self.edit.setText(text)
        forget_typing(self.edit)
        self.set_local_warning("")

    def _prepare_calendar(self):
        current = date_value(self.current())
        if current is not None:
            self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _picked(self, qdate: QDate):
        self.menu.close()
        self.write_date(dt.date(qdate.year(), qdate.month(), qdate.day()))

    def set_today(self):
        self.write_date(dt.date.today())

    def write_date(self, date: dt.date) -> bool:
        current = self.current()
        if isinstance(current, dt.datetime) or not isinstance(current, dt.date):
            return self.write(date.isoformat())
        return self.write(date)

    def _finished(self):
        if self.ctx.is_updating:
            return
        text = self.edit.text().strip()
        current = self.current()
        shown = "" if current is MISSING or current is None else (
            current.isoformat() if isinstance(current, dt.date) else str(current))
        if text == shown:
            self.set_local_warning("")
            return
        if not text:
            self.edit.setText(shown)
            return
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            date = None
        if date is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.set_local_warning(f"{text!r} is not a date written YYYY-MM-DD: not saved")
            return
        self.set_local_warning("")
        self.write_date(date)

    def flush(self):
        if self.edit.isModified():
            self._finished()


class BoolFieldEditor(FieldEditor):
    def build(self, layout):
        self.check = QCheckBox(self)
        self.check.clicked.connect(self._clicked)
        self.state_label = QLabel(self)
        self.state_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.check)
        layout.addWidget(self.state_label)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.setFocusProxy(self.check)

    def accepts(self, value):
        return value is MISSING or value is None or isinstance(value, bool)

    def show_value(self, value):
        self.check.setChecked(value is True)
        self.state_label.setText("not set" if value is MISSING or value is None else "")

    def _clicked(self, checked: bool):
        self.write(bool(checked))


class _Spin(_NoWheelMixin, QSpinBox):
    """A spin box whose minimum stands for "no value"; stepping from it starts at `start`."""

    start = 0

    def stepBy(self, steps):
        if self.value() == self.minimum():
            self.setValue(max(self.minimum() + 1, min(self.maximum(), self.start)))
            return
        super().stepBy(steps)


class _DoubleSpin(_NoWheelMixin, QDoubleSpinBox):
    start = 0.0

    def stepBy(self, steps):
        if self.value() == self.minimum():
            self.setValue(max(self.minimum() + self.singleStep(), min(self.maximum(), self.start)))
            return
        super().stepBy(steps)


class IntFieldEditor(FieldEditor):
    """Whole numbers (years) in a spin box; empty stands for an absent field."""

    def build(self, layout):
        self.spin = _Spin(self)
        self.spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        low = int(self.spec.minimum) if self.spec.minimum is not None else -(2**31) + 2
        high = int(self.spec.maximum) if self.spec.maximum is not None else 2**31 - 1
        self.spin.setRange(low - 1, high)
        self.spin.setSpecialValueText(" ")
        self.spin.start = dt.date.today().year if "year" in self.spec.name.lower() else max(low, 0)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(QFontMetrics(self.spin.font()).horizontalAdvance("000000") + 40)
        self.spin.valueChanged.connect(self._changed)
        layout.addWidget(self.spin)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.setFocusProxy(self.spin)

    def accepts(self, value):
        return value is MISSING or value is None or (isinstance(value, int) and not isinstance(value, bool) and (
            self.spin.minimum() < value <= self.spin.maximum()))

    def show_value(self, value):
        self.spin.setValue(self.spin.minimum() if value is MISSING or value is None else int(value))
        forget_typing(self.spin)

    def _changed(self, number: int):
        if self.ctx.is_updating or number == self.spin.minimum():
            return
        self.write(int(number))


class NumberFieldEditor(FieldEditor):
    """A number in a spin box (completeness: 0..1 by 0.05)."""

    def build(self, layout):
        self.spin = _DoubleSpin(self)
        self.spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        low = float(self.spec.minimum) if self.spec.minimum is not None else -1e12
        high = float(self.spec.maximum) if self.spec.maximum is not None else 1e12
        self.unit_range = self.spec.minimum is not None and self.spec.maximum is not None and high - low <= 1
        self.spin.setDecimals(2)
        step = 0.05 if self.unit_range else 1.0
        self.spin.setSingleStep(step)
        self.low = low
        self.spin.setRange(low - step, high)
        self.spin.setSpecialValueText(" ")
        self.spin.start = low if self.unit_range else max(low, 0.0)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(QFontMetrics(self.spin.font()).horizontalAdvance("0.000") + 40)
        self.spin.valueChanged.connect(self._changed)
        layout.addWidget(self.spin)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.setFocusProxy(self.spin)

    def accepts(self, value):
        if value is MISSING or value is None:
            return True
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
        return self.spin.minimum() < value <= self.spin.maximum()

    def show_value(self, value):
        if value is MISSING or value is None:
            self.spin.setValue(self.spin.minimum())
            forget_typing(self.spin)
            return
        text = repr(float(value))
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 2
        self.spin.setDecimals(max(2, min(decimals, 6)))
        self.spin.setValue(float(value))
        forget_typing(self.spin)

    def _changed(self, number: float):
        if self.ctx.is_updating or number <= self.spin.minimum():
            return
        current = self.current()
        if isinstance(current, (int, float)) and not isinstance(current, bool) and abs(current - number) < 1e-9:
            return
        value: Any = round(number, self.spin.decimals())
        if isinstance(current, int) and not isinstance(current, bool) and float(value).is_integer():
            value = int(value)
        self.write(value)
