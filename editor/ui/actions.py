"""The window's actions and their shortcuts, in one place (menus and the toolbar show the same objects)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def _action(parent: QWidget, text: str, shortcuts: list | tuple = (), tip: str = "") -> QAction:
    action = QAction(text, parent)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    keys = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
    label = text.replace("&", "").rstrip("…")
    action.setToolTip(f"{tip or label} ({keys})" if keys else (tip or label))
    action.setStatusTip(tip or label)
    parent.addAction(action)  # shortcuts work even where no menu shows the action
    return action


@dataclass
class Actions:
    new_article: QAction
    duplicate_article: QAction
    rename_article: QAction
    delete_article: QAction
    add_front_matter: QAction
    corpus_problems: QAction
    open_corpus: QAction
    reload_index: QAction
    save: QAction
    save_all: QAction
    review: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    find: QAction
    quick_open: QAction
    focus_search: QAction
    focus_list: QAction
    focus_form: QAction
    focus_body: QAction
    next_article: QAction
    previous_article: QAction
    next_problem: QAction
    previous_problem: QAction
    bump: QAction
    review_mode: QAction
    shortcuts: QAction
    fields: QAction
    about: QAction


def create_actions(window: QWidget) -> Actions:
    # Undo and Redo: their target and text are kept by editor.ui.history.UndoRouter
    undo = _action(window, "&Undo", QKeySequence.keyBindings(QKeySequence.StandardKey.Undo),
                   "Undo the last change of the article (from the corpus list: the last batch action, if it "
                   "is the most recent)")
    redo = _action(window, "&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo what was undone last")
    return Actions(
        new_article=_action(window, "&New Article…", [QKeySequence.StandardKey.New],
                            "Start an article: its id, file and front matter in the corpus's style"),
        duplicate_article=_action(window, "&Duplicate Article…", [],
                                  "Copy the article under a new id (its fact ids follow)"),
        rename_article=_action(window, "&Rename / Move Article…", [],
                               "Another file name or folder, and optionally another id (F2 in the list)"),
        delete_article=_action(window, "Move Article to &Trash", [],
                               "Move the article to the trash (Delete in the list; Ctrl+Z in the list brings it back)"),
        add_front_matter=_action(window, "Add &Front Matter", [],
                                 "Put the corpus's front matter at the top of this file (one undo step)"),
        corpus_problems=_action(window, "Corpus &Problems", ["Ctrl+Shift+E"],
                                "Every problem of the corpus by rule: filter the list, silence a rule"),
        open_corpus=_action(window, "&Open Corpus Folder…", ["Ctrl+O"], "Open a corpus folder"),
        reload_index=_action(window, "&Rescan Corpus", ["F5"], "Re-read changed files into the index"),
        save=_action(window, "&Save", [QKeySequence.StandardKey.Save], "Save the article"),
        save_all=_action(window, "Save A&ll", ["Ctrl+Alt+S"], "Save every open article with unsaved changes"),
        review=_action(window, "Re&view Changes…", ["Ctrl+Shift+D"], "Show the exact diff saving will write"),
        quit=_action(window, "&Quit", [QKeySequence.StandardKey.Quit]),
        undo=undo,
        redo=redo,
        find=_action(window, "&Find in Body…", [QKeySequence.StandardKey.Find]),
        quick_open=_action(window, "&Quick Open…", ["Ctrl+P"], "Open an article by id, title or file name"),
        focus_search=_action(window, "Search the &Corpus", ["Ctrl+L", "Ctrl+K"]),
        focus_list=_action(window, "Go to the Article &List", ["Ctrl+0"]),
        focus_form=_action(window, "Go to the &Form", ["Ctrl+1"]),
        focus_body=_action(window, "Go to the &Body", ["Ctrl+2"]),
        next_article=_action(window, "&Next Article", ["Alt+Down", "Ctrl+PgDown"]),
        previous_article=_action(window, "&Previous Article", ["Alt+Up", "Ctrl+PgUp"]),
        next_problem=_action(window, "Next Pro&blem", ["F8"]),
        previous_problem=_action(window, "Previous Prob&lem", ["Shift+F8"]),
        bump=_action(window, "&Bump Last Verified…", ["Ctrl+Shift+B"],
                     "Set last_verified (or another date field) on the selected articles"),
        review_mode=_action(window, "&Reviewer Mode", ["Ctrl+Shift+R"],
                            "Review the article's facts one by one beside their sources"),
        shortcuts=_action(window, "&Keyboard Shortcuts", [QKeySequence.StandardKey.HelpContents],
                          "Every command with its keys"),
        fields=_action(window, "&Fields of This Corpus", (), "Every field of the schema in force, with its help"),
        about=_action(window, "&About Corpus Editor", ()),
    )
