"""The problems list: counts in the header, one entry per problem (`field path — message`).

Activating an entry (click, Enter, double-click) emits `problem_activated(problem)`; the window
connects it to `ArticleForm.focus_field(problem.field)`. F8 / Shift+F8 step to the next / previous
problem and activate it.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPalette, QPixmap, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QListView, QVBoxLayout, QWidget

from editor.core.validation.problems import Problem
from editor.ui.form.base import ERROR_COLOR, WARNING_COLOR

PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1


def _dot(color: QColor, triangle: bool = False) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    if triangle:
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPolygonF

        painter.drawPolygon(QPolygonF([QPointF(6, 1), QPointF(11, 11), QPointF(1, 11)]))
    else:
        painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


def count_text(problems: list[Problem]) -> str:
    """`3 errors, 5 warnings`; `No problems` when there are none."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return "No problems"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def entry_text(problem: Problem) -> str:
    where = problem.field or "article"
    return f"{where} \u2014 {problem.message}"


class ProblemListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.problems: list[Problem] = []
        self._icons: dict[bool, QIcon] = {}

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        # errors first, then by line: the order F8 walks
        self.problems = sorted(problems, key=lambda p: (not p.is_error, p.line or 0, p.field, p.code))
        self.endResetModel()

    def rowCount(self, parent=None):
        return 0 if parent is not None and parent.isValid() else len(self.problems)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        problem = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry_text(problem)
        if role == Qt.ItemDataRole.DecorationRole:
            if problem.is_error not in self._icons:
                self._icons[problem.is_error] = _dot(ERROR_COLOR) if problem.is_error else _dot(
                    WARNING_COLOR, triangle=True)
            return self._icons[problem.is_error]
        if role == Qt.ItemDataRole.ToolTipRole:
            line = f", line {problem.line}" if problem.line else ""
            return f"{problem.severity.capitalize()} ({problem.code}{line})\n{problem.message}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{problem.severity}: {entry_text(problem)}"
        if role == PROBLEM_ROLE:
            return problem
        return None


class ProblemsPanel(QWidget):
    """Header with counts over the list of problems of the open article."""

    problem_activated = Signal(object)  # a Problem

    def __init__(self, parent: QWidget | None = None, install_shortcuts: bool = True):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 2)
        self.title = QLabel("Problems", self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.counts = QLabel("No problems", self)
        self.counts.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint = QLabel("F8 next \u00b7 Shift+F8 previous", self)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        header.addWidget(self.title)
        header.addWidget(self.counts)
        header.addStretch(1)
        header.addWidget(self.hint)
        layout.addLayout(header)
        self.model = ProblemListModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName("Problems")
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the tooltip has it all
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        layout.addWidget(self.view)
        self._visited: Problem | None = None  # where F8 continues from
        self.shortcuts: list[QShortcut] = []
        if install_shortcuts:
            for key, slot in ((QKeySequence(Qt.Key.Key_F8), self.next_problem),
                              (QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F8), self.previous_problem)):
                shortcut = QShortcut(key, self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(slot)
                self.shortcuts.append(shortcut)

    @property
    def problems(self) -> list[Problem]:
        return list(self.model.problems)

    def set_problems(self, problems: list[Problem]) -> None:
        current = self.current_problem()
        self.model.set_problems(list(problems))
        text = count_text(self.model.problems)
        self.counts.setText(text)
        errors = any(p.is_error for p in self.model.problems)
        color = ERROR_COLOR if errors else WARNING_COLOR if self.model.problems else None
        self.counts.setStyleSheet(f"color: {color.name()};" if color is not None else "")
        if current is not None and current in self.model.problems:
            self.view.setCurrentIndex(self.model.index(self.model.problems.index(current)))

    def current_problem(self) -> Problem | None:
        index = self.view.currentIndex()
        return self.model.problems[index.row()] if index.isValid() and index.row() < len(self.model.problems) \
            else None

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._visited = self.model.problems[index.row()]
            self.problem_activated.emit(self._visited)

    def _step(self, delta: int) -> None:
        n = len(self.model.problems)
        if not n:
            return
        if self._visited is not None and self._visited in self.model.problems:
            row = (self.model.problems.index(self._visited) + delta) % n
        else:
            row = 0 if delta > 0 else n - 1
        new = self.model.index(row)
        self.view.setCurrentIndex(new)
        self.view.scrollTo(new)
        self._activated(new)

    def next_problem(self) -> None:
        self._step(1)

    def previous_problem(self) -> None:
        self._step(-1)
