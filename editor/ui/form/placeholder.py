"""What the form shows in place of its fields when the open file has none it can edit.

One panel for the four cases (`editor.ui.session.TextProblem`): a file that is not an article (empty, or
without front matter), front matter that does not parse (the line is marked in the raw editor), bytes
that are not UTF-8, a binary file. The fields of the previous article are never left on screen. The
panel has a row for actions that fit the case: `add_action(action, kinds)` puts a button there (the
corpus's "Add front matter" for a file that is not an article goes here).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

_HINTS = {
    "not-an-article": "An article starts with front matter between two '---' lines. The file is shown as text "
                      "on the right; what you type there is saved as it is.",
    "parse-error": "Fix the text on the right (the line is marked); the form comes back as soon as it parses. "
                   "Nothing is written until you save.",
    "not-utf8": "Nothing can be edited or saved until the file is converted: use “Convert to UTF-8…” above the "
                "text on the right. Its bytes are shown as they are (\\xNN for a byte that is not UTF-8).",
    "binary": "This file is not text in any encoding. It is shown as a hex dump and never edited or rewritten.",
}


class ArticlePlaceholder(QFrame):
    """The form's panel for a file without editable front matter."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("articlePlaceholder")
        self.setAccessibleName("Why there is no form")
        self.kind = ""
        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(self.hint.foregroundRole())
        self.actions_row = QHBoxLayout()
        self.actions_row.setContentsMargins(0, 6, 0, 0)
        self.actions_row.addStretch(1)
        self._buttons: list[tuple[tuple[str, ...], QPushButton]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addLayout(self.actions_row)
        layout.addStretch(1)

    def add_action(self, action: QAction, kinds: tuple[str, ...] = ("not-an-article",)) -> QPushButton:
        """A button for `action` in the panel, shown only for these kinds of file."""
        button = QPushButton(action.text().replace("&&", "\0").replace("&", "").replace("\0", "&"), self)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
        self.actions_row.insertWidget(self.actions_row.count() - 1, button)
        self._buttons.append((tuple(kinds), button))
        button.setVisible(self.kind in kinds)
        return button

    def show_problem(self, problem, name: str = "") -> None:
        """Show `problem` (a TextProblem) for the file `name`."""
        self.kind = problem.kind
        self.title.setText(problem.title)
        where = problem.location
        subject = f"{name}: " if name else ""
        if problem.kind == "not-an-article":
            self.message.setText(f"{subject}not an article: {problem.message}.")
        else:
            self.message.setText(f"{subject}{where + ': ' if where else ''}{problem.message}")
        self.hint.setText(_HINTS[problem.kind])
        for kinds, button in self._buttons:
            button.setVisible(problem.kind in kinds)
