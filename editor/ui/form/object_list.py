"""Lists of objects (facts, sources) as master-detail.

A list of objects is a model (one summary line per item, with problem and confidence badges) in a
QListView, and ONE detail form that edits the selected item: a thousand facts are a thousand model
rows, not a thousand widgets. Every action (insert, duplicate, delete, move, drag) is a single core
operation, so one undo takes it back.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.document import edits
from editor.core.validation.problems import Problem
from editor.core.validation.schema import FieldSpec
from editor.ui.form.base import (
    ERROR_COLOR,
    MISSING,
    WARNING_COLOR,
    FieldEditor,
    problems_tooltip,
    scalar_text,
    severity_color,
    tool_button,
)
from editor.ui.form.fields_form import ElidedLabel, FieldsForm
from editor.ui.form.sources import SourcePicker, fact_keys, source_keys, source_lists
from editor.ui.form.string_list import StringListEditor

ROW_MIME = "application/x-corpus-editor-row"


# -- ids ------------------------------------------------------------------------------------------------

_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")


def fresh_id(existing: list[Any], like: str | None) -> str:
    """A new id in the family of `like`: its trailing number bumped past every id of that family
    (`af-topic-3` -> `af-topic-4`, `fact-x-009` -> `fact-x-010`); `like-2` when it has no number."""
    taken = {str(i) for i in existing if i is not None}
    if not like:
        like = "item-0"
    match = _TRAILING_NUMBER.match(like)
    if match:
        prefix, digits = match.group(1), match.group(2)
    else:
        prefix, digits = like + "-", "1"
    width = len(digits) if digits.startswith("0") else 1
    highest = int(digits)
    for other in taken:
        m = _TRAILING_NUMBER.match(other)
        if m and m.group(1) == prefix:
            highest = max(highest, int(m.group(2)))
    number = highest + 1
    candidate = f"{prefix}{number:0{width}d}"
    while candidate in taken:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
    return candidate


# -- lists of objects -------------------------------------------------------------------------------------

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1  # (head, rest) of the summary line


FILTER_ROLE = Qt.ItemDataRole.UserRole + 2


CONFIDENCE_ROLE = Qt.ItemDataRole.UserRole + 3


PROBLEMS_ROLE = Qt.ItemDataRole.UserRole + 4  # (errors, warnings)


USAGE_ROLE = Qt.ItemDataRole.UserRole + 5  # facts citing a source; -1 when not counted


NUMBER_ROLE = Qt.ItemDataRole.UserRole + 6  # position in the saved order, from 1


SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 7  # for sorting: errors first, then warnings


class ItemListModel(QAbstractListModel):
    """The items of a list of objects, one summary line each. Reads the document's own list; never
    changes it: moves and drops are requested through `move_requested` and done as core operations."""

    move_requested = Signal(int, int)

    def __init__(self, specs: tuple[FieldSpec, ...], summary: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.items: list[Any] = []
        names = [s.name for s in specs]
        self.summary = tuple(summary) or tuple(names[:2])
        self.confidence_field = "confidence" if "confidence" in names else None
        self.type_field = "type" if "type" in names and "type" not in self.summary else None
        self.row_problems: dict[int, list[Problem]] = {}
        self.usage: dict[int, int] | None = None

    # contents ------------------------------------------------------------------------------------------
    def set_items(self, items: list[Any]) -> None:
        if len(items) == len(self.items):
            self.items = items
            if items:
                self.dataChanged.emit(self.index(0), self.index(len(items) - 1))
            return
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def set_row_problems(self, rows: dict[int, list[Problem]]) -> None:
        changed = [row for row in set(rows) | set(self.row_problems) if 0 <= row < len(self.items)]
        self.row_problems = rows
        if changed:  # one signal for the span, not one per row
            self.dataChanged.emit(self.index(min(changed)), self.index(max(changed)),
                 [PROBLEMS_ROLE, Qt.ItemDataRole.ToolTipRole])

    def set_usage(self, usage: dict[int, int] | None) -> None:
        self.usage = usage
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1), [USAGE_ROLE])

    def rowCount(self, parent=None):
        return 0 if parent is not None and parent.isValid() else len(self.items)

    def summary_parts(self, row: int) -> tuple[str, str]:
        item = self.items[row]
        if not isinstance(item, dict):
            return "", scalar_text(item) or "(not a mapping)"
        parts: list[str] = []
        for name in self.summary:
            text = scalar_text(item.get(name))
            if not text:
                continue
            if name == "year" and parts:
                parts[-1] += f" ({text})"
            else:
                parts.append(text)
        if self.type_field and scalar_text(item.get(self.type_field)):
            parts.append(scalar_text(item.get(self.type_field)))
        if not parts:
            return "", "(empty)"
        if len(parts) > 1 and self.summary and self.summary[0] == "id" and scalar_text(item.get("id")):
            return parts[0], " \u00b7 ".join(parts[1:])
        return "", " \u00b7 ".join(parts)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            head, rest = self.summary_parts(row)
            return f"{head} \u00b7 {rest}" if head else rest
        if role == NUMBER_ROLE:
            return row + 1
        if role == SEVERITY_ROLE:
            problems = self.row_problems.get(row, [])
            return -(1000 * sum(1 for p in problems if p.is_error) + sum(1 for p in problems if not p.is_error))
        if role == SUMMARY_ROLE:
            return self.summary_parts(row)
        if role == FILTER_ROLE:
            item = self.items[row]
            values = item.values() if isinstance(item, dict) else [item]
            return " ".join(scalar_text(v) for v in values).lower()
        if role == CONFIDENCE_ROLE:
            item = self.items[row]
            if self.confidence_field and isinstance(item, dict):
                return scalar_text(item.get(self.confidence_field))
            return ""
        if role == PROBLEMS_ROLE:
            problems = self.row_problems.get(row, [])
            errors = sum(1 for p in problems if p.is_error)
            return errors, len(problems) - errors
        if role == USAGE_ROLE:
            return -1 if self.usage is None else self.usage.get(row, 0)
        if role == Qt.ItemDataRole.ToolTipRole:
            head, rest = self.summary_parts(row)
            problems = self.row_problems.get(row, [])
            tip = f"#{row + 1}  {head + ' · ' if head else ''}{rest}"
            if problems:
                tip += "\n" + problems_tooltip(problems)
            return tip
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.data(index)
        return None

    # drag and drop: a drop asks for one MoveItem --------------------------------------------------------
    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def supportedDragActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self):
        return [ROW_MIME]

    def mimeData(self, indexes):
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            mime.setData(ROW_MIME, QByteArray(str(rows[0]).encode()))
        return mime

    def canDropMimeData(self, data, action, row, column, parent):
        return data.hasFormat(ROW_MIME)

    def dropMimeData(self, data, action, row, column, parent):
        if not data.hasFormat(ROW_MIME):
            return False
        src = int(bytes(data.data(ROW_MIME).data()).decode() or -1)
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.items)
        dst = row - 1 if row > src else row
        dst = max(0, min(dst, len(self.items) - 1))
        if 0 <= src < len(self.items) and dst != src:
            # after the drag has finished: the model changes only through the document
            QTimer.singleShot(0, lambda: self.move_requested.emit(src, dst))
        return False  # the view must not remove the dragged row itself

    def moveRows(self, source_parent, source_row, count, destination_parent, destination_child):
        if count != 1:
            return False
        dst = destination_child - 1 if destination_child > source_row else destination_child
        if dst != source_row:
            QTimer.singleShot(0, lambda: self.move_requested.emit(source_row, dst))
        return False


def fit_head(fm: QFontMetrics, head: str, available: int) -> tuple[str, int]:
    """An item's id in its summary line: whole when it fits in half the line, else cut at its end (never
    in the middle, where ids differ: `af-topic-1` / `af-topic-12`)."""
    width = min(fm.horizontalAdvance(head) + 3, max(60, available // 2))
    return fm.elidedText(head, Qt.TextElideMode.ElideRight, width), width


class ItemSummaryDelegate(QStyledItemDelegate):
    """Paints `#n  id · summary...` elided, with confidence, usage and problem badges at the right."""

    def sizeHint(self, option, index):
        fm = QFontMetrics(option.font)
        return QSize(200, fm.height() + 8)

    def paint(self, painter, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        head, rest = index.data(SUMMARY_ROLE) or ("", "")
        opt.text = ""
        style = opt.widget.style() if opt.widget else QStyle()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_color = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QColor(text_color)
        dim.setAlphaF(0.6)
        fm = QFontMetrics(opt.font)
        rect = opt.rect.adjusted(6, 0, -6, 0)
        # badges at the right, each in a column of fixed width so rows line up
        model = index.model()
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
        right = rect.right()
        if isinstance(source, ItemListModel) and source.row_problems:
            slot = fm.horizontalAdvance("\u25cf 99 \u25b2 99") + 6
            errors, warnings = index.data(PROBLEMS_ROLE) or (0, 0)
            x_end = right
            for count, color, mark in ((warnings, WARNING_COLOR, "\u25b2"), (errors, ERROR_COLOR, "\u25cf")):
                if count:
                    text = f"{mark} {count}"
                    width = fm.horizontalAdvance(text) + 4
                    painter.setPen(color)
                    painter.drawText(QRect(x_end - width, rect.top(), width, rect.height()),
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
                    x_end -= width + 4
            right -= slot + 4
        usage = index.data(USAGE_ROLE)
        if usage is not None and usage >= 0:
            text = f"{usage} fact{'s' if usage != 1 else ''}"
            slot = fm.horizontalAdvance("999 facts") + 6
            painter.setPen(dim if usage else WARNING_COLOR)
            painter.drawText(QRect(right - slot, rect.top(), slot, rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
            right -= slot + 6
        if isinstance(source, ItemListModel) and source.confidence_field:
            confidence = index.data(CONFIDENCE_ROLE)
            slot = fm.horizontalAdvance("medium") + 12
            if confidence:
                width = fm.horizontalAdvance(confidence) + 12
                chip = QRect(right - width, rect.top() + 3, width, rect.height() - 6)
                color = {"high": QColor("#2e7d32"), "medium": QColor("#1565c0"), "low": QColor("#8d6e63")}.get(
                    confidence, WARNING_COLOR)
                if selected or opt.palette.color(QPalette.ColorRole.Base).lightness() < 128:
                    color = text_color if selected else color.lighter(170)
                painter.setRenderHint(painter.RenderHint.Antialiasing)
                painter.setPen(color)
                painter.drawRoundedRect(chip, 4, 4)
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, confidence)
            right -= max(slot, fm.horizontalAdvance(confidence or "") + 12) + 6
        # number, head (an id: whole, or cut at its end only when there is no room), rest (elided at the end)
        x = rect.left()
        number = f"{index.data(NUMBER_ROLE) or ''}"
        if number:
            painter.setPen(dim)
            width = fm.horizontalAdvance("0000")
            painter.drawText(QRect(x, rect.top(), width, rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, number)
            x += width + 8
        available = right - x - 4
        if head:
            shown, head_width = fit_head(fm, head, available)
            painter.setPen(dim)
            painter.drawText(QRect(x, rect.top(), head_width, rect.height()), Qt.AlignmentFlag.AlignVCenter, shown)
            x += fm.horizontalAdvance(shown) + 4
            sep = "\u00b7 "
            painter.drawText(QRect(x, rect.top(), available, rect.height()), Qt.AlignmentFlag.AlignVCenter, sep)
            x += fm.horizontalAdvance(sep)
        painter.setPen(text_color)
        width = max(0, right - x - 4)
        painter.drawText(QRect(x, rect.top(), width, rect.height()), Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(rest, Qt.TextElideMode.ElideRight, width))
        painter.restore()


class _NumberedProxy(QSortFilterProxyModel):
    """Filters by every text of an item (FILTER_ROLE).

    It deliberately does not override `data`: on PySide6 6.12 every invalid QVariant that reaches Python
    as None costs a reference to None, and a view asks for a dozen empty roles per row per paint.
    """


class _ItemListView(QListView):
    action = Signal(str)

    KEYS: ClassVar[dict] = {
        (Qt.Key.Key_Up, "ctrl"): "up", (Qt.Key.Key_Down, "ctrl"): "down",
        (Qt.Key.Key_Return, "ctrl"): "add", (Qt.Key.Key_Enter, "ctrl"): "add",
        (Qt.Key.Key_D, "ctrl"): "duplicate", (Qt.Key.Key_Delete, ""): "delete",
        (Qt.Key.Key_Return, ""): "open", (Qt.Key.Key_Enter, ""): "open",
        (Qt.Key.Key_Insert, ""): "below", (Qt.Key.Key_Insert, "shift"): "above",
    }

    def _key_action(self, event) -> str | None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        name = {Qt.KeyboardModifier.NoModifier: "", Qt.KeyboardModifier.ControlModifier: "ctrl",
                Qt.KeyboardModifier.ShiftModifier: "shift"}.get(mods)
        if name is None:
            return None
        return self.KEYS.get((event.key(), name))

    def event(self, event):
        if event.type() == QEvent.Type.ShortcutOverride and self._key_action(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        action = self._key_action(event)
        if action is not None:
            self.action.emit(action)
            event.accept()
            return
        super().keyPressEvent(event)


class ObjectListEditor(FieldEditor):
    """A list of objects as master-detail: a filterable list of summary lines over one detail form.

    The list is as tall as its items (no scrollbar of its own inside the form's scrolling) up to
    MAX_ROWS; only longer lists scroll, and those have a filter box."""

    MAX_ROWS = 60
    FILTER_FROM = 5  # items

    detail_shown = Signal(int)  # the user selected an item: its detail form shows (the form reveals it)

    def build(self, layout):
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.model = ItemListModel(self.spec.items, self.spec.summary, self)
        self.model.move_requested.connect(self.move_item)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(2)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(f"Filter {self.spec.label.lower()}\u2026")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(f"Filter {self.spec.label}")
        self.filter_edit.textChanged.connect(self._filter)
        bar.addWidget(self.filter_edit, 1)
        self.buttons = {
            "add": tool_button(self, "+ Add", "Add an item at the end (Ctrl+Enter)", self.append),
            "below": tool_button(self, "Insert", "Insert a new item below the selected one (Insert); the arrow "
                           "offers inserting above (Shift+Insert)", self.insert_below),
            "duplicate": tool_button(self, "Duplicate", "Duplicate the selected item with a fresh id (Ctrl+D)",
                               self.duplicate),
            "delete": tool_button(self, "Delete", "Delete the selected item (Delete)", self.delete),
            "up": tool_button(self, "\u2191", "Move the selected item up (Ctrl+Up)", lambda: self.move(-1)),
            "down": tool_button(self, "\u2193", "Move the selected item down (Ctrl+Down)", lambda: self.move(1)),
        }
        add_menu = QMenu(self.buttons["below"])
        add_menu.addAction("Insert below (Insert)", self.insert_below)
        add_menu.addAction("Insert above (Shift+Insert)", self.insert_above)
        self.buttons["below"].setMenu(add_menu)
        self.buttons["below"].setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.filter_edit.setMinimumWidth(80)
        self.sort_button = QToolButton(self)
        self.sort_button.setAutoRaise(True)
        self.sort_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.sort_button.setToolTip("Sort the view (the saved order never changes)")
        self.sort_button.setAccessibleName(f"Sort {self.spec.label}")
        sort_menu = QMenu(self.sort_button)
        self.sort_actions = {}
        for key, text in (("saved", "Saved order"), ("text", "By summary"), ("confidence", "By confidence"),
                          ("problems", "Problems first")):
            if key == "confidence" and self.model.confidence_field is None:
                continue
            action = sort_menu.addAction(text, lambda key=key: self.sort_by(key))
            action.setCheckable(True)
            self.sort_actions[key] = action
        self.sort_button.setMenu(sort_menu)
        bar.addWidget(self.sort_button)
        # the row actions on a line of their own: in a narrow form they never push each other out
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(2)
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        self.filter_bar = QWidget(self)
        self.filter_bar.setLayout(bar)
        box.addWidget(self.filter_bar)
        box.addLayout(actions)


        self.proxy = _NumberedProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(FILTER_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = _ItemListView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(ItemSummaryDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setAccessibleName(self.spec.label)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # a click on the item already selected shows its detail form too (it may be scrolled away)
        self.view.clicked.connect(lambda _index: self._row is not None and self.detail_shown.emit(self._row))
        self.view.action.connect(self._action)
        box.addWidget(self.view)

        self.detail = QWidget(self)
        self.detail.setObjectName("itemDetail")
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(8, 6, 0, 4)
        detail_layout.setSpacing(2)
        self.detail_title = QLabel(self.detail)
        self.detail_title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.form = FieldsForm(list(self.spec.items), self.ctx, self.detail, show_other=True)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.form)
        self.placeholder = QLabel("Select an item to edit it, or add one with \u201c+ Add\u201d (Ctrl+Enter).", self)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.placeholder.setContentsMargins(8, 4, 0, 4)
        self.placeholder.setWordWrap(True)
        box.addWidget(self.placeholder)
        box.addWidget(self.detail)
        layout.addLayout(box)
        self.setFocusProxy(self.view)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._row: int | None = None
        self.sort_key = "saved"
        self.sort_by("saved")
        self._add_source_picker()
        self._install_detail_keys()
        self._show_detail(None)

    def accepts(self, value):
        return value is MISSING or value is None or (isinstance(value, list) and all(
            isinstance(item, dict) for item in value))

    def _add_source_picker(self):
        """Facts (items with a source URL) get a picker of the article's sources beside that field."""
        editor = self.form.editor_for("source_url")
        if editor is None or not source_lists(self.ctx):
            return
        self.source_picker = SourcePicker(self.ctx, editor)
        self.source_picker.picked.connect(self.use_source)
        editor.layout().addWidget(self.source_picker)
        # under the source fields: which of the article's sources the fact cites
        self.source_hint = ElidedLabel(self.form)
        self.source_hint.setContentsMargins(FieldEditor.MARGIN + 2, 0, 0, 4)
        self.source_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        last = max(self.form.layout_.getWidgetPosition(self.form.editor_for(name))[0]
                    for name in ("source_url", "source_doi", "source_ref") if self.form.editor_for(name))
        self.form.layout_.insertRow(last + 1, "", self.source_hint)

    def cited_source(self, fact: dict) -> tuple[str, int, dict] | None:
        """(list name, index, source) of the first article source the fact cites, or None."""
        keys = fact_keys(fact)
        if not keys:
            return None
        for name, _spec in source_lists(self.ctx):
            items = self.ctx.get((name,), None)
            for i, source in enumerate(items if isinstance(items, list) else []):
                if isinstance(source, dict) and keys & source_keys(source):
                    return name, i, source
        return None

    def _update_source_hint(self) -> None:
        hint = getattr(self, "source_hint", None)
        if hint is None or self._row is None:
            return
        fact = self.model.items[self._row] if self._row < len(self.model.items) else None
        if not isinstance(fact, dict) or not fact_keys(fact):
            hint.setText("Cites no source yet: pick one with \u201cSources\u2026\u201d.")
            return
        found = self.cited_source(fact)
        if found is None:
            hint.setText("\u26a0 Cites none of the article's sources.")
            return
        name, index, source = found
        label = next((spec.label for n, spec in source_lists(self.ctx) if n == name), name)
        title = scalar_text(source.get("title")) or "(untitled)"
        hint.setText(f"Cites {label.lower().rstrip('s')} {index + 1}: {title}")

    def use_source(self, source: dict) -> None:
        """Cite `source` in the selected fact: its URL (or DOI URL), and its title when the fact has none."""
        if self._row is None:
            return
        url = scalar_text(source.get("url"))
        if not url and scalar_text(source.get("doi")):
            doi = scalar_text(source.get("doi"))
            url = doi if doi.startswith("http") else "https://doi.org/" + doi.removeprefix("doi:")
        fact = self.model.items[self._row]
        specs = {spec.name: spec for spec in self.spec.items}
        changes = []
        if url and url != fact.get("source_url") and "source_url" in specs:
            changes.append((specs["source_url"], url))
        title = scalar_text(source.get("title"))
        if title and not scalar_text(fact.get("source_title")) and "source_title" in specs:
            changes.append((specs["source_title"], title))
        if not changes:
            return
        with self.ctx.macro("Cite a source"):
            for spec, value in changes:
                if not self.form.write(spec, value):
                    break

    # keyboard in the detail form: Ctrl+D duplicates the item; Escape only leaves the field (the form's
    # own key watch) and Ctrl+Enter is the field's own: neither jumps to the list nor adds an item ---------
    def _install_detail_keys(self):
        nested = [w for w in self.form.findChildren(QWidget) if isinstance(w, (StringListEditor, ObjectListEditor))]
        for widget in self.form.findChildren(QWidget):
            if any(n is widget or n.isAncestorOf(widget) for n in nested):
                continue
            widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ctrl = mods == Qt.KeyboardModifier.ControlModifier
            key = event.key()
            action = "duplicate" if ctrl and key == Qt.Key.Key_D else None
            if action is not None:
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    self._action(action)
                return True
        return super().eventFilter(obj, event)

    # showing ---------------------------------------------------------------------------------------------
    def show_value(self, value):
        items = value if isinstance(value, list) else []
        row = self._row
        self.model.set_items(items)
        # a filter box for long lists only
        self.filter_edit.setVisible(len(items) > self.FILTER_FROM or bool(self.filter_edit.text()))
        self.sort_button.setVisible(len(items) > self.FILTER_FROM or self.sort_key != "saved")
        self.filter_bar.setVisible(not self.filter_edit.isHidden() or not self.sort_button.isHidden())
        if row is not None and row >= len(items):
            row = len(items) - 1 if items else None
        self._select(row, focus=False, reveal=False)  # refreshes the detail form

    def count_text(self) -> str:
        n = len(self.model.items)
        shown = self.proxy.rowCount()
        if shown != n:
            return f"{shown} of {n}"
        return str(n)

    def set_problems(self, problems):
        super().set_problems([p for p in problems if p.field == self.spec.name or p.field == ""])
        self.model.set_row_problems(self.ctx.problems_by_row(self.path))
        self.form.update_problems()

    def mark_color(self):
        return severity_color(self._problems)

    def current_row(self) -> int | None:
        return self._row

    def _select(self, row: int | None, focus: bool = False, reveal: bool = True) -> None:
        if row is None or not 0 <= row < len(self.model.items):
            self.view.selectionModel().clearCurrentIndex()
            self.view.clearSelection()
            self._show_detail(None)
            return
        proxy_index = self.proxy.mapFromSource(self.model.index(row))
        if not proxy_index.isValid():
            if not reveal:  # a refresh keeps the user's filter; the detail still shows the item
                self._show_detail(row)
                return
            # filtered out: clear the filter so the selected item is seen
            self.filter_edit.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row))
        if self.view.currentIndex() != proxy_index:
            self.view.selectionModel().setCurrentIndex(
                proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            self._show_detail(row)
        self.view.scrollTo(proxy_index)
        if focus:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_row(self, row: int, focus_list: bool = True) -> None:
        self._select(row, focus=focus_list)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex):
        row = self.proxy.mapToSource(current).row() if current.isValid() else None
        if row != self._row and self._row is not None and not self.ctx.is_updating:
            self.form.flush()  # a pending edit belongs to the item that was shown
        self._show_detail(row)
        if row is not None and not self.ctx.is_updating:
            self.detail_shown.emit(row)

    def _show_detail(self, row: int | None) -> None:
        self._row = row
        has = row is not None
        self.detail.setVisible(has)
        self.placeholder.setVisible(not has)
        for name in ("duplicate", "delete", "up", "down"):
            self.buttons[name].setEnabled(has)
        self.buttons["below"].setEnabled(has)
        if not has:
            self.form.unbind()
        else:
            self.form.set_base((*self.path, row))
            self.detail_title.setText(f"Item {row + 1} of {len(self.model.items)}")
            with self.ctx.updating():
                self.form.refresh()
            self.form.update_problems()
            self._update_source_hint()

    def sort_by(self, key: str) -> None:
        """Sort the view only: `saved` (the file's order), `text`, `confidence` or `problems`."""
        self.sort_key = key
        for name, action in self.sort_actions.items():
            action.setChecked(name == key)
        self.sort_button.setText("Sort" if key == "saved" else f"Sort: {self.sort_actions[key].text().lower()}")
        if key == "saved":
            self.proxy.sort(-1)
        else:
            role = {"text": Qt.ItemDataRole.DisplayRole, "confidence": CONFIDENCE_ROLE,
                    "problems": SEVERITY_ROLE}[key]
            self.proxy.setSortRole(role)
            self.proxy.sort(0, Qt.SortOrder.AscendingOrder)
        self._update_drag()
        if self._row is not None:
            index = self.proxy.mapFromSource(self.model.index(self._row))
            if index.isValid():
                self.view.scrollTo(index)

    def _update_drag(self) -> None:
        """Reordering by drag only in the saved order with no filter: what you see is what is saved."""
        self.view.setDragEnabled(self.sort_key == "saved" and not self.filter_edit.text().strip())

    def _filter(self, text: str):
        self.proxy.setFilterFixedString(text.strip().lower())
        self._update_drag()
        self._fit()
        if self._row is not None:
            index = self.proxy.mapFromSource(self.model.index(self._row))
            if index.isValid():
                self.view.scrollTo(index)

    def key_widgets(self):
        return [self.view, self.filter_edit]  # the detail form watches its own fields

    def _fit(self):
        rows = max(1, min(self.proxy.rowCount(), self.MAX_ROWS))
        row_height = self.view.sizeHintForRow(0) if self.proxy.rowCount() else QFontMetrics(
            self.view.font()).height() + 8
        self.view.setFixedHeight(rows * row_height + 2 * self.view.frameWidth() + 2)

    def focus_editor(self):
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._row is None and self.model.items:
            self._select(0)

    def focus_item_field(self, row: int, name: str | None) -> FieldEditor | None:
        """Select item `row` and focus its field `name` (the first field when None)."""
        self._select(row)
        if self._row != row:
            return None
        editor = self.form.editor_for(name) if name else None
        if editor is None:
            self.form.focus_first()
            return None
        editor.focus_editor()
        return editor

    # actions: each one core operation ----------------------------------------------------------------------
    def _action(self, name: str):
        actions = {"up": lambda: self.move(-1), "down": lambda: self.move(1), "add": self.append,
                   "below": self.insert_below, "above": self.insert_above,
                   "duplicate": self.duplicate, "delete": self.delete, "open": self.form.focus_first}
        actions[name]()

    def new_item(self) -> dict:
        """A fresh item: a new id (when the items carry ids) and the required fields, empty."""
        items = self.model.items
        names = [s.name for s in self.spec.items]
        value: dict = {}
        ids = [item.get("id") for item in items if isinstance(item, dict)]
        if "id" in names and (any(ids) or any(s.name == "id" and s.required for s in self.spec.items)):
            like = next((str(i) for i in reversed(ids) if i), None)
            value["id"] = fresh_id(ids, like or f"{self.spec.name[:2]}-1")
        for spec in self.spec.items:
            if spec.required and spec.name not in value and spec.widget in ("line", "text", "url", "date"):
                value[spec.name] = ""
        if not value and names:
            value[names[0]] = ""
        return value

    def _insert(self, row: int, value: dict) -> None:
        current = self.current()
        if current is MISSING or current is None:
            ok = self.write([value])
            row = 0
        else:
            ok = self.ctx.apply(edits.InsertItem(self.path, row, value, tuple(s.name for s in self.spec.items)))
        if ok:
            self.filter_edit.clear()
            self._row = row
            self._select(row)
            self.form.focus_first()

    def append(self):
        """A new item at the end of the list (what "+ Add" and Ctrl+Enter do)."""
        self._insert(len(self.model.items), self.new_item())

    def insert_above(self):
        self._insert(self._row if self._row is not None else 0, self.new_item())

    def insert_below(self):
        self._insert(self._row + 1 if self._row is not None else len(self.model.items), self.new_item())

    def duplicate(self):
        if self._row is None:
            return
        self.form.flush()
        item = self.model.items[self._row]
        copy = dict(item)
        if copy.get("id"):
            copy["id"] = fresh_id([i.get("id") for i in self.model.items if isinstance(i, dict)], str(copy["id"]))
        self._insert(self._row + 1, copy)

    def delete(self):
        if self._row is None:
            return
        row = self._row
        if self.ctx.apply(edits.RemoveItem(self.path, row)):
            n = len(self.model.items)
            self._select(min(row, n - 1) if n else None, focus=True)

    def move(self, delta: int):
        if self._row is not None:
            self.move_item(self._row, self._row + delta)

    def move_item(self, src: int, dst: int):
        n = len(self.model.items)
        if not (0 <= src < n and 0 <= dst < n) or src == dst:
            return
        self.form.flush()
        if self.ctx.apply(edits.MoveItem(self.path, src, dst)):
            self._select(dst, focus=True)

    def flush(self):
        self.form.flush()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event):
        super().showEvent(event)
        self._fit()
