"""Fields the schema does not know: shown as YAML, editable, removable, and never lost.

Each unknown key of a mapping (the front matter, a fact, a source) gets a YAML editor in the file's
order. A change is written back with `SetValue` of the parsed text; text that does not parse is
refused with a message and nothing is written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.document import edits
from editor.core.document.fieldpath import Path
from editor.core.document.values import format_scalar
from editor.core.validation.schema import FieldSpec
from editor.ui.form.base import FormContext, severity_color
from editor.ui.form.yaml_editor import YamlFieldEditor

UNKNOWN_HELP = "Not declared in the schema: kept exactly as it is in the file; edit it as YAML."


class OtherFieldsEditor(QWidget):
    """The unknown keys of the mapping at `base`, each as an editable YAML value."""

    def __init__(self, ctx: FormContext, known: set[str], parent: QWidget | None = None, compact: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.known = set(known)
        self.compact = compact
        self.base: Path = ()
        self.bound = False
        self.keys: list[str] = []
        self.editors: dict[str, YamlFieldEditor] = {}
        self.labels: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        self.title = QLabel("Other fields (not in the schema)" if compact else "", self)
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.title.setVisible(False)
        outer.addWidget(self.title)
        self.rows = QWidget(self)
        self.form = QFormLayout(self.rows)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(2)
        outer.addWidget(self.rows)
        self.empty = QLabel("None: every field of this article is declared in the schema.", self)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)
        outer.addWidget(self.empty)
        self.new_name = None
        if not compact:
            add_row = QHBoxLayout()
            add_row.setContentsMargins(0, 4, 0, 0)
            self.new_name = QLineEdit(self)
            self.new_name.setPlaceholderText("new_field_name")
            self.new_name.setAccessibleName("Name of a new field")
            self.new_name.returnPressed.connect(self.add_field)
            add_button = QPushButton("Add field", self)
            add_button.clicked.connect(self.add_field)
            add_row.addWidget(self.new_name, 1)
            add_row.addWidget(add_button)
            outer.addLayout(add_row)
        self.setVisible(not compact)

    # structure ------------------------------------------------------------------------------------------
    def set_base(self, base: Path) -> None:
        self.base = tuple(base)
        self.bound = True
        for key, editor in self.editors.items():
            editor.set_path((*self.base, key))

    def unbind(self) -> None:
        self.bound = False

    def unknown_keys(self) -> list[str]:
        if not self.bound:
            return []
        mapping = self.ctx.get(self.base, None)
        if not isinstance(mapping, dict):
            return []
        return [format_scalar(k) for k in mapping if format_scalar(k) not in self.known]

    def _rebuild(self, keys: list[str]) -> None:
        while self.form.rowCount():
            # deleteLater: the rebuild may run inside a signal of a widget being replaced (its ✕ button)
            taken = self.form.takeRow(0)
            for item in (taken.labelItem, taken.fieldItem):
                if item is not None and item.widget() is not None:
                    item.widget().hide()
                    item.widget().deleteLater()
        self.editors.clear()
        self.labels.clear()
        for key in keys:
            spec = FieldSpec(name=key, label=key, help=UNKNOWN_HELP, widget="yaml")
            editor = YamlFieldEditor(spec, self.ctx, self.rows)
            editor.set_path((*self.base, key))
            editor.setAccessibleName(key)
            label_box = QWidget(self.rows)
            label_layout = QHBoxLayout(label_box)
            label_layout.setContentsMargins(0, 0, 0, 0)
            label_layout.setSpacing(2)
            remove = QToolButton(label_box)
            remove.setText("\u2715")
            remove.setAutoRaise(True)
            remove.setToolTip(f"Remove the field {key} from the file")
            remove.setAccessibleName(f"Remove {key}")
            remove.clicked.connect(lambda _checked=False, key=key: self.remove_field(key))
            label = QLabel(key, label_box)
            label.setToolTip(UNKNOWN_HELP)
            label.setBuddy(editor.focusProxy())
            label.setContentsMargins(0, 6, 0, 0)
            label_layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
            label_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
            self.labels[key] = label
            self.editors[key] = editor
            self.form.addRow(label_box, editor)
        self.keys = list(keys)

    def refresh(self) -> None:
        keys = self.unknown_keys()
        if keys != self.keys:
            self._rebuild(keys)
        with self.ctx.updating():
            for editor in self.editors.values():
                editor.show_value(editor.current())
        has = bool(keys)
        self.title.setVisible(self.compact and has)
        self.empty.setVisible(not self.compact and not has)
        if self.compact:
            self.setVisible(has)

    def count(self) -> int:
        return len(self.keys)

    # editing ---------------------------------------------------------------------------------------------
    def add_field(self) -> None:
        if self.new_name is None:
            return
        name = self.new_name.text().strip()
        if not name:
            return
        mapping = self.ctx.get(self.base, None)
        if isinstance(mapping, dict) and name in {format_scalar(k) for k in mapping}:
            self.ctx.error.emit(f"the field {name} already exists")
            return
        if self.ctx.apply(edits.AddKey(self.base, name, "")):
            self.new_name.clear()
            editor = self.editors.get(name)
            if editor is not None:
                editor.focus_editor()

    def remove_field(self, key: str) -> None:
        self.ctx.apply(edits.RemoveKey(self.base, key))

    def flush(self) -> None:
        for editor in self.editors.values():
            editor.flush()

    def update_problems(self) -> None:
        for key, editor in self.editors.items():
            problems = self.ctx.problems_at((*self.base, key), deep=True)
            editor.set_problems(problems)
            color = severity_color(problems)
            self.labels[key].setStyleSheet(f"color: {color.name()};" if color is not None else "")

    def editor_for(self, key: str) -> YamlFieldEditor | None:
        return self.editors.get(key)
