"""MainWindow: composes the corpus panel, the form and problems, the body editor and preview (or, while
no article is open, the welcome panel in their place), and the Help menu.

The window shows one article at a time (`session`); the articles open in it, the one on screen and
those left with unsaved edits, are `articles` (editor.ui.sessions.OpenArticles). It routes the user's
commands to them: open, save, save all, review, convert, undo (editor.ui.history.UndoRouter).
Everything that asks the user goes through a method (`ask_unsaved`, `ask_unsaved_all`,
`confirm_bump`, `choose_conversion`, `show_error`) that tests replace.
"""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from editor.core.bump import DEFAULT_DATE_FIELDS, BumpPlanSet, plan_bump
from editor.core.document.errors import CorpusEditorError, SaveConflict
from editor.core.validation.problems import Problem, count_severities
from editor.ui import theme
from editor.ui.actions import create_actions
from editor.ui.article_files import ArticleFiles
from editor.ui.body.panel import BodyPanel
from editor.ui.corpus.bump import BatchBumpCommand
from editor.ui.corpus.indexer import CorpusSource
from editor.ui.corpus.panel import CorpusPanel
from editor.ui.corpus.problems_view import CorpusProblemsView
from editor.ui.dialogs import unsaved
from editor.ui.dialogs.bump import BumpDialog
from editor.ui.dialogs.convert import ConvertDialog
from editor.ui.dialogs.quick_open import QuickOpenDialog
from editor.ui.dialogs.review import ReviewDialog
from editor.ui.dialogs.shortcuts import action_keys
from editor.ui.form.article_form import ArticleForm
from editor.ui.form.problems_panel import ProblemsPanel
from editor.ui.help import WindowHelp
from editor.ui.history import HistoryStack, UndoRouter
from editor.ui.recovery import display_path
from editor.ui.review.mode import ReviewMode
from editor.ui.session import ArticleSession
from editor.ui.sessions import OpenArticles
from editor.ui.settings import Settings
from editor.ui.sync import FileSyncHub
from editor.ui.welcome import WelcomePanel
from editor.ui.window_fit import (
    PREFERRED_SIZE,
    clamp_geometry,
    first_geometry,
    proportional_sizes,
    screen_for,
)

APP_NAME = "Corpus Editor"
# default pane widths, in proportion to the window: the corpus list | the form | the body and preview
MAIN_WEIGHTS = (0.33, 0.67)
EDITOR_WEIGHTS = (0.56, 0.44)


