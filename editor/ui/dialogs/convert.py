"""Convert to UTF-8…: a file whose bytes are not UTF-8, read in an encoding the user picks.

The detector's guess comes first (charset-normalizer), then the common encodings that read the bytes.
The dialog shows exactly what converting changes: the diff of the text (the bytes as shown now, each
byte that is not UTF-8 as \\xNN, against the converted text) and how many bytes change. It writes
nothing: the caller applies the chosen `Conversion` as one step of the article's history.
"""

from __future__ import annotations

import codecs

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from editor.core.document.encoding import Conversion, ConversionError, convert, guess_encodings, inspect_bytes
from editor.ui import theme
from editor.ui.dialogs.diff_view import DiffView


def _label(encoding: str) -> str:
    return codecs.lookup(encoding).name.upper().replace("_", "-")


class ConvertDialog(QDialog):
    """Pick the encoding, see the bytes that change, convert (or cancel: nothing happens)."""

    def __init__(self, data: bytes, name: str, parent: QWidget | None = None, encodings: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Convert to UTF-8 — {name}")
        self.data = data
        self.name = name
        self.conversion: Conversion | None = None
        problem = inspect_bytes(data)
        intro = QLabel(f"<b>{name}</b> is {problem.what if problem else 'UTF-8 already'}"
                       f"{': ' + problem.where if problem else ''}. Choose the encoding it was written in: "
                       "the converted text opens as unsaved changes (one step: Undo gives back the original "
                       "bytes); saving writes it.")
        intro.setWordWrap(True)
        self.encodings = encodings if encodings is not None else guess_encodings(data)
        self.combo = QComboBox()
        self.combo.setAccessibleName("Source encoding")
        for i, encoding in enumerate(self.encodings):
            self.combo.addItem(f"{_label(encoding)}{'  (the likeliest)' if i == 0 else ''}", encoding)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.view = DiffView()
        self.view.setLineWrapMode(DiffView.LineWrapMode.WidgetWidth)  # a changed byte far right stays in view
        form = QFormLayout()
        form.addRow("&Encoding of the file:", self.combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.convert_button = buttons.addButton("Convert", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.combo.currentIndexChanged.connect(self._plan)
        self.resize(900, 600)
        self._plan()

    def selected_encoding(self) -> str | None:
        return self.combo.currentData()

    def select(self, encoding: str) -> None:
        key = codecs.lookup(encoding).name
        for i in range(self.combo.count()):
            if codecs.lookup(self.combo.itemData(i)).name == key:
                self.combo.setCurrentIndex(i)
                return
        self.combo.addItem(_label(encoding), encoding)
        self.combo.setCurrentIndex(self.combo.count() - 1)

    def _plan(self, *_args) -> None:
        encoding = self.selected_encoding()
        self.conversion = None
        if encoding is None:
            self.summary.setText("No text encoding reads these bytes: the file cannot be converted.")
            self.view.set_diff("")
            self.convert_button.setEnabled(False)
            return
        try:
            self.conversion = convert(self.data, encoding, self.name)
        except ConversionError as exc:
            self.summary.setText(f"Not {_label(encoding)}: {exc.message}")
            self.summary.setStyleSheet(f"color: {theme.error_color().name()};")
            self.view.set_diff("")
            self.convert_button.setEnabled(False)
            return
        self.summary.setStyleSheet("")
        self.summary.setText(f"Read as {_label(encoding)}: {self.conversion.summary}. Every other byte stays as "
                             "it is.")
        self.view.set_diff(self.conversion.diff)
        self.convert_button.setEnabled(True)
