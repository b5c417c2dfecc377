"""Three-way merge of an article: the loaded version (base), the user's edits (mine), the disk (theirs).

The front matter is merged field by field on parsed values, then MY changes are written onto THEIR
document as the core's edit operations, so the disk file keeps its own formatting and every byte
outside the fields I changed is theirs. The body is merged line by line (a difflib-based diff3):
hunks that do not overlap merge, overlapping hunks that differ clash. A change made the same way on
both sides is not a clash. When anything clashes, nothing is merged: the caller shows the clash and
lets the user choose, field by field: each clash is a `FieldClash` (its name, its path, both sides'
values); `merge_documents(..., choices={name: "mine" | "theirs"})` merges with those clashes decided,
`take_theirs` writes the disk's side of one clashing field into my text, and `resolve_field` is one
choice of the user on a `Clash` (the state of an article whose edits clash with its file on disk).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from editor.core.document.article import ArticleDocument
from editor.core.document.diffops import item_ids, key_step, sync, value_key
from editor.core.document.edits import loose_equal, strict_equal
from editor.core.document.errors import ArticleError, CorpusEditorError
from editor.core.document.fieldpath import Path, format_path
from editor.core.files.save import FileIdentity

BODY = "body"
FRONT_MATTER = "front matter"
WHOLE_FILE = "(whole file)"


MINE, THEIRS = "mine", "theirs"


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class FieldClash:
    """One thing both sides changed differently. `name` is what `MergeResult.clashes` lists
    (`title`, `atomic_facts[2].statement`, `body`); `path` the field path (None for the body and for a
    clash of the whole file or front matter, which cannot be decided field by field). `mine`, `theirs`
    and `base` are the values (MISSING where the field is absent); for the body, the clashing lines."""

    name: str
    path: Path | None
    mine: Any = MISSING
    theirs: Any = MISSING
    base: Any = MISSING

    @property
    def decidable(self) -> bool:
        return self.path is not None or self.name == BODY


@dataclass
class MergeResult:
    """`merged_text` is None when there are clashes or an error; `from_disk` lists what came from disk;
    `fields` details every clash (in the order of `clashes`)."""

    merged_text: str | None
    from_disk: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    error: str | None = None
    bom: bool = False
    fields: list[FieldClash] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.merged_text is not None

    @property
    def merged_bytes(self) -> bytes | None:
        if self.merged_text is None:
            return None
        return (("\ufeff" if self.bom else "") + self.merged_text).encode("utf-8")


def _whole(name: str, error: str, bom: bool, from_disk: list[str] | None = None) -> MergeResult:
    return MergeResult(None, from_disk or [], [name], error=error, bom=bom, fields=[FieldClash(name, None)])


def merge_documents(base: bytes, mine: bytes, theirs: bytes, path: str | os.PathLike | None = None,
                    choices: Mapping[str, str] | None = None) -> MergeResult:
    """Merge my edits of `base` with the disk's `theirs`. Never raises for bad input: see `.error`.

    `choices` decides clashes by name (`MINE` or `THEIRS`): a decided clash takes that side (for the
    body: that side of every clashing hunk) and is not reported; everything else merges as usual."""
    path_text = os.fspath(path) if path is not None else None
    choices = dict(choices or {})
    bom = theirs.startswith(b"\xef\xbb\xbf")
    if mine in (theirs, base):
        return _trivial(theirs, bom, [] if mine == theirs else _changed_paths(base, theirs, path_text))
    if theirs == base:
        return _trivial(mine, mine.startswith(b"\xef\xbb\xbf"), [])
    try:
        their_doc = ArticleDocument.from_bytes(theirs, path_text)
    except ArticleError as exc:
        return _whole(WHOLE_FILE, f"the file on disk does not parse: {exc.message}", bom)
    try:
        my_doc = ArticleDocument.from_bytes(mine, path_text)
    except ArticleError as exc:
        return _whole(WHOLE_FILE, f"the unsaved text does not parse: {exc.message}", bom)
    try:
        base_doc = ArticleDocument.from_bytes(base, path_text)
    except ArticleError as exc:
        return _whole(WHOLE_FILE, f"the version loaded before does not parse: {exc.message}", bom)

    merger = _ValueMerger(choices)
    merged_data = merger.merge((), base_doc.data, my_doc.data, their_doc.data)
    prefer = {MINE: 0, THEIRS: 1}.get(choices.get(BODY, ""))
    hunks: list[tuple[list, list]] = []
    body_lines, body_clash = _diff3(_lines(base_doc.body), _lines(my_doc.body), _lines(their_doc.body), prefer,
                                    hunks)
    clashes = list(merger.clashes)
    fields = list(merger.fields)
    if body_clash:
        clashes.append(BODY)
        fields.append(FieldClash(BODY, None, "".join(line for mine_lines, _ in hunks for line in mine_lines),
                                 "".join(line for _, their_lines in hunks for line in their_lines)))
    from_disk = list(merger.from_disk)
    if their_doc.body != base_doc.body:
        from_disk.append(BODY)
    if clashes:
        return MergeResult(None, from_disk, clashes, bom=bom, fields=fields)

    head, problem = _merge_heads(base_doc, my_doc, their_doc, merged_data)
    if head is None:
        return _whole(FRONT_MATTER, problem or "the front matter cannot be merged", bom, from_disk)
    text = head + "".join(body_lines)
    try:
        their_doc.with_text(text)
    except ArticleError as exc:
        return _whole(WHOLE_FILE, f"the merged text does not parse: {exc.message}", bom, from_disk)
    return MergeResult(text, from_disk, [], bom=bom)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


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
        return _whole(WHOLE_FILE, f"the text is not UTF-8 ({exc.reason})", bom, from_disk)
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
    def __init__(self, choices: Mapping[str, str] | None = None):
        self.from_disk: list[str] = []
        self.clashes: list[str] = []
        self.fields: list[FieldClash] = []
        self.choices = choices or {}

    def clash(self, path: Path, base: Any, mine: Any, theirs: Any) -> Any:
        """Both changed `path` differently: the user's choice when there is one, else a clash (mine kept)."""
        name = _name(path)
        choice = self.choices.get(name)
        if choice == THEIRS:
            return theirs
        if choice == MINE:
            return mine
        self.clashes.append(name)
        self.fields.append(FieldClash(name, tuple(path), mine, theirs, base))
        return mine

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
        return self.clash(path, base, mine, theirs)

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
        return self.clash(path, base, mine, theirs)

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
            return self.clash(path, base, mine, theirs)
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

