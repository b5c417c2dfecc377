"""Fields of this corpus: every field of the schema in force (the default one, or as a corpus's
`.corpus-schema.yaml` extends or replaces it), with its label, key, kind and help text, in form order;
the fields of list items and objects under their parent."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QTextBrowser, QVBoxLayout

from editor.core.validation.schema import FieldSpec, Schema
from editor.ui import theme

KINDS = {
    "line": "text", "text": "long text", "enum": "one of a list", "date": "date", "bool": "yes / no",
    "int": "whole number", "number": "number", "url": "URL", "string-list": "list of texts",
    "object-list": "list of items", "object": "group of fields", "yaml": "YAML",
}


def field_rows(schema: Schema) -> list[tuple[int, str, FieldSpec]]:
    """(depth, key path, spec) for every field, parents before their fields."""
    rows: list[tuple[int, str, FieldSpec]] = []

    def walk(specs, prefix: str, depth: int) -> None:
        for spec in specs:
            path = f"{prefix}{spec.name}"
            rows.append((depth, path, spec))
            if spec.items:
                walk(spec.items, f"{path}[]." if spec.widget == "object-list" else f"{path}.", depth + 1)

    walk(schema.form_fields(), "", 0)
    return rows


def _kind(spec: FieldSpec) -> str:
    kind = KINDS.get(spec.widget, spec.widget)
    if spec.widget == "enum" and spec.enum:
        kind += ": " + ", ".join(str(option) for option in spec.enum)
    if spec.required:
        kind += " · required"
    elif spec.recommended:
        kind += " · recommended"
    return kind


def fields_html(schema: Schema, needle: str = "") -> str:
    needle = needle.strip().lower()
    muted = theme.muted_color().name()
    parts = []
    for depth, path, spec in field_rows(schema):
        if needle and not any(needle in text.lower() for text in (spec.label, path, spec.help)):
            continue
        help_text = html.escape(spec.help) if spec.help else f'<span style="color:{muted}">(no help text)</span>'
        parts.append(
            f'<div style="margin-left:{depth * 22}px; margin-bottom:9px">'
            f"<b>{html.escape(spec.label)}</b> &nbsp;<code>{html.escape(path)}</code>"
            f' &nbsp;<span style="color:{muted}">{html.escape(_kind(spec))}</span><br>{help_text}</div>')
    return "".join(parts) or f'<p style="color:{muted}">No field matches.</p>'


def schema_origin(schema: Schema) -> str:
    """Which files the schema comes from, said plainly."""
    if not schema.sources:
        return "The schema in force."
    files = list(schema.sources)
    if len(files) == 1 and files[0].endswith(".corpus-schema.yaml"):
        return f"This corpus's own schema, which replaces the default: {files[0]}"
    if len(files) > 1:
        return f"The default schema, extended by this corpus's {files[-1]}"
    return "The default schema (this corpus has no .corpus-schema.yaml)."


class FieldsDialog(QDialog):
    def __init__(self, schema: Schema, note: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Fields of This Corpus")
        self.schema = schema
        self.origin = QLabel(schema_origin(schema) + (f"\n{note}" if note else ""))
        self.origin.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by label, key or help text")
        self.filter_edit.setAccessibleName("Filter fields")
        self.filter_edit.setClearButtonEnabled(True)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Fields")
        self.browser.setOpenLinks(False)
        self.filter_edit.textChanged.connect(self._show)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.origin)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self._show("")
        self.resize(720, 640)

    def _show(self, text: str) -> None:
        self.browser.setHtml(fields_html(self.schema, text))
