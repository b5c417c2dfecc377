"""From the schema to an editor: which editor class shows a field, by its declared widget."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QWidget,
)

from editor.core.validation.schema import FieldSpec
from editor.ui.form.base import FieldEditor, FormContext
from editor.ui.form.fields_form import ObjectFieldEditor
from editor.ui.form.object_list import ObjectListEditor
from editor.ui.form.scalar_editors import (
    BoolFieldEditor,
    DateFieldEditor,
    EnumFieldEditor,
    IntFieldEditor,
    LineFieldEditor,
    NumberFieldEditor,
    TextFieldEditor,
)
from editor.ui.form.string_list import StringListEditor
from editor.ui.form.yaml_editor import YamlFieldEditor


def create_editor(spec: FieldSpec, ctx: FormContext, parent: QWidget | None = None,
                  widget: str | None = None) -> FieldEditor:
    kind = widget or spec.widget
    if kind in ("string-list", "object-list"):
        return (StringListEditor if kind == "string-list" else ObjectListEditor)(spec, ctx, parent)
    cls = {
        "line": LineFieldEditor, "url": LineFieldEditor, "text": TextFieldEditor, "enum": EnumFieldEditor,
        "date": DateFieldEditor, "bool": BoolFieldEditor, "int": IntFieldEditor, "number": NumberFieldEditor,
        "object": ObjectFieldEditor, "yaml": YamlFieldEditor,
    }.get(kind, YamlFieldEditor)
    if kind == "enum" and not spec.enum:
        cls = LineFieldEditor
    return cls(spec, ctx, parent)
