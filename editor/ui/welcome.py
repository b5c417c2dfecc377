"""WelcomePanel: what the editor area shows while no article is open.

Ways to start: open a folder, one of the recent corpora, the sample corpus, and a new article when the
window has an action for it. The panel only asks; the window does the opening (signals and actions).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from editor.ui import theme

MAX_RECENT_SHOWN = 6


def _keys(action: QAction) -> str:
    sequence = action.shortcut()
    return sequence.toString(QKeySequence.SequenceFormat.NativeText) if not sequence.isEmpty() else ""


class _StartButton(QPushButton):
    """A flat, left-aligned button: a way to start, with its shortcut on the right when it has one."""

    def __init__(self, text: str, detail: str = "", parent=None):
        super().__init__(parent)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        self.label = QLabel(text)
        self.label.setStyleSheet(f"color: {self.palette().color(QPalette.ColorRole.Link).name()};")
        self.detail = QLabel(detail)
        self.detail.setStyleSheet(f"color: {theme.muted_color().name()};")
        for label in (self.label, self.detail):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.detail)
        self.setAccessibleName(text.replace("&", ""))
        self.setMinimumHeight(self.label.sizeHint().height() + 14)

    def set_texts(self, text: str, detail: str) -> None:
        self.label.setText(text)
        self.detail.setText(detail)
        self.setAccessibleName(text.replace("&", ""))


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; margin-top: 14px; margin-bottom: 2px;")
    return label


class WelcomePanel(QWidget):
    recent_chosen = Signal(str)  # a corpus folder
    sample_requested = Signal()

    def __init__(self, open_action: QAction, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Welcome")
        self._open_action = open_action
        self._new_action: QAction | None = None

        self.status = QLabel()
        self.status.setWordWrap(True)
        header = theme.app_header(self.status, scale=1.6)

        self.new_button = _StartButton("New article…")
        self.new_button.clicked.connect(self._new_article)
        self.new_button.hide()
        self.open_button = _StartButton("Open a corpus folder…", _keys(open_action))
        self.open_button.clicked.connect(open_action.trigger)
        self.sample_button = _StartButton("Open the sample corpus", "a writable copy, yours to try things on")
        self.sample_button.clicked.connect(self.sample_requested)

        self.recent_heading = _heading("Recent corpora")
        self.recent_box = QVBoxLayout()
        self.recent_box.setSpacing(0)
        self.recent_buttons: list[_StartButton] = []

        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(header)
        column.addWidget(_heading("Start"))
        for button in (self.new_button, self.open_button, self.sample_button):
            column.addWidget(button)
        column.addWidget(self.recent_heading)
        column.addLayout(self.recent_box)
        card = QFrame()
        card.setLayout(column)
        card.setMaximumWidth(560)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

    # -- what it offers -------------------------------------------------------------------------
    def set_new_article_action(self, action: QAction | None) -> None:
        """Offer "New article" through the window's action; None (no such action) hides the entry."""
        if self._new_action is not None:
            self._new_action.changed.disconnect(self._sync_new_button)
        self._new_action = action
        if action is not None:
            action.changed.connect(self._sync_new_button)
        self._sync_new_button()

    def _sync_new_button(self) -> None:
        action = self._new_action
        self.new_button.setVisible(action is not None and action.isVisible())
        if action is not None:
            self.new_button.set_texts(action.text().replace("&", "") or "New article…", _keys(action))
            self.new_button.setEnabled(action.isEnabled())

    def _new_article(self) -> None:
        if self._new_action is not None:
            self._new_action.trigger()

    def set_recent(self, folders: list[str], current: str | None = None) -> None:
        """The recent corpora that still exist, the open one left out (it is already open)."""
        for button in self.recent_buttons:
            self.recent_box.removeWidget(button)
            button.deleteLater()
        self.recent_buttons = []
        shown = [f for f in folders if os.path.isdir(f) and f != current][:MAX_RECENT_SHOWN]
        home = os.path.expanduser("~")
        for folder in shown:
            parent = os.path.dirname(folder)
            where = "~" + parent[len(home):] if parent == home or parent.startswith(home + os.sep) else parent
            button = _StartButton(os.path.basename(folder) or folder, where)
            button.setToolTip(folder)
            button.clicked.connect(lambda _checked=False, f=folder: self.recent_chosen.emit(f))
            self.recent_box.addWidget(button)
            self.recent_buttons.append(button)
        self.recent_heading.setVisible(bool(shown))

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def focus_first(self) -> None:
        first = next((b for b in (self.new_button, self.open_button) if b.isVisibleTo(self)), self.open_button)
        first.setFocus(Qt.FocusReason.OtherFocusReason)
