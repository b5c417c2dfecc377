"""What every field editor of the generated article form shares.

Every editor shows the value at one field path of the session's document and, when the user changes
it, writes it back as one core operation through the shared `FormContext`. Refreshing an editor from
the document happens inside `FormContext.updating()`, a counting context (Picard's
`IgnoreUpdatesContext`) during which editors never write: an edit is never echoed back. The context
also builds editors (`create_editor`, given by the form that owns it), so the forms that nest editors
need not import every kind of editor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen, QTextOption
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from editor.core.document import edits
from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError, CorpusEditorError, FieldPathError
from editor.core.document.fieldpath import Path, parse_path
from editor.core.validation.problems import Problem
from editor.core.validation.schema import FieldSpec

MISSING: Any = object()


ERROR_COLOR = QColor("#d32f2f")


WARNING_COLOR = QColor("#e0a100")


def severity_color(problems: list[Problem]) -> QColor | None:
    if not problems:
        return None
    return ERROR_COLOR if any(p.is_error for p in problems) else WARNING_COLOR


def problems_tooltip(problems: list[Problem]) -> str:
    return "\n".join(f"{'Error' if p.is_error else 'Warning'}: {p.message}" for p in problems)


def problem_path(problem: Problem) -> Path | None:
    if not problem.field:
        return None
    try:
        return parse_path(problem.field)
    except FieldPathError:
        return None


# -- the shared state of one form ---------------------------------------------------------------------

class FormContext(QObject):
    """What every editor of one article form shares: the session, the schema, the problems, the
    counting "updating" state that keeps refreshes from being written back, and the editor factory
    (`factory(spec, ctx, parent, widget)`, see `editor.ui.form.factory`)."""

    error = Signal(str)  # an edit was refused: the message to show
    edited = Signal()  # an edit went through

    def __init__(self, factory: Callable[..., FieldEditor], parent: QObject | None = None):
        super().__init__(parent)
        self.factory = factory
        self.session = None
        self.schema = None
        self._updating = 0
        self.problems: list[Problem] = []
        self._by_path: dict[Path, list[Problem]] = {}
        self._saved_key: bytes | None = None
        self._saved_doc = None
        # Escape in a field: callable(widget) -> bool that takes the focus out of it (the article form
        # sets it); None: Escape is left to the widget
        self.leave_field: Callable[[QWidget], bool] | None = None

    def create_editor(self, spec: FieldSpec, parent: QWidget | None = None, widget: str | None = None) -> FieldEditor:
        """The editor for `spec` (or for `widget` instead of its declared one), sharing this context."""
        return self.factory(spec, self, parent, widget)

    # updating -------------------------------------------------------------------------------------
    @contextmanager
    def updating(self) -> Iterator[None]:
        self._updating += 1
        try:
            yield
        finally:
            self._updating -= 1

    @property
    def is_updating(self) -> bool:
        return self._updating > 0

    # the document ---------------------------------------------------------------------------------
    @property
    def doc(self):
        return self.session.doc if self.session is not None else None

    def get(self, path: Path, default: Any = MISSING) -> Any:
        doc = self.doc
        if doc is None:
            return default
        try:
            return doc.get(path) if path else doc.data
        except FieldPathError:
            return default

    def apply(self, op: edits.Operation, merge_typing: bool = False) -> bool:
        """Apply one core operation through the session; a refusal is reported, never raised."""
        if self.is_updating or self.session is None:
            return False
        try:
            self.session.apply(op, merge_typing=merge_typing)
        except CorpusEditorError as exc:
            self.error.emit(getattr(exc, "message", None) or str(exc))
            return False
        self.edited.emit()
        return True

    # the saved file, for dirty markers and per-field revert -------------------------------------------
    def saved_doc(self):
        session = self.session
        if session is None:
            return None
        data = session.saved_bytes
        if data is not self._saved_key:
            self._saved_key = data
            try:
                self._saved_doc = ArticleDocument.from_bytes(data, session.path)
            except ArticleError:
                self._saved_doc = None
        return self._saved_doc

    def saved_value(self, path: Path) -> Any:
        saved = self.saved_doc()
        if saved is None:
            return MISSING
        try:
            return saved.get(path) if path else saved.data
        except FieldPathError:
            return MISSING

    def is_dirty(self, path: Path) -> bool:
        """Whether the field differs from the saved file (both absent: not dirty)."""
        if self.saved_doc() is None:
            return False
        now, then = self.get(path), self.saved_value(path)
        if now is MISSING or then is MISSING:
            return now is not then
        return not edits.strict_equal(now, then)

    @contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """Several operations as one undo step (a paste of several lines)."""
        stack = self.session.undo_stack
        stack.beginMacro(text)
        try:
            yield
        finally:
            stack.endMacro()

    # problems ---------------------------------------------------------------------------------------
    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self._by_path = {}
        for problem in self.problems:
            path = problem_path(problem)
            if path is not None:
                self._by_path.setdefault(path, []).append(problem)

    def problems_at(self, path: Path, deep: bool = False) -> list[Problem]:
        if not deep:
            return list(self._by_path.get(tuple(path), ()))
        n = len(path)
        found: list[Problem] = []
        for key, problems in self._by_path.items():
            if key[:n] == tuple(path):
                found.extend(problems)
        return found

    def problems_by_row(self, list_path: Path) -> dict[int, list[Problem]]:
        """Problems under each item of the list at `list_path`, by index (for list badges)."""
        n = len(list_path)
        rows: dict[int, list[Problem]] = {}
        for key, problems in self._by_path.items():
            if len(key) > n and key[:n] == tuple(list_path) and isinstance(key[n], int):
                rows.setdefault(key[n], []).extend(problems)
        return rows


# -- editors --------------------------------------------------------------------------------------------

class FieldEditor(QWidget):
    """Base class: one field at `path`. Subclasses build their control in `build` and implement
    `show_value`; they call `write(value)` when the user has changed the value."""

    MARGIN = 3

    def __init__(self, spec: FieldSpec, ctx: FormContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.ctx = ctx
        self.path: Path = ()
        self.writer = None  # callable(value) set by the FieldsForm (adds missing keys in schema order)
        self._problems: list[Problem] = []
        self._local_warning = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(self.MARGIN, self.MARGIN, self.MARGIN, self.MARGIN)
        layout.setSpacing(6)
        self.build(layout)

    # for subclasses ---------------------------------------------------------------------------------
    def build(self, layout: QHBoxLayout) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_value(self, value: Any) -> None:  # pragma: no cover - abstract
        """Show `value` (MISSING when the field is absent) without writing anything."""
        raise NotImplementedError

    def accepts(self, value: Any) -> bool:
        """Whether this editor can show `value` without losing it (else the form uses a YAML editor)."""
        return True

    def focus_editor(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def flush(self) -> None:
        """Write a pending change now (before the form moves to another item)."""

    def key_widgets(self) -> list[QWidget]:
        """The widgets whose keys the form watches (Escape leaves the field): all that take focus."""
        return [w for w in (self, *self.findChildren(QWidget)) if w.focusPolicy() != Qt.FocusPolicy.NoFocus]

    # shared ---------------------------------------------------------------------------------------------
    def current(self) -> Any:
        return self.ctx.get(self.path)

    def set_path(self, path: Path) -> None:
        self.path = tuple(path)

    def refresh(self) -> None:
        with self.ctx.updating():
            self.show_value(self.current())

    def write(self, value: Any) -> bool:
        if self.ctx.is_updating or not self.path:
            return False
        current = self.current()
        if current is not MISSING and edits.strict_equal(current, value):
            return False
        if self.writer is not None:
            return self.writer(value)
        return self.ctx.apply(edits.set_path_value(self.path, value))

    def set_problems(self, problems: list[Problem]) -> None:
        self._problems = list(problems)
        self._update_marks()

    def set_local_warning(self, text: str) -> None:
        """A warning the editor itself sees (a value outside the vocabulary, text that is no date)."""
        if text != self._local_warning:
            self._local_warning = text
            self._update_marks()

    def _update_marks(self) -> None:
        tips = [problems_tooltip(self._problems)] if self._problems else []
        if self._local_warning:
            tips.append(f"Warning: {self._local_warning}")
        help_text = self.spec.help
        self.setToolTip("\n".join([*tips, *([help_text] if help_text and not tips else [])]))
        self.update()

    def mark_color(self) -> QColor | None:
        color = severity_color(self._problems)
        if color is None and self._local_warning:
            color = WARNING_COLOR
        return color

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        color = self.mark_color()
        if color is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color)
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)


class AutoHeightPlainTextEdit(QPlainTextEdit):
    focus_out = Signal()

    def __init__(self, parent=None, min_lines: int = 2, max_lines: int = 14):
        super().__init__(parent)
        self.min_lines, self.max_lines = min_lines, max_lines
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_args):
        lines = max(self.min_lines, min(self.max_lines, int(self.document().documentLayout().documentSize()
                                                                 .height())))
        fm = QFontMetrics(self.font())
        margins = self.contentsMargins()
        height = lines * fm.lineSpacing() + 2 * self.document().documentMargin() + margins.top() + margins.bottom()
        self.setFixedHeight(int(height) + 2)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit()

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        self.focus_out.emit()


def tool_button(parent: QWidget, text: str, tip: str, slot) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip.split(" (")[0])
    button.setAutoRaise(True)
    button.clicked.connect(slot)
    return button


def scalar_text(value: Any) -> str:
    """A scalar on one line for a summary; empty for nothing, a list or a mapping."""
    if value is None or value is MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return ""
    return " ".join(str(value).split())
