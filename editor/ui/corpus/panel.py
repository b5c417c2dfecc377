"""CorpusPanel: search box, filters, progress bar and the corpus table."""

from __future__ import annotations

import datetime as dt
import os
import time

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from editor.ui.corpus.indexer import CorpusSource
from editor.ui.corpus.model import (
    COL_CATEGORY,
    COL_CONFIDENCE,
    COL_ID,
    COL_PROBLEMS,
    COL_REVIEW,
    COL_TITLE,
    COL_VERIFIED,
    PATH_ROLE,
    REVIEW_ANY,
    REVIEW_LINKS,
    REVIEW_OLD,
    REVIEW_QUEUE,
    REVIEW_UNREVIEWED,
    CorpusFilterProxy,
    CorpusTableModel,
)
from editor.ui.corpus.rows import DEFAULT_STALE_DAYS

ALL_CATEGORIES = "All categories"
ANY_CONFIDENCE = "Any confidence"
ANY_PROBLEM = "Any problem"
SEARCH_DELAY_MS = 200
PARTIAL_RELOAD_S = 2.0  # while the index builds, show what it has read at most this often,
PARTIAL_RELOAD_ROWS = 2500  # until this many rows show (bigger reloads would stall typing)
OPEN_DELAY_MS = 150  # keyboard moves in the list open the article once the key rests this long
_NAVIGATION_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
                    Qt.Key.Key_End)


class CorpusTable(QTableView):
    """The table; Enter opens the current article (as double-click does), F2 renames, Delete trashes; a
    plain move of the current row with the keyboard is reported as `navigated` (the panel opens it after
    a short rest)."""

    open_requested = Signal(str)
    key_action = Signal(str)  # "rename", "delete"
    navigated = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.press_modifiers = Qt.KeyboardModifier.NoModifier

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().data(PATH_ROLE))
            return
        if event.modifiers() == Qt.KeyboardModifier.NoModifier and event.key() in (Qt.Key.Key_F2, Qt.Key.Key_Delete):
            self.key_action.emit("rename" if event.key() == Qt.Key.Key_F2 else "delete")
            return
        before = self.currentIndex()
        super().keyPressEvent(event)
        if event.key() in _NAVIGATION_KEYS and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier) \
                and self.currentIndex() != before and self.currentIndex().isValid():
            self.navigated.emit()

    def mousePressEvent(self, event) -> None:
        self.press_modifiers = event.modifiers()
        super().mousePressEvent(event)


