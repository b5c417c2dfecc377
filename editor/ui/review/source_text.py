"""The source's text beside the fact: plain text only (never HTML: nothing is rendered, run or loaded),
the statement's key terms marked, how many of them the page holds, and the reviewer's tools: load,
open in the browser, copy the URL, use the selected passage as the quote."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
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
MAX_MARKS = 3000


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

    # -- state ----------------------------------------------------------------------------------
    def set_url(self, url: str | None) -> None:
        """A new fact's source: nothing shown until it is loaded."""
        self.url = url
        self.page = None
        self.matches = None
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
        self.text.setPlainText(shown)
        self._mark(matches, len(shown))
        if matches is not None:
            self.measure.setText(matches.summary())
            missing = matches.missing
            self.measure.setToolTip("Not found: " + ", ".join(missing) if missing else "Every key term is on the page")
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        first = matches.spans[0][0] if matches and matches.spans else None
        if first is not None and first < len(shown):
            cursor = self.text.textCursor()
            cursor.setPosition(first)
            self.text.setTextCursor(cursor)
            self.text.centerCursor()

    def show_problem(self, text: str) -> None:
        self.set_loading(False)
        self.status.setText(text)
        self.status.show()

    def _mark(self, matches: TermMatches | None, limit: int) -> None:
        if matches is None:
            self.text.setExtraSelections([])
            return
        background, foreground = theme.mark_colors()
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        fmt.setForeground(foreground)
        selections = []
        document = self.text.document()
        for start, end, _term in matches.spans[:MAX_MARKS]:
            if end > limit:
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
