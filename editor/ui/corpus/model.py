"""The corpus as a Qt table: one model over the index rows, one proxy for sorting and filters.

Files that are not articles are shown one row per folder when a folder holds several of them
("3 files not articles in ai/"), instead of one identical row each; `rows()` still lists every file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from editor.ui import theme
from editor.ui.corpus.rows import DEFAULT_STALE_DAYS, CorpusRow

COLUMNS = ("ID", "Title", "Category", "Confidence", "Last verified", "Problems", "Review")
HEADERS = ("ID", "Title", "Category", "Conf.", "Verified", "Problems", "Review")
COL_ID, COL_TITLE, COL_CATEGORY, COL_CONFIDENCE, COL_VERIFIED, COL_PROBLEMS, COL_REVIEW = range(len(COLUMNS))
# the review filter's choices
REVIEW_ANY, REVIEW_QUEUE, REVIEW_UNREVIEWED, REVIEW_LINKS, REVIEW_OLD = "", "queue", "unreviewed", "links", "old"

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3

_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
_ANY = (QModelIndex(), QPersistentModelIndex())


def review_text(row: CorpusRow, today: dt.date) -> str:
    """What the Review column's tooltip and accessible text say."""
    parts = []
    if row.broken:
        parts.append(f"{row.broken} broken source{'s' if row.broken != 1 else ''}")
    if row.blocked:
        parts.append(f"{row.blocked} blocked source{'s' if row.blocked != 1 else ''}")
    if row.unreviewed:
        high = f" ({row.high_unreviewed} of high confidence)" if row.high_unreviewed else ""
        parts.append(f"{row.unreviewed} fact{'s' if row.unreviewed != 1 else ''} unreviewed{high}")
    if row.oldest_review:
        parts.append(f"oldest review {row.review_age_days(today)} days ago ({row.oldest_review.isoformat()})")
    return ", ".join(parts)


def problem_text(row: CorpusRow) -> str:
    parts = []
    if row.errors:
        parts.append(f"{row.errors} error{'s' if row.errors != 1 else ''}")
    if row.warnings:
        parts.append(f"{row.warnings} warning{'s' if row.warnings != 1 else ''}")
    return ", ".join(parts)


