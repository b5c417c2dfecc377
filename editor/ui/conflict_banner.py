"""The banner above the article's editors when its file changed on disk.

A plain widget, one line high whatever the message: the message (cut at the line's end, whole in its
tooltip), a "Details" toggle that shows it whole below the line (a few lines at most, scrolling
beyond), and the buttons that fit the outcome (a clash offers "Compare and choose…", the view that
decides field by field, and Keep mine / Take theirs for everything; a merge or a deletion is a note
to dismiss). It never takes the editors' room: folded it is one line, and its details are capped.
`editor.ui.sync.ConflictController` connects it to the session.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.ui import theme
from editor.ui.watcher import SyncOutcome

DETAIL_LINES = 6  # the details show at most this many lines before they scroll


class OneLineLabel(QLabel):
    """A label that keeps to one line: its text is cut at the end to the width it gets (`text()` and the
    tooltip keep all of it)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def is_cut(self) -> bool:
        return self.fontMetrics().horizontalAdvance(" ".join(self.text().split())) > self.contentsRect().width()

    def sizeHint(self) -> QSize:
        return QSize(min(super().sizeHint().width(), 600), self.fontMetrics().height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.fontMetrics().height() + 4)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        line = " ".join(self.text().split())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         self.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, rect.width()))


def details_text(outcome: SyncOutcome) -> str:
    """The whole story, a field per line: what clashed, what came from disk, why a file cannot be read."""
    import os

    name = os.path.basename(outcome.path)
    if outcome.kind == "clash" and outcome.clashes:
        return (f"{name} changed on disk where you have unsaved edits. Changed both here and on disk:\n"
                + "\n".join(f"  \u2022 {field}" for field in outcome.clashes)
                + "\nNothing was written. Compare them, keep yours, or take the file's.")
    if outcome.kind == "merged" and outcome.from_disk:
        return (f"{name} changed on disk; it was merged with your unsaved edits. Taken from disk:\n"
                + "\n".join(f"  \u2022 {field}" for field in outcome.from_disk))
    return outcome.message


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
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.message = OneLineLabel()
        self.message.setAccessibleName("What changed on disk")
        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details_button.setToolTip("Show the whole message")
        self.details_button.toggled.connect(self._show_details)
        self.compare_button = QPushButton("Compare and choose…")
        self.keep_mine_button = QPushButton("Keep mine")
        self.take_theirs_button = QPushButton("Take theirs…")
        self.dismiss_button = QPushButton("Dismiss")
        self.compare_button.setToolTip("Your text and the file on disk side by side; keep yours or take theirs "
                                       "for each clashing field (the rest is merged)")
        self.keep_mine_button.setToolTip("Keep all your text; saving will replace the file on disk")
        self.take_theirs_button.setToolTip("Replace all your unsaved edits with the file on disk (asks first; "
                                           "Undo brings them back)")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("The whole message")
        self.details_area = QScrollArea()
        self.details_area.setWidget(self.details)
        self.details_area.setWidgetResizable(True)
        self.details_area.setFrameShape(QFrame.Shape.NoFrame)
        self.details_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details_area.setMaximumHeight(self.fontMetrics().lineSpacing() * DETAIL_LINES + 8)
        self.details_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.details_area.hide()

        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        line.addWidget(self.message, 1)
        line.addWidget(self.details_button)
        for button in (self.compare_button, self.keep_mine_button, self.take_theirs_button, self.dismiss_button):
            line.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 3, 10, 3)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.details_area)
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
        self.details.setText(details_text(outcome))
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(outcome.clashes or outcome.from_disk or outcome.error)
                                       or len(outcome.message) > 90)
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

    def _show_details(self, shown: bool) -> None:
        self.details_area.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details")

    def clear(self) -> None:
        self.kind = ""
        self.details_button.setChecked(False)
        self.hide()

    def _dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()
