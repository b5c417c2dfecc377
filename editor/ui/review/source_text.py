"""The source's text beside the fact: plain text only (never HTML: nothing is rendered, run or loaded),
the statement's key terms marked, how many of them the page holds, and the reviewer's tools: load,
open in the browser, copy the URL, use the selected passage as the quote."""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from editor.core.verify.page_text import PageText
from editor.core.verify.terms import TermMatches
from editor.ui import theme

MAX_SHOWN = 300_000  # characters of a page shown (a 5 MB page would cost the GUI thread a layout)
CHUNK = 16_000  # characters put into the view at a time: a long page is filled in steps of a few ms
MARK_MARGIN = 4_000  # characters around the visible part whose terms are marked too (smooth scrolling)


class SourceTextView(QWidget):
    load_requested = Signal()
    cancel_requested = Signal()
    quote_chosen = Signal(str)
    open_requested = Signal(str)  # the URL (tests replace the browser)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.url: str | None = None
        self.page: PageText | None = None
        self.matches: TermMatches | None = None
        self._pending = ""  # text still to be put into the view
        self._scroll_to: int | None = None  # the first match, shown once the view holds it
        self._starts: list[int] = []  # start of each match, for finding the visible ones
        self._fill_timer = QTimer(self)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self._fill_step)
        self.title = QLabel("Source text")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.measure = QLabel()
        self.measure.setAccessibleName("Key terms found")
        self.measure.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel("Select a fact to see its source.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Source text status")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAccessibleName("Source text")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.load_button = QPushButton("&Load text")
        self.load_button.setToolTip("Fetch the source's page and show its text (nothing on it is run or loaded)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.open_button = QPushButton("Open in &browser")
        self.copy_button = QPushButton("Cop&y URL")
        self.quote_button = QPushButton("Use as &quote")
        self.quote_button.setToolTip("Fill the review's quote with the passage selected in the source text")
        self.quote_button.setEnabled(False)
        for button in (self.load_button, self.open_button, self.copy_button, self.quote_button):
            button.setEnabled(False)
        tools = QHBoxLayout()
        tools.setSpacing(6)
        for button in (self.load_button, self.cancel_button, self.open_button, self.copy_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.quote_button)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.measure)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addLayout(tools)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)
        self.load_button.clicked.connect(self.load_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.open_button.clicked.connect(lambda: self.url and self.open_requested.emit(self.url))
        self.copy_button.clicked.connect(self.copy_url)
        self.quote_button.clicked.connect(self.use_selection)
        self.text.selectionChanged.connect(self._selection_changed)
        self.open_requested.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.text.verticalScrollBar().valueChanged.connect(self._update_marks)

    # -- state ----------------------------------------------------------------------------------
    def set_url(self, url: str | None) -> None:
        """A new fact's source: nothing shown until it is loaded."""
        self.url = url
        self.page = None
        self.matches = None
        self._stop_filling()
        self.text.clear()
        self.measure.clear()
        self.title.setText("Source text")
        has = bool(url)
        for button in (self.load_button, self.open_button, self.copy_button):
            button.setEnabled(has)
        self.status.setText("Loading the source's text…" if has else "This fact cites no web address.")
        self.status.setVisible(True)

    def set_loading(self, loading: bool) -> None:
        self.load_button.setVisible(not loading)
        self.cancel_button.setVisible(loading)
        if loading:
            self.status.setText("Loading the source's text…")
            self.status.show()

    def show_page(self, page: PageText, matches: TermMatches | None) -> None:
        self.set_loading(False)
        self.page, self.matches = page, matches
        self.load_button.setText("Re&load")
        self.title.setText(page.title or page.final_url or page.url)
        self.title.setToolTip(page.final_url or page.url)
        if not page.ok:
            self.text.clear()
            self.measure.clear()
            self.status.setText(page.problem or "the page has no text")
            self.status.show()
            return
        shown = page.text[:MAX_SHOWN]
        cut = len(page.text) > MAX_SHOWN or page.truncated
        self.status.setText("The page is long: its start is shown." if cut else "")
        self.status.setVisible(cut)
        if matches is not None:
            self.measure.setText(matches.summary())
            missing = matches.missing
            self.measure.setToolTip("Not found: " + ", ".join(missing) if missing else "Every key term is on the page")
        self._starts = [start for start, _end, _term in matches.spans] if matches is not None else []
        first = matches.spans[0][0] if matches and matches.spans else None
        self._scroll_to = first if first is not None and first < len(shown) else None
        self._stop_filling()
        self.text.setExtraSelections([])
        cut_at = self._chunk_end(shown, 0)
        self.text.setPlainText(shown[:cut_at])
        self._pending = shown[cut_at:]
        self._after_fill()
        if self._pending:
            self._fill_timer.start()

    @staticmethod
    def _chunk_end(text: str, start: int) -> int:
        end = start + CHUNK
        if end >= len(text):
            return len(text)
        newline = text.rfind("\n", start, end)
        return newline + 1 if newline > start else end

    def _fill_step(self) -> None:
        """Put the next piece of a long page into the view (one step per pass of the event loop)."""
        if not self._pending:
            self._fill_timer.stop()
            return
        cut = self._chunk_end(self._pending, 0)
        piece, self._pending = self._pending[:cut], self._pending[cut:]
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(piece)
        if not self._pending:
            self._fill_timer.stop()
        self._after_fill()

    def _after_fill(self) -> None:
        loaded = self.text.document().characterCount() - 1
        if self._scroll_to is not None and self._scroll_to < loaded:
            cursor = self.text.textCursor()
            cursor.setPosition(self._scroll_to)
            self.text.setTextCursor(cursor)
            self.text.centerCursor()
            self._scroll_to = None
        elif self._scroll_to is None and loaded <= CHUNK:
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self._update_marks()

    def _stop_filling(self) -> None:
        self._fill_timer.stop()
        self._pending = ""

    @property
    def filling(self) -> bool:
        return bool(self._pending)

    def show_problem(self, text: str) -> None:
        self.set_loading(False)
        self.status.setText(text)
        self.status.show()

    def _update_marks(self, *_args) -> None:
        """Mark the key terms in and around the visible part (marking every hit of a long page at once
        would hold the GUI thread for hundreds of milliseconds)."""
        matches = self.matches
        if matches is None or not self._starts:
            self.text.setExtraSelections([])
            return
        first = self.text.firstVisibleBlock().position()
        bottom = self.text.cursorForPosition(self.text.viewport().rect().bottomRight()).position()
        loaded = self.text.document().characterCount() - 1
        low, high = max(0, first - MARK_MARGIN), min(loaded, bottom + MARK_MARGIN)
        background, foreground = theme.mark_colors()
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        fmt.setForeground(foreground)
        document = self.text.document()
        selections = []
        for i in range(bisect.bisect_left(self._starts, low), bisect.bisect_right(self._starts, high)):
            start, end, _term = matches.spans[i]
            if end > loaded:
                break
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.text.setExtraSelections(selections)

    def marked_texts(self) -> list[str]:
        """The terms marked now (those in and around the visible part)."""
        return [s.cursor.selectedText() for s in self.text.extraSelections()]

    # -- actions --------------------------------------------------------------------------------
    def copy_url(self) -> None:
        if self.url:
            QGuiApplication.clipboard().setText(self.url)

    def selected_passage(self) -> str:
        return self.text.textCursor().selectedText().replace("\u2029", "\n").strip()

    def use_selection(self) -> None:
        passage = self.selected_passage()
        if passage:
            self.quote_chosen.emit(passage)

    def _selection_changed(self) -> None:
        self.quote_button.setEnabled(bool(self.selected_passage()))
