"""Field editors of the generated article form, and the form of fields they live in.

Every editor shows the value at one field path of the session's document and, when the user changes
it, writes it back as one core operation through the shared `FormContext`. Refreshing an editor from
the document happens inside `FormContext.updating()`, a counting context (Picard's
`IgnoreUpdatesContext`) during which editors never write: an edit is never echoed back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from PySide6.QtCore import QDate, QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen, QTextOption
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from editor.core.document import edits
from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError, CorpusEditorError, FieldPathError
from editor.core.document.fieldpath import Path, format_path, parse_path
from editor.core.validation.problems import Problem
from editor.core.validation.schema import FieldSpec, date_value

MISSING: Any = object()


ERROR_COLOR = QColor("#d32f2f")
WARNING_COLOR = QColor("#e0a100")


def severity_color(problems: list[Problem]) -> QColor | None:
    if not problems:
        return None
    return ERROR_COLOR if any(p.is_error for p in problems) else WARNING_COLOR


def problems_tooltip(problems: list[Problem]) -> str:
    return "\n".join(f"{'Error' if p.is_error else 'Warning'}: {p.message}" for p in problems)


def problem_path(problem: Problem) -> Path | None:
    if not problem.field:
        return None
    try:
        return parse_path(problem.field)
    except FieldPathError:
        return None


# -- the shared state of one form ---------------------------------------------------------------------

class FormContext(QObject):
    """What every editor of one article form shares: the session, the schema, the problems, and the
    counting "updating" state that keeps refreshes from being written back."""

    error = Signal(str)  # an edit was refused: the message to show
    edited = Signal()  # an edit went through

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.session = None
        self.schema = None
        self._updating = 0
        self.problems: list[Problem] = []
        self._by_path: dict[Path, list[Problem]] = {}
        self._saved_key: bytes | None = None
        self._saved_doc = None

    # updating -------------------------------------------------------------------------------------
    @contextmanager
    def updating(self) -> Iterator[None]:
        self._updating += 1
        try:
            yield
        finally:
            self._updating -= 1

    @property
    def is_updating(self) -> bool:
        return self._updating > 0

    # the document ---------------------------------------------------------------------------------
    @property
    def doc(self):
        return self.session.doc if self.session is not None else None

    def get(self, path: Path, default: Any = MISSING) -> Any:
        doc = self.doc
        if doc is None:
            return default
        try:
            return doc.get(path) if path else doc.data
        except FieldPathError:
            return default

    def apply(self, op: edits.Operation, merge_typing: bool = False) -> bool:
        """Apply one core operation through the session; a refusal is reported, never raised."""
        if self.is_updating or self.session is None:
            return False
        try:
            self.session.apply(op, merge_typing=merge_typing)
        except CorpusEditorError as exc:
            self.error.emit(getattr(exc, "message", None) or str(exc))
            return False
        self.edited.emit()
        return True

    # the saved file, for dirty markers and per-field revert -------------------------------------------
    def saved_doc(self):
        session = self.session
        if session is None:
            return None
        data = session.saved_bytes
        if data is not self._saved_key:
            self._saved_key = data
            try:
                self._saved_doc = ArticleDocument.from_bytes(data, session.path)
            except ArticleError:
                self._saved_doc = None
        return self._saved_doc

    def saved_value(self, path: Path) -> Any:
        saved = self.saved_doc()
        if saved is None:
            return MISSING
        try:
            return saved.get(path) if path else saved.data
        except FieldPathError:
            return MISSING

    def is_dirty(self, path: Path) -> bool:
        """Whether the field differs from the saved file (both absent: not dirty)."""
        if self.saved_doc() is None:
            return False
        now, then = self.get(path), self.saved_value(path)
        if now is MISSING or then is MISSING:
            return now is not then
        return not edits.strict_equal(now, then)

    @contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """Several operations as one undo step (a paste of several lines)."""
        stack = self.session.undo_stack
        stack.beginMacro(text)
        try:
            yield
        finally:
            stack.endMacro()

    # problems ---------------------------------------------------------------------------------------
    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self._by_path = {}
        for problem in self.problems:
            path = problem_path(problem)
            if path is not None:
                self._by_path.setdefault(path, []).append(problem)

    def problems_at(self, path: Path, deep: bool = False) -> list[Problem]:
        if not deep:
            return list(self._by_path.get(tuple(path), ()))
        n = len(path)
        found: list[Problem] = []
        for key, problems in self._by_path.items():
            if key[:n] == tuple(path):
                found.extend(problems)
        return found

    def problems_by_row(self, list_path: Path) -> dict[int, list[Problem]]:
        """Problems under each item of the list at `list_path`, by index (for list badges)."""
        n = len(list_path)
        rows: dict[int, list[Problem]] = {}
        for key, problems in self._by_path.items():
            if len(key) > n and key[:n] == tuple(list_path) and isinstance(key[n], int):
                rows.setdefault(key[n], []).extend(problems)
        return rows


# -- editors --------------------------------------------------------------------------------------------

class FieldEditor(QWidget):
    """Base class: one field at `path`. Subclasses build their control in `build` and implement
    `show_value`; they call `write(value)` when the user has changed the value."""

    MARGIN = 3

    def __init__(self, spec: FieldSpec, ctx: FormContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.ctx = ctx
        self.path: Path = ()
        self.writer = None  # callable(value) set by the FieldsForm (adds missing keys in schema order)
        self._problems: list[Problem] = []
        self._local_warning = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(self.MARGIN, self.MARGIN, self.MARGIN, self.MARGIN)
        layout.setSpacing(6)
        self.build(layout)

    # for subclasses ---------------------------------------------------------------------------------
    def build(self, layout: QHBoxLayout) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_value(self, value: Any) -> None:  # pragma: no cover - abstract
        """Show `value` (MISSING when the field is absent) without writing anything."""
        raise NotImplementedError

    def accepts(self, value: Any) -> bool:
        """Whether this editor can show `value` without losing it (else the form uses a YAML editor)."""
        return True

    def focus_editor(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def flush(self) -> None:
        """Write a pending change now (before the form moves to another item)."""

    # shared ---------------------------------------------------------------------------------------------
    def current(self) -> Any:
        return self.ctx.get(self.path)

    def set_path(self, path: Path) -> None:
        self.path = tuple(path)

    def refresh(self) -> None:
        with self.ctx.updating():
            self.show_value(self.current())

    def write(self, value: Any) -> bool:
        if self.ctx.is_updating or not self.path:
            return False
        current = self.current()
        if current is not MISSING and edits.strict_equal(current, value):
            return False
        if self.writer is not None:
            return self.writer(value)
        return self.ctx.apply(edits.set_path_value(self.path, value))

    def set_problems(self, problems: list[Problem]) -> None:
        self._problems = list(problems)
        self._update_marks()

    def set_local_warning(self, text: str) -> None:
        """A warning the editor itself sees (a value outside the vocabulary, text that is no date)."""
        if text != self._local_warning:
            self._local_warning = text
            self._update_marks()

    def _update_marks(self) -> None:
        tips = [problems_tooltip(self._problems)] if self._problems else []
        if self._local_warning:
            tips.append(f"Warning: {self._local_warning}")
        help_text = self.spec.help
        self.setToolTip("\n".join([*tips, *([help_text] if help_text and not tips else [])]))
        self.update()

    def mark_color(self) -> QColor | None:
        color = severity_color(self._problems)
        if color is None and self._local_warning:
            color = WARNING_COLOR
        return color

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        color = self.mark_color()
        if color is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color)
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)


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


class _AutoHeightPlainTextEdit(QPlainTextEdit):
    focus_out = Signal()

    def __init__(self, parent=None, min_lines: int = 2, max_lines: int = 14):
        super().__init__(parent)
        self.min_lines, self.max_lines = min_lines, max_lines
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_args):
        lines = max(self.min_lines, min(self.max_lines, int(self.document().documentLayout().documentSize()
                                                                 .height())))
        fm = QFontMetrics(self.font())
        margins = self.contentsMargins()
        height = lines * fm.lineSpacing() + 2 * self.document().documentMargin() + margins.top() + margins.bottom()
        self.setFixedHeight(int(height) + 2)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit()

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        self.focus_out.emit()


class TextFieldEditor(FieldEditor):
    """Long text (statements, gaps): written after a short pause in typing and when leaving the field."""

    PAUSE_MS = 600

    def build(self, layout):
        self.edit = _AutoHeightPlainTextEdit(self)
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
        self.edit.setMaximumWidth(QFontMetrics(self.edit.font()).horizontalAdvance("0000-00-00 000000") + 16)
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
            return
        text = repr(float(value))
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 2
        self.spin.setDecimals(max(2, min(decimals, 6)))
        self.spin.setValue(float(value))

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
        self.edit = _AutoHeightPlainTextEdit(self, min_lines=1, max_lines=12)
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


class ObjectFieldEditor(FieldEditor):
    """A mapping with declared fields: its own small form."""

    def build(self, layout):
        self.form = FieldsForm(list(self.spec.items), self.ctx, self, show_other=True)
        self.form.setObjectName("nestedForm")
        layout.addWidget(self.form)

    def set_path(self, path):
        super().set_path(path)
        self.form.set_base(self.path)

    def accepts(self, value):
        return value is MISSING or isinstance(value, dict)

    def show_value(self, value):
        self.form.refresh()

    def set_problems(self, problems):
        super().set_problems([p for p in problems if problem_path(p) == self.path])
        self.form.update_problems()

    def focus_editor(self):
        self.form.focus_first()

    def flush(self):
        self.form.flush()


def create_editor(spec: FieldSpec, ctx: FormContext, parent: QWidget | None = None,
                  widget: str | None = None) -> FieldEditor:
    kind = widget or spec.widget
    if kind in ("string-list", "object-list"):
        from editor.ui.form.list_editors import ObjectListEditor, StringListEditor

        return (StringListEditor if kind == "string-list" else ObjectListEditor)(spec, ctx, parent)
    cls = {
        "line": LineFieldEditor, "url": LineFieldEditor, "text": TextFieldEditor, "enum": EnumFieldEditor,
        "date": DateFieldEditor, "bool": BoolFieldEditor, "int": IntFieldEditor, "number": NumberFieldEditor,
        "object": ObjectFieldEditor, "yaml": YamlFieldEditor,
    }.get(kind, YamlFieldEditor)
    if kind == "enum" and not spec.enum:
        cls = LineFieldEditor
    return cls(spec, ctx, parent)


# -- a form of fields -----------------------------------------------------------------------------------

class FieldsForm(QWidget):
    """The generated form for the fields of one mapping (the front matter, a fact, a source).

    `base` is the mapping's path; rows are created once from the FieldSpecs and then only refreshed.
    A value the field's editor cannot show (a list where text is declared) is shown as YAML instead,
    so nothing is ever hidden or lost. Keys the schema does not know appear under "Other fields".
    """

    def __init__(self, specs: list[FieldSpec], ctx: FormContext, parent: QWidget | None = None,
                 show_other: bool = False):
        super().__init__(parent)
        self.specs = list(specs)
        self.ctx = ctx
        self.base: Path = ()
        self.bound = False  # False until set_base: a detail form with no item selected shows nothing
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.layout_.setVerticalSpacing(2)
        self.editors: dict[str, FieldEditor] = {}
        self._probes: dict[str, FieldEditor] = {}  # hidden editors that only judge values
        self.labels: dict[str, QLabel] = {}
        self.kinds: dict[str, str] = {}
        for spec in self.specs:
            self._add_row(spec)
        self.other = None
        if show_other:
            from editor.ui.form.other_fields import OtherFieldsEditor

            self.other = OtherFieldsEditor(ctx, {s.name for s in self.specs}, self, compact=True)
            self.layout_.addRow(self.other)

    def _add_row(self, spec: FieldSpec, kind: str | None = None) -> None:
        editor = create_editor(spec, self.ctx, self, kind)
        self.kinds[spec.name] = kind or spec.widget
        editor.writer = lambda value, spec=spec: self.write(spec, value)
        self.editors[spec.name] = editor
        if spec.widget == "object-list" and len(self.specs) == 1:
            self.layout_.addRow(editor)
            return
        if isinstance(editor, (LineFieldEditor, DateFieldEditor)):
            editor.edit.installEventFilter(self)
        label = QLabel(self._label_text(spec, False), self)
        label.setToolTip(spec.help + (" (required)" if spec.required else ""))
        label.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        label.customContextMenuRequested.connect(lambda pos, spec=spec, label=label: self._label_menu(spec, label, pos))
        label.setBuddy(editor.focusProxy() or editor)
        label.setContentsMargins(0, FieldEditor.MARGIN + 3, 0, 0)
        editor.setAccessibleName(spec.label)
        if editor.focusProxy() is not None:
            editor.focusProxy().setAccessibleName(spec.label)
            editor.focusProxy().setAccessibleDescription(spec.help)
        self.labels[spec.name] = label
        self.layout_.addRow(label, editor)

    def _swap(self, spec: FieldSpec, kind: str) -> None:
        old = self.editors[spec.name]
        row, _role = self.layout_.getWidgetPosition(old)
        label = self.labels.get(spec.name)
        editor = create_editor(spec, self.ctx, self, kind)
        editor.writer = lambda value, spec=spec: self.write(spec, value)
        editor.set_path((*self.base, spec.name))
        if isinstance(editor, (LineFieldEditor, DateFieldEditor)):
            editor.edit.installEventFilter(self)
        self.layout_.takeRow(row)
        if label is not None:
            self.layout_.insertRow(row, label, editor)
            label.setBuddy(editor.focusProxy() or editor)
        else:
            self.layout_.insertRow(row, editor)
        old.hide()
        old.deleteLater()
        self.editors[spec.name] = editor
        self.kinds[spec.name] = kind

    def eventFilter(self, obj, event):
        """Up / Down in a one-line field move to the previous / next field (keyboard first)."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            completer = obj.completer() if isinstance(obj, QLineEdit) else None
            if completer is None or not completer.popup().isVisible():
                self.focus_neighbour(obj, -1 if event.key() == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(obj, event)

    def focus_neighbour(self, widget: QWidget, step: int) -> bool:
        names = [spec.name for spec in self.specs]
        current = next((name for name, editor in self.editors.items()
                        if editor is widget or editor.isAncestorOf(widget)), None)
        if current is None:
            return False
        i = names.index(current) + step
        while 0 <= i < len(names):
            editor = self.editors[names[i]]
            if editor.isVisible() and editor.isEnabled():
                editor.focus_editor()
                return True
            i += step
        return False

    @staticmethod
    def _label_text(spec: FieldSpec, dirty: bool) -> str:
        return spec.label + (" *" if spec.required else "") + (" \u2022" if dirty else "")

    def _label_menu(self, spec: FieldSpec, label: QLabel, pos) -> None:
        menu = QMenu(label)
        action = menu.addAction(f"Revert {spec.label} to the saved value")
        action.setEnabled(self.ctx.is_dirty((*self.base, spec.name)))
        action.triggered.connect(lambda: self.revert(spec.name))
        menu.popup(label.mapToGlobal(pos))

    def revert(self, name: str) -> bool:
        """Put a field back as it is in the saved file (remove it if it was not there): one operation."""
        spec = next((s for s in self.specs if s.name == name), None)
        if spec is None or not self.ctx.is_dirty((*self.base, name)):
            return False
        saved = self.ctx.saved_value((*self.base, name))
        if saved is MISSING:
            return self.ctx.apply(edits.RemoveKey(self.base, name))
        return self.write(spec, saved)

    def update_dirty(self) -> None:
        if not self.bound:
            return
        for spec in self.specs:
            label = self.labels.get(spec.name)
            if label is None:
                continue
            dirty = self.ctx.is_dirty((*self.base, spec.name))
            text = self._label_text(spec, dirty)
            if label.text() != text:
                label.setText(text)
                tip = spec.help + (" (required)" if spec.required else "")
                label.setToolTip(tip + ("\nChanged since the file was saved: right-click to revert." if dirty else ""))

    # paths and values ---------------------------------------------------------------------------------
    def set_base(self, base: Path) -> None:
        self.base = tuple(base)
        self.bound = True
        for name, editor in self.editors.items():
            editor.set_path((*self.base, name))
        if self.other is not None:
            self.other.set_base(self.base)

    def unbind(self) -> None:
        """Show no mapping (no item selected): nothing is read or written until the next set_base."""
        self.bound = False
        if self.other is not None:
            self.other.unbind()

    def refresh(self) -> None:
        if not self.bound:
            return
        with self.ctx.updating():
            mapping = self.ctx.get(self.base) if self.ctx.doc is not None else MISSING
            for spec in self.specs:
                editor = self.editors[spec.name]
                value = mapping.get(spec.name, MISSING) if isinstance(mapping, dict) else MISSING
                if self.kinds[spec.name] == spec.widget:
                    fits = editor.accepts(value)
                else:  # shown as YAML for now: would its own editor fit the value again?
                    probe = self._probes.get(spec.name)
                    if probe is None:
                        probe = self._probes[spec.name] = create_editor(spec, self.ctx, self, spec.widget)
                        probe.hide()
                    fits = probe.accepts(value)
                wanted = spec.widget if fits else "yaml"
                if self.kinds[spec.name] != wanted:
                    self._swap(spec, wanted)
                    editor = self.editors[spec.name]
                editor.show_value(value)
            if self.other is not None:
                self.other.refresh()
        self.update_dirty()

    def write(self, spec: FieldSpec, value: Any) -> bool:
        """Set a field; a missing key is added before the next field present, in schema order."""
        path = (*self.base, spec.name)
        doc = self.ctx.doc
        if doc is None:
            return False
        if doc.has(path):
            return self.ctx.apply(edits.SetValue(path, value))
        mapping = self.ctx.get(self.base)
        if not isinstance(mapping, dict):
            self.ctx.error.emit(f"{format_path(self.base) or 'the front matter'} is not a mapping: "
                                f"cannot add {spec.name}")
            return False
        names = [s.name for s in self.specs]
        later = names[names.index(spec.name) + 1:]
        before = next((name for name in later if name in mapping), None)
        return self.ctx.apply(edits.AddKey(self.base, spec.name, value, before))

    def flush(self) -> None:
        if not self.bound:
            return
        for editor in self.editors.values():
            editor.flush()
        if self.other is not None:
            self.other.flush()

    # problems and focus -------------------------------------------------------------------------------
    def update_problems(self) -> None:
        if not self.bound:
            return
        for name, editor in self.editors.items():
            path = (*self.base, name)
            deep = editor.spec.widget in ("string-list", "object-list", "object") or self.kinds[name] == "yaml"
            problems = self.ctx.problems_at(path, deep=deep)
            editor.set_problems(problems)
            label = self.labels.get(name)
            if label is not None:
                color = severity_color(problems)
                label.setStyleSheet(f"color: {color.name()};" if color is not None else "")
        if self.other is not None:
            self.other.update_problems()

    def editor_for(self, name: str) -> FieldEditor | None:
        return self.editors.get(name)

    def focus_first(self) -> None:
        for spec in self.specs:
            editor = self.editors[spec.name]
            if editor.isEnabled():
                editor.focus_editor()
                return


class ElidedLabel(QLabel):
    """One line of text, elided at the right to the width it gets (full text in the tooltip)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        super().setText(text)

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(40)
        return hint

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setWidth(min(hint.width(), 240))
        return hint

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, rect.width()))


class Section(QWidget):
    """A collapsible section of the form: a header line (title, counts, problem badge) over content."""

    toggled = Signal(bool)

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        header = QFrame(self)
        header.setObjectName("sectionHeader")
        header.setFrameShape(QFrame.Shape.NoFrame)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(0, 6, 0, 2)
        header_layout.setSpacing(6)
        self.button = QToolButton(header)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setAutoRaise(True)
        font = self.button.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.button.setFont(font)
        self.button.setText(title)
        self.button.setAccessibleName(f"{title} section")
        self.button.clicked.connect(lambda: self.set_expanded(not self._expanded))
        self._expanded = True
        self.count_label = QLabel(header)
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.badge = QLabel(header)
        self.badge.setVisible(False)
        line = QFrame(header)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        line.setForegroundRole(QPalette.ColorRole.Mid)
        line.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header_layout.addWidget(self.button)
        header_layout.addWidget(self.count_label)
        header_layout.addWidget(self.badge)
        header_layout.addWidget(line, 1)
        self.content = QWidget(self)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(14, 0, 0, 6)
        self.content_layout.setSpacing(4)
        layout.addWidget(header)
        layout.addWidget(self.content)

    def add(self, widget: QWidget) -> None:
        self.content_layout.addWidget(widget)

    def is_expanded(self) -> bool:
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        if expanded == self._expanded:
            return
        self._expanded = expanded
        self.button.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)
        self.toggled.emit(expanded)

    def set_count(self, text: str) -> None:
        self.count_label.setText(text)

    def set_problems(self, problems: list[Problem]) -> None:
        errors = sum(1 for p in problems if p.is_error)
        warnings = len(problems) - errors
        if not problems:
            self.badge.setVisible(False)
            return
        parts = []
        if errors:
            parts.append(f"<span style='color:{ERROR_COLOR.name()}'>\u25cf {errors}</span>")
        if warnings:
            parts.append(f"<span style='color:{WARNING_COLOR.name()}'>\u25b2 {warnings}</span>")
        self.badge.setText("&nbsp;&nbsp;".join(parts))
        self.badge.setToolTip(f"{errors} error(s), {warnings} warning(s) in {self.title}")
        self.badge.setVisible(True)
