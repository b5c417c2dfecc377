"""Facts and the sources they cite: matching keys, usage counts, and the picker that fills a fact's source."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.validation.schema import FieldSpec
from editor.ui.form.base import scalar_text

# -- facts and their sources --------------------------------------------------------------------------------

def source_keys(source: dict) -> set[str]:
    """What a fact can cite a source by: its id, its URL and DOI (normalized as the rules compare them)."""
    from editor.core.validation.rules import normalize_doi, normalize_url

    keys: set[str] = set()
    if isinstance(source.get("id"), str) and source["id"]:
        keys.add("ref:" + source["id"])
    for name in ("url", "doi"):
        value = source.get(name)
        if isinstance(value, str) and value.strip():
            keys.add("loc:" + (normalize_url(value) if name == "url" else normalize_doi(value)))
    return keys


def fact_keys(fact: dict) -> set[str]:
    from editor.core.validation.rules import normalize_doi, normalize_url

    keys: set[str] = set()
    if isinstance(fact.get("source_ref"), str) and fact["source_ref"]:
        keys.add("ref:" + fact["source_ref"])
    if isinstance(fact.get("source_url"), str) and fact["source_url"].strip():
        keys.add("loc:" + normalize_url(fact["source_url"]))
    if isinstance(fact.get("source_doi"), str) and fact["source_doi"].strip():
        keys.add("loc:" + normalize_doi(fact["source_doi"]))
    return keys


def source_usage(sources: list, facts: list) -> dict[int, int]:
    """For each source (by index), how many facts cite it."""
    cited = [fact_keys(fact) for fact in facts if isinstance(fact, dict)]
    usage: dict[int, int] = {}
    for i, source in enumerate(sources):
        if isinstance(source, dict):
            keys = source_keys(source)
            usage[i] = sum(1 for fact in cited if fact & keys)
    return usage


def source_lists(ctx) -> list[tuple[str, FieldSpec]]:
    """The top-level lists of sources in the schema (object lists whose items have a url or doi)."""
    if ctx.schema is None:
        return []
    found = []
    for spec in ctx.schema.form_fields():
        names = {item.name for item in spec.items}
        if spec.widget == "object-list" and ("url" in names or "doi" in names) and "statement" not in names:
            found.append((spec.name, spec))
    return found


class SourcePicker(QToolButton):
    """Next to a fact's source URL: pick one of the article's sources, searching by title or URL."""

    picked = Signal(dict)  # the source mapping

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QWidgetAction

        self.ctx = ctx
        self.setText("Sources\u2026")
        self.setToolTip("Pick this fact's source from the article's sources")
        self.setAccessibleName("Pick a source")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.menu_ = QMenu(self)
        box = QWidget(self.menu_)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit(box)
        self.search.setPlaceholderText("Search sources by title or URL\u2026")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._pick_first)
        self.list = QListWidget(box)
        self.list.setMinimumWidth(520)
        self.list.setMinimumHeight(220)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._pick)
        self.list.itemClicked.connect(self._pick)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        action = QWidgetAction(self.menu_)
        action.setDefaultWidget(box)
        self.menu_.addAction(action)
        self.menu_.aboutToShow.connect(self._fill)
        self.setMenu(self.menu_)
        self._sources: list[dict] = []

    def sources(self) -> list[dict]:
        found = []
        for name, _spec in source_lists(self.ctx):
            items = self.ctx.get((name,), None)
            if isinstance(items, list):
                found.extend(item for item in items if isinstance(item, dict))
        return found

    def _fill(self):
        self._sources = self.sources()
        self.list.clear()
        for source in self._sources:
            title = scalar_text(source.get("title")) or "(untitled)"
            year = scalar_text(source.get("year"))
            where = scalar_text(source.get("url")) or scalar_text(source.get("doi"))
            item = QListWidgetItem(f"{title}{f' ({year})' if year else ''}\n    {where}")
            item.setToolTip(where)
            self.list.addItem(item)
        if not self._sources:
            item = QListWidgetItem("This article has no sources yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.search.clear()
        self.search.setFocus()

    def _filter(self, text: str):
        words = text.lower().split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            self.list.setRowHidden(i, not all(word in item.text().lower() for word in words))

    def _pick_first(self):
        for i in range(self.list.count()):
            if not self.list.isRowHidden(i):
                self._pick(self.list.item(i))
                return

    def _pick(self, item: QListWidgetItem):
        row = self.list.row(item)
        if 0 <= row < len(self._sources):
            self.menu_.close()
            self.picked.emit(self._sources[row])