class CorpusTableModel(QAbstractTableModel):
    def __init__(self, parent=None, today: dt.date | None = None, stale_days: int = DEFAULT_STALE_DAYS):
        super().__init__(parent)
        self._rows: list[CorpusRow] = []  # what the table shows (groups in place of their files)
        self._by_path: dict[str, int] = {}
        self._others: dict[str, dict[str, CorpusRow]] = {}  # folder -> its files that are not articles
        self._shown_as: dict[str, str] = {}  # folder -> the path of its row (a group's, or its one file's)
        self.root: str | None = None  # the corpus folder, for the groups' names
        self._dirty: set[str] = set()  # articles open with unsaved edits
        self._clash: set[str] = set()  # ... whose file changed on disk where they have unsaved edits
        self.today = today or dt.date.today()
        self.stale_days = stale_days
        self._bold: QFont | None = None
        self.sort_column = COL_TITLE
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._sorted_as: tuple | None = None  # (column, order) the rows are sorted in, until a row changes

    # -- contents -------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[CorpusRow]) -> None:
        self.beginResetModel()
        shown: list[CorpusRow] = []
        self._others = {}
        for row in rows:
            if row.kind == "other":
                self._others.setdefault(os.path.dirname(row.path), {})[row.path] = row
            else:
                shown.append(row)
        self._shown_as = {}
        for folder in self._others:
            entry = self._folder_row(folder)
            self._shown_as[folder] = entry.path
            shown.append(entry)
        self._rows = shown
        self._sort_rows()
        self.endResetModel()

    def _folder_row(self, folder: str) -> CorpusRow | None:
        """The row standing for a folder's files that are not articles: the file itself when it is the
        only one, else a group."""
        members = self._others.get(folder) or {}
        if not members:
            return None
        if len(members) == 1:
            return next(iter(members.values()))
        rel = os.path.relpath(folder, self.root).replace(os.sep, "/") if self.root else os.path.basename(folder)
        where = "the corpus folder" if rel in (".", "") else f"{rel}/"
        names = sorted(os.path.basename(p) for p in members)
        return CorpusRow(folder.rstrip("/") + "/", title=f"{len(members)} files not articles in {where}", kind="group",
                         message=", ".join(names), extra={"members": sorted(members)})

    def _regroup(self, folder: str) -> None:
        """Show a folder's non-article files again after one of them came, went or changed."""
        old_path = self._shown_as.pop(folder, None)
        entry = self._folder_row(folder)
        i = self._by_path.get(old_path) if old_path is not None else None
        if entry is None:
            if i is not None:
                self._remove_shown(i)
            return
        self._shown_as[folder] = entry.path
        if i is None:
            self._insert_shown(entry)
        else:
            del self._by_path[old_path]
            self._rows[i] = entry
            self._by_path[entry.path] = i
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def _insert_shown(self, row: CorpusRow) -> None:
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._by_path[row.path] = len(self._rows)
        self._rows.append(row)
        self.endInsertRows()

    def _remove_shown(self, i: int) -> None:
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._rows[i]
        self._by_path = {row.path: n for n, row in enumerate(self._rows)}
        self.endRemoveRows()

    def _folder_of_other(self, path: str) -> str | None:
        folder = os.path.dirname(path)
        return folder if path in self._others.get(folder, {}) else None

    def _sort_rows(self) -> None:
        # sorted here, in one Python sort, rather than by the proxy calling data() a million times
        column = self.sort_column
        self._rows.sort(key=lambda row: self._sort_key(row, column),
                        reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        self._by_path = {row.path: i for i, row in enumerate(self._rows)}
        self._sorted_as = (column, self.sort_order)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._sorted_as == (column, order):
            return  # asked again by the view for the order the rows are in: 50,000 rows need no new sort
        self.sort_column, self.sort_order = column, order
        if not self._rows or column < 0:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._rows[i.row()].path, i.column()) for i in persistent]
        self._sort_rows()
        self.changePersistentIndexList(persistent, [self.index(self._by_path[p], c) for p, c in kept])
        self.layoutChanged.emit()

    def rows(self) -> list[CorpusRow]:
        """Every file's row: the articles, and each file that is not one (not the groups)."""
        found = [row for row in self._rows if row.kind != "group"]
        for folder, members in self._others.items():
            if self._shown_as.get(folder) not in members:  # shown as a group
                found.extend(members.values())
        return found

    def row_for_path(self, path: str) -> int | None:
        """The table row showing `path` (a group's row for a file in the group)."""
        i = self._by_path.get(path)
        if i is None:
            folder = self._folder_of_other(path)
            if folder is not None:
                i = self._by_path.get(self._shown_as.get(folder, ""))
        return i

    def row_at(self, row: int) -> CorpusRow:
        return self._rows[row]

    def update_row(self, row: CorpusRow) -> None:
        """Replace (or add) the row for `row.path`."""
        folder = self._folder_of_other(row.path)
        if row.kind == "other" or folder is not None:
            if row.kind == "other":
                i = self._by_path.get(row.path)
                if i is not None and self._rows[i].kind != "other":  # it was an article
                    self._remove_shown(i)
                new_folder = os.path.dirname(row.path)
                self._others.setdefault(new_folder, {})[row.path] = row
                self._regroup(new_folder)
                return
            del self._others[folder][row.path]  # a file that was not an article now is one
            self._regroup(folder)
        i = self._by_path.get(row.path)
        if i is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._by_path[row.path] = len(self._rows)
            self._rows.append(row)
            self._sorted_as = None
            self.endInsertRows()
            return
        self._rows[i] = row
        self._sorted_as = None
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def apply_changes(self, rows: Iterable[CorpusRow], removed: Iterable[str] = ()) -> None:
        """Many files at once (outside changes): replace or add these rows, drop the rows of `removed`.
        One signal per kind of change, not one per row, so thousands cost the view little; files that
        are not articles go to (or leave) their folder's group."""
        fresh = {row.path: row for row in rows}
        gone = {path for path in removed
                if path not in fresh and (path in self._by_path or self._folder_of_other(path) is not None)}
        if len(gone) > 200:  # many scattered removals: one reset is cheaper than hundreds of them
            kept = [fresh.pop(row.path, row) for row in self.rows() if row.path not in gone]
            self.set_rows(kept + list(fresh.values()))
            return
        folders: set[str] = set()  # groups to show again
        for path in list(gone):
            folder = self._folder_of_other(path)
            if folder is not None:
                del self._others[folder][path]
                folders.add(folder)
                gone.discard(path)
        for path, row in list(fresh.items()):
            folder = self._folder_of_other(path)
            if row.kind == "other":
                if folder is None and path in self._by_path:  # it was an article
                    gone.add(path)
                folder = os.path.dirname(path)
                self._others.setdefault(folder, {})[path] = row
                folders.add(folder)
                del fresh[path]
            elif folder is not None:  # a file that was not an article now is one
                del self._others[folder][path]
                folders.add(folder)
        for i in sorted((self._by_path[path] for path in gone if path in self._by_path), reverse=True):
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        if gone:
            self._by_path = {row.path: n for n, row in enumerate(self._rows)}
        low = high = None
        added = []
        for path, row in fresh.items():
            i = self._by_path.get(path)
            if i is None:
                added.append(row)
                continue
            self._rows[i] = row
            low = i if low is None else min(low, i)
            high = i if high is None else max(high, i)
        if low is not None:
            self.dataChanged.emit(self.index(low, 0), self.index(high, len(COLUMNS) - 1))
        if added:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            for n, row in enumerate(added):
                self._by_path[row.path] = start + n
                self._rows.append(row)
            self.endInsertRows()
        for folder in folders:
            self._regroup(folder)
            if not self._others.get(folder):
                self._others.pop(folder, None)

    def remove_path(self, path: str) -> None:
        folder = self._folder_of_other(path)
        if folder is not None:
            del self._others[folder][path]
            self._regroup(folder)
            if not self._others[folder]:
                del self._others[folder]
            return
        i = self._by_path.get(path)
        if i is None:
            return
        self._remove_shown(i)

    def _mark(self, marked: set[str], path: str, on: bool) -> None:
        if on == (path in marked):
            return
        if on:
            marked.add(path)
        else:
            marked.discard(path)
        i = self._by_path.get(path)
        if i is not None:
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def set_dirty(self, path: str, dirty: bool) -> None:
        self._mark(self._dirty, path, dirty)

    def is_dirty(self, path: str) -> bool:
        return path in self._dirty

    def set_clash(self, path: str, clash: bool) -> None:
        self._mark(self._clash, path, clash)

    def has_clash(self, path: str) -> bool:
        return path in self._clash

    def marks(self, path: str) -> str:
        """The title's prefix for an open article: ● unsaved edits, ⇄ a clash with the disk to decide."""
        return ("⇄ " if path in self._clash else "") + ("● " if path in self._dirty else "")

    def categories(self) -> list[str]:
        return sorted({row.category for row in self._rows if row.category})

    def confidences(self) -> list[str]:
        values = {row.confidence for row in self._rows if row.confidence}
        return sorted(values, key=lambda v: (_CONFIDENCE_ORDER.get(v, 9), v))

    def is_stale(self, row: CorpusRow) -> bool:
        return row.is_stale(self.today, self.stale_days)

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent=_ANY[0]) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ANY[0]) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return COLUMNS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == PATH_ROLE:
            return row.path
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.kind in ("other", "group"):
                return theme.muted_color()
            if col == COL_VERIFIED and self.is_stale(row):
                return theme.stale_color()
            if col == COL_PROBLEMS and row.errors:
                return theme.error_color()
            if col == COL_PROBLEMS and row.warnings:
                return theme.warning_color()
            if col == COL_REVIEW and row.broken:
                return theme.error_color()
            if col == COL_REVIEW and (row.blocked or row.high_unreviewed):
                return theme.warning_color()
            return None
        if role == Qt.ItemDataRole.FontRole and row.path in self._dirty:
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if col == COL_REVIEW:
                return f"{COLUMNS[col]}: {review_text(row, self.today) or 'nothing to review'}"
            text = problem_text(row) or "none" if col == COL_PROBLEMS else self._display(row, col)
            return f"{COLUMNS[col]}: {text}"
        return None

    def _display(self, row: CorpusRow, col: int) -> str:
        if col == COL_ID:
            return row.id
        if col == COL_TITLE:
            mark = self.marks(row.path)
            if row.kind == "broken":
                return f"{mark}⚠ {row.path.rsplit('/', 1)[-1]} cannot be read: {row.message or 'parse error'}"
            if row.kind == "other":
                return f"{mark}(not an article) {row.path.rsplit('/', 1)[-1]}"
            if row.kind == "group":
                return f"({row.title})"
            return mark + (row.title or row.path.rsplit("/", 1)[-1])
        if col == COL_CATEGORY:
            return row.category
        if col == COL_CONFIDENCE:
            return row.confidence
        if col == COL_VERIFIED:
            return row.last_verified.isoformat() if row.last_verified else row.last_verified_text
        if col == COL_PROBLEMS:
            parts = []  # compact: the tooltip and the accessible text spell it out
            if row.errors:
                parts.append(f"✖ {row.errors}")
            if row.warnings:
                parts.append(f"⚠ {row.warnings}")
            return "  ".join(parts)
        if col == COL_REVIEW:
            parts = []  # compact: ⛓ sources broken or blocked, ○ facts without a verdict
            if row.broken or row.blocked:
                parts.append(f"⛓ {row.broken + row.blocked}")
            if row.unreviewed:
                parts.append(f"○ {row.unreviewed}")
            return "  ".join(parts)
        return ""

    def _tooltip(self, row: CorpusRow, col: int) -> str | None:
        if col == COL_REVIEW:
            return review_text(row, self.today) or "every fact has a recent review, every source answers"
        if col == COL_PROBLEMS:
            return problem_text(row) or "no problems"
        if col == COL_VERIFIED and self.is_stale(row):
            return f"not verified for {row.age_days(self.today)} days"
        if col == COL_TITLE and row.kind == "group":
            return f"{row.title}: {row.message}\nEnter or double-click lists them"
        if col == COL_TITLE:
            tip = row.path
            if row.path in self._dirty:
                tip += "\nunsaved changes"
            if row.path in self._clash:
                tip += "\nchanged on disk where you have unsaved edits: open it to choose what to keep"
            if row.message:
                tip += f"\n{row.message}"
            return tip
        return None

    def _sort_key(self, row: CorpusRow, col: int):
        if col == COL_CONFIDENCE:
            return f"{_CONFIDENCE_ORDER.get(row.confidence, 9)}{row.confidence}"
        if col == COL_VERIFIED:
            return row.last_verified.isoformat() if row.last_verified else ""
        if col == COL_PROBLEMS:
            return row.errors * 100000 + row.warnings
        if col == COL_REVIEW:  # ascending: the most needed first
            return row.need_key()
        if col == COL_TITLE:  # files that are not articles go last
            return ("1" if row.kind in ("other", "group") else "0") + (
                row.title or row.path.rsplit("/", 1)[-1]).casefold()
        return self._display(row, col).casefold()


