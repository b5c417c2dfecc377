"""CorpusProblemsView: every problem of the corpus grouped by rule, from the index.

One row per rule (errors first) with how many articles have it; a rule expands to its articles, an
article with several places to its fields (loaded when expanded: a rule with 20,000 articles costs
nothing until it is opened). From here: show a rule's articles in the corpus list, open an article
at the field, and change the rule's severity for this corpus (`severity_requested`; the window writes
it into `.corpus-schema.yaml`). Folded, the view is one header line with the corpus's totals.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from editor.core.validation.rules import RULES
from editor.ui import theme

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
FIELD_ROLE = Qt.ItemDataRole.UserRole + 3
LOADED_ROLE = Qt.ItemDataRole.UserRole + 4
LEVELS = (("error", "&Error"), ("warning", "&Warning"), ("off", "&Off (not checked)"))
_PLACEHOLDER = "\u2026"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_text(counts) -> str:
    """`236 errors in 230 articles · 1,300 warnings` (entries, as the corpus list counts them)."""
    errors = sum(c.entries for c in counts if c.severity == "error")
    warnings = sum(c.entries for c in counts if c.severity == "warning")
    if not errors and not warnings:
        return "No problems"
    return " \u00b7 ".join(part for part in (_plural(errors, "error") if errors else "",
                                              _plural(warnings, "warning") if warnings else "") if part)


class CorpusProblemsView(QWidget):
    filter_requested = Signal(str)  # a rule code: show its articles in the list
    open_requested = Signal(str, str)  # absolute path, field path ("" for the article)
    severity_requested = Signal(str, object)  # rule code, "error" | "warning" | "off" | None (its default)
    folded_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.index = None  # a CorpusIndex (the GUI thread's reader)
        self.root = ""
        self.counts: list = []
        self.overrides: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        self.fold_button = QToolButton(self)
        self.fold_button.setAutoRaise(True)
        self.fold_button.setArrowType(Qt.ArrowType.RightArrow)
        self.fold_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fold_button.setText("Corpus problems")
        font = self.fold_button.font()
        font.setBold(True)
        self.fold_button.setFont(font)
        self.fold_button.setAccessibleName("Corpus problems")
        self.fold_button.setToolTip("Every problem of the corpus by rule (Ctrl+Shift+E)")
        self.fold_button.clicked.connect(lambda: self.set_folded(not self.is_folded))
        self.totals = QLabel(self)
        self.totals.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.show_button = QToolButton(self)
        self.show_button.setText("Show in list")
        self.show_button.setToolTip("Show the articles with the selected rule's problems in the list")
        self.show_button.clicked.connect(self._show_selected)
        self.severity_button = QToolButton(self)
        self.severity_button.setText("Severity")
        self.severity_button.setToolTip("How this corpus counts the selected rule: error, warning or off")
        self.severity_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.severity_menu = QMenu(self.severity_button)
        self.severity_menu.aboutToShow.connect(lambda: self._fill_severity_menu(self.severity_menu))
        self.severity_button.setMenu(self.severity_menu)
        header.addWidget(self.fold_button)
        header.addWidget(self.totals, 1)
        header.addWidget(self.show_button)
        header.addWidget(self.severity_button)
        layout.addLayout(header)

        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Rule, article, field", "Count"])
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Corpus problems by rule")
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.expanded.connect(self._load_children)
        self.tree.activated.connect(self._activated)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.tree, 1)
        self.is_folded = False
        self.set_folded(True)
        self._update_buttons()

    # -- contents ------------------------------------------------------------------------------------
    def set_index(self, index, root: str, overrides: dict[str, str] | None = None) -> None:
        self.index = index
        self.root = root
        self.overrides = dict(overrides or {})
        self.reload()

    def reload(self) -> None:
        """Read the counts again (after a refresh, a save, a severity change); open rules stay open."""
        if self.index is None:
            self.model.removeRows(0, self.model.rowCount())
            self.totals.setText("")
            return
        try:
            counts = self.index.problem_summary()
        except Exception as exc:  # a closing or damaged index: say so, keep the window going
            self.totals.setText(f"unavailable ({exc})")
            return
        self.counts = counts
        expanded = {self.model.item(r).data(CODE_ROLE) for r in range(self.model.rowCount())
                    if self.tree.isExpanded(self.model.index(r, 0))}
        current = self._current_code()
        self.model.removeRows(0, self.model.rowCount())
        twice = {c.code for c in counts if sum(1 for o in counts if o.code == c.code) > 1}
        for count in counts:
            head = QStandardItem(self._code_text(count) + (f" ({count.severity}s)" if count.code in twice
                                                           and count.severity != "off" else ""))
            head.setData(count.code, CODE_ROLE)
            head.setToolTip(f"{RULES.get(count.code, ('', count.code))[1]}\n{_plural(count.findings, 'finding')} "
                            f"in {_plural(count.files, 'article')}; counted as {count.severity}"
                            + (" (this corpus's setting)" if count.code in self.overrides else ""))
            head.setForeground(self._color(count.severity))
            head.appendRow([QStandardItem(_PLACEHOLDER), QStandardItem("")])  # loaded when expanded
            tail = QStandardItem(_plural(count.files, "article"))
            tail.setData(count.code, CODE_ROLE)
            tail.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow([head, tail])
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(CODE_ROLE) in expanded:
                self.tree.expand(item.index())
            if item.data(CODE_ROLE) == current:
                self.tree.setCurrentIndex(item.index())
        self.totals.setText(summary_text(counts))
        self._update_buttons()

    def _code_text(self, count) -> str:
        mark = {"error": "\u25cf", "warning": "\u25b2", "off": "\u25cb"}.get(count.severity, "")
        off = " (off)" if count.severity == "off" else ""
        return f"{mark} {count.code}{off}"

    @staticmethod
    def _color(severity: str) -> QColor:
        return {"error": theme.error_color(), "warning": theme.warning_color()}.get(severity, theme.muted_color())

    def _load_children(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(index.siblingAtColumn(0))
        if item is None or item.data(LOADED_ROLE) or item.parent() is not None or self.index is None:
            return
        code = item.data(CODE_ROLE)
        item.setData(True, LOADED_ROLE)
        item.removeRows(0, item.rowCount())
        by_path: dict[str, list] = {}
        for place in self.index.problem_places(code):
            by_path.setdefault(place.path, []).append(place)
        for rel, places in by_path.items():
            title = places[0].title or rel.rsplit("/", 1)[-1]
            full = os.path.join(self.root, *rel.split("/"))
            single = places[0].field if len(places) == 1 else None
            text = f"{title}  \u00b7  {rel}" + (f"  \u00b7  {single}" if single else "")
            row = QStandardItem(text)
            row.setData(full, PATH_ROLE)
            row.setData(single or "", FIELD_ROLE)
            row.setToolTip(f"{rel}\n{places[0].id or ''}\nEnter or double-click opens it at the field")
            total = sum(p.count for p in places)
            count = QStandardItem(str(total) if total > 1 else "")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if len(places) > 1:
                for place in places:
                    field = QStandardItem(place.field or "(the article, its body)")
                    field.setData(full, PATH_ROLE)
                    field.setData(place.field, FIELD_ROLE)
                    times = QStandardItem(f"\u00d7{place.count}" if place.count > 1 else "")
                    row.appendRow([field, times])
            item.appendRow([row, count])

    # -- folding -------------------------------------------------------------------------------------------
    def set_folded(self, folded: bool) -> None:
        if folded == self.is_folded:
            return
        self.is_folded = folded
        self.tree.setVisible(not folded)
        self.show_button.setVisible(not folded)
        self.severity_button.setVisible(not folded)
        self.fold_button.setArrowType(Qt.ArrowType.RightArrow if folded else Qt.ArrowType.DownArrow)
        if folded:
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self.setMaximumHeight(self.fold_button.sizeHint().height() + 8)
        else:
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            self.setMaximumHeight(16777215)
        self.folded_changed.emit(folded)

    def open_and_focus(self) -> None:
        self.set_folded(False)
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.tree.currentIndex().isValid() and self.model.rowCount():
            self.tree.setCurrentIndex(self.model.index(0, 0))

    # -- actions ---------------------------------------------------------------------------------------------
    def _current_code(self) -> str | None:
        index = self.tree.currentIndex()
        while index.isValid() and index.parent().isValid():
            index = index.parent()
        return index.siblingAtColumn(0).data(CODE_ROLE) if index.isValid() else None

    def select_code(self, code: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(CODE_ROLE) == code:
                self.tree.setCurrentIndex(self.model.index(row, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        enabled = self._current_code() is not None
        self.show_button.setEnabled(enabled)
        self.severity_button.setEnabled(enabled)

    def _show_selected(self) -> None:
        code = self._current_code()
        if code:
            self.filter_requested.emit(code)

    def _activated(self, index: QModelIndex) -> None:
        index = index.siblingAtColumn(0)
        path = index.data(PATH_ROLE)
        if path:
            self.open_requested.emit(path, index.data(FIELD_ROLE) or "")
        elif index.data(CODE_ROLE):
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    def _fill_severity_menu(self, menu: QMenu, code: str | None = None) -> None:
        menu.clear()
        code = code or self._current_code()
        if not code:
            return
        default = RULES.get(code, ("error", ""))[0]
        for level, text in LEVELS:
            action = menu.addAction(text, lambda level=level: self.severity_requested.emit(code, level))
            action.setCheckable(True)
            action.setChecked(code in self.overrides and self.overrides[code] == level)
        menu.addSeparator()
        action = menu.addAction(f"The rule's own ({default})", lambda: self.severity_requested.emit(code, None))
        action.setCheckable(True)
        action.setChecked(code not in self.overrides)

    def _context_menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self.tree)
        path = index.siblingAtColumn(0).data(PATH_ROLE)
        if path:
            menu.addAction("&Open at the field", lambda: self._activated(index))
        code = self._current_code() if not index.siblingAtColumn(0).data(CODE_ROLE) else \
            index.siblingAtColumn(0).data(CODE_ROLE)
        if code:
            menu.addAction("&Show these articles in the list", lambda: self.filter_requested.emit(code))
            sub = menu.addMenu(f"Se&verity of {code} in this corpus")
            self._fill_severity_menu(sub, code)
        menu.popup(self.tree.viewport().mapToGlobal(pos))
