"""Three-way merge of an article: the loaded version (base), the user's edits (mine), the disk (theirs).

The front matter is merged field by field on parsed values, then MY changes are written onto THEIR
document as the core's edit operations, so the disk file keeps its own formatting and every byte
outside the fields I changed is theirs. The body is merged line by line (a difflib-based diff3):
hunks that do not overlap merge, overlapping hunks that differ clash. A change made the same way on
both sides is not a clash. When anything clashes, nothing is merged: the caller shows the clash and
lets the user choose.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any

from editor.core.document.article import ArticleDocument
from editor.core.document.diffops import item_ids, key_step, sync, value_key
from editor.core.document.edits import loose_equal, strict_equal
from editor.core.document.errors import ArticleError, CorpusEditorError
from editor.core.document.fieldpath import Path, format_path

BODY = "body"
FRONT_MATTER = "front matter"
WHOLE_FILE = "(whole file)"


@dataclass
class MergeResult:
    """`merged_text` is None when there are clashes or an error; `from_disk` lists what came from disk."""

    merged_text: str | None
    from_disk: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    error: str | None = None
    bom: bool = False

    @property
    def ok(self) -> bool:
        return self.merged_text is not None

    @property
    def merged_bytes(self) -> bytes | None:
        if self.merged_text is None:
            return None
        return (("\ufeff" if self.bom else "") + self.merged_text).encode("utf-8")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def merge_documents(base: bytes, mine: bytes, theirs: bytes, path: str | os.PathLike | None = None) -> MergeResult:
    """Merge my edits of `base` with the disk's `theirs`. Never raises for bad input: see `.error`."""
    path_text = os.fspath(path) if path is not None else None
    bom = theirs.startswith(b"\xef\xbb\xbf")
    if mine in (theirs, base):
        return _trivial(theirs, bom, [] if mine == theirs else _changed_paths(base, theirs, path_text))
    if theirs == base:
        return _trivial(mine, mine.startswith(b"\xef\xbb\xbf"), [])
    try:
        their_doc = ArticleDocument.from_bytes(theirs, path_text)
    except ArticleError as exc:
        return MergeResult(None, clashes=[WHOLE_FILE], error=f"the file on disk does not parse: {exc.message}",
                           bom=bom)
    try:
        my_doc = ArticleDocument.from_bytes(mine, path_text)
    except ArticleError as exc:
        return MergeResult(None, clashes=[WHOLE_FILE], error=f"the unsaved text does not parse: {exc.message}",
                           bom=bom)
    try:
        base_doc = ArticleDocument.from_bytes(base, path_text)
    except ArticleError as exc:
        return MergeResult(None, clashes=[WHOLE_FILE],
                           error=f"the version loaded before does not parse: {exc.message}", bom=bom)

    merger = _ValueMerger()
    merged_data = merger.merge((), base_doc.data, my_doc.data, their_doc.data)
    body_lines, body_clash = merge_lines(base_doc.body, my_doc.body, their_doc.body)
    clashes = list(merger.clashes)
    if body_clash:
        clashes.append(BODY)
    from_disk = list(merger.from_disk)
    if their_doc.body != base_doc.body:
        from_disk.append(BODY)
    if clashes:
        return MergeResult(None, from_disk, clashes, bom=bom)

    head, problem = _merge_heads(base_doc, my_doc, their_doc, merged_data)
    if head is None:
        return MergeResult(None, from_disk, [FRONT_MATTER], error=problem, bom=bom)
    text = head + "".join(body_lines)
    try:
        their_doc.with_text(text)
    except ArticleError as exc:
        return MergeResult(None, from_disk, [WHOLE_FILE], error=f"the merged text does not parse: {exc.message}",
                           bom=bom)
    return MergeResult(text, from_disk, [], bom=bom)


def _head(doc: ArticleDocument) -> str:
    """The text up to the body: the opening line, the front matter and the closing line."""
    return doc.text[: doc.source.body_start]


