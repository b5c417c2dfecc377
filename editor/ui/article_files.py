"""New article, Duplicate, Rename / Move and Delete: the window's file actions.

Each action plans with the core (`editor.core.new_article`), writes through the safe save
(`create_new`, `move_new`: nothing is ever overwritten) and tells the index and the corpus list at
once, without a refresh. Delete moves files to the desktop's trash (`QFile.moveToTrash`); where there
is no trash it asks before deleting for good, and keeps the bytes. Delete and Rename are commands on
the window's corpus undo stack: Ctrl+Z in the list brings the file back while the window is open.

The window gives what the actions need (`root`, `source`, `schema`, `corpus_panel`, `session`,
`open_article`, `close_article`, `save`, `corpus_stack`, `show_error`, the status bar). Questions go
through `run_dialog` and `confirm`, which tests replace.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from PySide6.QtCore import QFile, QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialog, QMessageBox

from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError
from editor.core.files.save import FileIdentity, create_new, move_new, read_with_identity
from editor.core.files.trash import restore
from editor.core.new_article import (
    CorpusStyle,
    NewArticle,
    RenamePlan,
    front_matter_for,
    id_renames,
    learn_style,
    plan_duplicate,
    plan_new_article,
    plan_rename,
)
from editor.ui.dialogs.article_dialog import ArticleDialog
from editor.ui.dialogs.rename_dialog import RenameDialog


@dataclass
class _Deleted:
    path: str  # where the file was
    trashed: str | None  # where the trash keeps it; None: deleted for good (then `data` brings it back)
    data: bytes


class DeleteCommand(QUndoCommand):
    """Files moved to the trash (or deleted for good); undo puts them back, never over a file that came
    in their place meanwhile."""

    def __init__(self, files: list[_Deleted], done):
        names = ", ".join(os.path.basename(f.path) for f in files[:3]) + ("…" if len(files) > 3 else "")
        super().__init__(f"Delete {names}")
        self.files = files
        self.done = done  # callable(command, paths, error or "")
        self._first = True

    def redo(self) -> None:
        if self._first:  # the deletion itself happened before the push
            self._first = False
            return
        errors = []
        for entry in self.files:
            trashed, error = trash_file(entry.path)
            if error:
                errors.append(f"{os.path.basename(entry.path)}: {error}")
            entry.trashed = trashed
        self.done(self, [f.path for f in self.files], "; ".join(errors))

    def undo(self) -> None:
        errors = []
        for entry in self.files:
            try:
                if entry.trashed is not None and os.path.lexists(entry.trashed):
                    restore(entry.trashed, entry.path)
                else:
                    create_new(entry.path, entry.data)
            except FileExistsError:
                errors.append(f"{os.path.basename(entry.path)}: a file of that name is there now; left as it is")
            except OSError as exc:
                errors.append(f"{os.path.basename(entry.path)}: {exc.strerror or exc}")
        self.done(self, [f.path for f in self.files], "; ".join(errors))


class RenameCommand(QUndoCommand):
    """A rename or move (maybe with new content: another id); undo moves it back, and redo again, while
    the file is as the last step left it."""

    def __init__(self, plan: RenamePlan, old_data: bytes, at_old: FileIdentity, at_new: FileIdentity, done):
        super().__init__(f"Rename {os.path.basename(plan.old)} to {os.path.basename(plan.new)}")
        self.plan = plan
        self.old_data = old_data
        self.at_old = at_old  # the file at its old place, before the rename (or after an undo)
        self.at_new = at_new  # the file at its new place, as the rename wrote it
        self.done = done  # callable(command, paths, error or "")
        self._first = True

    @staticmethod
    def move(source: str, target: str, expected: FileIdentity, data: bytes | None) -> FileIdentity | str:
        """Move `source` (if still `expected`) to `target`, with `data` as its content when given."""
        if not expected.matches(source):
            return f"{os.path.basename(source)} changed since: left as it is"
        try:
            if data is None:
                move_new(source, target)
                return read_with_identity(target)[1]
            identity = create_new(target, data)
            os.unlink(source)
            return identity
        except FileExistsError:
            return f"{os.path.basename(target)} exists now: nothing was moved"
        except OSError as exc:
            return f"{exc.strerror or exc}"

    def redo(self) -> None:
        if self._first:  # the rename itself happened before the push
            self._first = False
            return
        found = self.move(str(self.plan.old), str(self.plan.new), self.at_old, self.plan.data)
        if isinstance(found, FileIdentity):
            self.at_new = found
        self.done(self, [str(self.plan.old), str(self.plan.new)], found if isinstance(found, str) else "")

    def undo(self) -> None:
        data = self.old_data if self.plan.data is not None else None
        found = self.move(str(self.plan.new), str(self.plan.old), self.at_new, data)
        if isinstance(found, FileIdentity):
            self.at_old = found
        self.done(self, [str(self.plan.old), str(self.plan.new)], found if isinstance(found, str) else "")


def trash_file(path: str) -> tuple[str | None, str]:
    """Move a file to the desktop's trash: (where the trash keeps it, "") or (None, why not)."""
    handle = QFile(path)
    if handle.moveToTrash():
        return handle.fileName(), ""
    # a fresh account may have no data folder yet (~/.local/share), where the trash lives: make it, try again
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    if data and not os.path.isdir(data):
        try:
            os.makedirs(data, mode=0o700, exist_ok=True)
        except OSError:
            pass
        else:
            handle = QFile(path)
            if handle.moveToTrash():
                return handle.fileName(), ""
    return None, handle.errorString() or "the system has no trash for this file"


