"""The article's facts as a review queue: unreviewed first, then the oldest review; one line per fact
with its verdict mark. Keys 1-4 on the list record a verdict (the panel listens to `verdict_key`)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListView

from editor.core.document.review import VERDICTS, FactReview, queue
from editor.ui import theme

MARKS = {"supported": "✔", "partial": "◐", "unsupported": "✖", "unavailable": "?"}
FACT_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_CHARS = 110  # of a statement under its fact's id; the list wraps it to its width


def verdict_color(verdict: str | None):
    if verdict == "supported":
        return theme.ok_color()
    if verdict in ("unsupported",):
        return theme.error_color()
    if verdict in ("partial", "unavailable"):
        return theme.warning_color()
    return None


class FactQueueModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.facts: list[FactReview] = []

    def set_facts(self, facts: list[FactReview]) -> None:
        self.beginResetModel()
        self.facts = queue(facts)
        self.endResetModel()

    def row_of(self, fact_index: int) -> int | None:
        return next((row for row, fact in enumerate(self.facts) if fact.index == fact_index), None)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.facts)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        fact = self.facts[index.row()]
        verdict = fact.review.verdict if fact.reviewed else None
        if role == Qt.ItemDataRole.DisplayRole:
            mark = MARKS.get(verdict, "○")
            statement = " ".join(fact.statement.split())
            if len(statement) > SUMMARY_CHARS:
                statement = statement[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
            state = verdict or "not reviewed"
            return f"{mark}  {fact.id or f'fact {fact.index + 1}'} · {state}\n{statement}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if not fact.reviewed:
                return f"{fact.statement}\n\nnot reviewed yet"
            review = fact.review
            when = review.date.isoformat() if review.date else "an unknown date"
            return f"{fact.statement}\n\n{review.verdict}, by {review.by or 'someone'} on {when}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = verdict or "not reviewed"
            return f"{fact.id or fact.index + 1}: {state}: {fact.statement}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return verdict_color(verdict)
        if role == FACT_ROLE:
            return fact
        return None


class FactQueueView(QListView):
    verdict_key = Signal(str)  # keys 1-4 while the queue has focus

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setAccessibleName("Facts to review")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
        if event.key() in keys and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.verdict_key.emit(VERDICTS[keys[event.key()]])
            event.accept()
            return
        super().keyPressEvent(event)