def _merge_heads(base: ArticleDocument, mine: ArticleDocument, theirs: ArticleDocument,
                 merged_data: Any) -> tuple[str | None, str | None]:
    """The merged front matter text, or (None, why). My change is written onto their text as operations;
    when those operations would not reproduce my text exactly (I changed formatting or comments, not
    only values), the texts are merged line by line instead, and that must read back as merged."""
    if _head(mine) == _head(base):
        return _head(theirs), None
    if _head(theirs) == _head(base):
        return _head(mine), None
    replay = base.with_text(base.text)
    try:
        sync(replay, (), mine.data, arrange=False)
        faithful = _head(replay) == _head(mine)
    except CorpusEditorError:
        faithful = False
    if faithful:
        result = theirs.with_text(theirs.text)
        try:
            sync(result, (), merged_data, arrange=False)
        except CorpusEditorError as exc:
            return None, f"could not write the merged fields: {exc}"
        if not loose_equal(result.data, merged_data):
            return None, "the merged front matter does not read back as merged"
        return _head(result), None
    lines, clash = merge_lines(_head(base), _head(mine), _head(theirs))
    if clash:
        return None, "your unsaved front matter changes its layout or comments where the disk version changed"
    text = "".join(lines)
    try:
        doc = theirs.with_text(text + theirs.body)
    except ArticleError as exc:
        return None, f"the merged front matter does not parse: {exc.message}"
    if not loose_equal(doc.data, merged_data):
        return None, "the merged front matter does not read back as merged"
    return text, None


def _trivial(data: bytes, bom: bool, from_disk: list[str]) -> MergeResult:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return MergeResult(None, from_disk, [WHOLE_FILE], error=f"the text is not UTF-8 ({exc.reason})", bom=bom)
    if bom:
        text = text[1:]
    return MergeResult(text, from_disk, [], bom=bom)


def _changed_paths(base: bytes, theirs: bytes, path: str | None) -> list[str]:
    """What changed on disk when I changed nothing (for the note that says what came from disk)."""
    try:
        base_doc = ArticleDocument.from_bytes(base, path)
        their_doc = ArticleDocument.from_bytes(theirs, path)
    except ArticleError:
        return [WHOLE_FILE]
    fields = [_name(p) for p in _diff_paths((), base_doc.data, their_doc.data)]
    return fields + ([BODY] if base_doc.body != their_doc.body else [])


# -- merging values --------------------------------------------------------------------------------

def _same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return strict_equal(a, b)


class _ValueMerger:
    def __init__(self):
        self.from_disk: list[str] = []
        self.clashes: list[str] = []

    def merge(self, path: Path, base: Any, mine: Any, theirs: Any) -> Any:
        if _same(mine, theirs):
            return theirs
        if _same(mine, base):
            self.from_disk.extend(_name(p) for p in _diff_paths(path, base, theirs))
            return theirs
        if _same(theirs, base):
            return mine
        if all(isinstance(v, dict) for v in (base, mine, theirs)):
            return self.merge_dicts(path, base, mine, theirs)
        if all(isinstance(v, list) for v in (base, mine, theirs)):
            return self.merge_lists(path, base, mine, theirs)
        self.clashes.append(_name(path))
        return mine

    def merge_dicts(self, path: Path, base: dict, mine: dict, theirs: dict) -> dict:
        merged: dict = {}
        for key in theirs:
            value = self.merge((*path, key_step(key)), base.get(key, MISSING), mine.get(key, MISSING), theirs[key])
            if value is not MISSING:
                merged[key] = value
        # keys only I have (added by me, or removed on disk): after their predecessor in my order
        order = list(merged)
        for i, key in enumerate(mine):
            if key in theirs:
                continue
            value = self.merge((*path, key_step(key)), base.get(key, MISSING), mine[key], MISSING)
            if value is MISSING:
                continue
            before = next((k for k in list(mine)[:i][::-1] if k in merged), None)
            at = order.index(before) + 1 if before is not None else 0
            order.insert(at, key)
            merged[key] = value
        return {key: merged[key] for key in order}

    def merge_lists(self, path: Path, base: list, mine: list, theirs: list) -> list:
        ids = [item_ids(items) for items in (base, mine, theirs)]
        if all(i is not None for i in ids):
            return self.merge_lists_by_id(path, base, mine, theirs, *ids)
        keys = [[value_key(v) for v in items] for items in (base, mine, theirs)]
        index = {k: v for items in (base, mine, theirs) for k, v in zip(map(value_key, items), items, strict=True)}
        merged_keys, clash = diff3(*keys)
        if not clash:
            self.from_disk.append(_name(path))
            return [index[k] for k in merged_keys]
        if len(base) == len(mine) == len(theirs):  # the same items edited inside: merge item by item
            return [self.merge((*path, i), b, m, t) for i, (b, m, t) in enumerate(zip(base, mine, theirs,
                                                                                      strict=True))]
        self.clashes.append(_name(path))
        return mine

    def merge_lists_by_id(self, path, base, mine, theirs, base_ids, my_ids, their_ids) -> list:
        b = dict(zip(base_ids, base, strict=True))
        m = dict(zip(my_ids, mine, strict=True))
        t = dict(zip(their_ids, theirs, strict=True))
        values: dict = {}
        for key in [*their_ids, *(k for k in my_ids if k not in t), *(k for k in base_ids if k not in m and
                                                                         k not in t)]:
            at = my_ids.index(key) if key in m else (their_ids.index(key) if key in t else base_ids.index(key))
            value = self.merge((*path, at), b.get(key, MISSING), m.get(key, MISSING), t.get(key, MISSING))
            if value is not MISSING:
                values[key] = value
        # the order: the side that reordered the items both kept wins; both reordering differently clashes
        common = [k for k in base_ids if k in m and k in t]
        my_order = [k for k in my_ids if k in common]
        their_order = [k for k in their_ids if k in common]
        if my_order != common and their_order != common and my_order != their_order:
            self.clashes.append(_name(path))
            return mine
        primary, other = (my_ids, their_ids) if my_order != common else (their_ids, my_ids)
        order = [k for k in primary if k in values]
        for i, key in enumerate(other):
            if key in order or key not in values:
                continue
            before = next((k for k in other[:i][::-1] if k in order), None)
            order.insert(order.index(before) + 1 if before is not None else 0, key)
        return [values[k] for k in order]


