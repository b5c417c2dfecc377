"""Quick open (Ctrl+P): type part of an id, title or file name, Enter opens the article.

Each match shows its folder, so two articles with the same title are told apart.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout

from editor.ui.corpus.model import PATH_ROLE, ROW_ROLE, CorpusTableModel


class _QuickProxy(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        row = self.sourceModel().row_at(source_row)
        if row.is_group:  # several files that are not articles: the list lists them
            return False
        hay = row.search_text()
        return all(w in hay for w in self.words)

    def folder(self, row) -> str:
        root = getattr(self.sourceModel(), "root", None)
        folder = os.path.dirname(row.path)
        rel = os.path.relpath(folder, root).replace(os.sep, "/") if root else os.path.basename(folder)
        return "" if rel in (".", "") else rel + "/"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = super().data(index, ROW_ROLE)
            if row is not None:
                if role == Qt.ItemDataRole.ToolTipRole:
                    return row.path
                name = row.title or row.path.rsplit("/", 1)[-1]
                where = self.folder(row)
                return f"{name}    \u2014  {row.id}" + (f"    \u00b7  {where}" if where else "") if row.id else \
                    f"{name}" + (f"    \u00b7  {where}" if where else "")
        return super().data(index, role)


class QuickOpenDialog(QDialog):
    def __init__(self, model: CorpusTableModel, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Quick open")
        self.resize(640, 420)
        self.chosen: str | None = None
        self.proxy = _QuickProxy(self)
        self.proxy.setSourceModel(model)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Type part of an id, title or file name")
        self.field.setAccessibleName("Quick open search")
        label = QLabel("&Article:")
        label.setBuddy(self.field)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setModelColumn(0)
        self.list.setAccessibleName("Matching articles")
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(self.list)
        self.field.textChanged.connect(self._query)
        self.field.returnPressed.connect(self._choose_current)
        self.list.activated.connect(self._choose)
        self.field.installEventFilter(self)
        self._query("")

    def _query(self, text: str) -> None:
        self.proxy.set_query(text)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.field and event.type() == event.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(obj, event)

    def _choose_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self._choose(index)

    def _choose(self, index) -> None:
        self.chosen = index.data(PATH_ROLE)
        self.accept()
