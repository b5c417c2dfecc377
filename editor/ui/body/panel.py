"""BodyPanel: the Markdown editor, its outline, the find bar and the live preview of one session.

The editor holds the article's body; in raw mode (the file does not parse) it holds the whole text,
with line numbers, the error line marked and a banner with the error and its line (the session's one
`TextProblem`, updated as you type). Bytes that are not UTF-8 are shown read-only under a banner that
names the first bad byte and offers "Convert to UTF-8…". Each keystroke becomes an edit of the session
(so undo, dirty state and the form see it at once); the preview is rendered after a pause in typing.
"""

from __future__ import annotations

import re
import time
from html import escape

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.ui import theme
from editor.ui.body import textmap
from editor.ui.body.editor import MarkdownEditor
from editor.ui.body.highlighter import MarkdownHighlighter
from editor.ui.body.outline import OutlineView
from editor.ui.body.preview import PreviewBrowser
from editor.ui.body.render import make_converter, preview_html
from editor.ui.session import ArticleSession

PREVIEW_DELAY_MS = 300


def editor_text(editor: MarkdownEditor) -> str:
    return editor.document().toRawText().replace("\u2029", "\n")


class FindBar(QWidget):
    def __init__(self, editor: MarkdownEditor, parent=None):
        super().__init__(parent)
        self.editor = editor
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Find:")
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find in body")
        self.field.setAccessibleName("Find in body")
        self.field.setClearButtonEnabled(True)
        label.setBuddy(self.field)
        self.status = QLabel()
        prev_button = QToolButton(text="Previous")
        prev_button.setAccessibleName("Find previous")
        next_button = QToolButton(text="Next")
        next_button.setAccessibleName("Find next")
        close = QToolButton(text="Close")
        close.setAccessibleName("Close find bar")
        for w in (label, self.field, self.status, prev_button, next_button, close):
            layout.addWidget(w)
        layout.setStretch(1, 1)
        self.field.returnPressed.connect(self.find_next)
        next_button.clicked.connect(self.find_next)
        prev_button.clicked.connect(self.find_previous)
        close.clicked.connect(self.close_bar)

    def open(self) -> None:
        self.show()
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.field.setText(selected)
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def _find(self, backward: bool) -> bool:
        text = self.field.text()
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        found = self.editor.find(text, flags)
        if not found:  # wrap around
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backward else cursor.MoveOperation.Start)
            self.editor.setTextCursor(cursor)
            found = self.editor.find(text, flags)
        self.status.setText("" if found else "not found")
        return found

    def find_next(self) -> bool:
        return self._find(False)

    def find_previous(self) -> bool:
        return self._find(True)


