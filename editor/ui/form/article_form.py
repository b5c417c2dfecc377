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

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
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
from editor.core.validation.problems import Problem
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
    """Group the top-level fields: runs of simple fields, and each list of objects on its own."""
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
        if spec.widget == "object-list":
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
        self.problems: list[Problem] = []
        self._refreshed_key: tuple = (None,)
        self.sections: dict[str, Section] = {}
        self.forms: list[tuple[Section, FieldsForm]] = []
        self.other: OtherFieldsEditor | None = None
        self.other_section: Section | None = None

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
        self.other_section = Section("Other fields", self.body)
        self.other = OtherFieldsEditor(self.ctx, {spec.name for spec in specs}, self.other_section.content)
        self.other.set_base(())
        self.other_section.add(self.other)
        layout.addWidget(self.other_section)
        layout.addStretch(1)
        self.scroll.setWidget(self.body)

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
