"""The keyboard shortcut sheet, generated from the window's actions: each menu with its commands and
their keys, then the actions that have a key but no menu entry. Nothing here is written by hand, so
the sheet cannot drift from what the keys do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)


def action_keys(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty())


def _command_name(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def _menu_actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found += _menu_actions(action.menu())
        elif not action.isSeparator():
            found.append(action)
    return found


def shortcut_sheet(menu_bar: QMenuBar, actions: list[QAction]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(section, [(command, keys)])]: each menu's commands that have a key, in menu order; then, under
    "Other", the `actions` with a key that no menu shows."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    shown: set[int] = set()
    for top in menu_bar.actions():
        menu = top.menu()
        if menu is None:
            continue
        rows = []
        for action in _menu_actions(menu):
            shown.add(id(action))
            if action_keys(action):
                rows.append((_command_name(action), action_keys(action)))
        if rows:
            sections.append((_command_name(top), rows))
    others = [(_command_name(a), action_keys(a)) for a in actions if id(a) not in shown and action_keys(a)]
    if others:
        sections.append(("Other", others))
    return sections


class ShortcutsDialog(QDialog):
    def __init__(self, sheet: list[tuple[str, list[tuple[str, str]]]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by command or key")
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Command", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Keyboard shortcuts")
        for section, rows in sheet:
            head = QTreeWidgetItem([section])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for command, keys in rows:
                head.addChild(QTreeWidgetItem([command, keys]))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        self.filter_edit.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(520, 560)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            visible = 0
            for j in range(head.childCount()):
                row = head.child(j)
                match = not needle or needle in row.text(0).lower() or needle in row.text(1).lower()
                row.setHidden(not match)
                visible += match
            head.setHidden(visible == 0)

    def rows(self) -> list[tuple[str, str]]:
        """(command, keys) of the rows shown now."""
        shown = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            shown += [(head.child(j).text(0), head.child(j).text(1)) for j in range(head.childCount())
                      if not head.isHidden() and not head.child(j).isHidden()]
        return shown
