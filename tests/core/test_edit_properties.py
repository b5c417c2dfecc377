"""Property: any sequence of edits, then their undos, gives back the original bytes; and every edit
either reads back exactly as asked or is refused with the document untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.core.document.article import ArticleDocument
from editor.core.document.diffops import SyncValue
from editor.core.document.edits import AddKey, InsertItem, MoveItem, RemoveItem, RemoveKey, SetValue, loose_equal
from editor.core.document.errors import EditError

from .test_edits import FOLDED, KEYS, LISTS, SCALARS

SAMPLE = (Path(__file__).resolve().parents[1] / "fixtures" / "sample-article.md").read_bytes()
CRLF = LISTS.replace("\n", "\r\n").encode()
BOM = b"\xef\xbb\xbf" + KEYS.encode()
SOURCES = [SAMPLE, CRLF, BOM, *(t.encode() for t in (SCALARS, FOLDED, LISTS, KEYS))]

texts = st.text(
    alphabet=st.sampled_from([*"ab cZ:#-'\"[]{},&*!|>%@`\\\n\t", "é", "中", "😀", "\u00a0", "\r"]),
    max_size=40,
)
scalars = st.one_of(
    texts,
    st.integers(-10_000, 10_000),
    st.booleans(),
    st.none(),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
values = st.one_of(scalars, st.lists(texts, max_size=3), st.dictionaries(
    st.sampled_from(["id", "title", "statement", "url"]), scalars, max_size=3))


def walk(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                yield from walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, (*path, i))


def pick_operation(data, doc):
    nodes = list(walk(doc.data))
    lists = [p for p, v in nodes if isinstance(v, list)]
    maps = [p for p, v in nodes if isinstance(v, dict)]
    leaves = [p for p, v in nodes if p and not isinstance(v, dict | list)]
    kinds = ["set"] + (["insert", "remove", "move"] if lists else []) + ["add", "remove-key"]
    kind = data.draw(st.sampled_from(kinds))
    if kind == "set" and leaves:
        return SetValue(data.draw(st.sampled_from(leaves)), data.draw(scalars))
    if kind in ("insert", "remove", "move"):
        path = data.draw(st.sampled_from(lists))
        n = len(doc.get(path))
        if kind == "insert":
            return InsertItem(path, data.draw(st.integers(0, n)), data.draw(values))
        if n == 0:
            return InsertItem(path, None, data.draw(scalars))
        if kind == "remove":
            return RemoveItem(path, data.draw(st.integers(0, n - 1)))
        return MoveItem(path, data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1)))
    path = data.draw(st.sampled_from(maps))
    keys = [k for k in doc.get(path) if isinstance(k, str)] if path else [k for k in doc.data if isinstance(k, str)]
    if kind == "remove-key" and keys:
        return RemoveKey(path, data.draw(st.sampled_from(keys)))
    key = data.draw(st.sampled_from(["new_key", "x-extra", "notes", "z"]))
    if key in keys:
        return SetValue((*path, key), data.draw(values))
    return AddKey(path, key, data.draw(values), before=data.draw(st.sampled_from([None, *keys])))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.data())
def test_edits_then_undos_restore_the_original_bytes(source, data):
    doc = ArticleDocument.from_bytes(source, "p.md")
    applied = []
    for _ in range(data.draw(st.integers(1, 8))):
        op = pick_operation(data, doc)
        before = doc.to_bytes()
        try:
            result = doc.apply(op)
        except EditError:
            assert doc.to_bytes() == before  # refused: untouched
            continue
        if result is None:
            assert doc.to_bytes() == before
            continue
        if isinstance(op, SetValue):
            assert loose_equal(doc.get(op.path), op.value)
        applied.append(result)
        # the text outside the splice is unchanged
        edit = result.edit
        after = doc.text
        assert after[: edit.offset] == before.decode("utf-8-sig")[: edit.offset]
    for result in reversed(applied):
        doc.undo(result)
    assert doc.to_bytes() == source


# -- new items written like their siblings, and whole values synced -----------------------------------------

REAL = (Path(__file__).resolve().parents[1] / "fixtures" / "validation" / "real-ai-for-democratization.md").read_bytes()
ONE_LINE = REAL.replace(b"GPT-4\n      performance", b"GPT-4 performance").replace(
    b"available only\n      through", b"available only through")
STYLED = [REAL, ONE_LINE, REAL.replace(b"\n", b"\r\n"), SAMPLE]
FACT_KEYS = ("id", "statement", "source_title", "source_url", "confidence", "note")
facts = st.dictionaries(st.sampled_from(FACT_KEYS), scalars, min_size=1, max_size=6)


def unordered(value):
    if isinstance(value, dict):
        return {k: unordered(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [unordered(v) for v in value]
    return value


def mutated(data, value):
    """A value near `value`: a scalar replaced, an item or key added or dropped."""
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(list(value)))
        out = dict(value)
        choice = data.draw(st.sampled_from(["inner", "drop", "add"]))
        if choice == "drop":
            del out[key]
        elif choice == "add":
            out[data.draw(st.sampled_from(["x-new", "note", "notes"]))] = data.draw(scalars)
        else:
            out[key] = mutated(data, value[key])
        return out
    if isinstance(value, list) and value:
        out = list(value)
        i = data.draw(st.integers(0, len(out) - 1))
        choice = data.draw(st.sampled_from(["inner", "drop", "add"]))
        if choice == "drop":
            del out[i]
        elif choice == "add":
            out.insert(i, data.draw(values))
        else:
            out[i] = mutated(data, value[i])
        return out
    return data.draw(scalars)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STYLED), st.data())
def test_styled_inserts_and_synced_values_read_back_and_undo_exactly(source, data):
    doc = ArticleDocument.from_bytes(source, "p.md")
    applied = []
    for _ in range(data.draw(st.integers(1, 5))):
        kind = data.draw(st.sampled_from(["fact", "source", "sync", "key"]))
        lists = [k for k, v in doc.data.items() if isinstance(v, list) and v]
        if kind == "fact":
            n = len(doc.get("atomic_facts"))
            value = data.draw(facts)
            op = InsertItem("atomic_facts", data.draw(st.integers(0, n)), value,
                            key_order=data.draw(st.sampled_from([None, FACT_KEYS])))
        elif kind == "source":
            value = {"title": data.draw(texts), "authors": data.draw(st.lists(texts, max_size=2)),
                     "year": data.draw(st.integers(1990, 2030))}
            op = InsertItem("secondary_sources", None, value)
        elif kind == "key":
            n = len(doc.get("primary_sources") or [])
            if n == 0:  # an earlier sync may have emptied the list
                continue
            op = AddKey(("primary_sources", data.draw(st.integers(0, n - 1))),
                        data.draw(st.sampled_from(["notes", "x-extra"])), data.draw(values))
            item = doc.get(op.path)  # a sync may have left scalars in the list: then AddKey must refuse
            if isinstance(item, dict) and op.key in item:
                continue
        else:
            if not lists:
                continue
            name = data.draw(st.sampled_from(lists))
            op = SyncValue(name, mutated(data, doc.get(name)))
        before = doc.to_bytes()
        try:
            result = doc.apply(op)
        except EditError:
            assert doc.to_bytes() == before
            continue
        if result is None:
            assert doc.to_bytes() == before
            continue
        if isinstance(op, InsertItem):
            index = len(doc.get(op.path)) - 1 if op.index is None else op.index
            assert loose_equal(unordered(doc.get(op.path)[index]), unordered(op.value))
        elif isinstance(op, SyncValue):
            assert loose_equal(doc.get(op.path), op.value)
        else:
            assert loose_equal(doc.get((*op.path, op.key)), op.value)
        assert doc.to_bytes().count(b"\r\n") in (0, doc.to_bytes().count(b"\n"))  # one line ending
        applied.append(result)
    for result in reversed(applied):
        doc.undo(result)
    assert doc.to_bytes() == source
