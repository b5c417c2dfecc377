"""The listing behind a corpus-list row "3 files not articles in ai/": each file and why it is not an
article; one can still be opened (it shows as raw text)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout


class NonArticlesDialog(QDialog):
    def __init__(self, title: str, files: list[tuple[str, str]], parent=None):
        """`files`: (path, why it is not an article)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 320)
        self.chosen: str | None = None
        self.list = QListWidget(self)
        self.list.setAccessibleName("Files that are not articles")
        for path, why in files:
            item = QListWidgetItem(f"{os.path.basename(path)}  \u2014  {why or 'no front matter'}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        label = QLabel("These files have no front matter (or are not text): the tools list them and never "
                       "rewrite them.")
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self._open())
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()