def merge_lines(base: str, mine: str, theirs: str, prefer: str | None = None) -> tuple[list[str], bool]:
    """Three-way merge of texts by lines: (merged lines, clashed). `prefer` (`MINE` or `THEIRS`) decides
    every clashing hunk for that side (then nothing clashes)."""
    side = {MINE: 0, THEIRS: 1}.get(prefer or "")
    return _diff3(_lines(base), _lines(mine), _lines(theirs), side)


def _hunks(base: list, other: list, side: int) -> list[tuple[int, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, side, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def diff3(base: list, mine: list, theirs: list) -> tuple[list, bool]:
    """Merge two edits of the sequence `base`: (merged sequence, clashed). Hunks that overlap clash
    unless both sides made the same change there; two insertions at one place clash unless equal."""
    return _diff3(base, mine, theirs)


def _diff3(base: list, mine: list, theirs: list, prefer: int | None = None,
           hunks_out: list | None = None) -> tuple[list, bool]:
    """diff3; a clashing hunk takes side `prefer` (0 mine, 1 theirs) when given, else mine and counts as
    a clash. `hunks_out` receives (my lines, their lines) of every clashing hunk."""
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
            if hunks_out is not None:
                hunks_out.append((versions[0], versions[1]))
            if prefer is None:
                clashed = True
            else:
                out.extend(versions[prefer])
                pos = end
                continue
        out.extend(versions[0])
        pos = end
    out.extend(base[pos:])
    return out, clashed


# -- deciding clashes, field by field ----------------------------------------------------------------

def _encode(doc: ArticleDocument, text: str) -> bytes:
    return (("\ufeff" if doc.source.bom else "") + text).encode("utf-8")


def _with_value(data: dict, path: Path, value: Any, order: list | None = None) -> dict:
    """A copy of `data` with `value` at `path` (MISSING: the key or item removed; a list index past the
    end: appended). A key added to a mapping goes after its predecessor in `order` (the disk's keys)."""
    result = copy.deepcopy(data)
    parent: Any = result
    for step in path[:-1]:
        parent = parent[step] if isinstance(parent, list) else parent[_key_in(parent, step)]
    last = path[-1]
    if isinstance(parent, list):
        if value is MISSING:
            del parent[last]
        elif last >= len(parent):
            parent.append(value)
        else:
            parent[last] = value
    elif value is MISSING:
        parent.pop(_key_in(parent, last), None)
    elif _key_in(parent, last) in parent:
        parent[_key_in(parent, last)] = value
    else:
        keys = list(order or [])
        at = next((i for i, k in enumerate(keys) if key_step(k) == last), None)
        before = next((k for k in reversed(keys[:at]) if k in parent), None) if at is not None else None
        items = list(parent.items())
        where = [k for k, _ in items].index(before) + 1 if before is not None else (0 if at is not None
                                                                                   else len(items))
        items.insert(where, (last, value))
        parent.clear()
        parent.update(items)
    return result


def _key_in(mapping: dict, step: Any) -> Any:
    """The key of `mapping` that field-path step `step` names (paths spell keys as text)."""
    if step in mapping:
        return step
    return next((k for k in mapping if key_step(k) == step), step)


def take_theirs(base: bytes, mine: bytes, theirs: bytes, clash: FieldClash,
                path: str | os.PathLike | None = None) -> bytes:
    """My bytes with the disk's side of one clashing field (the body: merged with theirs, their side of
    every clashing hunk, my other body edits kept). Everything else stays mine, byte for byte. Raises
    ArticleError when a text does not parse and EditError when the value cannot be written."""
    path_text = os.fspath(path) if path is not None else None
    my_doc = ArticleDocument.from_bytes(mine, path_text)
    their_doc = ArticleDocument.from_bytes(theirs, path_text)
    if clash.name == BODY:
        base_doc = ArticleDocument.from_bytes(base, path_text)
        lines, _ = _diff3(_lines(base_doc.body), _lines(my_doc.body), _lines(their_doc.body), 1)
        return _encode(my_doc, _head(my_doc) + "".join(lines))
    if clash.path is None:
        raise CorpusEditorError(f"{clash.name} cannot be decided field by field")
    their_parent = _value_at(their_doc.data, clash.path[:-1])
    order = list(their_parent) if isinstance(their_parent, dict) else None
    target = _with_value(my_doc.data, clash.path, clash.theirs, order)
    result = my_doc.with_text(my_doc.text)
    sync(result, (), target, arrange=False)
    if not loose_equal(result.data, target):
        raise CorpusEditorError(f"{clash.name}: the disk's value does not read back as written")
    return result.to_bytes()


def lost_if_taking_theirs(base: bytes, mine: bytes, theirs: bytes, path: str | os.PathLike | None = None
                          ) -> list[str]:
    """What "take theirs for everything" throws away: my unsaved edits that the disk version lacks."""
    path_text = os.fspath(path) if path is not None else None
    try:
        base_doc, my_doc, their_doc = (ArticleDocument.from_bytes(data, path_text) for data in (base, mine, theirs))
    except ArticleError:
        return [] if mine in (base, theirs) else [WHOLE_FILE]
    lost = []
    for step_path in _diff_paths((), base_doc.data, my_doc.data):
        if not _same(_value_at(my_doc.data, step_path), _value_at(their_doc.data, step_path)):
            lost.append(_name(step_path))
    if my_doc.body != base_doc.body and my_doc.body != their_doc.body:
        lost.append(BODY)
    return lost


def _value_at(data: Any, path: Path) -> Any:
    value = data
    for step in path:
        if isinstance(value, list) and isinstance(step, int) and -len(value) <= step < len(value):
            value = value[step]
        elif isinstance(value, dict) and _key_in(value, step) in value:
            value = value[_key_in(value, step)]
        else:
            return MISSING
    return value


@dataclass(frozen=True)
class Clash:
    """An article whose unsaved edits clash with its file on disk: my text was based on `base`, the disk
    now holds `theirs` (read as `identity`). `fields` are the clashes; `choices` what the user decided
    so far (name -> MINE or THEIRS). `error` says why it cannot be decided field by field (then only
    keeping all of mine or taking all of theirs is offered)."""

    base: bytes
    theirs: bytes
    identity: FileIdentity | None
    fields: tuple[FieldClash, ...]
    from_disk: tuple[str, ...] = ()
    error: str | None = None
    choices: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, result: MergeResult, base: bytes, theirs: bytes, identity: FileIdentity | None,
           choices: Mapping[str, str] | None = None) -> Clash:
        names = {f.name for f in result.fields}
        kept = tuple((name, side) for name, side in (choices or {}).items() if name not in names)
        return cls(base, theirs, identity, tuple(result.fields), tuple(result.from_disk), result.error, kept)

    @property
    def decidable(self) -> bool:
        return self.error is None and all(f.decidable for f in self.fields)

    @property
    def chosen(self) -> dict[str, str]:
        return dict(self.choices)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def unresolved(self) -> list[FieldClash]:
        chosen = self.chosen
        return [f for f in self.fields if f.name not in chosen]

    def field(self, name: str) -> FieldClash:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Resolution:
    """After one choice: my new bytes; `clash` what is left to decide (None: all decided, and then
    `mine` is the merge, to be based on the disk version `theirs`)."""

    mine: bytes
    clash: Clash | None

    @property
    def merged(self) -> bool:
        return self.clash is None


def resolve_field(clash: Clash, mine: bytes, name: str, side: str, path: str | os.PathLike | None = None
                  ) -> Resolution:
    """Decide one clashing field: THEIRS writes the disk's side into my text now, MINE keeps mine. Once
    every clash is decided, the merge is made (my other edits and the disk's other changes both kept).
    Raises CorpusEditorError when the choice cannot be written (nothing is changed)."""
    if side not in (MINE, THEIRS):
        raise ValueError(side)
    item = clash.field(name)
    if not item.decidable:
        raise CorpusEditorError(f"{name} cannot be decided field by field: {clash.error or 'keep or take all'}")
    new_mine = take_theirs(clash.base, mine, clash.theirs, item, path) if side == THEIRS else mine
    chosen = {**clash.chosen, name: side}
    left = dataclasses.replace(clash, choices=tuple(chosen.items()))
    if left.unresolved():
        return Resolution(new_mine, left)
    result = merge_documents(clash.base, new_mine, clash.theirs, path, chosen)
    if result.ok:
        return Resolution(result.merged_bytes, None)
    # my later edits clash anew (or the merge cannot be written): those are the clashes now
    return Resolution(new_mine, Clash.of(result, clash.base, clash.theirs, clash.identity, chosen))
