"""The clash view: an article's unsaved edits clash with its file on disk; choose per clashing field.

One row per clashing field with your value, the disk's value and the two choices (Keep mine / Take
theirs); each choice is applied at once as one step of the article's history (Ctrl+Z in the window
takes it back, and the row comes back). Everything that does not clash is merged once every clash is
decided. Below, the two whole texts side by side. Nothing is written to disk here: saving does that.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from typing import Any

import yaml

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from editor.core.files.merge import BODY, MINE, MISSING, THEIRS, FieldClash
from editor.ui import theme
from editor.ui.dialogs.side_by_side import SideBySideView


def value_text(value: Any) -> str:
    """A value as a person reads it in the clash view."""
    if value is MISSING:
        return "(not in this version)"
    if isinstance(value, str):
        return value
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=80)
    return text.removesuffix("\n...\n").rstrip("\n")


def _value_box(text: str, name: str) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setReadOnly(True)
    box.setAccessibleName(name)
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    lines = max(1, min(6, text.count("\n") + 1 + len(text) // 70))
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ClashDialog(QDialog):
    """Per-field decisions for the clash `session.clash`. `choose(name, side)`, `keep_all()` and
    `take_all()` are the controller's (`editor.ui.sync.ConflictController`): they apply the decision."""

    def __init__(self, session, choose: Callable[[str, str], None], keep_all: Callable[[], None],
                 take_all: Callable[[], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._choose, self._keep_all, self._take_all = choose, keep_all, take_all
        self.setWindowTitle("Your unsaved edits and the file on disk")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view = SideBySideView(self)
        self.left, self.right = self.view.left, self.view.right
        self.scroll = scroll
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(scroll)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        self.keep_all_button = QPushButton("Keep mine for everything")
        self.keep_all_button.setToolTip("Keep all your text; saving replaces the file on disk")
        self.take_all_button = QPushButton("Take theirs for everything…")
        self.take_all_button.setToolTip("Replace all your unsaved edits with the file on disk (asks first)")
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.keep_all_button.clicked.connect(self._keep_all)
        self.take_all_button.clicked.connect(self._take_all)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_all_button)
        buttons.addWidget(self.take_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.choice_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        session.changed.connect(self.refresh)
        session.clash_changed.connect(self.refresh)
        self.resize(1100, 760)
        self.refresh()

    @property
    def changed_left(self) -> list[int]:
        return self.view.changed_left

    @property
    def changed_right(self) -> list[int]:
        return self.view.changed_right

    def done(self, result: int) -> None:
        for signal in (self.session.changed, self.session.clash_changed):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(self.refresh)
        super().done(result)

    def refresh(self) -> None:
        clash = self.session.clash
        theirs = clash.theirs if clash is not None else self.session.saved_bytes
        self.view.set_texts(self.session.text, theirs.decode("utf-8", errors="backslashreplace").lstrip("\ufeff"))
        # the rows are built anew (the scroll area deletes the old ones)
        self.rows_box = QWidget()
        self.rows = QGridLayout(self.rows_box)
        self.rows.setContentsMargins(4, 4, 4, 4)
        self.rows.setHorizontalSpacing(10)
        self.rows.setVerticalSpacing(6)
        self.scroll.setWidget(self.rows_box)
        self.choice_buttons.clear()
        if clash is None:
            self.intro.setText("<b>Nothing left to decide.</b> Your edits are merged with the file on disk; "
                               "saving writes the result (Review Changes shows it). Ctrl+Z in the window takes the "
                               "last decision back.")
            self.keep_all_button.setEnabled(False)
            self.take_all_button.setEnabled(False)
            self.rows.addWidget(QLabel("Every clash is decided."), 0, 0)
            self._fit_rows()
            return
        self.keep_all_button.setEnabled(True)
        self.take_all_button.setEnabled(True)
        chosen = clash.chosen
        left = clash.unresolved()
        from_disk = ", ".join(clash.from_disk) or "nothing else"
        if not clash.decidable:
            why = html.escape(clash.error or "the whole file")
            self.intro.setText(f"<b>{html.escape(self.session.path)}</b> changed on disk where you have unsaved "
                               f"edits, and it cannot be decided field by field ({why}). Keep all of yours, or take "
                               "all of the disk's (you are asked first). Nothing is written until you save.")
        else:
            self.intro.setText(
                f"<b>{len(left)} of {len(clash.fields)} clashing field{'s' if len(clash.fields) != 1 else ''} "
                f"to decide.</b> Both you and the file on disk changed them. Everything else is merged once "
                f"they are decided (from disk: {html.escape(from_disk)}). Each choice is one step of the "
                "article's history; nothing is written until you save.")
        for column, title in enumerate(("Field", "Your unsaved version", "On disk", "")):
            header = QLabel(f"<b>{title}</b>")
            self.rows.addWidget(header, 0, column)
        for row, item in enumerate(clash.fields, start=1):
            self._add_row(row, item, chosen.get(item.name), clash.decidable)
        self.rows.setColumnStretch(1, 1)
        self.rows.setColumnStretch(2, 1)
        self.rows.setRowStretch(len(clash.fields) + 1, 1)
        for i in range(self.rows.count()):  # shown now, so the rows' height is known at once
            widget = self.rows.itemAt(i).widget()
            if widget is not None:
                widget.show()
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Give the rows the height they need (up to 55% of the dialog), the texts below the rest."""
        self.rows.activate()
        wanted = self.rows_box.sizeHint().height() + 2 * self.scroll.frameWidth() + 4
        total = max(1, sum(self.splitter.sizes()) or self.splitter.height())
        rows = min(wanted, int(total * 0.55))
        self.splitter.setSizes([rows, max(1, total - rows)])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _add_row(self, row: int, item: FieldClash, choice: str | None, decidable: bool) -> None:
        name = "Body (the clashing lines)" if item.name == BODY else item.name
        label = QLabel(name)
        label.setWordWrap(True)
        label.setMinimumWidth(140)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rows.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        if item.decidable:
            mine_text, their_text = value_text(item.mine), value_text(item.theirs)
            if item.name == BODY:  # lines: their last newline is no part of what differs
                mine_text, their_text = mine_text.rstrip("\n"), their_text.rstrip("\n")
            self.rows.addWidget(_value_box(mine_text, f"{name}: your version"), row, 1,
                                Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(_value_box(their_text, f"{name}: on disk"), row, 2,
                                Qt.AlignmentFlag.AlignTop)
        else:
            note = QLabel("Compare the whole texts below.")
            note.setWordWrap(True)
            self.rows.addWidget(note, row, 1, 1, 2)
        box = QWidget()
        buttons = QHBoxLayout(box)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        mine = QPushButton("Keep mine")
        theirs = QPushButton("Take theirs")
        mine.setAccessibleName(f"Keep mine: {item.name}")
        theirs.setAccessibleName(f"Take theirs: {item.name}")
        for button in (mine, theirs):
            button.setEnabled(decidable and choice is None)
            button.setVisible(choice is None)  # decided: the row says how (Undo takes it back)
            buttons.addWidget(button)
        if choice is not None:
            done = QLabel("✓ yours kept" if choice == MINE else "✓ disk's taken")
            done.setStyleSheet(f"color: {theme.muted_color().name()};")
            buttons.addWidget(done)
        mine.clicked.connect(lambda _=False, n=item.name: self._choose(n, MINE))
        theirs.clicked.connect(lambda _=False, n=item.name: self._choose(n, THEIRS))
        self.choice_buttons[item.name] = (mine, theirs)
        self.rows.addWidget(box, row, 3, Qt.AlignmentFlag.AlignTop)
