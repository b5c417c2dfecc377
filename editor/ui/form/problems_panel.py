"""The problems list: counts in the header, one entry per problem (`field path — message ×N`).

The same rule at the same field is one entry with its count (`editor.core.validation.problems
.group_problems`), as the corpus list counts them. Activating an entry (click, Enter, double-click)
emits `problem_activated(problem)`; the window connects it to `ArticleForm.focus_field(problem.field)`.
An entry about other files (a duplicate id) shows them as links: clicking one, or its entry in the
context menu, emits `file_requested(path)`. F8 / Shift+F8 step to the next / previous problem and
activate it. With no problems the list folds away and the panel is its header line.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QKeySequence, QPainter, QPalette, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from editor.core.validation.problems import Problem, count_severities, group_problems
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
    """`3 errors, 5 warnings` (one per entry); `No problems` when there are none."""
    errors, warnings = count_severities(problems)
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
    times = f" \u00d7{problem.count}" if problem.count > 1 else ""
    return f"{where} \u2014 {problem.message}{times}"


def link_text(path: str) -> str:
    return f"open {os.path.basename(path)}"


def tooltip_text(problem: Problem) -> str:
    lines = problem.lines or ((problem.line,) if problem.line else ())
    where = f", line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}" if lines else ""
    text = f"{problem.severity.capitalize()} ({problem.code}{where})\n{problem.message}"
    if problem.count > 1:
        text += f"\nFound {problem.count} times here."
    for other in problem.also:
        text += f"\nAlso: {other}"
    for path in problem.related:
        text += f"\nClick \u201c{link_text(path)}\u201d to open {path}"
    return text


class ProblemListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.problems: list[Problem] = []
        self._icons: dict[bool, QIcon] = {}

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        # errors first, then by line: the order F8 walks
        self.problems = sorted(group_problems(problems), key=lambda p: (not p.is_error, p.line or 0, p.field, p.code))
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
            return tooltip_text(problem)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            links = "".join(f", {link_text(p)}" for p in problem.related)
            return f"{problem.severity}: {entry_text(problem)}{links}"
        if role == PROBLEM_ROLE:
            return problem
        return None


class ProblemDelegate(QStyledItemDelegate):
    """The entry's text, then its links to the other files it names (a duplicate id's other holders)."""

    link_clicked = Signal(str)

    def _links(self, option, index) -> list[tuple[QRect, str]]:
        problem = index.data(PROBLEM_ROLE)
        if problem is None or not problem.related:
            return []
        fm = QFontMetrics(option.font)
        right = option.rect.right() - 6
        found = []
        for path in reversed(problem.related[:3]):
            width = fm.horizontalAdvance(link_text(path)) + 8
            found.append((QRect(right - width, option.rect.top(), width, option.rect.height()), path))
            right -= width + 6
        return found[::-1]

    def paint(self, painter, option, index):
        links = self._links(option, index)
        if not links:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text_rect = QRect(opt.rect)
        text_rect.setRight(links[0][0].left() - 4)
        opt.rect = text_rect
        style = opt.widget.style() if opt.widget else QStyle()
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        full.text = ""
        full.icon = QIcon()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, full, painter, opt.widget)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        font = painter.font()
        font.setUnderline(True)
        painter.setFont(font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link
        painter.setPen(option.palette.color(role))
        for rect, path in links:
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), link_text(path))
        painter.restore()

    def editorEvent(self, event, model, option, index):
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            for rect, path in self._links(option, index):
                if rect.contains(event.position().toPoint()):
                    self.link_clicked.emit(path)
                    return True
        return super().editorEvent(event, model, option, index)

    def sizeHint(self, option, index):
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), QFontMetrics(option.font).height() + 4))


class ProblemsPanel(QWidget):
    """Header with counts over the list of problems of the open article (just the header when empty)."""

    problem_activated = Signal(object)  # a Problem
    file_requested = Signal(str)  # a file a problem names (the other holder of a duplicate id)
    folded = Signal(bool)  # True: no problems, the panel is its header line; False: the list is back

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
        self.delegate = ProblemDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.delegate.link_clicked.connect(self.file_requested)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        layout.addWidget(self.view)
        self._header_height = max(header.sizeHint().height(), self.title.sizeHint().height() + 4)
        self.is_folded = False
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
        self._fold(not self.model.problems)
        text = count_text(self.model.problems)
        self.counts.setText(text)
        errors = any(p.is_error for p in self.model.problems)
        color = ERROR_COLOR if errors else WARNING_COLOR if self.model.problems else None
        self.counts.setStyleSheet(f"color: {color.name()};" if color is not None else "")
        if current is not None and current in self.model.problems:
            self.view.setCurrentIndex(self.model.index(self.model.problems.index(current)))

    FIT_ROWS = 6  # up to this many entries the pane is no taller than they are

    def _fold(self, fold: bool) -> None:
        """No problems: only the header line shows, and the splitter gives the room to the form. A few
        problems: the pane is as tall as they are; more: the user's size."""
        margins = self.layout().contentsMargins()
        header = self._header_height + margins.top() + margins.bottom() + 4
        count = len(self.model.problems)
        if not fold and count <= self.FIT_ROWS:
            rows = count * max(self.view.sizeHintForRow(0), self.fontMetrics().height() + 4)
            self.setMaximumHeight(header + rows + 2 * self.view.frameWidth() + 6)
        elif not fold:
            self.setMaximumHeight(16777215)
        if fold == self.is_folded:
            return
        self.is_folded = fold
        self.view.setVisible(not fold)
        if fold:
            self.setMaximumHeight(header)
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        else:
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.folded.emit(fold)

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        problem = self.model.problems[index.row()]
        menu = QMenu(self.view)
        menu.addAction("Go to the field" if problem.field else "Go to the line",
                       lambda: self._activated(index))
        for path in problem.related:
            menu.addAction(f"Open {path}", lambda p=path: self.file_requested.emit(p))
        menu.popup(self.view.viewport().mapToGlobal(pos))

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