def _labelled(text: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    label = QLabel(text)
    label.setBuddy(widget)
    label.setStyleSheet("font-weight: 600;")
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


class MainWindow(QMainWindow):
    article_opened = Signal(str)
    corpus_ready = Signal()  # rows shown after the background refresh

    def __init__(self, settings: Settings | None = None, cache_dir: str | None = None, remember: bool = True):
        super().__init__()
        self.settings = settings or Settings()
        self.cache_dir = cache_dir
        self.source: CorpusSource | None = None
        self.root: str | None = None
        self.schema = None
        self.rule_config = None
        self.problems: list[Problem] = []
        self.last_error: str = ""
        self.remember = remember  # False: neither read nor write the user's settings (screenshots)
        self._pending_open: str | None = None
        self.setWindowTitle(APP_NAME)

        self.undo_group = QUndoGroup(self)
        self.corpus_stack = HistoryStack(self)  # batch actions on files: one undo per batch
        self.actions = create_actions(self)

        self.corpus_panel = CorpusPanel()
        self.corpus_problems = CorpusProblemsView()
        self.form = ArticleForm()
        self.problems_panel = ProblemsPanel(install_shortcuts=False)  # F8 is the window's action
        self.body_panel = BodyPanel()
        self.form.setAccessibleName("Front matter form")
        self.problems_panel.setAccessibleName("Problems")

        self.form_splitter = QSplitter(Qt.Orientation.Vertical)
        self.form_splitter.addWidget(_labelled("Front &matter", self.form))
        self.form_splitter.addWidget(self.problems_panel)
        self.form_splitter.setStretchFactor(0, 4)
        self.form_splitter.setStretchFactor(1, 1)
        self.form_splitter.setChildrenCollapsible(False)

        self.editor_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.editor_splitter.addWidget(self.form_splitter)
        self.editor_splitter.addWidget(self.body_panel)
        self.editor_splitter.setStretchFactor(0, 1)
        self.editor_splitter.setStretchFactor(1, 1)
        self.editor_splitter.setChildrenCollapsible(False)
        self.editor_splitter.setHandleWidth(8)
        # the editor area: the article's form and body, or, while no article is open, ways to start
        self.welcome = WelcomePanel(self.actions.open_corpus)
        self.editor_stack = QStackedWidget()
        self.editor_stack.addWidget(self.editor_splitter)
        self.editor_stack.addWidget(self.welcome)

        # the corpus list over the corpus problems view (folded to its header line until opened)
        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.addWidget(self.corpus_panel)
        self.left_splitter.addWidget(self.corpus_problems)
        self.left_splitter.setStretchFactor(0, 3)
        self.left_splitter.setStretchFactor(1, 2)
        self.left_splitter.setChildrenCollapsible(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.left_splitter)
        self.main_splitter.addWidget(self.editor_stack)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 8)
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.setHandleWidth(8)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 6)
        # outside changes: the watcher, merges and clashes (banner above the editors), crash journal
        self.sync_hub = FileSyncHub(self)
        self.sync_hub.keep_view_of(self.body_panel.editor)
        self.undo_router = UndoRouter(self, self.undo_group, self.corpus_stack, self.actions.undo,
                                      self.actions.redo, self.corpus_panel)
        self.articles = OpenArticles(self.sync_hub, self.undo_router, self)
        layout.addWidget(self.sync_hub.banner)  # one line high: it never pushes the editors off the screen
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        self.article_files = ArticleFiles(self)  # New, Duplicate, Rename / Move, Delete
        self._problems_size = 150  # the problems pane's height when it has entries (it folds when empty)
        self._corpus_problems_size = 260
        self._problems_timer = QTimer(self)  # the corpus problems view follows the list, after a pause
        self._problems_timer.setSingleShot(True)
        self._problems_timer.setInterval(400)
        self._problems_timer.timeout.connect(self.corpus_problems.reload)

        self._build_menus()
        self.path_label = QLabel()
        self.problem_label = QLabel()
        self.schema_label = QLabel()
        self.schema_label.hide()
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addWidget(self.schema_label, 2)
        self.statusBar().addPermanentWidget(self.problem_label)
        self.sync_hub.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.sync_hub.index_changed.connect(self._on_files_changed_outside)
        self.sync_hub.index_refresh_needed.connect(self.corpus_panel.start_refresh)
        self.help = WindowHelp(self)
        self.review_mode = ReviewMode(self)
        self._connect()
        self._restore_settings()
        self._update_title()
        self._show_editor_page()

    # -- construction ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a.new_article)
        file_menu.addSeparator()
        file_menu.addAction(a.open_corpus)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(a.reload_index)
        file_menu.addSeparator()
        file_menu.addAction(a.save)
        file_menu.addAction(a.save_all)
        file_menu.addAction(a.review)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.aboutToShow.connect(self.undo_router.update)
        edit_menu.addAction(a.undo)
        edit_menu.addAction(a.redo)
        edit_menu.addSeparator()
        edit_menu.addAction(a.find)
        article_menu = bar.addMenu("&Article")
        for action in (a.new_article, a.duplicate_article, a.rename_article, None, a.delete_article, None,
                       a.add_front_matter):
            if action is None:
                article_menu.addSeparator()
            else:
                article_menu.addAction(action)
        article_menu.aboutToShow.connect(self._update_file_actions)
        self.go_menu = go_menu = bar.addMenu("&Go")
        for action in (a.quick_open, a.focus_search, None, a.next_article, a.previous_article, None,
                       a.next_problem, a.previous_problem, None, a.focus_list, a.focus_form, a.focus_body):
            if action is None:
                go_menu.addSeparator()
            else:
                go_menu.addAction(action)
        go_menu.addSeparator()  # the form's jump keys follow (Ctrl+3 facts...), from the schema
        corpus_menu = bar.addMenu("&Corpus")
        corpus_menu.addAction(a.corpus_problems)
        corpus_menu.addAction(a.bump)
        # the same actions from the list's context menu act on the rows chosen there
        self.list_actions = {}
        for name, text in (("new", "&New Article…"), ("duplicate", "&Duplicate…"), ("rename", "&Rename / Move…\tF2"),
                           ("delete", "Move to &Trash\tDel")):
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False, n=name: self.list_file_action(n))
            self.list_actions[name] = action
        self.corpus_panel.extra_actions = [self.list_actions["new"], self.list_actions["duplicate"],
                                           self.list_actions["rename"], None, self.list_actions["delete"]]
        review_menu = bar.addMenu("Re&view")
        review_menu.addAction(a.review_mode)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.shortcuts)
        help_menu.addAction(a.fields)
        help_menu.addSeparator()
        help_menu.addAction(a.about)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (a.new_article, a.save, a.review, a.undo, a.redo, None, a.quick_open, a.bump,
                       a.review_mode):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        a = self.actions
        a.new_article.triggered.connect(self.new_article)
        a.duplicate_article.triggered.connect(lambda: self.article_files.duplicate())
        a.rename_article.triggered.connect(lambda: self.article_files.rename())
        a.delete_article.triggered.connect(lambda: self.article_files.delete())
        a.add_front_matter.triggered.connect(self.add_front_matter)
        a.corpus_problems.triggered.connect(self.corpus_problems.open_and_focus)
        self.corpus_panel.file_action.connect(self.list_file_action)
        self.form.corpus_problems = self._corpus_problems
        self.problems_panel.file_requested.connect(self.open_article)
        self.problems_panel.folded.connect(self._problems_folded)
        self.corpus_problems.filter_requested.connect(self.corpus_panel.set_problem_filter)
        self.corpus_problems.open_requested.connect(self.open_at_field)
        self.corpus_problems.severity_requested.connect(self.set_rule_severity)
        self.corpus_problems.folded_changed.connect(self._corpus_problems_folded)
        self.body_panel.add_front_matter_requested.connect(self.add_front_matter)
        self.form.placeholder.add_action(a.add_front_matter)  # on the form's "not an article" panel
        model = self.corpus_panel.model
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(self._problems_timer.start)
        a.open_corpus.triggered.connect(self.choose_corpus)
        a.reload_index.triggered.connect(self.corpus_panel.start_refresh)
        a.save.triggered.connect(lambda: self.save())
        a.save_all.triggered.connect(self.save_all)
        a.review.triggered.connect(self.review_changes)
        a.quit.triggered.connect(self.close)
        a.find.triggered.connect(self.body_panel.open_find)
        a.quick_open.triggered.connect(self.quick_open)
        a.focus_search.triggered.connect(self.corpus_panel.focus_search)
        a.focus_list.triggered.connect(self.corpus_panel.table.setFocus)
        a.focus_form.triggered.connect(self.form.focus_first_field)
        a.focus_body.triggered.connect(self.body_panel.editor.setFocus)
        a.next_article.triggered.connect(lambda: self.step_article(1))
        a.previous_article.triggered.connect(lambda: self.step_article(-1))
        a.next_problem.triggered.connect(lambda: self.step_problem(1))
        a.previous_problem.triggered.connect(lambda: self.step_problem(-1))
        a.bump.triggered.connect(self.corpus_panel.bump_action.trigger)
        a.shortcuts.triggered.connect(self.help.show_shortcuts)
        a.fields.triggered.connect(self.help.show_fields)
        a.about.triggered.connect(self.help.show_about)
        self.welcome.recent_chosen.connect(self.open_corpus)
        self.welcome.sample_requested.connect(self.open_sample_corpus)
        # "New article" is offered once the window has an action for it
        self.welcome.set_new_article_action(getattr(a, "new_article", None))
        self.corpus_panel.article_activated.connect(self.open_article)
        self.corpus_panel.bump_requested.connect(self.bump_articles)
        self.form.problems_changed.connect(self._on_problems)
        self.problems_panel.problem_activated.connect(self.go_to_problem)
        self.body_panel.fact_clicked.connect(lambda n: self.form.focus_field(f"atomic_facts[{n}]"))
        self.body_panel.convert_requested.connect(self.convert_to_utf8)
        self.form.item_selected.connect(self.body_panel.show_item)
        self.articles.current_changed.connect(self._show_session)
        self.articles.leaving.connect(self._leave_session)
        self.articles.marks_changed.connect(self._on_marks)
        self.sync_hub.conflicts.resolved.connect(self._on_resolved)

    # -- settings -------------------------------------------------------------------------------
    def _splitters(self) -> dict[str, QSplitter]:
        return {"main": self.main_splitter, "editors": self.editor_splitter, "form": self.form_splitter,
                "body": self.body_panel.splitter, "body-top": self.body_panel.top_splitter,
                "left": self.left_splitter}

    def _restore_settings(self) -> None:
        """The remembered geometry brought onto the current screen, or a first window that fits it; the
        remembered pane sizes, or sizes in proportion to the window."""
        geometry = self.settings.geometry() if self.remember else None
        if geometry is not None and self.restoreGeometry(geometry):
            self.fit_to_screen()
        else:
            screen = screen_for()
            rect = first_geometry(screen.availableGeometry()) if screen is not None and self.remember else None
            if rect is not None:
                self.setGeometry(rect)
            else:
                self.resize(PREFERRED_SIZE)
        self.default_pane_sizes(self.size(), keep_remembered=self.remember)
        header = self.settings.header_state("corpus") if self.remember else None
        if header is not None:
            self.corpus_panel.restore_header_state(header)

    def fit_to_screen(self) -> None:
        """Shrink and move the window so it lies on the available area of its screen (a geometry
        remembered on a larger or another screen)."""
        if self.isMaximized() or self.isFullScreen():
            return
        screen = screen_for(self.geometry())
        if screen is None:
            return
        fitted = clamp_geometry(self.geometry(), screen.availableGeometry())
        if fitted != self.geometry():
            self.setGeometry(fitted)

    def default_pane_sizes(self, size: QSize, keep_remembered: bool = False) -> None:
        """Pane sizes in proportion to a window of `size` (`keep_remembered`: the remembered ones stay)."""
        width = size.width() - 20 - self.main_splitter.handleWidth()  # the central margins
        height = max(size.height() - 120, 200)  # less the menu, tool and status bars
        main = proportional_sizes(width, MAIN_WEIGHTS)
        editors = proportional_sizes(main[1] - self.editor_splitter.handleWidth(), EDITOR_WEIGHTS)
        defaults = {"main": main, "editors": editors, "form": proportional_sizes(height, (0.8, 0.2)),
                    "body-top": proportional_sizes(editors[1], (0.77, 0.23)), "body": [height // 2] * 2,
                    "left": [height - self.corpus_problems.maximumHeight(), self.corpus_problems.maximumHeight()]}
        for name, splitter in self._splitters().items():
            state = self.settings.splitter_state(name) if keep_remembered else None
            if state is None or not splitter.restoreState(state):
                splitter.setSizes(defaults[name])
        # a folded pane stays its header line whatever sizes were set or restored
        if self.problems_panel.is_folded:
            self._problems_folded(True)
        if self.corpus_problems.is_folded:
            self._corpus_problems_folded(True)

    def save_settings(self) -> None:
        if not self.remember:
            return
        self.settings.set_geometry(self.saveGeometry())
        for name, splitter in self._splitters().items():
            self.settings.set_splitter_state(name, splitter.saveState())
        self.settings.set_header_state("corpus", self.corpus_panel.header_state())
        self.settings.sync()

    # -- the corpus -----------------------------------------------------------------------------
    def open_corpus(self, root: str, open_path: str | None = None, refresh: bool = True) -> bool:
        if not self.close_all_articles():
            return False
        if self.source is not None:
            self.source.close()
        self.root = os.path.realpath(root)
        self.sync_hub.set_root(self.root)
        self._load_schema()
        self.corpus_stack.clear()
        self.source = CorpusSource(self.root, self.cache_dir, self)
        self.corpus_panel.set_source(self.source)  # first: the panel reloads its rows before we look
        self.source.refresh_finished.connect(self._on_corpus_refreshed)
        self.source.refresh_failed.connect(self._on_corpus_refreshed)
        self.corpus_panel.reload_rows()  # a warm index shows its rows at once
        self.corpus_problems.set_index(self.source.index, self.root, dict(self.rule_config.severity))
        if self.remember:
            self.settings.add_recent_corpus(self.root)
        self._pending_open = open_path
        self._open_restored()
        if open_path:
            self.open_article(open_path)
        elif self.corpus_panel.first_article():
            self.open_article(self.corpus_panel.first_article())
        if refresh:
            self.corpus_panel.start_refresh()
        self._update_title()
        self._show_editor_page()
        return True

    def _load_schema(self) -> None:
        from editor.core.validation import rules
        from editor.core.validation.schema import load_schema

        try:
            self.schema = load_schema(self.root)
            self.rule_config = rules.RuleConfig.from_schema(self.schema)
        except (CorpusEditorError, OSError, ValueError) as exc:
            # a broken .corpus-schema.yaml must not stop the window: edit with the default schema, say so
            self.schema, self.rule_config = load_schema(None), rules.RuleConfig()
            self.form.set_schema(self.schema)
            self.schema_label.setText(f"Corpus schema not used (the default is): {exc}")
            self.schema_label.setToolTip(str(exc))
            self.schema_label.setStyleSheet(f"color: {theme.error_color().name()};")
            self.schema_label.show()
        else:
            self.form.set_schema(self.schema)
            self.schema_label.hide()
        self.corpus_panel.set_stale_days(self.rule_config.stale_warning_days)
        self._show_jump_actions()

    def _show_jump_actions(self) -> None:
        """The form's jump keys (Ctrl+3 facts...) in the Go menu, after the schema (re)built the form."""
        for action in getattr(self, "_shown_jumps", []):
            self.go_menu.removeAction(action)
        self._shown_jumps = list(self.form.jump_actions)
        for action in self._shown_jumps:
            self.go_menu.addAction(action)

    def _on_corpus_refreshed(self, *_args) -> None:
        self.corpus_problems.reload()
        if self.session is not None:
            self.form.recheck()  # the corpus's duplicate ids are known now
        if self.session is None and not self._pending_open:
            first = self.corpus_panel.first_article()
            if first:
                self.open_article(first)
        self._show_editor_page()
        self.corpus_ready.emit()

    def choose_corpus(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open corpus folder", self.root or os.path.expanduser("~"))
        if folder:
            self.open_corpus(folder)

    def open_sample_corpus(self) -> bool:
        """Open the writable copy of the sample corpus (made on first use)."""
        from editor.ui.app import sample_corpus_copy

        try:
            folder = sample_corpus_copy()
        except OSError as exc:
            self.show_error("Cannot copy the sample corpus", f"{exc.filename or ''}: {exc.strerror or exc}")
            return False
        return self.open_corpus(str(folder))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_corpora():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_corpus(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # -- articles -------------------------------------------------------------------------------
    @property
    def session(self) -> ArticleSession | None:
        """The article on screen."""
        return self.articles.current

    def open_article(self, path: str) -> bool:
        """Show the article at `path`. The one on screen stays open, with its unsaved edits, undo
        history, cursor and scroll, until the user comes back to it (nothing is asked)."""
        if not path:
            return False
        path = os.path.realpath(path)
        if self.session is not None and self.session.path == path:
            return True
        try:
            self.articles.open(path)
        except OSError as exc:
            self.show_error("Cannot open the article", f"{path}: {exc.strerror or exc}")
            return False
        self._pending_open = None
        self.article_opened.emit(path)
        return True

    def _open_restored(self) -> None:
        """Articles whose crash copies the user chose to restore open at once, in the background, so the
        list marks them unsaved and closing asks about them."""
        for path in self.sync_hub.pending_restores():
            if self.root is not None and os.path.realpath(path).startswith(self.root + os.sep):
                try:
                    self.articles.add(path)
                except OSError as exc:
                    self.statusBar().showMessage(f"Cannot restore {path}: {exc.strerror or exc}", 8000)

    def _leave_session(self, session: ArticleSession) -> None:
        """Another article comes on screen: write what a field still holds, keep the view for the return."""
        self.form.flush()
        session.end_typing()
        editor = self.body_panel.editor
        cursor = editor.textCursor()
        session.view_state = {"anchor": cursor.anchor(), "position": cursor.position(),
                              "scroll": editor.verticalScrollBar().value(),
                              "form_scroll": self.form.scroll.verticalScrollBar().value()}

    def _show_session(self, session: ArticleSession | None) -> None:
        """Attach the editors to the article now on screen (None: no article) and give back its view."""
        if session is not None and not session.property("window-follows"):
            session.setProperty("window-follows", True)
            session.changed.connect(lambda s=session: self._on_session_changed() if s is self.session else None)
        self.form.set_session(session)
        self.body_panel.set_session(session)
        self.review_mode.article_shown(session)
        self._show_editor_page()  # the welcome panel while no article is open
        if session is None:
            self.problems_panel.set_problems([])
            self._on_problems([])
            self._update_title()
            return
        self._restore_view(session)
        self._on_session_changed()
        self.corpus_panel.show_path(session.path)

    def _restore_view(self, session: ArticleSession) -> None:
        state = session.view_state
        if not state:
            return
        editor = self.body_panel.editor
        length = editor.document().characterCount() - 1
        cursor = editor.textCursor()
        cursor.setPosition(min(state["anchor"], length))
        cursor.setPosition(min(state["position"], length), cursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.verticalScrollBar().setValue(state["scroll"])
        form_scroll = state["form_scroll"]
        QTimer.singleShot(0, lambda: self.form.scroll.verticalScrollBar().setValue(form_scroll))

    def close_article(self) -> bool:
        """Close the article on screen, asking first if it has unsaved changes. False: the user cancelled."""
        session = self.session
        if session is None:
            return True
        self.form.flush()  # a long text still waiting for its pause is an edit too
        if session.is_dirty:
            answer = self.ask_unsaved(session)
            if answer == "cancel":
                return False
            if answer == "save" and not self.save(session):
                return False
        self.articles.close(session)
        return True

    def close_all_articles(self) -> bool:
        """Close every open article, asking once about all those with unsaved changes."""
        self.form.flush()
        if not self.articles.confirm_close_all(self.ask_unsaved_all, self.save):
            return False
        self.articles.close_all()
        return True

    def _show_editor_page(self) -> None:
        """The article's editors while one is open, else the welcome panel with a word on why."""
        if self.session is not None:
            self.editor_stack.setCurrentWidget(self.review_mode.page() or self.editor_splitter)
            return
        if self.root is None:
            status = "Open a folder of articles to start."
        elif self.source is not None and self.source.refreshing and not self.corpus_panel.first_article():
            status = "Reading the corpus…"
        elif not self.corpus_panel.first_article():
            status = f"{os.path.basename(self.root) or self.root} has no articles yet."
        else:
            keys = action_keys(self.actions.quick_open)
            status = "No article is open: pick one in the list" + (f", or press {keys} to find one by name."
                                                                   if keys else ".")
        self.welcome.set_status(status)
        self.welcome.set_recent(self.settings.recent_corpora(), self.root)
        self.editor_stack.setCurrentWidget(self.welcome)

    def ask_unsaved(self, session: ArticleSession) -> str:
        """'save', 'discard' or 'cancel' (tests replace this method)."""
        return unsaved.ask_unsaved(self, os.path.basename(session.path))

    def ask_unsaved_all(self, sessions: list[ArticleSession]) -> str:
        """'save' (all of them), 'discard' (all) or 'cancel', asked once (tests replace this method)."""
        return unsaved.ask_unsaved_all(self, [display_path(s.path, self.root) for s in sessions])

    def show_error(self, title: str, message: str) -> None:
        """Tell the user something went wrong (tests replace this method)."""
        self.last_error = message
        QMessageBox.warning(self, title, message)

    def step_article(self, step: int) -> None:
        current = self.session.path if self.session else self.corpus_panel.current_path()
        target = self.corpus_panel.neighbour(current, step)
        if target:
            self.open_article(target)

    def quick_open(self) -> None:
        dialog = QuickOpenDialog(self.corpus_panel.model, self)
        if dialog.exec() and dialog.chosen:
            self.open_article(dialog.chosen)

    # -- session state --------------------------------------------------------------------------
    def _on_session_changed(self) -> None:
        s = self.session
        if s is None:
            return
        if s.raw_mode:
            self._on_problems([])
        self._update_title()

    def _on_marks(self, path: str, dirty: bool, clash: bool) -> None:
        model = self.corpus_panel.model
        model.set_dirty(path, dirty)
        model.set_clash(path, clash)
        if self.session is not None and self.session.path == path:
            self._update_title()

    def _on_resolved(self, how: str) -> None:
        texts = {"keep-mine": "Kept your text over the disk version: saving writes it",
                 "take-theirs": "Took the disk version for everything (Undo gives your edits back)",
                 "field": "Decided; Undo takes it back"}
        self.statusBar().showMessage(texts.get(how, how), 6000)

    def _on_problems(self, problems: list) -> None:
        s = self.session
        problem = s.problem() if s is not None and s.raw_mode else None
        if problem is not None:
            # no form to check: the one description of why (not an article, a parse error, bytes that
            # are not UTF-8) is what the problems list and the status bar show, as the banner does
            problems = [] if problem.kind == "not-an-article" else [
                Problem(s.path, "", problem.line, "error", problem.code, problem.message)]
            self.problem_label.setText(problem.title if problem.kind == "not-an-article" else
                                       f"{problem.title} — {problem.one_line()}")
            self.problem_label.setToolTip(f"{problem.title} — {problem.one_line()}")
        self.problems = list(problems)
        self.problems_panel.set_problems(self.problems)
        if problem is not None:
            return
        errors, warnings = count_severities(self.problems_panel.problems)  # one per entry, as the list counts
        self.problem_label.setToolTip("")
        self.problem_label.setText(f"{errors} error{'s' if errors != 1 else ''}, "
                                   f"{warnings} warning{'s' if warnings != 1 else ''}" if self.session else "")

    def _corpus_problems(self, doc, path: str) -> list[Problem]:
        """What only the corpus knows about the open article: another file with its id (as the list counts)."""
        from editor.core.validation.rules import duplicate_id_problem

        source = self.source
        if source is None or source.closed or self.rule_config is None:
            return []
        level = self.rule_config.severity_of("duplicate-id")
        article_id = doc.data.get("id")
        if level == "off" or not isinstance(article_id, str) or not article_id.strip():
            return []
        own = source.index.relative_path(path)
        others = [rel for rel in source.index.paths_with_id(article_id) if rel != own]
        if not others:
            return []
        try:
            line = doc.line_of(("id",))
        except CorpusEditorError:
            line = None
        places = [(os.path.join(source.root, *rel.split("/")), None) for rel in others]
        return [duplicate_id_problem(path, line, article_id.strip(), places, level,
                                     shown=lambda p: os.path.relpath(p, source.root).replace(os.sep, "/"))]

    def _problems_folded(self, folded: bool) -> None:
        """An empty problems pane is its header line: the form gets the room; entries bring it back."""
        self._problems_size = self._fold_pane(self.form_splitter, self.problems_panel, folded, self._problems_size, 3)

    def _corpus_problems_folded(self, folded: bool) -> None:
        self._corpus_problems_size = self._fold_pane(self.left_splitter, self.corpus_problems, folded,
                                                     self._corpus_problems_size, 2)

    @staticmethod
    def _fold_pane(splitter: QSplitter, pane: QWidget, folded: bool, size: int, share: int) -> int:
        """Give a splitter's second pane its header's height (folded) or back its size (at most 1/share
        of the splitter and what it may take); returns the size to remember for the next unfolding."""
        sizes = splitter.sizes()
        total = sum(sizes)
        if len(sizes) != 2 or total <= 0:
            return size
        if folded:
            if sizes[1] > pane.maximumHeight() + 20:
                size = sizes[1]
            splitter.setSizes([total - pane.maximumHeight(), pane.maximumHeight()])
        else:
            shown = min(size, max(80, total // share), pane.maximumHeight())
            splitter.setSizes([total - shown, shown])
        return size

    def open_at_field(self, path: str, field: str) -> None:
        """Open an article and show a field of it (from the corpus problems view)."""
        if self.open_article(path) and field:
            self.form.focus_field(field)

    # -- files: new, duplicate, rename, delete, front matter -----------------------------------------
    def new_article(self) -> str | None:
        """Start a new article (Ctrl+N; also the welcome panel's action): its path, or None."""
        return self.article_files.new_article()

    def list_file_action(self, name: str) -> None:
        files = self.article_files
        {"new": files.new_article, "duplicate": lambda: files.duplicate(from_list=True),
         "rename": lambda: files.rename(from_list=True), "delete": lambda: files.delete(from_list=True)}[name]()

    def _update_file_actions(self) -> None:
        s = self.session
        a = self.actions
        has_article = s is not None and not s.raw_mode
        a.duplicate_article.setEnabled(has_article)
        a.rename_article.setEnabled(s is not None)
        a.delete_article.setEnabled(s is not None)
        a.add_front_matter.setEnabled(self.body_panel.can_add_front_matter())
        a.new_article.setEnabled(self.root is not None)

    def add_front_matter(self) -> bool:
        """A file without front matter: put the corpus's (template or schema) first, as one undo step."""
        s = self.session
        if s is None or not self.body_panel.can_add_front_matter():
            return False
        try:
            text = self.article_files.front_matter_text(s.path, s.text)
        except CorpusEditorError as exc:
            self.show_error("Front matter not added", getattr(exc, "message", None) or str(exc))
            return False
        s.set_text(text, merge_typing=False)
        if s.doc is not None:
            self.form.focus_field("title")
            self.statusBar().showMessage("Front matter added: fill it in, then save (Ctrl+Z takes it back)", 8000)
        return s.doc is not None

    # -- rule settings ---------------------------------------------------------------------------------
    def set_rule_severity(self, code: str, level: str | None) -> bool:
        """Count rule `code` as an error, a warning, or not at all (`off`) in this corpus; None: the
        rule's own severity. Written into `.corpus-schema.yaml`; the list, the views and the open
        article follow (a recount of the index, no file is read again)."""
        from editor.core.validation import rules
        from editor.core.validation.corpus_settings import set_rule_severity
        from editor.core.validation.schema import load_schema

        if self.root is None:
            return False
        try:
            path = set_rule_severity(self.root, code, level)
            schema = load_schema(self.root)
            config = rules.RuleConfig.from_schema(schema)
        except (CorpusEditorError, OSError) as exc:  # the message names the file (and the line)
            self.show_error("Severity not changed", str(exc))
            return False
        same_fields = self.schema is not None and schema.json_schema == self.schema.json_schema
        self.schema, self.rule_config = schema, config
        if same_fields:
            self.form.schema = schema
            self.form.ctx.schema = schema
            self.form.set_rule_config(config)
        else:
            self.form.set_schema(schema)
            self._show_jump_actions()
        if self.source is not None and not self.source.closed:
            if self.source.index.apply_overrides():
                self.corpus_panel.reload_rows()
            else:
                self.corpus_panel.start_refresh()
        self.corpus_problems.overrides = dict(config.severity)
        self.corpus_problems.reload()
        self.corpus_problems.select_code(code)
        shown = level or f"its own severity ({rules.RULES.get(code, ('error', ''))[0]})"
        self.statusBar().showMessage(f"{code} is now {shown} in this corpus ({os.path.basename(path)})", 8000)
        return True

    def go_to_problem(self, problem) -> None:
        field = getattr(problem, "field", "")
        line = getattr(problem, "line", None)
        if field and self.session is not None and not self.session.raw_mode:
            self.form.focus_field(field)
        elif line:
            self.body_panel.go_to_file_line(line)

    def step_problem(self, step: int) -> None:
        if step > 0:
            self.problems_panel.next_problem()
        else:
            self.problems_panel.previous_problem()

    def tab_sequence(self) -> list[QWidget]:
        """What Tab visits: list, welcome (no article open) or form fields, problems, body, outline, preview.

        The form builds its widgets whenever it gets a schema, after the rest of the window exists, so
        the window's focus chain would put them last; the window orders panels itself instead.
        """
        panels = (self.corpus_panel, self.corpus_problems, self.welcome, self.form, self.problems_panel,
                  self.body_panel, self.review_mode.panel)
        groups: list[list[QWidget]] = [[] for _ in panels]
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled()
                    and widget.isVisibleTo(self) and widget.focusProxy() is None):
                for group, panel in zip(groups, panels, strict=True):
                    if panel.isAncestorOf(widget):
                        group.append(widget)
                        break
            widget = widget.nextInFocusChain()
        return [w for group in groups for w in group]

    def focusNextPrevChild(self, next_child: bool) -> bool:
        sequence = self.tab_sequence()
        current = self.form.tab_anchor() or QApplication.focusWidget()  # after Escape: from the field it left
        while current is not None and current not in sequence and current is not self:
            current = current.parentWidget()  # a field's inner editor counts as the field
        if not sequence or current not in sequence:
            return super().focusNextPrevChild(next_child)
        target = sequence[(sequence.index(current) + (1 if next_child else -1)) % len(sequence)]
        target.setFocus(Qt.FocusReason.TabFocusReason if next_child else Qt.FocusReason.BacktabFocusReason)
        return True

    def _update_title(self) -> None:
        s = self.session
        corpus = os.path.basename(self.root) if self.root else ""
        if s is None:
            self.setWindowTitle(f"{corpus} — {APP_NAME}" if corpus else APP_NAME)
            self.path_label.setText(self.root or "")
            return
        name = os.path.basename(s.path)
        mode = " (read-only)" if s.read_only else " (raw text)" if s.raw_mode else ""
        self.setWindowTitle(f"{name}[*]{mode} — {corpus} — {APP_NAME}")
        self.setWindowModified(s.is_dirty)
        rel = os.path.relpath(s.path, self.root) if self.root else s.path
        others = len([x for x in self.articles.dirty() if x is not s])
        elsewhere = f"  •  {others} other article{'s' if others != 1 else ''} unsaved" if others else ""
        clash = "  •  changed on disk: choose what to keep" if s.clash is not None else ""
        self.path_label.setText(rel + ("  •  unsaved changes" if s.is_dirty else "") + clash + elsewhere)
        self.actions.save.setEnabled(True)

    # -- saving ---------------------------------------------------------------------------------
    def save(self, session: ArticleSession | None = None) -> bool:
        """Save `session` (default: the article on screen). False: not saved (and the user was told)."""
        s = session or self.session
        if s is None:
            return False
        if s is self.session:
            self.form.flush()
        if not s.is_dirty:
            if s is self.session:
                self.statusBar().showMessage("No changes to save", 3000)
            return True
        self.touch_on_save(s)
        try:
            s.save()
        except SaveConflict as exc:
            # nothing was overwritten: bring the disk version in (a merge, or the clash banner) and let
            # the user look before saving again
            self.sync_hub.check_now(s)
            where = "see the note above the editors" if s is self.session else "open it to see what changed"
            self.statusBar().showMessage(f"Not saved: {os.path.basename(s.path)}: {exc.reason}; {where}, then "
                                         "save again", 10000)
            return False
        except OSError as exc:
            self.show_error("Not saved", f"{s.path}: {exc.strerror or exc}")
            return False
        self.corpus_panel.refresh_path(s.path)
        self.corpus_panel.model.set_dirty(s.path, False)
        self.statusBar().showMessage(f"Saved {os.path.basename(s.path)}", 3000)
        self._update_title()
        return True

    def save_all(self) -> bool:
        """Save every open article with unsaved changes. False: some were not saved (said why)."""
        self.form.flush()
        sessions = self.articles.dirty()
        failed = [s for s in sessions if not self.save(s)]
        if sessions and not failed:
            self.statusBar().showMessage(f"Saved {len(sessions)} article{'s' if len(sessions) != 1 else ''}", 4000)
        elif failed:
            names = ", ".join(os.path.basename(s.path) for s in failed)
            self.statusBar().showMessage(f"Not saved: {names} (see each article's note)", 10000)
        return not failed

    def touch_on_save(self, session: ArticleSession, today: dt.date | None = None) -> None:
        """Schema hint `x-on-save: today` on a top-level date field (e.g. `updated`): saving a changed
        article sets it to today, in the file's own form, as an undoable edit. Only fields present."""
        if self.schema is None or session.doc is None:
            return
        from editor.core.document.edits import SetValue
        from editor.core.document.errors import EditError
        from editor.core.validation.schema import date_value

        today = today or dt.date.today()
        for name, value in list(session.doc.data.items()):
            sub = self.schema.field((name,)) if isinstance(name, str) else None
            if not sub or sub.get("x-on-save") != "today" or date_value(value) == today:
                continue
            new = today if isinstance(value, dt.date) else today.isoformat()
            try:
                session.apply(SetValue((name,), new))
            except (EditError, CorpusEditorError) as exc:
                self.statusBar().showMessage(f"{name} not updated on save: {exc}", 8000)

    def review_changes(self) -> None:
        s = self.session
        if s is None:
            return
        self.form.flush()
        diff = s.diff()
        if s.read_only and not diff:
            note = (f"This file is read-only ({s.undecoded.describe()}): saving never rewrites its bytes. "
                    "“Convert to UTF-8…” shows exactly what converting would change.")
        else:
            note = (f"Saving writes {len(s.current_bytes()):,} bytes; the file on disk has {len(s.saved_bytes):,}."
                    if diff else "")
        dialog = ReviewDialog(os.path.basename(s.path), diff, parent=self, note=note)
        if dialog.exec():
            self.save()

    # -- bytes that are not UTF-8 ---------------------------------------------------------------------
    def choose_conversion(self, session: ArticleSession):
        """The Convert to UTF-8 dialog: the Conversion the user confirmed, or None (tests replace this)."""
        dialog = ConvertDialog(session.current_bytes(), os.path.basename(session.path), parent=self)
        return dialog.conversion if dialog.exec() else None

    def convert_to_utf8(self) -> bool:
        """Offer to convert the read-only article on screen; when confirmed, one undoable step."""
        s = self.session
        if s is None or not s.read_only or not s.undecoded.convertible:
            return False
        conversion = self.choose_conversion(s)
        if conversion is None:
            return False
        s.convert_encoding(conversion)
        self.statusBar().showMessage(f"Converted from {conversion.encoding}: review and save to write it "
                                     "(Undo gives back the original bytes)", 8000)
        return True

    # -- batch bump -----------------------------------------------------------------------------
    def date_fields(self) -> list[str]:
        fields = list(DEFAULT_DATE_FIELDS)
        if self.schema is not None:
            fields += [f.name for f in self.schema.form_fields() if f.widget == "date" and f.name not in fields]
        return fields

    def plan_bump(self, paths: list[str], fields: list[str], date: dt.date) -> BumpPlanSet:
        def refuse_unsaved(path: str) -> None:
            session = self.articles.find(path)
            if session is not None and session.is_dirty:
                raise ValueError("open with unsaved changes: save or discard them first")

        return plan_bump(paths, fields, date, refuse_unsaved, self.root)

    def confirm_bump(self, paths: list[str]) -> BumpPlanSet | None:
        """Show the bump dialog (diff first); the plan to apply, or None (tests replace this method)."""
        dialog = BumpDialog(len(paths), self.date_fields(), lambda f, d: self.plan_bump(paths, f, d), parent=self)
        return dialog.plan_set if dialog.exec() else None

    def bump_articles(self, paths: list[str]) -> None:
        plan_set = self.confirm_bump(paths)
        if plan_set is not None:
            self.apply_bump(plan_set)

    def apply_bump(self, plan_set: BumpPlanSet) -> BatchBumpCommand | None:
        if not plan_set.to_write:
            return None
        command = BatchBumpCommand(plan_set, self._batch_done)
        self.corpus_stack.push(command)
        self.statusBar().showMessage(command.text(), 5000)
        return command

    def _batch_done(self, command: BatchBumpCommand, paths: list[str]) -> None:
        for path in paths:
            self.corpus_panel.refresh_path(path)
            session = self.articles.find(path)
            if session is not None and not session.is_dirty:
                session.load()
        if command.failed:
            text = "\n".join(f"{os.path.basename(p)}: {why}" for p, why in command.failed.items())
            # not from inside the undo stack's push/undo: report once it has returned
            QTimer.singleShot(0, lambda: self.show_error("Some files were left as they were", text))

    def _on_files_changed_outside(self, changed: list[str], removed: list[str]) -> None:
        """Take files (or folders) changed by others into the index and the list, in the background."""
        if self.source is not None:
            self.source.update_in_background(changed, removed)

    # -- closing --------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_all_articles():  # asks once for every article with unsaved changes
            event.ignore()
            return
        self.review_mode.close()
        self.sync_hub.close()  # a normal close: stop watching, drop the crash journal
        self.save_settings()
        self.undo_router.close()
        if self.source is not None:
            self.source.close()
            self.source = None
        event.accept()
