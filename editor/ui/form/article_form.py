"""ArticleForm: the front matter of the open article as a form generated from the schema.

Sections follow the schema's order: the article's simple fields, then one section per list of
objects (facts, sources: master-detail, see `object_list`), then the remaining fields, then
"Other fields" for keys the schema does not know. The form never holds values of its own: every
change is a core operation applied through the session, and after every change (edit, undo, redo,
reload) the widgets are refreshed from `session.doc` without being rebuilt. Problems are recomputed
with `rules.check_document` a short pause after the last change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.document.errors import CorpusEditorError, FieldPathError
from editor.core.document.fieldpath import format_path, parse_path
from editor.core.validation import rules
from editor.core.validation.problems import Problem, group_problems
from editor.core.validation.schema import FieldSpec, Schema, load_schema
from editor.ui.form.base import ERROR_COLOR, FieldEditor, FormContext
from editor.ui.form.factory import create_editor
from editor.ui.form.fields_form import FieldsForm, Section
from editor.ui.form.object_list import ObjectListEditor
from editor.ui.form.other_fields import OtherFieldsEditor
from editor.ui.form.placeholder import ArticlePlaceholder
from editor.ui.form.sources import source_lists, source_usage
from editor.ui.form.string_list import StringListEditor

PROBLEMS_DELAY_MS = 250


def _sections(specs: list[FieldSpec]) -> list[tuple[str, list[FieldSpec]]]:
    """Group the top-level fields: runs of simple fields, and each list of objects, or field with a
    jump key (`x-shortcut`), on its own."""
    groups: list[tuple[str, list[FieldSpec]]] = []
    run: list[FieldSpec] = []

    def close_run() -> None:
        if run:
            if not groups:
                title = "Article"
            else:
                joined = " and ".join(spec.label for spec in run)
                title = joined if len(run) <= 2 and len(joined) <= 28 else "More fields"
            groups.append((title, list(run)))
            run.clear()

    for spec in specs:
        if spec.widget == "object-list" or spec.schema.get("x-shortcut"):
            close_run()
            groups.append((spec.label, [spec]))
        else:
            run.append(spec)
    close_run()
    return groups


class ArticleForm(QWidget):
    """The schema-generated form for one article session."""

    problems_changed = Signal(list)  # list[Problem], after each (debounced) recheck
    item_selected = Signal(str)  # the path of the selected list item (`atomic_facts[3]`)

    def __init__(self, parent: QWidget | None = None, schema: Schema | None = None):
        super().__init__(parent)
        self.ctx = FormContext(create_editor, self)
        self.ctx.error.connect(self.show_message)
        self.session = None
        self.schema: Schema | None = None
        self.rule_config = rules.RuleConfig()
        self.today = None  # a fixed date for the rules (tests); None: today
        # problems only the corpus knows (a duplicate id): callable(doc, path) -> list[Problem]
        self.corpus_problems = None
        self.problems: list[Problem] = []
        self._refreshed_key: tuple = (None,)
        self.sections: dict[str, Section] = {}
        self.forms: list[tuple[Section, FieldsForm]] = []
        self.other: OtherFieldsEditor | None = None
        self.other_section: Section | None = None
        self.jump_actions: list[QAction] = []  # Ctrl+3... to the sections the schema gives a key (x-shortcut)
        self._resume: QWidget | None = None  # the field Escape left: Tab goes on from there
        self._jumping = False
        self._revealing: ObjectListEditor | None = None  # the list whose selected item is being shown
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setSingleShot(True)
        self._reveal_timer.timeout.connect(self._reveal_done)
        self.ctx.leave_field = self._leave_field

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.message_bar = QFrame(self)
        self.message_bar.setObjectName("formMessage")
        bar = QHBoxLayout(self.message_bar)
        bar.setContentsMargins(8, 4, 4, 4)
        self.message = QLabel(self.message_bar)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self.message_bar)
        close.setText("\u2715")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.message_bar.hide)
        bar.addWidget(self.message, 1)
        bar.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.message_bar.setStyleSheet(
            f"#formMessage {{ border: 1px solid {ERROR_COLOR.name()}; border-radius: 4px; }}")
        self.message_bar.hide()
        layout.addWidget(self.message_bar)
        # a file without editable front matter: why, where, and what can be done (never old fields)
        self.placeholder = ArticlePlaceholder(self)
        self.placeholder.hide()
        self.status = self.placeholder.message
        layout.addWidget(self.placeholder, 1)

        self.scroll = QScrollArea(self)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own: nothing to see there
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        self.body: QWidget | None = None

        self.problem_timer = QTimer(self)
        self.problem_timer.setSingleShot(True)
        self.problem_timer.setInterval(PROBLEMS_DELAY_MS)
        self.problem_timer.timeout.connect(self.recheck)
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(12000)
        self.message_timer.timeout.connect(self.message_bar.hide)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)
        if schema is not None:
            self.set_schema(schema)

    # setup ---------------------------------------------------------------------------------------------
    def set_schema(self, schema: Schema) -> None:
        self.schema = schema
        self.ctx.schema = schema
        try:
            self.rule_config = rules.RuleConfig.from_schema(schema)
        except CorpusEditorError as exc:
            self.rule_config = rules.RuleConfig()
            self.show_message(f"Rule settings ignored: {exc}")
        self._build()
        self.refresh()

    def set_rule_config(self, config: rules.RuleConfig) -> None:
        """Other rule settings (a severity changed), the same schema: recheck, rebuild nothing."""
        self.rule_config = config
        self.recheck()

    def set_session(self, session) -> None:
        if self.session is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.session.changed.disconnect(self._session_changed)
            self.flush()
        self.session = session
        self.ctx.session = session
        self.message_bar.hide()
        if session is not None:
            if self.schema is None:
                from editor.core.validation.schema import find_corpus_root

                self.set_schema(load_schema(find_corpus_root(session.path)))
            session.changed.connect(self._session_changed)
        for _section, form in self.forms:
            for editor in form.editors.values():
                if isinstance(editor, ObjectListEditor):
                    editor.filter_edit.clear()
                    editor._row = None
        self.refresh()
        self.recheck()

    def _build(self) -> None:
        if self.body is not None:
            old = self.scroll.takeWidget()
            old.deleteLater()
        self.sections.clear()
        self.forms.clear()
        self.body = QWidget()
        self.body.setObjectName("articleFormBody")
        # where the focus rests after Escape left a field: reachable by code, never a Tab stop
        self.body.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(10, 4, 12, 12)
        layout.setSpacing(6)
        specs = self.schema.form_fields() if self.schema is not None else []
        for title, group in _sections(specs):
            section = Section(title, self.body)
            form = FieldsForm(group, self.ctx, section.content)
            form.set_base(())
            section.add(form)
            self.sections[title] = section
            self.forms.append((section, form))
            layout.addWidget(section)
            for editor in form.editors.values():
                if isinstance(editor, ObjectListEditor):
                    editor.view.selectionModel().currentChanged.connect(
                        lambda *_args, e=editor: self._item_changed(e))
                    editor.filter_edit.textChanged.connect(lambda *_args: self._update_counts())
                    editor.detail_shown.connect(lambda _row, e=editor: self.reveal_detail(e))
        self.other_section = Section("Other fields", self.body)
        self.other = OtherFieldsEditor(self.ctx, {spec.name for spec in specs}, self.other_section.content)
        self.other.set_base(())
        self.other_section.add(self.other)
        layout.addWidget(self.other_section)
        layout.addStretch(1)
        self.scroll.setWidget(self.body)
        self._make_jump_actions(specs)

    def _make_jump_actions(self, specs: list[FieldSpec]) -> None:
        """One action per field the schema gives a jump key (`x-shortcut: Ctrl+3`), its key shown in the
        section header."""
        for action in self.jump_actions:
            self.removeAction(action)
            action.deleteLater()
        self.jump_actions = []
        for spec in specs:
            key = spec.schema.get("x-shortcut")
            section = self.sections.get(spec.label)
            if not isinstance(key, str) or section is None:
                continue
            sequence = QKeySequence(key)
            action = QAction(f"Go to {spec.label}", self)
            action.setShortcut(sequence)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, name=spec.name: self.jump_to(name))
            self.addAction(action)
            self.jump_actions.append(action)
            section.set_shortcut(sequence.toString(QKeySequence.SequenceFormat.NativeText))

    def jump_to(self, name: str) -> bool:
        """Show a section's field at the top of the form and focus it (its list, for a list)."""
        section, editor = self._locate(name)
        if editor is None or self.ctx.doc is None:
            return False
        if section is None:
            editor.focus_editor()
            return True
        section.set_expanded(True)
        if self.body is not None and self.body.layout() is not None:
            self.body.layout().activate()
        self._jumping = True  # the section's top stays at the top: no revealing of a detail form meanwhile
        try:
            editor.focus_editor()
        finally:
            self._jumping = False
        bar = self.scroll.verticalScrollBar()

        def pin() -> None:
            with contextlib.suppress(RuntimeError):  # rebuilt meanwhile
                bar.setValue(section.mapTo(self.body, QPoint(0, 0)).y())

        pin()
        QTimer.singleShot(0, pin)  # after the layout of a detail form that just appeared
        return True

    def focus_first_field(self) -> None:
        """Ctrl+1: the first field that takes input (the form itself is no stop)."""
        for _section, form in self.forms:
            for editor in form.editors.values():
                if editor.isEnabled() and editor.isVisible():
                    editor.focus_editor()
                    self.scroll.ensureWidgetVisible(editor, 20, 40)
                    return
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # focus and scrolling --------------------------------------------------------------------------------
    def _leave_field(self, widget: QWidget) -> bool:
        """Escape in a field: the edit is kept, the focus leaves it for the form's background, where typing
        goes nowhere; Tab resumes after that field."""
        if self.body is None or not self.body.isAncestorOf(widget):
            return False
        self.flush()
        self._resume = widget
        self.body.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def tab_anchor(self) -> QWidget | None:
        """Where Tab continues from while the focus rests on the form's background (after Escape)."""
        if self.body is not None and self.body.hasFocus() and self._resume is not None:
            try:
                return self._resume if self._resume.isVisible() else None
            except RuntimeError:  # deleted meanwhile
                return None
        return None

    def _focus_changed(self, _old, new) -> None:
        """The focused widget is always in view: a field whole, a list at its current row."""
        body = self.body
        if new is None or body is None or new is body or self._jumping:
            return
        try:
            if not body.isAncestorOf(new):
                return
        except RuntimeError:
            return
        self._reveal(new)

    def _reveal(self, widget: QWidget) -> None:
        if isinstance(widget, QAbstractItemView) and widget.currentIndex().isValid():
            rect = widget.visualRect(widget.currentIndex())
            top_left = widget.viewport().mapTo(self.body, rect.topLeft())
            self._ensure_rect_visible(QRect(top_left, rect.size()))
        else:
            self.scroll.ensureWidgetVisible(widget, 20, 40)

    def _ensure_rect_visible(self, rect: QRect, margin: int = 24) -> None:
        """Scroll the least that shows `rect` (of the form body); its top when it is taller than the view."""
        bar = self.scroll.verticalScrollBar()
        height = self.scroll.viewport().height()
        top, bottom = rect.top() - margin, rect.bottom() + margin
        value = bar.value()
        if bottom - top > height or top < value:
            bar.setValue(max(0, top))
        elif bottom > value + height:
            bar.setValue(bottom - height)

    REVEAL_SETTLE_MS = 400  # while the layout still settles after a selection, the detail is placed again

    def reveal_detail(self, editor: ObjectListEditor) -> None:
        """An item was selected: show its row and as much of its detail form as fits; the detail form's
        top wins when both do not fit (at 1280x720 a list of 30 facts is taller than the view). Fields
        that size themselves to their text move the detail form a little later: it is placed again when
        it moves, for a moment."""
        if self._jumping:
            return
        self._revealing = editor
        editor.detail.installEventFilter(self)
        if self.body is not None and self.body.layout() is not None:
            self.body.layout().activate()
        self._place_detail()
        QTimer.singleShot(0, self._place_detail)
        self._reveal_timer.start(self.REVEAL_SETTLE_MS)

    def _place_detail(self) -> None:
        editor = self._revealing
        try:
            if editor is None or self.body is None or not editor.detail.isVisible():
                return
            detail_top = editor.detail.mapTo(self.body, QPoint(0, 0)).y()
            height = self.scroll.viewport().height()
            shown = min(editor.detail.height(), height * 2 // 3)
            index = editor.view.currentIndex()
            row_top = detail_top
            if index.isValid():
                row_top = editor.view.viewport().mapTo(self.body, editor.view.visualRect(index).topLeft()).y()
            if detail_top + shown - row_top <= height - 48:
                self._ensure_rect_visible(QRect(0, row_top, 1, detail_top + shown - row_top))
            else:
                self._ensure_rect_visible(QRect(0, detail_top - 30, 1, shown + 30), margin=0)
        except RuntimeError:  # the form was rebuilt meanwhile
            self._revealing = None

    def _reveal_done(self) -> None:
        editor, self._revealing = self._revealing, None
        with contextlib.suppress(RuntimeError, AttributeError):
            editor.detail.removeEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        editor = self._revealing
        if editor is not None and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            with contextlib.suppress(RuntimeError):
                if obj is editor.detail:
                    QTimer.singleShot(0, self._place_detail)
        return super().eventFilter(obj, event)

    # refreshing --------------------------------------------------------------------------------------------
    def _session_changed(self) -> None:
        # typing in the body changes nothing the form shows: skip the refresh, keep the recheck
        if self._shown_key() != self._refreshed_key:
            self.refresh()
        self.problem_timer.start()

    def _shown_key(self) -> tuple:
        """What the widgets depend on: the front matter text and the saved bytes (dirty markers)."""
        doc = self.ctx.doc
        if doc is None or self.session is None:
            return (None, str(getattr(self.session, "error", "")))
        return (doc.text[: doc.source.body_start], id(self.session.saved_bytes))

    def refresh(self) -> None:
        """Show the session's document in the widgets (never writes). Without one, the fields are
        emptied and hidden, and the placeholder says why."""
        doc = self.ctx.doc
        raw = self.session is not None and doc is None
        self.scroll.setEnabled(doc is not None)
        self.scroll.setVisible(not raw)
        problem = self.session.problem() if raw and hasattr(self.session, "problem") else None
        if problem is not None:
            self.placeholder.show_problem(problem, os.path.basename(self.session.path))
        elif raw:
            error = getattr(self.session, "error", None)
            self.placeholder.title.setText("The front matter cannot be read")
            self.placeholder.message.setText(str(error or ""))
        self.placeholder.setVisible(raw)
        if doc is None:
            if self._refreshed_key != self._shown_key():
                self._clear_fields()
            self._refreshed_key = self._shown_key()
            return
        with self.ctx.updating():
            for _section, form in self.forms:
                form.refresh()
            if self.other is not None:
                self.other.refresh()
        self._update_usage()
        self._update_counts()
        self._refreshed_key = self._shown_key()

    def _clear_fields(self) -> None:
        """Empty every field (no article, or one without front matter): nothing of the last one stays."""
        with self.ctx.updating():
            for _section, form in self.forms:
                form.refresh()
            if self.other is not None:
                self.other.refresh()
        for section, _form in self.forms:
            section.set_count("")
            section.set_problems([])

    def _update_usage(self) -> None:
        """Each source row shows how many facts cite it."""
        facts: list = []
        for _section, form in self.forms:
            for editor in form.editors.values():
                if isinstance(editor, ObjectListEditor) and "statement" in {s.name for s in editor.spec.items}:
                    facts.extend(editor.model.items)
        for name, _spec in source_lists(self.ctx):
            editor = self.list_editor(name)
            if editor is not None:
                editor.model.set_usage(source_usage(editor.model.items, facts))

    def _update_counts(self) -> None:
        for section, form in self.forms:
            lists = [e for e in form.editors.values() if isinstance(e, ObjectListEditor)]
            if lists:
                section.set_count(lists[0].count_text())
            else:
                present = sum(1 for name in form.editors if self.ctx.doc is not None and self.ctx.doc.has(name))
                section.set_count(f"{present} of {len(form.editors)} set")
        if self.other_section is not None and self.other is not None:
            self.other_section.set_count(str(self.other.count()) if self.other.count() else "")

    def flush(self) -> None:
        """Write edits still pending in a widget (long text waiting for its pause)."""
        if self.session is None or self.ctx.doc is None:
            return
        for _section, form in self.forms:
            form.flush()
        if self.other is not None:
            self.other.flush()

    # problems ---------------------------------------------------------------------------------------------
    def recheck(self) -> None:
        """Recompute the problems now (normally a short pause after the last change)."""
        self.problem_timer.stop()
        doc = self.ctx.doc
        if doc is None or self.schema is None:
            problems: list[Problem] = []
        else:
            try:
                problems = rules.check_document(doc, self.schema, self.rule_config, self.today or dt.date.today())
            except Exception as exc:  # a rule that trips on odd data must not take the editor down
                problems = []
                self.show_message(f"Validation failed: {exc}")
            if self.corpus_problems is not None and self.session is not None:
                try:
                    problems = sorted([*problems, *self.corpus_problems(doc, self.session.path)],
                                      key=Problem.sort_key)
                except Exception as exc:  # the index may be closing: the article's own problems still show
                    self.show_message(f"Corpus checks failed: {exc}")
            # the same rule at the same field once, with its count: as the corpus list counts them
            problems = group_problems(problems)
        self.problems = problems
        self.ctx.set_problems(problems)
        for section, form in self.forms:
            form.update_problems()
            section.set_problems([p for name in form.editors for p in self.ctx.problems_at((name,), deep=True)])
        if self.other is not None and self.other_section is not None:
            self.other.update_problems()
            self.other_section.set_problems(
                [p for key in self.other.keys for p in self.ctx.problems_at((key,), deep=True)])
        self.problems_changed.emit(list(problems))

    # navigation ---------------------------------------------------------------------------------------------
    def _item_changed(self, editor: ObjectListEditor) -> None:
        row = editor.current_row()
        if row is not None:
            self.item_selected.emit(format_path((*editor.path, row)))

    def _locate(self, name: str) -> tuple[Section | None, FieldEditor | None]:
        for section, form in self.forms:
            editor = form.editor_for(name)
            if editor is not None:
                return section, editor
        if self.other is not None:
            editor = self.other.editor_for(name)
            if editor is not None:
                return self.other_section, editor
        return None, None

    def list_editor(self, name: str) -> ObjectListEditor | None:
        _section, editor = self._locate(name)
        return editor if isinstance(editor, ObjectListEditor) else None

    def editor_at(self, path: str | tuple) -> FieldEditor | None:
        """The editor that shows a field path (the detail form's editor for `atomic_facts[2].id`)."""
        steps = parse_path(path) if path else ()
        if not steps:
            return None
        _section, editor = self._locate(str(steps[0]))
        if isinstance(editor, ObjectListEditor) and len(steps) >= 3 and editor.current_row() == steps[1]:
            return editor.form.editor_for(str(steps[2])) or editor
        return editor

    def focus_field(self, path: str) -> bool:
        """Show and focus the widget of a field path: expand its section, select the list row, focus the
        field in the detail form. Returns False when the path names nothing in the form."""
        if not path:
            return False
        try:
            steps = parse_path(path)
        except FieldPathError:
            return False
        section, editor = self._locate(str(steps[0]))
        if editor is None:
            return False
        if section is not None:
            section.set_expanded(True)
        self.flush()
        target: QWidget = editor
        if isinstance(editor, ObjectListEditor) and len(steps) >= 2 and isinstance(steps[1], int):
            row = steps[1] if steps[1] >= 0 else len(editor.model.items) + steps[1]
            name = str(steps[2]) if len(steps) >= 3 else None
            field_editor = editor.focus_item_field(row, name)
            if field_editor is not None:
                target = field_editor
                if isinstance(field_editor, StringListEditor) and len(steps) >= 4 and isinstance(steps[3], int):
                    field_editor.focus_row(steps[3])
            elif name is None:
                editor.view.setFocus(Qt.FocusReason.OtherFocusReason)
                target = editor.view
        elif isinstance(editor, StringListEditor) and len(steps) >= 2 and isinstance(steps[1], int):
            editor.focus_row(steps[1])
        else:
            editor.focus_editor()
        # place a newly shown detail form now, and once more after any layout still pending
        if self.body is not None and self.body.layout() is not None:
            self.body.layout().activate()
        self.scroll.ensureWidgetVisible(target, 20, 40)
        QTimer.singleShot(0, lambda: self._ensure_visible(target))
        return True

    def _ensure_visible(self, widget: QWidget) -> None:
        try:
            if widget.isVisible():
                self.scroll.ensureWidgetVisible(widget, 20, 40)
        except RuntimeError:  # deleted meanwhile
            pass

    # messages -----------------------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setForegroundRole(QPalette.ColorRole.WindowText)
        self.message_bar.show()
        self.message_timer.start()