def _stacked(*widgets: QWidget) -> QWidget:
    """Widgets one above the other, no margins: a labelled pane."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for widget in widgets:
        layout.addWidget(widget)
    return box


NO_ARTICLE_TEXT = "No article open: pick one in the corpus list (a click opens it)."
EMPTY_FILE_TEXT = "This file is empty. What you type here is saved as it is."


class BodyPanel(QWidget):
    preview_rendered = Signal()
    fact_clicked = Signal(int)
    add_front_matter_requested = Signal()  # a file without front matter: put the corpus's one first
    convert_requested = Signal()  # "Convert to UTF-8…" on the read-only banner

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session: ArticleSession | None = None
        self._mode: str | None = None  # "body", "raw", "read-only" or None (nothing open)
        self._syncing = False
        self._scroll_syncing = False
        self._converter = make_converter()
        self.last_render_ms = 0.0
        self.render_count = 0

        self.banner_box = QFrame()
        self.banner_box.setObjectName("banner")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setAccessibleName("Parse error")
        self.convert_button = QPushButton("Convert to UTF-8…")
        self.convert_button.setToolTip("Choose the encoding the file is in, see every byte that changes, "
                                       "and convert it (one undoable step; saving writes it)")
        self.convert_button.clicked.connect(self.convert_requested)
        banner_layout = QHBoxLayout(self.banner_box)
        banner_layout.setContentsMargins(8, 6, 8, 6)
        banner_layout.addWidget(self.banner, 1)
        banner_layout.addWidget(self.convert_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner.hide()
        self.front_matter_button = QToolButton()
        self.front_matter_button.setText("Add front matter")
        self.front_matter_button.setToolTip("Put the corpus's front matter (its template, or the schema's fields) "
                                            "at the top of this file; one undo step")
        self.front_matter_button.setAccessibleName("Add front matter")
        self.front_matter_button.clicked.connect(self.add_front_matter_requested)
        self.front_matter_button.hide()
        banner_layout.addWidget(self.front_matter_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.convert_button.hide()
        self.banner_box.hide()

        self.editor = MarkdownEditor()
        self.highlighter = MarkdownHighlighter(self.editor.document())
        self.find_bar = FindBar(self.editor)
        self.find_bar.hide()
        self.outline = OutlineView()
        self.outline.setMinimumWidth(120)
        self.preview = PreviewBrowser()

        editor_label = QLabel("&Body  <span style='font-weight: 400; color: palette(placeholder-text);'>Ctrl+2</span>")
        editor_label.setBuddy(self.editor)
        outline_label = QLabel("&Outline")
        outline_label.setBuddy(self.outline)
        preview_label = QLabel("Pre&view")
        preview_label.setBuddy(self.preview)
        for label in (editor_label, outline_label, preview_label):
            label.setStyleSheet("font-weight: 600;")

        editor_box = _stacked(editor_label, self.find_bar, self.editor)
        outline_box = _stacked(outline_label, self.outline)
        preview_box = _stacked(preview_label, self.preview)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.addWidget(editor_box)
        self.top_splitter.addWidget(outline_box)
        self.top_splitter.setStretchFactor(0, 4)
        self.top_splitter.setStretchFactor(1, 1)
        self.top_splitter.setChildrenCollapsible(True)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.top_splitter)
        self.splitter.addWidget(preview_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner_box)
        layout.addWidget(self.splitter)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.render_preview)

        self.editor.textChanged.connect(self._on_editor_changed)
        self.editor.verticalScrollBar().valueChanged.connect(self._sync_preview_scroll)
        self.preview.verticalScrollBar().valueChanged.connect(self._sync_editor_scroll)
        self.outline.heading_activated.connect(self._go_to_heading)
        self.preview.fact_clicked.connect(self.fact_clicked)
        self._set_enabled(False)

    def changeEvent(self, event) -> None:
        # the system switched between light and dark: recolour what was coloured from the old palette
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.highlighter.rehighlight_for_palette()
            self._update_banner()
            self.preview_timer.start()
        super().changeEvent(event)

    # -- session --------------------------------------------------------------------------------
    def set_session(self, session: ArticleSession | None) -> None:
        if self.session is not None:
            self.session.changed.disconnect(self._on_session_changed)
        self.session = session
        self._mode = None
        if session is not None:
            session.changed.connect(self._on_session_changed)
        self._load_editor(reset=True)
        self.render_preview()

    def _expected(self) -> tuple[str | None, str]:
        s = self.session
        if s is None:
            return None, ""
        if getattr(s, "read_only", False):
            return "read-only", textmap.to_editor(s.text)
        if s.raw_mode:
            return "raw", textmap.to_editor(s.text)
        return "body", textmap.to_editor(s.doc.body)

    def _load_editor(self, reset: bool = False) -> None:
        mode, text = self._expected()
        self._syncing = True
        try:
            if reset or mode != self._mode:
                self.editor.setPlainText(text)
                self.highlighter.front_matter = mode == "raw"
                self.highlighter.rehighlight()
            else:
                self.editor.replace_text_minimally(text)
        finally:
            self._syncing = False
        self._mode = mode
        self._set_enabled(mode is not None)
        self._update_banner()
        self.outline.set_body(text if mode == "body" else "")

    def _set_enabled(self, enabled: bool) -> None:
        self.editor.setEnabled(enabled)
        # bytes that are not UTF-8 are shown, never typed over
        self.editor.setReadOnly(not enabled or self._mode == "read-only")
        if not enabled:
            self.editor.setPlaceholderText(NO_ARTICLE_TEXT)
        elif self._mode == "raw" and not self.session.text:
            self.editor.setPlaceholderText(EMPTY_FILE_TEXT)
        else:
            self.editor.setPlaceholderText("")

    def _update_banner(self) -> None:
        """The banner, line numbers and error mark, from the session's one description of the problem."""
        s = self.session
        self.front_matter_button.setVisible(self.can_add_front_matter())
        problem = s.problem() if s is not None and s.raw_mode and hasattr(s, "problem") else None
        whole_file = self._mode in ("raw", "read-only") and (problem is None or problem.kind != "binary")
        self.editor.set_line_numbers(whole_file)
        self.editor.set_error_line(problem.line if problem is not None and problem.kind != "binary" else None)
        if problem is None:
            self.banner.hide()
            self.convert_button.hide()
            self.banner_box.hide()
            return
        bg, fg = theme.banner_colors()
        self.banner_box.setStyleSheet(f"QFrame#banner {{ background: {bg.name()}; }} "
                                      f"QFrame#banner QLabel {{ color: {fg.name()}; }}")
        where = problem.location
        if problem.kind == "not-an-article":
            text = (f"<b>Not an article</b> — {problem.message}. It is shown as text; nothing is written "
                    "until you save.")
        elif problem.kind == "parse-error":
            text = (f"<b>Raw text mode</b> — {where}: {problem.message}. Fix it here (the line is marked); "
                    "the form comes back when it parses.")
        elif problem.kind == "binary":
            text = (f"<b>Read-only: binary file</b> — {where}: {problem.message}. It is shown as a hex dump and "
                    "is never edited or rewritten.")
        else:
            text = f"<b>Read-only: not UTF-8</b> — {where}: {problem.message}. Convert it to edit it."
        self.banner.setText(text)
        self.banner.setAccessibleName(problem.title)
        self.convert_button.setVisible(problem.kind == "not-utf8")
        self.banner.show()
        self.banner_box.show()

    def can_add_front_matter(self) -> bool:
        """The open file has no front matter at all (empty, or text without it): one can be added."""
        from editor.core.document.errors import NotAnArticle

        s = self.session
        return s is not None and s.raw_mode and isinstance(s.error, NotAnArticle)

    def _on_session_changed(self) -> None:
        if not self._syncing:
            self._load_editor()
        else:
            self._update_banner()  # typed in raw mode: the error (and its line) may have moved
        self.preview_timer.start()

    def _on_editor_changed(self) -> None:
        if self._syncing or self.session is None or self._mode is None:
            return
        s = self.session
        if self._mode == "read-only":  # never typed into (the editor is read-only): show the bytes again
            self._load_editor(reset=True)
            return
        new_editor = editor_text(self.editor)
        self._syncing = True
        try:
            if self._mode == "raw":
                newline = "\r\n" if "\r\n" in s.text else "\n"
                s.set_text(textmap.splice(s.text, textmap.to_editor(s.text), new_editor, newline))
            else:
                body = s.doc.body
                s.set_body(textmap.splice(body, textmap.to_editor(body), new_editor, s.doc.newline))
        finally:
            self._syncing = False
        if self._expected()[0] != self._mode:
            # the raw text parses again (or no longer does): show what the editor now edits
            line = self.editor.textCursor().blockNumber()
            body_line = s.doc.body_line - 1 if s.doc is not None else 0
            self._load_editor(reset=True)
            self.editor.go_to_line(max(1, line - body_line + 1) if self._mode == "body" else line + 1)
        else:
            self.outline.set_body(new_editor if self._mode == "body" else "")
        self.preview_timer.start()

    # -- preview --------------------------------------------------------------------------------
    def render_preview(self) -> None:
        self.preview_timer.stop()
        s = self.session
        started = time.perf_counter()
        bar = self.preview.verticalScrollBar()
        fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
        if s is None:
            html = ""
        elif s.raw_mode:
            problem = s.problem() if hasattr(s, "problem") else None
            why = problem.one_line() if problem is not None else "the article cannot be parsed"
            html = f"<p><i>No preview: {escape(why)}</i></p>"
        else:
            html = preview_html(s.doc.body, s.doc.data, self._converter)
        self.preview.setHtml(html)
        self._scroll_syncing = True
        try:
            bar.setValue(round(fraction * bar.maximum()))
        finally:
            self._scroll_syncing = False
        self.last_render_ms = (time.perf_counter() - started) * 1000
        self.render_count += 1
        self.preview_rendered.emit()

    def preview_pending(self) -> bool:
        return self.preview_timer.isActive()

    # -- scroll sync ----------------------------------------------------------------------------
    def _sync_preview_scroll(self, value: int) -> None:
        self._sync(self.editor.verticalScrollBar(), self.preview.verticalScrollBar(), value)

    def _sync_editor_scroll(self, value: int) -> None:
        self._sync(self.preview.verticalScrollBar(), self.editor.verticalScrollBar(), value)

    def _sync(self, source, target, value: int) -> None:
        if self._scroll_syncing or not source.maximum():
            return
        self._scroll_syncing = True
        try:
            target.setValue(round(value / source.maximum() * target.maximum()))
        finally:
            self._scroll_syncing = False

    # -- navigation -----------------------------------------------------------------------------
    def _go_to_heading(self, line: int, text: str) -> None:
        self.editor.go_to_line(line + 1)
        self.editor.setFocus()

    def go_to_file_line(self, line: int) -> None:
        """Show a 1-based line of the file (a problem in the body, or anywhere in raw mode)."""
        s = self.session
        if s is None:
            return
        if s.doc is not None:
            line = line - s.doc.body_line + 1
        self.editor.go_to_line(max(1, line))
        self.editor.setFocus()

    def show_item(self, path: str) -> None:
        """Scroll the preview to a fact or source the form selected (`atomic_facts[3]`...)."""
        m = re.fullmatch(r"(atomic_facts|primary_sources|secondary_sources)\[(\d+)\]", path)
        if m:
            kind = {"atomic_facts": "fact", "primary_sources": "primary", "secondary_sources": "secondary"}
            self.preview.scrollToAnchor(f"{kind[m.group(1)]}-{m.group(2)}")

    def open_find(self) -> None:
        self.find_bar.open()
