"""The form of fields of one mapping (the front matter, a fact, a source), a nested mapping as its own small
form, and the collapsible sections of the article form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.document import edits
from editor.core.document.fieldpath import Path, format_path
from editor.core.validation.problems import Problem
from editor.core.validation.schema import FieldSpec
from editor.ui.form.base import (
    ERROR_COLOR,
    MISSING,
    WARNING_COLOR,
    FieldEditor,
    FormContext,
    problem_path,
    severity_color,
)
from editor.ui.form.scalar_editors import DateFieldEditor, LineFieldEditor

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
        self._one_line: set[int] = set()  # the line edits where Up / Down move between fields
        for spec in self.specs:
            self._add_row(spec)
        self.other = None
        if show_other:
            from editor.ui.form.other_fields import OtherFieldsEditor

            self.other = OtherFieldsEditor(ctx, {s.name for s in self.specs}, self, compact=True)
            self.layout_.addRow(self.other)

    def _add_row(self, spec: FieldSpec, kind: str | None = None) -> None:
        editor = self.ctx.create_editor(spec, self, kind)
        self.kinds[spec.name] = kind or spec.widget
        editor.writer = lambda value, spec=spec: self.write(spec, value)
        self.editors[spec.name] = editor
        self._watch_keys(editor)
        if spec.widget == "object-list" and len(self.specs) == 1:
            self.layout_.addRow(editor)
            return
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
        editor = self.ctx.create_editor(spec, self, kind)
        editor.writer = lambda value, spec=spec: self.write(spec, value)
        editor.set_path((*self.base, spec.name))
        self._watch_keys(editor)
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

    def _watch_keys(self, editor: FieldEditor) -> None:
        """The keys every field shares: Escape leaves it; Up / Down in a one-line field move on."""
        for widget in editor.key_widgets():
            widget.installEventFilter(self)
        self._one_line.update(id(e) for e in ([editor.edit] if isinstance(editor, (LineFieldEditor, DateFieldEditor))
                                              else []))

    def eventFilter(self, obj, event):
        """Escape leaves the field (and nothing else: the focus goes to no other field or list); Up /
        Down in a one-line field move to the previous / next field (keyboard first)."""
        if event.type() == QEvent.Type.KeyPress and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            key = event.key()
            if key == Qt.Key.Key_Escape and self.ctx.leave_field is not None:
                completer = obj.completer() if isinstance(obj, QLineEdit) else None
                if (completer is None or not completer.popup().isVisible()) and self.ctx.leave_field(obj):
                    return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and id(obj) in self._one_line:
                completer = obj.completer() if isinstance(obj, QLineEdit) else None
                if completer is None or not completer.popup().isVisible():
                    self.focus_neighbour(obj, -1 if key == Qt.Key.Key_Up else 1)
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
                        probe = self._probes[spec.name] = self.ctx.create_editor(spec, self, spec.widget)
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
        # where the same key sits in sibling items, else before the next field present in schema order
        return self.ctx.apply(edits.AddKey(self.base, spec.name, value, key_order=tuple(s.name for s in self.specs)))

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
        # a Tab stop shows where it is: the auto-raised button draws no focus of its own
        self.button.setStyleSheet("QToolButton:focus { border: 1px solid palette(highlight); border-radius: 3px; }")
        self.button.clicked.connect(lambda: self.set_expanded(not self._expanded))
        self._expanded = True
        self.count_label = QLabel(header)
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.shortcut_label = QLabel(header)  # the key that jumps here (Ctrl+3...)
        self.shortcut_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.shortcut_label.hide()
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
        header_layout.addWidget(self.shortcut_label)
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

    def set_shortcut(self, text: str) -> None:
        self.shortcut_label.setText(text)
        self.shortcut_label.setVisible(bool(text))
        if text:
            self.button.setToolTip(f"{self.title} ({text} jumps here)")

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
