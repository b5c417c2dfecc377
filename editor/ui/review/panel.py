"""ReviewPanel: reviewer mode for the open article.

Left, the facts as a queue (unreviewed first, then the oldest review). Middle, the selected fact: its
statement and confidence, the source it cites (title, type, year, address) with the last link check
from the cache and its age, "Check now"; the verdict buttons (Alt+1..4, or 1..4 in the queue), the
quote, a note, "Save a snapshot"; after "unsupported", the follow-ups. Right, the source's text with
the statement's key terms marked.

Every write is a core operation applied through the article's session (`session.apply`), so it is one
undo step in the article's history like any other edit. Network work (the page, a check, a snapshot)
runs in `BackgroundJob`s and can be cancelled; the GUI thread only shows results.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from editor.core.document import review as records
from editor.core.document.citations import CitedSource, cited_source
from editor.core.document.errors import CorpusEditorError
from editor.core.verify.results import severity_of
from editor.ui import theme
from editor.ui.review.jobs import BackgroundJob
from editor.ui.review.queue import FACT_ROLE, MARKS, FactQueueModel, FactQueueView
from editor.ui.review.source_text import SourceTextView
from editor.ui.settings import Settings, system_user_name

VERDICT_LABELS = {"supported": "&Supported", "partial": "&Partial", "unsupported": "&Unsupported",
                  "unavailable": "Una&vailable"}
VERDICT_HELP = {"supported": "The source says what the statement says",
                "partial": "The source supports part of the statement",
                "unsupported": "The source does not say this, or says otherwise",
                "unavailable": "The source could not be read (gone, paywalled, behind a login)"}
LOAD_DELAY_MS = 350  # a fact the selection rests on this long has its source's text fetched


def _age(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds // 60} minutes ago"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} hours ago"
    return f"{seconds // 86400} days ago"


class ReviewPanel(QWidget):
    leave_requested = Signal()
    edit_statement_requested = Signal(str)  # the field path of the statement
    status_message = Signal(str)
    sources_checked = Signal(str)  # the article's path, after a check run wrote the link cache

    def __init__(self, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.session = None
        self.review_key: str | None = records.DEFAULT_KEY
        self.links_path: Path | None = None  # the link cache (None: the user's default)
        self.check_settings = None  # CheckSettings for requests; None: from the environment
        self.wayback_base: str | None = None  # None: CORPUS_EDITOR_WAYBACK or the Wayback Machine
        self.today: Callable[[], dt.date] = dt.date.today
        self.network_available: Callable[[], bool] = _network_available
        self.current: records.FactReview | None = None
        self.cited: CitedSource | None = None
        self._pending_archived: str | None = None
        self._pages: dict[tuple[str, str], tuple] = {}  # (url, statement) -> (PageText, TermMatches)
        self._jobs: set[BackgroundJob] = set()
        self.page_job: BackgroundJob | None = None
        self.check_job: BackgroundJob | None = None
        self.snapshot_job: BackgroundJob | None = None
        self._build()
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(LOAD_DELAY_MS)
        self._load_timer.timeout.connect(self.load_source_text)

    # -- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel("Reviewer mode")
        self.heading.setStyleSheet("font-weight: 600; font-size: 115%;")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QLabel()
        self.progress.setAccessibleName("Review progress")
        self.reviewer_button = QPushButton()
        self.reviewer_button.setFlat(True)
        self.reviewer_button.setToolTip("The name written as `by` in each review; click to change it")
        self.verify_button = QPushButton("Mark article &verified")
        self.verify_button.setToolTip("Every fact has a verdict: set last_verified to today")
        self.back_button = QPushButton("Back to the editor")
        self.back_button.setToolTip("Leave reviewer mode (Esc or Ctrl+Shift+R)")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Review summary")
        self.summary.hide()
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.heading, 1)
        top.addWidget(self.progress)
        top.addWidget(self.reviewer_button)
        top.addWidget(self.verify_button)
        top.addWidget(self.back_button)

        self.queue_model = FactQueueModel(self)
        self.queue_view = FactQueueView()
        self.queue_view.setModel(self.queue_model)
        queue_box = QWidget()
        queue_layout = QVBoxLayout(queue_box)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_label = QLabel("Fa&cts to review")
        queue_label.setStyleSheet("font-weight: 600;")
        queue_label.setBuddy(self.queue_view)
        queue_layout.addWidget(queue_label)
        queue_layout.addWidget(self.queue_view, 1)

        self.fact_pane = self._build_fact_pane()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.fact_pane)
        self.fact_scroll = scroll

        self.source_view = SourceTextView()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(queue_box)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.source_view)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setHandleWidth(8)
        # small enough that the editor area, this panel being one of its pages, still fits beside the list
        queue_box.setMinimumWidth(140)
        scroll.setMinimumWidth(240)
        self.source_view.setMinimumWidth(200)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)

        self.queue_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.queue_view.verdict_key.connect(self.record)
        self.reviewer_button.clicked.connect(self.change_reviewer_name)
        self.verify_button.clicked.connect(self.mark_verified)
        self.back_button.clicked.connect(self.leave_requested)
        self.source_view.load_requested.connect(lambda: self.load_source_text(force=True))
        self.source_view.cancel_requested.connect(self.cancel_page)
        self.source_view.quote_chosen.connect(self.use_quote)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self.leave_requested)
        for number, verdict in enumerate(records.VERDICTS, 1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda v=verdict: self.record(v))
        self._update_reviewer_button()

    def _build_fact_pane(self) -> QWidget:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 0, 8, 0)
        layout.setSpacing(10)

        self.fact_title = QLabel()
        self.fact_title.setStyleSheet("font-weight: 600;")
        self.fact_title.setTextFormat(Qt.TextFormat.PlainText)
        self.statement = QLabel()
        self.statement.setWordWrap(True)
        self.statement.setTextFormat(Qt.TextFormat.PlainText)
        self.statement.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statement.setAccessibleName("Statement")
        layout.addWidget(self.fact_title)
        layout.addWidget(self.statement)

        source_box = QGroupBox("Cited source")
        grid = QGridLayout(source_box)
        grid.setColumnStretch(1, 1)
        self.source_title = self._value_label("Source title")
        self.source_kind = self._value_label("Source type and year")
        self.source_address = self._value_label("Source address")
        self.check_label = self._value_label("Last check")
        self.mismatch_label = self._value_label("Registry mismatch")
        for row, (name, widget) in enumerate((("Title", self.source_title), ("Type", self.source_kind),
                                              ("Address", self.source_address), ("Last check", self.check_label))):
            label = QLabel(name + ":")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
        grid.addWidget(self.mismatch_label, 4, 1)
        self.check_button = QPushButton("Check &now")
        self.check_button.setToolTip("Check the source again in the background (the link cache remembers it)")
        self.check_cancel = QPushButton("Cancel check")
        self.check_cancel.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.check_cancel)
        buttons.addStretch(1)
        grid.addLayout(buttons, 5, 1)
        layout.addWidget(source_box)

        verdict_box = QGroupBox("Verdict")
        vbox = QVBoxLayout(verdict_box)
        self.review_state = QLabel()
        self.review_state.setWordWrap(True)
        self.review_state.setAccessibleName("Recorded review")
        vbox.addWidget(self.review_state)
        row = QGridLayout()
        self.verdict_buttons: dict[str, QPushButton] = {}
        for i, verdict in enumerate(records.VERDICTS):
            button = QPushButton(f"{MARKS[verdict]} {VERDICT_LABELS[verdict]}")
            button.setToolTip(f"{VERDICT_HELP[verdict]} (Alt+{i + 1}, or {i + 1} in the queue)")
            button.clicked.connect(lambda _=False, v=verdict: self.record(v))
            row.addWidget(button, i // 2, i % 2)
            self.verdict_buttons[verdict] = button
        vbox.addLayout(row)
        quote_label = QLabel("&Quote (the passage of the source):")
        self.quote = QPlainTextEdit()
        self.quote.setAccessibleName("Quote")
        self.quote.setPlaceholderText("Select a passage in the source text and press Use as quote, or type it")
        self.quote.setTabChangesFocus(True)
        self.quote.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        quote_label.setBuddy(self.quote)
        note_label = QLabel("N&ote:")
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Anything the next reviewer should know")
        note_label.setBuddy(self.note)
        vbox.addWidget(quote_label)
        vbox.addWidget(self.quote)
        vbox.addWidget(note_label)
        vbox.addWidget(self.note)
        archive = QHBoxLayout()
        self.snapshot_button = QPushButton("Save a sn&apshot")
        self.snapshot_button.setToolTip("Ask the Wayback Machine to archive the source page; its address is "
                                        "kept as `archived`")
        self.archived_label = self._value_label("Archived copy")
        archive.addWidget(self.snapshot_button)
        archive.addWidget(self.archived_label, 1)
        vbox.addLayout(archive)
        layout.addWidget(verdict_box)

        self.followups = QGroupBox("Unsupported: what next?")
        fbox = QVBoxLayout(self.followups)
        line = QHBoxLayout()
        self.lower_button = QPushButton("&Lower confidence")
        self.edit_button = QPushButton("&Edit statement")
        line.addWidget(self.lower_button)
        line.addWidget(self.edit_button)
        line.addStretch(1)
        fbox.addLayout(line)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the dispute")
        self.reason.setPlaceholderText("Why the statement is disputed")
        self.dispute_button = QPushButton("&Move to disputed statements")
        self.dispute_button.setEnabled(False)
        fbox.addWidget(self.reason)
        fbox.addWidget(self.dispute_button)
        self.followups.hide()
        layout.addWidget(self.followups)
        layout.addStretch(1)

        self.check_button.clicked.connect(self.check_now)
        self.check_cancel.clicked.connect(self.cancel_check)
        self.snapshot_button.clicked.connect(self.save_snapshot)
        self.lower_button.clicked.connect(self.lower_confidence)
        self.edit_button.clicked.connect(self._edit_statement)
        self.reason.textChanged.connect(lambda text: self.dispute_button.setEnabled(bool(text.strip())))
        # a fact that has its verdict takes a changed note or quote when the field is left
        self.note.editingFinished.connect(lambda: self._keep_field("note", self.note.text()))
        self.quote.installEventFilter(self)
        self.dispute_button.clicked.connect(self.move_to_disputed)
        return pane

    @staticmethod
    def _value_label(name: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        return label

    # -- the article ----------------------------------------------------------------------------
    def set_session(self, session, review_key: str | None = records.DEFAULT_KEY) -> None:
        if self.session is not None:
            self.session.changed.disconnect(self.refresh)
        self.session = session
        self.review_key = review_key
        self._pending_archived = None
        self.summary.hide()
        self.current = None
        if session is not None:
            session.changed.connect(self.refresh)
        self.refresh()
        if self.queue_model.rowCount():
            self.select_row(0)

    def facts(self) -> list[records.FactReview]:
        doc = self.session.doc if self.session is not None else None
        if doc is None or self.review_key is None:
            return []
        return records.fact_reviews(doc.data, self.review_key)

    def refresh(self) -> None:
        """Re-read the facts after any change to the article (ours, an undo, a reload)."""
        keep = self.current.index if self.current is not None else None
        keep_id = self.current.id if self.current is not None else None
        facts = self.facts()
        blocker = self.queue_view.selectionModel().blockSignals(True)
        self.queue_model.set_facts(facts)
        self.queue_view.selectionModel().blockSignals(blocker)
        doc = self.session.doc if self.session is not None else None
        title = doc.data.get("title") if doc is not None else None
        if self.session is None:
            self.heading.setText("Reviewer mode: no article is open")
        elif self.review_key is None:
            self.heading.setText("Reviews are turned off in this corpus (.corpus-schema.yaml, rules.review)")
        elif doc is None:
            self.heading.setText("The article cannot be read: fix its text first")
        else:
            self.heading.setText(f"Reviewing: {title if isinstance(title, str) else self.session.path}")
        done = sum(1 for f in facts if f.reviewed)
        self.progress.setText(f"{done} of {len(facts)} facts have a verdict" if facts else "no facts")
        self.verify_button.setEnabled(bool(facts) and done == len(facts))
        row = None
        if keep_id is not None:
            row = next((r for r, f in enumerate(self.queue_model.facts) if f.id == keep_id), None)
        if row is None and keep is not None:
            row = self.queue_model.row_of(keep)
        if row is None and self.queue_model.rowCount():
            row = 0
        if row is not None:
            self.select_row(row, reload=False)
        else:
            self.current = None
            self._show_fact(None)

    def select_row(self, row: int, reload: bool = True) -> None:
        index = self.queue_model.index(row, 0)
        model = self.queue_view.selectionModel()
        if reload:
            self.queue_view.setCurrentIndex(index)
        else:
            blocker = model.blockSignals(True)
            self.queue_view.setCurrentIndex(index)
            model.blockSignals(blocker)
            self.current = index.data(FACT_ROLE)
            self._show_fact(self.current, keep_inputs=True)

    def select_fact(self, fact_index: int) -> None:
        row = self.queue_model.row_of(fact_index)
        if row is not None:
            self.select_row(row)

    def _on_current_changed(self, current, _previous) -> None:
        fact = current.data(FACT_ROLE) if current.isValid() else None
        self.current = fact
        self._pending_archived = None
        self._show_fact(fact)

    def _show_fact(self, fact: records.FactReview | None, keep_inputs: bool = False) -> None:
        enabled = fact is not None and self.session is not None and self.session.doc is not None
        for widget in (*self.verdict_buttons.values(), self.quote, self.note, self.check_button,
                       self.snapshot_button):
            widget.setEnabled(enabled)
        if fact is None:
            self.fact_title.setText("No fact selected")
            self.statement.clear()
            self.review_state.clear()
            self.followups.hide()
            self.cited = None
            self._show_source(None)
            self.source_view.set_url(None)
            return
        confidence = fact.confidence or "not given"
        self.fact_title.setText(f"{fact.id or f'Fact {fact.index + 1}'} · confidence {confidence}")
        self.statement.setText(fact.statement or "(empty statement)")
        review = fact.review
        if review is not None and review.done:
            when = review.date.isoformat() if review.date else "an unknown date"
            by = review.by or "someone"
            self.review_state.setText(f"{MARKS[review.verdict]} {review.verdict}, by {by} on {when}")
            self.review_state.setStyleSheet(f"color: {_color(review.verdict)};")
        else:
            self.review_state.setText("Not reviewed yet.")
            self.review_state.setStyleSheet("")
        if not keep_inputs:
            self.quote.setPlainText(review.quote or "" if review else "")
            self.note.setText(review.note or "" if review else "")
            self.reason.clear()
        archived = self._pending_archived or (review.archived if review else None)
        self.archived_label.setText(archived or "no archived copy")
        self.followups.setVisible(bool(review and review.verdict == records.UNSUPPORTED))
        self.lower_button.setEnabled(fact.confidence != "low")
        old_url = self.cited.url if self.cited is not None else None
        self.cited = cited_source(self.session.doc.data, fact.index) if self.session.doc is not None else None
        self._show_source(self.cited)
        url = self.cited.url if self.cited is not None else None
        self.snapshot_button.setEnabled(enabled and bool(url) and self.cited.target.kind == "url")
        if keep_inputs and url == old_url and self.source_view.url == url:
            return
        self.cancel_page()
        self.source_view.set_url(url)
        if url:
            cached = self._pages.get((url, fact.statement))
            if cached is not None:
                self.source_view.show_page(*cached)
            else:
                self._load_timer.start()

    def _show_source(self, cited: CitedSource | None) -> None:
        if cited is None:
            for label in (self.source_title, self.source_kind, self.source_address, self.check_label):
                label.setText("")
            self.source_title.setText("This fact cites no source.")
            self.mismatch_label.hide()
            self.check_button.setEnabled(False)
            return
        self.source_title.setText(cited.title or "(no title)")
        kind = " · ".join(str(v) for v in (cited.type, cited.year) if v not in (None, ""))
        self.source_kind.setText(kind or "not given")
        self.source_address.setText(cited.text or "no address: the source cannot be checked")
        self.check_button.setEnabled(cited.target is not None and cited.target.kind != "other")
        self._show_check()

    def _show_check(self) -> None:
        cited = self.cited
        check = None
        if cited is not None and cited.target is not None:
            try:
                from editor.core.verify.cache import LinkCache

                with LinkCache(self.links_path) as cache:
                    check = cache.lookup(cited.target)
            except (OSError, ValueError):
                check = None
        if check is None:
            self.check_label.setText("never checked")
            self.check_label.setStyleSheet("")
            self.mismatch_label.hide()
            return
        self.check_label.setText(f"{check.verdict}, {_age(check.age())}: {check.description}")
        severity = severity_of(check.verdict)
        color = theme.error_color() if severity == "error" else theme.warning_color() if severity == "warning" \
            else None
        self.check_label.setStyleSheet(f"color: {color.name()};" if color else "")
        mismatch = self._mismatch(check)
        self.mismatch_label.setText(mismatch)
        self.mismatch_label.setStyleSheet(f"color: {theme.warning_color().name()};")
        self.mismatch_label.setVisible(bool(mismatch))

    def _mismatch(self, check) -> str:
        from editor.core.verify.refs import Reference
        from editor.core.verify.results import mismatch_of

        cited = self.cited
        year = cited.year if isinstance(cited.year, int) and not isinstance(cited.year, bool) else None
        reference = Reference("", cited.field or "", 0, cited.text or "", cited.target, cited.title, year)
        found = mismatch_of(reference, check.metadata) if check.verdict == "alive" else []
        said = []
        if "title" in found:
            said.append(f"the registry's title is \u201c{(check.metadata.get('titles') or [''])[0]}\u201d")
        if "year" in found:
            said.append(f"the registry's year is {'/'.join(str(y) for y in check.metadata.get('years', []))}")
        return ("Mismatch: " + "; ".join(said)) if said else ""

    # -- verdicts -------------------------------------------------------------------------------
    def reviewer_name(self) -> str | None:
        """The reviewer's name: asked once (prefilled from the system) and kept in the settings."""
        name = self.settings.reviewer_name()
        if not name:
            name = (self.ask_reviewer_name(system_user_name()) or "").strip()
            if not name:
                return None
            self.settings.set_reviewer_name(name)
            self._update_reviewer_button()
        return name

    def ask_reviewer_name(self, suggested: str) -> str | None:
        """Ask the user's name (tests replace this method)."""
        name, ok = QInputDialog.getText(self, "Your name as a reviewer",
                                        "The name written into each review you record (as `by`):",
                                        QLineEdit.EchoMode.Normal, suggested)
        return name if ok else None

    def change_reviewer_name(self) -> None:
        name = (self.ask_reviewer_name(self.settings.reviewer_name() or system_user_name()) or "").strip()
        if name:
            self.settings.set_reviewer_name(name)
            self._update_reviewer_button()

    def _update_reviewer_button(self) -> None:
        name = self.settings.reviewer_name()
        self.reviewer_button.setText(f"Reviewer: {name}" if name else "Reviewer: (not set)")

    def _apply(self, operation) -> bool:
        if operation is None or self.session is None:
            return False
        try:
            self.session.apply(operation)
        except (CorpusEditorError, ValueError) as exc:
            self.status_message.emit(f"Not written: {exc}")
            return False
        return True

    def record(self, verdict: str) -> bool:
        """Record `verdict` on the selected fact, with the quote and note as typed: one undo step."""
        fact = self.current
        if fact is None or self.session is None or self.session.doc is None or self.review_key is None:
            return False
        name = self.reviewer_name()
        if name is None:
            self.status_message.emit("No verdict recorded: a review needs the reviewer's name")
            return False
        quote = self.quote.toPlainText().strip()
        note = self.note.text().strip()
        had = fact.review
        op = records.record_verdict(
            self.session.doc, fact.index, verdict, name, self.today(),
            quote=quote if quote or (had and had.quote) else None,
            note=note if note or (had and had.note) else None,
            archived=self._pending_archived, key=self.review_key)
        if not self._apply(op):
            return False
        self._pending_archived = None
        self.status_message.emit(f"{fact.id or 'Fact'}: {verdict}")
        if verdict != records.UNSUPPORTED:
            self._advance(fact.index)
        else:  # the follow-ups sit below the verdict: bring them into view on a small screen
            QTimer.singleShot(0, lambda: self.fact_scroll.ensureWidgetVisible(self.followups, 0, 8))
        return True

    def _advance(self, done_index: int) -> None:
        """After a verdict, the next fact still without one (else stay)."""
        for row, fact in enumerate(self.queue_model.facts):
            if not fact.reviewed and fact.index != done_index:
                self.select_row(row)
                return

    def eventFilter(self, obj, event) -> bool:
        if obj is self.quote and event.type() == QEvent.Type.FocusOut:
            self._keep_field("quote", self.quote.toPlainText())
        return super().eventFilter(obj, event)

    def _keep_field(self, name: str, text: str) -> None:
        """Write a reviewed fact's note or quote as changed (one undo step); an unreviewed fact keeps
        it for its verdict."""
        fact = self.current
        if fact is None or not fact.reviewed or self.session is None or self.session.doc is None:
            return
        old = getattr(fact.review, name) or ""
        if " ".join(text.split()) == " ".join(old.split()):
            return
        self._apply(records.set_review_field(self.session.doc, fact.index, name, text, self.review_key))

    def use_quote(self, passage: str) -> None:
        self.quote.setPlainText(" ".join(passage.split()))
        fact = self.current
        if fact is not None and fact.reviewed and self.session is not None:
            self._apply(records.set_review_field(self.session.doc, fact.index, "quote", passage, self.review_key))

    def lower_confidence(self) -> None:
        if self.current is not None:
            self._apply(records.lower_confidence(self.session.doc, self.current.index))

    def move_to_disputed(self) -> None:
        reason = self.reason.text().strip()
        if self.current is None or not reason:
            return
        index = self.current.index
        self.current = None
        if self._apply(records.move_to_disputed(self.session.doc, index, reason, self.review_key)):
            self.status_message.emit("Moved to disputed_statements")
        self.refresh()

    def _edit_statement(self) -> None:
        if self.current is not None:
            self.edit_statement_requested.emit(f"atomic_facts[{self.current.index}].statement")

    def mark_verified(self) -> None:
        facts = self.facts()
        if not facts or not all(f.reviewed for f in facts) or self.session is None:
            return
        today = self.today()
        op = records.mark_verified(self.session.doc, today)
        if op is not None and not self._apply(op):
            return
        text = f"Article verified on {today.isoformat()}: {records.summary_text(self.facts())}."
        self.summary.setText(text)
        self.summary.show()
        self.status_message.emit(text)

    # -- background work ------------------------------------------------------------------------
    def _start(self, function, on_done, on_ended=None) -> BackgroundJob:
        job = BackgroundJob(function, self)
        self._jobs.add(job)
        job.finished_with.connect(on_done)
        job.failed.connect(lambda message: self.status_message.emit(message))
        job.ended.connect(lambda: self._jobs.discard(job))
        if on_ended is not None:
            job.ended.connect(on_ended)
        job.start()
        return job

    def _settings(self):
        from editor.core.verify.settings import CheckSettings

        return self.check_settings or CheckSettings.from_env()

    def load_source_text(self, force: bool = False) -> None:
        self._load_timer.stop()
        fact, cited = self.current, self.cited
        url = cited.url if cited is not None else None
        if fact is None or not url:
            return
        key = (url, fact.statement)
        if force:
            self._pages.pop(key, None)
        elif key in self._pages:
            self.source_view.show_page(*self._pages[key])
            return
        self.cancel_page()
        settings = self._settings()
        statement = fact.statement

        def work(cancel: threading.Event):
            from editor.core.verify.page_text import fetch_page_text
            from editor.core.verify.terms import find_terms, key_terms

            page = fetch_page_text(url, settings=settings, cancel=cancel)
            matches = find_terms(page.text, key_terms(statement)) if page.ok else None
            return page, matches

        def done(result) -> None:
            page, matches = result
            if page.problem == "cancelled":
                return
            if page.ok:
                self._pages[key] = (page, matches)
            if self.source_view.url == url and self.current is not None and self.current.statement == statement:
                self.source_view.show_page(page, matches)

        self.source_view.set_loading(True)
        job = self._start(work, done)
        job.ended.connect(lambda: self.source_view.set_loading(False) if self.page_job is job else None)
        self.page_job = job

    def cancel_page(self) -> None:
        self._load_timer.stop()
        if self.page_job is not None and self.page_job.running:
            self.page_job.cancel()
            self.source_view.set_loading(False)
            self.source_view.show_problem("Loading cancelled.")
        self.page_job = None

    def check_now(self) -> None:
        cited, doc = self.cited, self.session.doc if self.session is not None else None
        if cited is None or cited.target is None or doc is None:
            return
        from editor.core.verify.refs import extract_references

        references = [r for r in extract_references(doc) if r.field == cited.field] or \
            [r for r in extract_references(doc) if r.key == cited.target.key][:1]
        if not references:
            return
        settings, links, path = self._settings(), self.links_path, self.session.path

        def work(cancel: threading.Event):
            from editor.core.verify.check import check_references

            return check_references(references, cancel=cancel, cache=links, settings=settings, max_age=0)

        def done(results) -> None:
            if results:
                self.status_message.emit(f"Checked: {results[0].verdict}: {results[0].detail}")
                self.sources_checked.emit(path)
            elif self.check_job is not None and self.check_job.cancelled:
                self.status_message.emit("Check cancelled")
            self._show_check()

        def ended() -> None:
            self.check_button.show()
            self.check_cancel.hide()

        self.check_button.hide()
        self.check_cancel.show()
        self.check_label.setText("checking…")
        self.check_job = self._start(work, done, ended)

    def cancel_check(self) -> None:
        if self.check_job is not None:
            self.check_job.cancel()

    def save_snapshot(self) -> None:
        cited = self.cited
        if cited is None or not cited.url or self.current is None:
            return
        if not self.network_available():
            self.status_message.emit("No network: the snapshot can be saved once the computer is online")
            return
        url, index, settings, base = cited.url, self.current.index, self._settings(), self.wayback_base

        def work(cancel: threading.Event):
            from editor.core.verify.archive import save_snapshot

            return save_snapshot(url, base=base, settings=settings, cancel=cancel)

        def done(snapshot) -> None:
            if snapshot.url is None:
                self.archived_label.setText(f"not saved: {snapshot.problem}")
                return
            fact = self.current
            if fact is not None and fact.index == index and fact.reviewed and self.session is not None:
                self._apply(records.set_review_field(self.session.doc, index, "archived", snapshot.url,
                                                     self.review_key))
            elif fact is not None and fact.index == index:
                self._pending_archived = snapshot.url  # written with the verdict
            self.archived_label.setText(snapshot.url)
            self.status_message.emit(f"Snapshot saved: {snapshot.url}")

        self.archived_label.setText("asking the archive…")
        self.snapshot_job = self._start(work, done, lambda: self.snapshot_button.setEnabled(True))
        self.snapshot_button.setEnabled(False)

    def stop_jobs(self) -> None:
        """Cancel whatever runs and wait for it (the window is closing, the article changes)."""
        for job in list(self._jobs):
            job.stop()


def _color(verdict: str) -> str:
    from editor.ui.review.queue import verdict_color

    color = verdict_color(verdict)
    return color.name() if color is not None else "palette(text)"


def _network_available() -> bool:
    """False only when Qt's network information says the computer is offline (unknown counts as online)."""
    from PySide6.QtNetwork import QNetworkInformation

    try:
        if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
            return True
        info = QNetworkInformation.instance()
        return info is None or info.reachability() != QNetworkInformation.Reachability.Disconnected
    except (RuntimeError, AttributeError):
        return True
