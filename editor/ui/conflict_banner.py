"""The banner above the article's editors when its file changed on disk.

A plain widget: a message and the buttons that fit the outcome (a clash offers "Compare and choose…",
the view that decides field by field, and Keep mine / Take theirs for everything; a merge or a
deletion is a note to dismiss). `editor.ui.sync.ConflictController` connects
it to the session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from editor.ui import theme
from editor.ui.watcher import SyncOutcome


class ConflictBanner(QFrame):
    compare_clicked = Signal()
    keep_mine_clicked = Signal()
    take_theirs_clicked = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("File changed on disk")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.compare_button = QPushButton("Compare and choose…")
        self.keep_mine_button = QPushButton("Keep mine")
        self.take_theirs_button = QPushButton("Take theirs…")
        self.dismiss_button = QPushButton("Dismiss")
        self.compare_button.setToolTip("Your text and the file on disk side by side; keep yours or take theirs "
                                       "for each clashing field (the rest is merged)")
        self.keep_mine_button.setToolTip("Keep all your text; saving will replace the file on disk")
        self.take_theirs_button.setToolTip("Replace all your unsaved edits with the file on disk (asks first; "
                                           "Undo brings them back)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message, 1)
        for button in (self.compare_button, self.keep_mine_button, self.take_theirs_button, self.dismiss_button):
            layout.addWidget(button)
        self.compare_button.clicked.connect(self.compare_clicked)
        self.keep_mine_button.clicked.connect(self.keep_mine_clicked)
        self.take_theirs_button.clicked.connect(self.take_theirs_clicked)
        self.dismiss_button.clicked.connect(self._dismiss)
        self.kind = ""
        self.hide()

    def show_outcome(self, outcome: SyncOutcome) -> None:
        """Show what happened; a clash gets the three choices, anything else is a note."""
        self.kind = outcome.kind
        clash = outcome.kind == "clash"
        self.message.setText(outcome.message)
        self.compare_button.setVisible(clash)
        self.keep_mine_button.setVisible(clash)
        self.take_theirs_button.setVisible(clash)
        self.dismiss_button.setVisible(not clash)
        dark = theme.is_dark()
        if clash:
            colours = ("#4a2326", "#f0b4b4") if dark else ("#fdecea", "#b3261e")
        else:
            colours = ("#3d3420", "#e8d48a") if dark else ("#fff8e1", "#8a6d00")
        self.setStyleSheet(f"#conflictBanner {{ background: {colours[0]}; border: 1px solid {colours[1]}; }}")
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.hide()

    def _dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()