def _diff_paths(path: Path, old: Any, new: Any) -> list[Path]:
    """The deepest paths where `old` and `new` differ (a list counts as one value unless its length holds)."""
    if _same(old, new):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        keys = [*old, *(k for k in new if k not in old)]
        return [p for k in keys for p in _diff_paths((*path, key_step(k)), old.get(k, MISSING), new.get(k, MISSING))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True)) for p in _diff_paths((*path, i), a, b)]
    return [path]


def _name(path: Path) -> str:
    return format_path(path) if path else FRONT_MATTER


# -- three-way line merge ----------------------------------------------------------------------------

def merge_lines(base: str, mine: str, theirs: str) -> tuple[list[str], bool]:
    """Three-way merge of texts by lines: (merged lines, clashed)."""
    split = [text.splitlines(keepends=True) for text in (base, mine, theirs)]
    return diff3(*split)


def _hunks(base: list, other: list, side: int) -> list[tuple[int, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, side, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def diff3(base: list, mine: list, theirs: list) -> tuple[list, bool]:
    """Merge two edits of the sequence `base`: (merged sequence, clashed). Hunks that overlap clash
    unless both sides made the same change there; two insertions at one place clash unless equal."""
    if mine in (theirs, base):
        return list(theirs), False
    if theirs == base:
        return list(mine), False
    sides = (mine, theirs)
    hunks = sorted(_hunks(base, mine, 0) + _hunks(base, theirs, 1), key=lambda h: (h[0], h[1]))
    clusters: list[list] = []
    for hunk in hunks:
        if clusters:
            current = clusters[-1]
            start = current[0][0]
            end = max(h[1] for h in current)
            empty_at_same_point = hunk[0] == hunk[1] == start == end
            if hunk[0] < end or empty_at_same_point:
                current.append(hunk)
                continue
        clusters.append([hunk])
    out: list = []
    pos = 0
    clashed = False
    for cluster in clusters:
        start = cluster[0][0]
        end = max(h[1] for h in cluster)
        out.extend(base[pos:start])
        versions = []
        for side in (0, 1):
            own = [h for h in cluster if h[2] == side]
            if not own:
                continue
            text: list = []
            at = start
            for i1, i2, _, j1, j2 in own:
                text.extend(base[at:i1])
                text.extend(sides[side][j1:j2])
                at = i2
            text.extend(base[at:end])
            versions.append(text)
        if len(versions) == 2 and versions[0] != versions[1]:
            clashed = True
        out.extend(versions[0])
        pos = end
    out.extend(base[pos:])
    return out, clashed