class CorpusPanel(QWidget):
    article_activated = Signal(str)
    bump_requested = Signal(list)  # paths of the selected articles
    file_action = Signal(str)  # "rename", "delete": a key in the table asks for a file action

    def __init__(self, parent=None, today: dt.date | None = None, stale_days: int = DEFAULT_STALE_DAYS):
        super().__init__(parent)
        self.source: CorpusSource | None = None
        self._last_partial = 0.0
        self._partial_cost = 0.0
        self.model = CorpusTableModel(self, today=today, stale_days=stale_days)
        self.proxy = CorpusFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, facts and text (Ctrl+L)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the corpus")
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)

        self.category = QComboBox()
        self.category.setAccessibleName("Category filter")
        self.category.addItem(ALL_CATEGORIES)
        self.confidence = QComboBox()
        self.confidence.setAccessibleName("Confidence filter")
        self.confidence.addItem(ANY_CONFIDENCE)
        self.stale = QCheckBox("S&tale")
        self.stale.setToolTip(f"Only articles not verified for more than {stale_days} days")
        self.errors = QCheckBox("&Has errors")
        self.errors.setToolTip("Only articles with errors (or that cannot be read)")
        self.problem = QComboBox()
        self.problem.setAccessibleName("Problem filter")
        self.problem.setToolTip("Only articles with a problem of this rule")
        self.problem.addItem(ANY_PROBLEM, "")
        self.problem.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.problem.setMinimumContentsLength(10)
        self.review = QComboBox()
        self.review.setAccessibleName("Review filter")
        # a narrow list must not be widened by the longest choice
        self.review.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.review.setMinimumContentsLength(10)
        self.review.setToolTip("Articles by review state; the review queue puts the most needed first: broken "
                               "sources, then unreviewed high-confidence facts, then the oldest reviews")
        for text, value in (("Any review", REVIEW_ANY), ("Review queue (most needed first)", REVIEW_QUEUE),
                            ("Facts unreviewed", REVIEW_UNREVIEWED), ("Sources broken / blocked", REVIEW_LINKS),
                            (f"Reviewed more than {stale_days} days ago", REVIEW_OLD)):
            self.review.addItem(text, value)
        category_label = QLabel("Cate&gory:")
        category_label.setBuddy(self.category)
        confidence_label = QLabel("Con&fidence:")
        confidence_label.setBuddy(self.confidence)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Indexing progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("Indexing… %v of %m")
        self.progress.setMaximumHeight(18)
        self.progress.hide()
        self.status = QLabel()
        self.status.setAccessibleName("Corpus status")

        self.table = CorpusTable()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Articles")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setTabKeyNavigation(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionsMovable(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setMinimumSectionSize(40)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.user_sized = False  # the user set widths (or they were restored): no more fitting
        self._sizing = False
        self._header_pressed = False  # a mouse button is down on the header: a resize is the user's
        header.viewport().installEventFilter(self)
        header.sectionResized.connect(self._section_resized)
        for col, width in ((COL_ID, 110), (COL_CATEGORY, 80), (COL_CONFIDENCE, 60), (COL_VERIFIED, 90),
                           (COL_PROBLEMS, 70), (COL_REVIEW, 64)):
            header.resizeSection(col, width)
        self.table.viewport().installEventFilter(self)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(50)
        self._fit_timer.timeout.connect(lambda: self.user_sized or self.fit_columns())
        self.extra_actions: list = []  # the window's file actions, offered in the context menu
        self.table.setColumnHidden(COL_REVIEW, True)  # shown while a review filter is on: the list is narrow

        self.bump_action = QAction("&Bump last verified…", self)
        self.bump_action.setToolTip("Set a date field (last_verified by default) on the selected articles")
        self.bump_action.triggered.connect(self._request_bump)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(category_label)
        filters.addWidget(self.category, 1)
        filters.addWidget(confidence_label)
        filters.addWidget(self.confidence, 1)
        filters2 = QHBoxLayout()
        filters2.addWidget(self.stale)
        filters2.addWidget(self.errors)
        filters2.addWidget(self.problem)
        filters2.addStretch(1)
        filters2.addWidget(self.status)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.review)  # beside the search box, which gives way: the list is narrow

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(filters2)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._search_and_focus)
        self.search.installEventFilter(self)
        self.category.currentIndexChanged.connect(self._filters_changed)
        self.confidence.currentIndexChanged.connect(self._filters_changed)
        self.stale.toggled.connect(self._filters_changed)
        self.errors.toggled.connect(self._filters_changed)
        self.problem.currentIndexChanged.connect(self._problem_changed)
        self.review.currentIndexChanged.connect(self._filters_changed)
        # one click opens; Ctrl/Shift+click only selects (several articles for a batch action)
        self.table.clicked.connect(self._clicked)
        self.table.doubleClicked.connect(lambda index: self._activate(index.data(PATH_ROLE)))
        self.table.open_requested.connect(self._open_now)
        self.table.key_action.connect(self.file_action)
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(OPEN_DELAY_MS)
        self._open_timer.timeout.connect(self._open_current)
        self.table.navigated.connect(self._open_timer.start)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.proxy.rowsInserted.connect(self._update_status)
        self.proxy.rowsRemoved.connect(self._update_status)
        self.proxy.modelReset.connect(self._update_status)
        self.proxy.layoutChanged.connect(self._update_status)

    # -- opening --------------------------------------------------------------------------------
    def _clicked(self, index) -> None:
        modifiers = self.table.press_modifiers
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            return
        if index.isValid() and not self._is_group(index.data(PATH_ROLE)):  # a folder's files: Enter lists them
            self._open_now(index.data(PATH_ROLE))

    def _open_now(self, path: str) -> None:
        self._open_timer.stop()
        self._activate(path)

    def _open_current(self) -> None:
        path = self.current_path()
        if path and not self._is_group(path):
            self.article_activated.emit(path)

    def _is_group(self, path: str | None) -> bool:
        i = self.model.row_for_path(path) if path else None
        row = self.model.row_at(i) if i is not None else None
        return row is not None and row.is_group

    def open_pending(self) -> bool:
        """A keyboard move waits to open its article."""
        return self._open_timer.isActive()

    # -- the index ------------------------------------------------------------------------------
    def set_source(self, source: CorpusSource) -> None:
        if self.source is not None:
            self.source.progress.disconnect(self._on_progress)
            self.source.refresh_finished.disconnect(self._on_refreshed)
            self.source.refresh_failed.disconnect(self._on_refresh_failed)
            self.source.rows_changed.disconnect(self.apply_rows)
        self.progress.hide()
        self.source = source
        source.progress.connect(self._on_progress)
        source.refresh_finished.connect(self._on_refreshed)
        source.refresh_failed.connect(self._on_refresh_failed)
        source.rows_changed.connect(self.apply_rows)

    def reload_rows(self) -> None:
        if self.source is None:
            return
        current = self.current_path()
        selected = self.selected_paths()
        self.model.root = self.source.root
        self.model.set_rows(self.source.load_rows())
        self._fill_filter_combos()
        self.fill_problem_filter()
        if not self.user_sized:
            self.fit_columns()
        if self.search.text().strip():
            self.apply_search()
        self.select_paths(selected, current)
        self._update_status()
        if self.source.last_error:
            self.status.setText(f"Index: {self.source.last_error}")

    def start_refresh(self) -> None:
        if self.source is None:
            return
        self._last_partial = time.monotonic()
        self._partial_cost = 0.0
        self.progress.setRange(0, 0)
        self.progress.show()
        # once the list shows the index, a refresh brings back only what changed (a checkout of
        # thousands of files must not rebuild the whole list on the GUI thread)
        self.source.start_refresh(changes_only=self.model.rowCount() > 0)

    def _on_progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        # a first build fills the list as it goes, reloading less often as the reloads get dearer
        now = time.monotonic()
        if (self.model.rowCount() < PARTIAL_RELOAD_ROWS
                and now - self._last_partial >= max(PARTIAL_RELOAD_S, 4 * self._partial_cost)):
            started = time.monotonic()
            self.reload_rows()
            self._partial_cost = time.monotonic() - started
            self._last_partial = time.monotonic()

    def _on_refreshed(self, seconds: float) -> None:
        self.progress.hide()
        if self.source is not None and self.source.last_changes is not None:
            rows, removed = self.source.last_changes
            self.apply_rows(rows, removed)
            if rows:
                self._fill_filter_combos()
                if self.search.text().strip():
                    self.apply_search()
        else:
            self.reload_rows()

    def _on_refresh_failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(f"Index: {message}")

    def apply_rows(self, rows: list, removed: list) -> None:
        """Rows the index re-read in the background (files changed by other programs)."""
        self.model.apply_changes(rows, removed)
        if rows or removed:
            self._update_status()

    def refresh_path(self, path: str) -> None:
        """Re-read one file into the index and its row (after a save or a bump)."""
        if self.source is None:
            return
        if not os.path.exists(path):
            self.source.file_removed(path)
            self.model.remove_path(path)
            return
        row = self.source.file_changed(path)
        if row is not None:
            self.model.update_row(row)
        if self.proxy.problem_code:  # the file may have gained or lost the filtered problem
            self._apply_problem_filter()

    # -- filters --------------------------------------------------------------------------------
    def _fill_filter_combos(self) -> None:
        for combo, first, values in ((self.category, ALL_CATEGORIES, self.model.categories()),
                                     (self.confidence, ANY_CONFIDENCE, self.model.confidences())):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first)
            combo.addItems(values)
            i = combo.findText(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def _filters_changed(self, *_args) -> None:
        category = self.category.currentText()
        confidence = self.confidence.currentText()
        if self.review.currentData() == REVIEW_QUEUE:  # sorted first: the re-mapping then runs the old filter
            self.table.sortByColumn(COL_REVIEW, Qt.SortOrder.AscendingOrder)
        self.proxy.set_filters(category="" if category == ALL_CATEGORIES else category,
                               confidence="" if confidence == ANY_CONFIDENCE else confidence,
                               stale_only=self.stale.isChecked(), errors_only=self.errors.isChecked(),
                               review=self.review.currentData() or REVIEW_ANY)
        reviewing = bool(self.review.currentData())
        self.table.setColumnHidden(COL_REVIEW, not reviewing)
        self.table.setColumnHidden(COL_CATEGORY, reviewing)  # room for the Review column in a narrow list
        self._fit_timer.start()
        self._update_status()

    # -- the problem filter ---------------------------------------------------------------------------
    def fill_problem_filter(self) -> None:
        """The rules with problems in the corpus, with their article counts (from the index)."""
        counts = []
        if self.source is not None and not self.source.closed:
            try:
                counts = [c for c in self.source.index.problem_summary() if c.severity != "off"]
            except Exception:  # an index being reset: the next reload fills it
                counts = []
        wanted = self.proxy.problem_code
        self.problem.blockSignals(True)
        self.problem.clear()
        self.problem.addItem(ANY_PROBLEM, "")
        for count in counts:
            self.problem.addItem(f"{count.code} ({count.files:,})", count.code)
        i = self.problem.findData(wanted)
        if wanted and i < 0:  # nothing has it any more: keep the choice visible, with no rows
            self.problem.addItem(f"{wanted} (0)", wanted)
            i = self.problem.count() - 1
        self.problem.setCurrentIndex(max(i, 0))
        self.problem.blockSignals(False)
        if wanted:
            self._apply_problem_filter()

    def set_problem_filter(self, code: str) -> None:
        """Show only the articles with a problem of rule `code` ("" shows all)."""
        i = self.problem.findData(code)
        if i < 0 and code:
            self.problem.addItem(f"{code} (0)", code)
            i = self.problem.count() - 1
        if self.problem.currentIndex() != max(i, 0):
            self.problem.setCurrentIndex(max(i, 0))
        else:
            self._problem_changed()

    def _problem_changed(self, *_args) -> None:
        self._apply_problem_filter()
        self._update_status()

    def _apply_problem_filter(self) -> None:
        code = self.problem.currentData() or ""
        paths: set[str] = set()
        if code and self.source is not None and not self.source.closed:
            try:
                rows = self.source.index.rows(where=[("problem", "=", code)])
            except Exception:
                rows = []
            paths = {os.path.join(self.source.root, *row.path.split("/")) for row in rows}
        self.proxy.set_problem_filter(code, paths)

    # -- columns -------------------------------------------------------------------------------------------
    TITLE_MIN = 40  # the title gives way first, down to this (or TITLE_SHARE of the room); then the
    TITLE_SHARE = 0.3  # category; the id comes last
    ID_MIN = 50

    def fit_columns(self) -> None:
        """Columns as wide as their content; the title takes the rest. Where the list is too narrow for
        all of it, the title gives way first, then the category; the id only last (cut at its end)."""
        fm = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        rows = self.model.rows()
        pad = 18  # the cell's margins and the focus frame

        def widest(texts, floor: str) -> int:
            longest = sorted({t for t in texts if t}, key=len, reverse=True)[:40]
            return max([fm.horizontalAdvance(t) for t in longest] + [fm.horizontalAdvance(floor)]) + pad

        problems = [self.model._display(r, COL_PROBLEMS) for r in rows if r.errors or r.warnings]
        wanted = {COL_ID: widest((r.id for r in rows), "kb-2026-00000"),
                  COL_CATEGORY: widest((r.category for r in rows), "Cat."),
                  COL_CONFIDENCE: widest((r.confidence for r in rows), "Conf."),
                  COL_VERIFIED: widest(["2026-12-31"], "Verified"),
                  COL_PROBLEMS: widest(problems, "\u2716 99"),
                  COL_REVIEW: widest([self.model._display(r, COL_REVIEW) for r in rows if r.unreviewed or r.broken
                                      or r.blocked], "Review")}
        room = max(self.table.viewport().width(), 200)
        room -= wanted[COL_CONFIDENCE] + wanted[COL_VERIFIED] + wanted[COL_PROBLEMS]
        if not self.table.isColumnHidden(COL_REVIEW):
            room -= wanted[COL_REVIEW]
        room -= max(self.TITLE_MIN, int(room * self.TITLE_SHARE))  # a title of a few words stays readable
        if wanted[COL_ID] + wanted[COL_CATEGORY] > room:
            wanted[COL_CATEGORY] = max(fm.horizontalAdvance("Cat.") + pad,
                                       min(wanted[COL_CATEGORY], room - wanted[COL_ID]))
        if wanted[COL_ID] + wanted[COL_CATEGORY] > room:
            # a kb-YYYY-NNNNN id always shows whole (the title gives more way for it); a longer slug is
            # cut at its end
            whole_kb = min(wanted[COL_ID], fm.horizontalAdvance("kb-2026-00000") + pad)
            wanted[COL_ID] = max(self.ID_MIN, whole_kb, room - wanted[COL_CATEGORY])
        self._sizing = True
        try:
            for col, width in wanted.items():
                header.resizeSection(col, width)
        finally:
            self._sizing = False

    def _section_resized(self, logical: int, *_args) -> None:
        if not self._sizing and logical != COL_TITLE and self._header_pressed:
            self.user_sized = True  # the user dragged a column's edge: their widths stay

    def header_state(self):
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state) -> bool:
        """Widths and order as the user left them (then no fitting to the content)."""
        self._sizing = True
        try:
            ok = bool(state) and self.table.horizontalHeader().restoreState(state)
        finally:
            self._sizing = False
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        if ok:
            self.user_sized = True
        return ok

    def _fit_again(self) -> None:
        self.user_sized = False
        self.fit_columns()

    def _header_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction("&Fit columns to their content", self._fit_again)
        menu.addAction("&Reset the column order", self._reset_order)
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _reset_order(self) -> None:
        header = self.table.horizontalHeader()
        for logical in range(header.count()):
            header.moveSection(header.visualIndex(logical), logical)

    def set_stale_days(self, days: int) -> None:
        """The corpus's staleness window (rules.stale_warning_days): stale articles and old reviews."""
        self.model.stale_days = days
        self.stale.setToolTip(f"Only articles not verified for more than {days} days")
        self.review.setItemText(self.review.findData(REVIEW_OLD), f"Reviewed more than {days} days ago")
        self._filters_changed()

    def apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text()
        paths = self.source.search(text) if self.source is not None else None
        self.proxy.set_search(text, paths)
        self._update_status()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table.viewport() and event.type() == QEvent.Type.Resize and not self.user_sized:
            self._fit_timer.start()
        if obj is self.table.horizontalHeader().viewport() and event.type() in (
                QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            self._header_pressed = event.type() == QEvent.Type.MouseButtonPress
        # Down from the search box goes to the list; Esc clears the search
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self._search_and_focus()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                self.apply_search()
                return True
        return super().eventFilter(obj, event)

    def _search_and_focus(self) -> None:
        self.apply_search()
        if self.proxy.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.proxy.index(0, 0))

    def _update_status(self, *_args) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = "file" if total == 1 else "files"
        self.status.setText(f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}")

    # -- selection ------------------------------------------------------------------------------
    def current_path(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(PATH_ROLE) if index.isValid() else None

    def selected_paths(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [index.data(PATH_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def select_paths(self, paths: list[str], current: str | None = None) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for path in paths:
            index = self._proxy_index(path)
            if index is not None:
                sel.select(index, flags)
        if current:
            index = self._proxy_index(current)
            if index is not None:
                sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.table.scrollTo(index)

    def _proxy_index(self, path: str):
        row = self.model.row_for_path(path)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index if index.isValid() else None

    def show_path(self, path: str) -> None:
        """Make `path` the current row (without opening it)."""
        index = self._proxy_index(path)
        if index is not None:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)

    def neighbour(self, path: str | None, step: int) -> str | None:
        """The article `step` rows away from `path` in the current (sorted, filtered) order (rows that
        stand for several files are passed over)."""
        count = self.proxy.rowCount()
        if not count:
            return None
        index = self._proxy_index(path) if path else None
        if index is None:
            row = 0 if step > 0 else count - 1
        else:
            row = index.row() + step
        while 0 <= row < count:
            found = self.proxy.path_at(row)
            if found and not found.endswith("/"):
                return found
            row += 1 if step > 0 else -1
        return None

    def _activate(self, path: str | None) -> None:
        """Open an article; a row standing for several files lists them."""
        if not path:
            return
        if self._is_group(path):
            from editor.ui.dialogs.non_articles import NonArticlesDialog

            row = self.model.row_at(self.model.row_for_path(path))
            files = [(member, self._reason(member)) for member in row.members]
            dialog = NonArticlesDialog(row.title, files, self)
            if self.run_dialog(dialog) and dialog.chosen:
                self.article_activated.emit(dialog.chosen)
            return
        self.article_activated.emit(path)

    def _reason(self, path: str) -> str:
        entry = next((r for r in self.model.rows() if r.path == path), None)
        return entry.message if entry is not None else ""

    def run_dialog(self, dialog) -> bool:
        """Show a dialog (tests replace this)."""
        return bool(dialog.exec())

    def first_article(self) -> str | None:
        for row in range(self.proxy.rowCount()):
            path = self.proxy.path_at(row)
            entry = self.model.row_at(self.model.row_for_path(path))
            if entry.is_article:
                return path
        for row in range(self.proxy.rowCount()):
            path = self.proxy.path_at(row)
            if path and not path.endswith("/"):
                return path
        return None

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _request_bump(self) -> None:
        paths = self.selected_paths()
        if not paths and self.current_path():
            paths = [self.current_path()]
        if paths:
            self.bump_requested.emit(paths)

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        index = self.table.indexAt(pos)
        open_action = menu.addAction("&Open")
        open_action.setEnabled(index.isValid())
        open_action.triggered.connect(lambda: self._activate(index.data(PATH_ROLE)))
        if self.extra_actions:
            menu.addSeparator()
            for action in self.extra_actions:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.bump_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