class CorpusFilterProxy(QSortFilterProxyModel):
    """Filters: category, confidence, stale only, has errors, and a search (a set of paths or text)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self.category = ""
        self.confidence = ""
        self.stale_only = False
        self.errors_only = False
        self.review = REVIEW_ANY
        self.search_text = ""
        self.search_paths: set[str] | None = None
        self.problem_code = ""  # only articles with a problem of this rule (the index's answer below)
        self.problem_paths: set[str] = set()

    def set_filters(self, *, category: str | None = None, confidence: str | None = None,
                    stale_only: bool | None = None, errors_only: bool | None = None,
                    review: str | None = None) -> None:
        self.beginFilterChange()
        if review is not None:
            self.review = review
        if category is not None:
            self.category = category
        if confidence is not None:
            self.confidence = confidence
        if stale_only is not None:
            self.stale_only = stale_only
        if errors_only is not None:
            self.errors_only = errors_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_problem_filter(self, code: str, paths: set[str]) -> None:
        """Only the articles in `paths`, those with a problem of rule `code` ("": no such filter)."""
        self.beginFilterChange()
        self.problem_code = code
        self.problem_paths = set(paths) if code else set()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str, paths: set[str] | None) -> None:
        """`paths`: the full-text index's hits (None: match `text` against id, title and file name)."""
        self.beginFilterChange()
        self.search_text = text.casefold().strip()
        self.search_paths = paths
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model: CorpusTableModel = self.sourceModel()
        row = model.row_at(source_row)
        if self.category and row.category != self.category:
            return False
        if self.confidence and row.confidence != self.confidence:
            return False
        if self.stale_only and not model.is_stale(row):
            return False
        if self.errors_only and not (row.errors or row.kind == "broken"):
            return False
        if self.problem_code and row.path not in self.problem_paths:
            return False
        if self.review and not self._review_accepts(model, row):
            return False
        if self.search_text:
            in_text = self.search_text in row.search_text()
            if self.search_paths is not None:
                return in_text or row.path in self.search_paths
            return in_text
        return True

    def _review_accepts(self, model: CorpusTableModel, row: CorpusRow) -> bool:
        if not row.is_article:
            return False
        if self.review == REVIEW_QUEUE:
            return row.needs_review(model.today, model.stale_days)
        if self.review == REVIEW_UNREVIEWED:
            return row.unreviewed > 0
        if self.review == REVIEW_LINKS:
            return bool(row.broken or row.blocked)
        if self.review == REVIEW_OLD:
            age = row.review_age_days(model.today)
            return age is not None and age > model.stale_days
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the source model's (one Python sort); the proxy keeps its order and filters."""
        self.sourceModel().sort(column, order)

    def path_at(self, row: int) -> str | None:
        index = self.index(row, 0)
        return index.data(PATH_ROLE) if index.isValid() else None