class ArticleFiles(QObject):
    """The file actions of one window (see the module documentation)."""

    created = Signal(str)  # a new article (new or copy) was written and opened

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.today: dt.date | None = None  # a fixed date (tests)

    # -- asking (tests replace these) --------------------------------------------------------------
    def run_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.window, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    # -- what the actions read -----------------------------------------------------------------------
    def style(self) -> CorpusStyle:
        source = self.window.source
        rows = source.index.rows() if source is not None and not source.closed else []
        return learn_style(self.window.root, rows)

    def _rel(self, path: str) -> str:
        return os.path.relpath(path, self.window.root).replace(os.sep, "/")

    def _status(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _follow(self, *paths: str) -> None:
        """The index and the list take in these files now (added, changed or gone)."""
        for path in paths:
            self.window.corpus_panel.refresh_path(os.path.realpath(path) if os.path.exists(path) else path)

    def target_paths(self) -> list[str]:
        """The articles an action from the list applies to: the selection, else the current row, else
        the open article."""
        panel = self.window.corpus_panel
        paths = [p for p in panel.selected_paths() if p and not p.endswith("/")]
        if not paths and panel.current_path() and not panel.current_path().endswith("/"):
            paths = [panel.current_path()]
        if not paths and self.window.session is not None:
            paths = [self.window.session.path]
        return paths

    def _subject(self, from_list: bool) -> str | None:
        if not from_list and self.window.session is not None:
            return self.window.session.path
        paths = self.target_paths()
        return paths[0] if paths else None

    def _current_category(self) -> str:
        session = self.window.session
        if session is not None and session.doc is not None and isinstance(session.doc.data.get("category"), str):
            return session.doc.data["category"]
        path = session.path if session is not None else self.window.corpus_panel.current_path()
        if path and self.window.root:
            rel = self._rel(path)
            return rel.split("/")[0] if "/" in rel else ""
        return ""

    # -- new and duplicate -------------------------------------------------------------------------------
    def new_article(self) -> str | None:
        """Ask for a title (and category, id, language), write the article, open it with its title
        focused. Returns the new file's path."""
        if self.window.root is None:
            return None
        style, schema, today = self.style(), self.window.schema, self.today or dt.date.today()

        def planner(title, category, article_id, language) -> NewArticle:
            return plan_new_article(self.window.root, title, style, schema, category=category,
                                    article_id=article_id, language=language, today=today)

        dialog = ArticleDialog("New article", planner, list(style.categories), category=self._current_category(),
                               language=style.language, parent=self.window)
        if not self.run_dialog(dialog) or dialog.plan is None:
            return None
        return self._write_new(dialog.plan)

    def duplicate(self, from_list: bool = False) -> str | None:
        """A copy of the article (what the window shows, unsaved edits included) under a new id."""
        path = self._subject(from_list)
        if path is None:
            return None
        session = self._session_of(path)
        if session is not None:
            data = session.current_bytes()
        else:
            try:
                data = read_with_identity(path)[0]
            except OSError as exc:
                self.window.show_error("Cannot duplicate", f"{path}: {exc.strerror or exc}")
                return None
        try:
            doc = ArticleDocument.from_bytes(data, path)
        except ArticleError as exc:
            self.window.show_error("Cannot duplicate", f"{self._rel(path)} cannot be read as an article: {exc.message}")
            return None
        style, today = self.style(), self.today or dt.date.today()
        folder = self._rel(path).rsplit("/", 1)[0] if "/" in self._rel(path) else ""

        def planner(title, category, article_id, _language) -> NewArticle:
            return plan_duplicate(self.window.root, doc, title, style,
                                  category=category if category != folder else None, article_id=article_id,
                                  today=today)

        title = doc.data.get("title") if isinstance(doc.data.get("title"), str) else ""
        dialog = ArticleDialog(f"Duplicate {os.path.basename(path)}", planner, list(style.categories),
                               initial_title=f"{title} (copy)" if title else "", category=folder,
                               ask_language=False, parent=self.window)
        dialog.ok_button.setText("Duplicate")
        if not self.run_dialog(dialog) or dialog.plan is None:
            return None
        return self._write_new(dialog.plan)

    def _write_new(self, plan: NewArticle) -> str | None:
        try:
            create_new(plan.path, plan.data)
        except FileExistsError:
            self.window.show_error("Not created", f"{plan.rel} already exists: nothing was written")
            return None
        except OSError as exc:
            self.window.show_error("Not created", f"{plan.rel}: {exc.strerror or exc}")
            return None
        path = os.path.realpath(plan.path)
        self._follow(path)
        self._status(f"Created {plan.rel}" + (f" ({plan.note})" if plan.note else ""))
        if self.window.open_article(path):
            self.window.form.focus_field("title")
            editor = self.window.form.editor_at("title")
            edit = getattr(editor, "edit", None)
            if edit is not None and hasattr(edit, "selectAll"):
                edit.selectAll()
        self.created.emit(path)
        return path

    def _session_of(self, path: str):
        """The open session of `path` (on screen or kept in the background), its typing committed."""
        session = self.window.articles.find(path)
        if session is not None and session is self.window.session:
            self.window.form.flush()
        return session

    # -- rename / move -----------------------------------------------------------------------------------
    def rename(self, from_list: bool = False) -> str | None:
        """Ask for a new folder, name and maybe id; move the file; the list and the open article follow."""
        path = self._subject(from_list)
        if path is None or self.window.root is None:
            return None
        session = self._session_of(path)  # on screen or kept in the background
        if session is not None:
            if session.is_dirty and not self.confirm(
                    "Save before renaming?", f"{os.path.basename(path)} has unsaved changes. Save them and rename?"):
                return None
            if session.is_dirty and not self.window.save(session):
                return None
        try:
            data, identity = read_with_identity(path)
        except OSError as exc:
            self.window.show_error("Cannot rename", f"{path}: {exc.strerror or exc}")
            return None
        try:
            article_id = ArticleDocument.from_bytes(data, path).data.get("id")
        except ArticleError:
            article_id = None
        style = self.style()
        root = self.window.root

        def planner(new_rel, new_id, follow) -> RenamePlan:
            return plan_rename(root, data, path, new_rel, new_id, style, follow)

        def describe(plan: RenamePlan) -> str:
            text = f"{self._rel(path)} \u2192 <b>{self._rel(str(plan.new))}</b>"
            if plan.data is not None:
                new = ArticleDocument.from_bytes(plan.data)
                follows = id_renames(ArticleDocument.from_bytes(data).data, str(article_id or ""),
                                     str(new.data.get("id"))) if new.data.get("id") != article_id else []
                if new.data.get("id") != article_id:
                    text += f"<br>id {article_id} \u2192 {new.data.get('id')}"
                    if follows:
                        text += f" ({len(follows)} fact or source id{'s' if len(follows) != 1 else ''} follow)"
                if new.data.get("category") != ArticleDocument.from_bytes(data).data.get("category"):
                    text += f"<br>category \u2192 {new.data.get('category')}"
            return text

        folders = sorted({self._rel(row.path).rsplit("/", 1)[0] for row in self.window.corpus_panel.model.rows()
                          if "/" in self._rel(row.path)})
        dialog = RenameDialog(self._rel(path), article_id if isinstance(article_id, str) else None, folders,
                              planner, describe, parent=self.window)
        if not self.run_dialog(dialog) or dialog.plan is None:
            return None
        plan = dialog.plan
        if os.path.realpath(plan.new) == os.path.realpath(path) and plan.data is None:
            return path
        if not identity.matches(path):  # changed on disk while the dialog was open
            self.window.show_error("Not renamed", f"{self._rel(path)} changed on disk meanwhile: nothing was moved")
            return None
        was_open = session is not None and session is self.window.session
        if was_open and not self.window.close_article():
            return None
        if session is not None and not was_open:
            self.window.articles.close(session)  # saved above: nothing is lost, it opens again at its new path
        moved = RenameCommand.move(path, str(plan.new), identity, plan.data)
        if isinstance(moved, str):
            self.window.show_error("Not renamed", moved)
            return None
        self.window.corpus_stack.push(RenameCommand(plan, data, identity, moved, self._after_rename))
        new_path = os.path.realpath(plan.new)
        self._follow(path, new_path)
        self._status(f"Renamed {self._rel(path)} to {self._rel(new_path)} (Ctrl+Z in the list moves it back)")
        if was_open:
            self.window.open_article(new_path)
        else:
            self.window.corpus_panel.show_path(new_path)
        return new_path

    def _after_rename(self, command: RenameCommand, paths: list[str], error: str) -> None:
        self._follow(*paths)
        if error:
            self._status(f"Not moved: {error}")
            return
        old, new = str(command.plan.old), str(command.plan.new)
        here = old if os.path.exists(old) else new
        gone = new if here == old else old
        session = self._session_of(gone)
        if session is not None and not session.is_dirty:
            on_screen = session is self.window.session
            self.window.articles.close(session)
            if on_screen:
                self.window.open_article(os.path.realpath(here))
        self.window.corpus_panel.show_path(os.path.realpath(here))

    # -- delete -------------------------------------------------------------------------------------------------
    def delete(self, from_list: bool = False) -> bool:
        """Move the articles to the trash (where there is none: delete for good, after asking); Ctrl+Z in
        the list brings them back."""
        paths = self.target_paths() if from_list else ([self.window.session.path] if self.window.session else [])
        paths = [p for p in paths if os.path.isfile(p)]
        if not paths:
            return False
        sessions = [s for s in (self._session_of(p) for p in paths) if s is not None]
        dirty = [s for s in sessions if s.is_dirty]
        if dirty and not self.confirm(
                "Delete with unsaved changes?", f"{', '.join(os.path.basename(s.path) for s in dirty)} "
                f"{'has' if len(dirty) == 1 else 'have'} unsaved changes. Delete anyway? (Those edits are not kept.)"):
            return False
        for session in sessions:  # the user said the edits go: the sessions close without asking again
            self.window.articles.close(session)
        files: list[_Deleted] = []
        permanent: list[str] = []
        for path in paths:
            try:
                data = read_with_identity(path)[0]
            except OSError as exc:
                self.window.show_error("Not deleted", f"{path}: {exc.strerror or exc}")
                continue
            trashed, _why = trash_file(path)
            if trashed is None:
                permanent.append(path)
                files.append(_Deleted(path, None, data))
            else:
                files.append(_Deleted(path, trashed, data))
        if permanent:
            names = ", ".join(os.path.basename(p) for p in permanent)
            if self.confirm("Delete for good?", f"There is no trash for {names}. Delete permanently? (Undo in this "
                            "window can still bring it back until you close it.)"):
                for path in permanent:
                    try:
                        os.unlink(path)
                    except OSError as exc:
                        self.window.show_error("Not deleted", f"{path}: {exc.strerror or exc}")
                        files = [f for f in files if f.path != path]
            else:
                files = [f for f in files if f.path not in permanent]
        if not files:
            return False
        self.window.corpus_stack.push(DeleteCommand(files, self._after_delete))
        self._follow(*[f.path for f in files])
        where = "to the trash" if all(f.trashed for f in files) else "(deleted)"
        self._status(f"Moved {', '.join(self._rel(f.path) for f in files)} {where}: Ctrl+Z in the list brings "
                     f"{'it' if len(files) == 1 else 'them'} back")
        self.window.corpus_panel.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _after_delete(self, _command: DeleteCommand, paths: list[str], error: str) -> None:
        self._follow(*paths)
        if error:
            self.window.show_error("Some files were left as they were", error)
        back = [p for p in paths if os.path.exists(p)]
        if back:
            self.window.corpus_panel.show_path(os.path.realpath(back[0]))
            self._status(f"Restored {', '.join(self._rel(p) for p in back)}")

    # -- a file without front matter ------------------------------------------------------------------------------
    def front_matter_text(self, path: str, text: str) -> str:
        """The open file's text with the corpus's front matter put first (see `front_matter_for`)."""
        return front_matter_for(self.window.root or os.path.dirname(path), self._rel(path) if self.window.root
                                else os.path.basename(path), text, self.style(), self.window.schema,
                                self.today or dt.date.today())


__all__ = ["ArticleFiles", "DeleteCommand", "RenameCommand", "trash_file"]
