"""New articles, copies and renames: ids, file names and front matter in the corpus's own style.

    style = learn_style(root, index.rows())          # how this corpus names ids and files, quotes dates
    plan = plan_new_article(root, "Title", style, schema, category="ai")
    create_new(plan.path, plan.data)                 # editor.core.files.save: never overwrites

Ids follow the corpus: `kb-YYYY-NNNNN` when most of its ids look like that (the next free number, with
this year), else a slug of the title (`dijkstra-s-algorithm`), made unique with `-2`, `-3`... Files go
to `CATEGORY/NAME.md`, NAME being the id, or the title's slug when the corpus names files by slug
while its ids are numbers (a title whose file already exists is refused, never suffixed). The front
matter comes from the corpus's template `.corpus-template.md` when it has one (placeholders `{title}`,
`{id}`, `{slug}`, `{category}`, `{language}`, `{today}`), else from the schema: the required and
recommended fields in form order, dates today in the corpus's usual quoting, empty lists of facts and
sources, and a body with `## TL;DR` and `## Core Explanation`.

A copy gets a new id and its fact and source ids follow (`af-OLD-3` becomes `af-NEW-3`); a rename may
change the id the same way. Every text here is checked by parsing it back before it is returned.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.core.document import edits, render
from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError, CorpusEditorError
from editor.core.document.fieldpath import format_path
from editor.core.files.read import read_regular
from editor.core.files.walk import CORPUS_TEMPLATE_NAME, is_candidate

KB_ID = re.compile(r"^kb-(\d{4})-(\d+)$")
ID_TEXT = re.compile(r"^[\w-]+$")
PLACEHOLDERS = ("title", "id", "slug", "category", "language", "today")
DEFAULT_BODY = "## TL;DR\n\n## Core Explanation\n"
SLUG_LIMIT = 60
_ID_LISTS = ("atomic_facts", "primary_sources", "secondary_sources")
_DATE_LINE = re.compile(r"^(?:last_verified|created_date|updated|date_created):[ \t]*(['\"]?)\d{4}-\d\d-\d\d", re.M)
_TITLE_LINE = re.compile(r"^title:[ \t]*(['\"]?)", re.M)


class NewArticleError(CorpusEditorError):
    """A new article, copy or rename that cannot be made (the message says why; nothing is written)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- the corpus's style -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorpusStyle:
    """What a corpus does, learned from its articles."""

    id_style: str = "slug"  # "slug" or "kb" (kb-YYYY-NNNNN)
    file_naming: str = "id"  # "id" or "slug": what an article's file is named after
    next_number: int = 1  # kb style: the next free NNNNN
    number_width: int = 5
    date_quote: str = '"'  # how dates are quoted: '"', "'" or "" (unquoted)
    title_quote: str = '"'  # how titles that need quotes are quoted
    language: str | None = None  # the most common language
    ids: frozenset[str] = field(default_factory=frozenset)
    categories: tuple[str, ...] = ()  # by frequency

    def id_taken(self, article_id: str) -> bool:
        return article_id.strip() in self.ids


def slugify(title: str) -> str:
    """`Dijkstra's Algorithm: Shortest Paths` -> `dijkstras-algorithm-shortest-paths` (letters of any
    script kept, accents dropped, at most about 60 characters, cut between words)."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2019\u02bc]", "", text)
    text = re.sub(r"[\W_]+", "-", text).strip("-")
    if len(text) > SLUG_LIMIT:
        cut = text.rfind("-", 0, SLUG_LIMIT + 1)
        text = text[: cut if cut > 20 else SLUG_LIMIT].strip("-")
    return text


def _stem(rel: str) -> str:
    return os.path.splitext(rel.rsplit("/", 1)[-1])[0]


def _entry(entry: Any) -> tuple[str, str | None, str | None, str | None, str | None, str | None]:
    """(path, id, slug, title, language, category) of an index row or a mapping."""
    get = entry.get if isinstance(entry, dict) else (lambda name: getattr(entry, name, None))
    return (str(get("path") or ""), get("id"), get("slug"), get("title"), get("language"), get("category"))


def learn_style(root: str | os.PathLike, entries: Iterable[Any], sample: int = 40) -> CorpusStyle:
    """The corpus's style from its index rows (path, id, slug, title, language, category), and the
    quoting of dates and titles from a few of its files."""
    ids: set[str] = set()
    kb = stems_are_ids = stems_are_slugs = 0
    numbers: list[int] = []
    widths: Counter = Counter()
    languages: Counter = Counter()
    categories: Counter = Counter()
    paths: list[str] = []
    for entry in entries:
        rel, article_id, slug, title, language, category = _entry(entry)
        if language:
            languages[language] += 1
        if category:
            categories[category] += 1
        if not isinstance(article_id, str) or not article_id.strip():
            continue
        article_id = article_id.strip()
        ids.add(article_id)
        paths.append(rel)
        match = KB_ID.match(article_id)
        if match:
            kb += 1
            numbers.append(int(match.group(2)))
            widths[len(match.group(2))] += 1
        stem = _stem(rel)
        if stem == article_id:
            stems_are_ids += 1
        elif stem == (slug or "") or (title and stem == slugify(title)):
            stems_are_slugs += 1
    articles = len(ids) or 1
    id_style = "kb" if kb * 2 > articles else "slug"
    naming = "slug" if id_style == "kb" and stems_are_slugs >= stems_are_ids else "id"
    date_quote, title_quote = _quoting(root, paths[:: max(1, len(paths) // sample)][:sample])
    return CorpusStyle(
        id_style=id_style, file_naming=naming, next_number=max(numbers, default=0) + 1,
        number_width=widths.most_common(1)[0][0] if widths else 5, date_quote=date_quote, title_quote=title_quote,
        language=languages.most_common(1)[0][0] if languages else None, ids=frozenset(ids),
        categories=tuple(name for name, _ in categories.most_common()),
    )


def _quoting(root: str | os.PathLike, rels: list[str]) -> tuple[str, str]:
    dates: Counter = Counter()
    titles: Counter = Counter()
    for rel in rels:
        try:
            data, _ = read_regular(os.path.join(root, rel))
            head = data[:16384].decode("utf-8", errors="replace")
        except OSError:
            continue
        for match in _DATE_LINE.finditer(head):
            dates[match.group(1)] += 1
        for match in _TITLE_LINE.finditer(head):
            if match.group(1):
                titles[match.group(1)] += 1
    return (dates.most_common(1)[0][0] if dates else '"'), (titles.most_common(1)[0][0] if titles else '"')


# -- ids and places -------------------------------------------------------------------------------------------
def check_id(article_id: str) -> str:
    text = article_id.strip()
    if not text or not ID_TEXT.match(text):
        raise NewArticleError(f"{article_id!r} is not an id: use letters, digits, '-' and '_' only, no spaces")
    return text


def next_id(style: CorpusStyle, title: str, today: dt.date, taken: Iterable[str] = ()) -> str:
    """A free id for a new article titled `title`, in the corpus's style."""
    used = set(style.ids) | set(taken)
    if style.id_style == "kb":
        number = style.next_number
        while True:
            candidate = f"kb-{today.year}-{number:0{style.number_width}d}"
            if candidate not in used:
                return candidate
            number += 1
    base = slugify(title)
    if not base:
        raise NewArticleError(f"no id can be made from the title {title!r}: give one")
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def file_name(style: CorpusStyle, article_id: str, title: str) -> str:
    stem = slugify(title) if style.file_naming == "slug" else article_id
    if not stem:
        stem = article_id
    return stem + ".md"


def _category_folder(category: str) -> str:
    folder = category.strip().strip("/")
    if folder in (".", "..") or folder.startswith(".") or "\\" in folder or any(
            part in ("", ".", "..") for part in folder.split("/")):
        raise NewArticleError(f"{category!r} cannot be a category folder")
    return folder


@dataclass(frozen=True)
class Placeholders:
    """The values a template's `{name}` placeholders stand for."""

    title: str
    id: str
    slug: str
    category: str
    language: str
    today: dt.date

    def value(self, name: str) -> Any:
        return self.today if name == "today" else getattr(self, name)

    def text(self, name: str) -> str:
        return self.today.isoformat() if name == "today" else str(getattr(self, name))


@dataclass(frozen=True)
class NewArticle:
    """A planned file: where it goes (absolute and corpus-relative), its id and its exact bytes."""

    path: Path
    rel: str
    id: str
    data: bytes = b""
    note: str = ""  # something the user may want to know (the id was made unique...)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8").lstrip("\ufeff")


def plan_new_article(root: str | os.PathLike, title: str, style: CorpusStyle, schema, *, category: str | None = None,
                     article_id: str | None = None, language: str | None = None, today: dt.date | None = None,
                     ) -> NewArticle:
    """The new article's place, id and text. Raises NewArticleError (nothing is written) for an empty
    title, a bad or taken id, an impossible category, a title whose file already exists, a broken template."""
    root = Path(root)
    today = today or dt.date.today()
    placed = plan_place(root, title, style, category or "", article_id, today)
    folder = placed.rel.rsplit("/", 1)[0] if "/" in placed.rel else ""
    title = " ".join(title.split())
    values = Placeholders(title, placed.id, slugify(title) or placed.id, folder.split("/")[0],
                          language or style.language or "en", today)
    return NewArticle(placed.path, placed.rel, placed.id, article_text(root, values, style, schema).encode("utf-8"),
                      placed.note)


def plan_place(root: Path, title: str, style: CorpusStyle, category: str, article_id: str | None,
               today: dt.date) -> NewArticle:
    """Where a new article titled `title` goes and its id (no text yet). The title's own file name is
    refused when it exists; an id taken elsewhere in the corpus is made unique instead."""
    title = " ".join(title.split())
    if not title:
        raise NewArticleError("give the article a title")
    folder = _category_folder(category) if category and category.strip() else ""
    note = ""
    if article_id is not None and article_id.strip():
        new_id = check_id(article_id)
        if style.id_taken(new_id):
            raise NewArticleError(f"the id {new_id!r} is already used in the corpus: choose another")
        name = file_name(style, new_id, title)
    else:
        new_id = next_id(style, title, today)
        base = slugify(title)
        name = file_name(style, new_id, title)
        if style.id_style == "slug" and base and new_id != base:
            if (root / folder / (base + ".md")).exists():
                name = base + ".md"  # the title's own file exists: refused below
            else:
                note = f"the id {base!r} is taken: the new article is {new_id!r}"
    rel = f"{folder}/{name}" if folder else name
    if os.path.lexists(root / rel):
        raise NewArticleError(f"{rel} already exists: choose another title" + (" or category" if folder else "") +
                              " (nothing was written)")
    return NewArticle(root / rel, rel, new_id, b"", note)


# -- front matter --------------------------------------------------------------------------------------------
def article_text(root: str | os.PathLike, values: Placeholders, style: CorpusStyle, schema) -> str:
    """A whole new article: from the corpus's template when it has one, else from the schema."""
    template = Path(root) / CORPUS_TEMPLATE_NAME
    if template.is_file():
        return from_template(template, values)
    return from_schema(values, style, schema)


def _scalar(value: Any, quote: str) -> str:
    """A scalar written the corpus's way: plain when that reads back, else in its quotes."""
    if isinstance(value, str) and render.plain_ok(value):
        return value
    return render.inline_scalar(value if not isinstance(value, dt.date) else value.isoformat(), quote)[0] \
        if isinstance(value, str | dt.date) else render.canonical(value)


def from_schema(values: Placeholders, style: CorpusStyle, schema) -> str:
    """The required fields in form order (empty when there is no value to give them yet, such as the
    confidence), the schema's dates set to today in the corpus's quoting, empty lists of facts and
    sources, `status: draft` where the schema knows drafts, and a body with the two sections every
    article of the format has."""
    top = schema.json_schema
    required = set(top.get("required") or ())
    recommended = set(top.get("x-recommended") or ())
    known = {"id": values.id, "title": values.title, "category": values.category, "language": values.language}
    lines = ["---"]
    intended: dict[str, Any] = {}
    for spec in schema.form_fields():
        name = spec.name
        if name in known:
            value: Any = known[name] or None  # no category given: left empty for the author, as a null
        elif spec.widget == "date":
            value = values.today
        elif spec.widget == "object-list":
            value = []
        elif name == "status" and "draft" in spec.enum:
            value = "draft"
        elif name in required:  # to be filled in: the rules ask for it until it is
            value = [] if spec.widget == "string-list" else None
        elif name in recommended and spec.widget == "string-list":
            value = []
        else:  # a recommended field without an obvious value stays out: its warning asks for it
            continue
        if isinstance(value, list):
            lines.append(f"{name}: []")
        elif value is None:
            lines.append(f"{name}:")
        elif isinstance(value, dt.date):
            quote = style.date_quote
            lines.append(f"{name}: {quote}{value.isoformat()}{quote}")
        else:
            lines.append(f"{name}: {_scalar(value, style.title_quote if name == 'title' else '')}")
        intended[name] = value.isoformat() if isinstance(value, dt.date) and style.date_quote else value
    text = "\n".join([*lines, "---", DEFAULT_BODY])
    try:
        doc = ArticleDocument.from_text(text)
    except ArticleError as exc:  # pragma: no cover - every value above is written to read back
        raise NewArticleError(f"the new front matter does not parse ({exc.message})") from None
    for name, value in intended.items():
        if not edits.loose_equal(doc.data.get(name), value):  # pragma: no cover - a guard, as for every edit
            raise NewArticleError(f"{name} would read back as {doc.data.get(name)!r}, not {value!r}")
    return text


_MARK = "CORPUSEDITORPLACEHOLDER{}X"


def _marked(text: str) -> str:
    for name in PLACEHOLDERS:
        text = text.replace("{" + name + "}", _MARK.format(name.upper()))
    return text


def _unmark(text: str, values: Placeholders) -> str:
    for name in PLACEHOLDERS:
        text = text.replace(_MARK.format(name.upper()), values.text(name))
    return text


def from_template(template: Path, values: Placeholders) -> str:
    """The template with its placeholders filled in. In the front matter a placeholder is written as a
    value of its own, in the quoting the template gives it (so a title with `:` stays valid YAML); in
    the body it is plain text. A template without `id` or `title` fields gets them first."""
    try:
        raw = template.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NewArticleError(f"{template}: cannot read the template ({getattr(exc, 'strerror', None) or exc})") \
            from None
    try:
        doc = ArticleDocument.from_text(_marked(raw), str(template))
    except ArticleError as exc:
        where = f"{template}:{exc.line}" if exc.line else str(template)
        raise NewArticleError(f"{where}: the template is not an article ({exc.message})") from None
    try:
        for path, text in list(_strings(doc.data)):
            if not any(_MARK.format(n.upper()) in text for n in PLACEHOLDERS):
                continue
            node = doc.node_at(path)
            whole = next((n for n in PLACEHOLDERS if text == _MARK.format(n.upper())), None)
            value: Any = values.value(whole) if whole else _unmark(text, values)
            if whole == "today" and node.style in ("'", '"'):
                value = values.today.isoformat()
            doc.apply(edits.SetValue(path, value))
        for key in ("title", "id"):
            if key not in doc.data:
                first = next(iter(doc.data), None)
                doc.apply(edits.AddKey((), key, values.value(key), first))
    except CorpusEditorError as exc:
        raise NewArticleError(f"{template}: cannot fill in the template ({getattr(exc, 'message', exc)})") from None
    front = doc.text[: doc.source.body_start]
    if any(_MARK.format(n.upper()) in front for n in PLACEHOLDERS):
        raise NewArticleError(f"{template}: a placeholder stands where no value can take it (in a key?)")
    return front + _unmark(doc.text[doc.source.body_start :], values)


def _strings(value: Any, path: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def front_matter_for(root: str | os.PathLike, rel: str, text: str, style: CorpusStyle, schema,
                     today: dt.date | None = None) -> str:
    """The text of a file without front matter (`rel` in the corpus, its text `text`, maybe empty) with
    the corpus's front matter put first: the template's (or the schema's), its title from the file's
    first heading or its name, its id from the file name (or the next number), its category from its
    folder. The file's own text becomes the body; an empty file also gets the template's body."""
    today = today or dt.date.today()
    heading = re.search(r"(?m)^#{1,2}[ \t]+(.+?)[ \t#]*$", text)
    stem = _stem(rel)
    title = heading.group(1).strip() if heading else stem.replace("-", " ").replace("_", " ").strip().capitalize()
    if style.id_style == "kb":
        new_id = next_id(style, title, today)
    else:
        base = slugify(stem) or slugify(title) or "article"
        new_id = next_id(CorpusStyle(ids=style.ids), base, today)
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    values = Placeholders(title or new_id, new_id, slugify(title) or new_id, folder.split("/")[0],
                          style.language or "en", today)
    whole = article_text(root, values, style, schema)
    doc = ArticleDocument.from_text(whole)
    front = whole[: doc.source.body_start]
    if not text.strip():
        return whole
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        front = front.replace("\n", "\r\n")
    return front + text.lstrip("\ufeff")


# -- copies and renames ------------------------------------------------------------------------------------------
def _renamed(value: str, old_id: str, new_id: str) -> str | None:
    """`value` with `old_id` replaced where it stands as a whole part between `-`, `_` or the ends."""
    pattern = re.compile(rf"(?<![^\-_]){re.escape(old_id)}(?![^\-_])")
    new = pattern.sub(new_id, value) if old_id else value
    return new if new != value else None


def id_renames(data: dict, old_id: str, new_id: str) -> list[tuple[tuple, str]]:
    """The ids of facts and sources that embed the article's id (`af-OLD-3`, `ps-OLD-1`), with the new id
    in its place, and the facts' `source_ref`s that name a renamed source: (field path, new value)."""
    changes: list[tuple[tuple, str]] = []
    renamed_sources: dict[str, str] = {}
    for list_name in _ID_LISTS:
        items = data.get(list_name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                new = _renamed(item["id"], old_id, new_id)
                if new is not None:
                    changes.append(((list_name, index, "id"), new))
                    if list_name != "atomic_facts":
                        renamed_sources[item["id"]] = new
    facts = data.get("atomic_facts")
    for index, fact in enumerate(facts if isinstance(facts, list) else []):
        if isinstance(fact, dict) and isinstance(fact.get("source_ref"), str) and fact["source_ref"] in renamed_sources:
            changes.append((("atomic_facts", index, "source_ref"), renamed_sources[fact["source_ref"]]))
    return changes


def with_new_id(doc: ArticleDocument, new_id: str, *, title: str | None = None, today: dt.date | None = None,
                category: str | None = None) -> ArticleDocument:
    """A copy of `doc` with another id (and the fact and source ids that embed the old one), and, when
    given, another title (the slug follows it if the file has one), creation date and category. Each
    change is one of the core's checked edits: everything else stays byte for byte."""
    copy = ArticleDocument.from_bytes(doc.to_bytes(), doc.path)
    old_id = doc.data.get("id")
    ops: list[edits.Operation] = [edits.set_path_value(("id",), new_id)]
    if isinstance(old_id, str) and old_id.strip() and old_id.strip() != new_id:
        ops += [edits.SetValue(path, value) for path, value in id_renames(doc.data, old_id.strip(), new_id)]
    if title is not None and title != doc.data.get("title"):
        ops.append(edits.set_path_value(("title",), title))
        if isinstance(doc.data.get("slug"), str) and slugify(title):
            ops.append(edits.SetValue(("slug",), slugify(title)))
    if today is not None and "created_date" in doc.data:
        current = doc.data["created_date"]
        ops.append(edits.SetValue(("created_date",), today if isinstance(current, dt.date) else today.isoformat()))
    if category is not None and "category" in doc.data and doc.data.get("category") != category:
        ops.append(edits.SetValue(("category",), category))
    for op in ops:
        try:
            copy.apply(op)
        except CorpusEditorError as exc:
            where = format_path(getattr(op, "path", ())) if not isinstance(getattr(op, "path", ()), str) else op.path
            raise NewArticleError(f"cannot change {where}: {getattr(exc, 'message', exc)}") from None
    return copy


def plan_duplicate(root: str | os.PathLike, doc: ArticleDocument, title: str, style: CorpusStyle, *,
                   category: str | None = None, article_id: str | None = None,
                   today: dt.date | None = None) -> NewArticle:
    """A copy of an article as a new one: a new id (facts renumbered to it), the title given, created
    today, in the category given (default: the original's folder)."""
    today = today or dt.date.today()
    root = Path(root)
    source_rel = os.path.relpath(doc.path, root).replace(os.sep, "/") if doc.path else ""
    folder = category if category is not None else (source_rel.rsplit("/", 1)[0] if "/" in source_rel else "")
    placed = plan_place(root, title, style, folder, article_id, today)
    copy = with_new_id(doc, placed.id, title=" ".join(title.split()), today=today,
                       category=folder.split("/")[0] if category is not None and folder else None)
    return NewArticle(placed.path, placed.rel, placed.id, copy.to_bytes(), placed.note)


@dataclass(frozen=True)
class RenamePlan:
    """Moving an article: from, to (absolute), and its new bytes when its content changes too."""

    old: Path
    new: Path
    data: bytes | None


def plan_rename(root: str | os.PathLike, doc_bytes: bytes, old: str | os.PathLike, new_rel: str,
                new_id: str | None = None, style: CorpusStyle | None = None,
                follow_category: bool = True) -> RenamePlan:
    """Move an article to `new_rel` (folder and file name, relative to the corpus), optionally with
    another id (the fact and source ids that embed the old one follow). Moving it to another top
    folder changes its category too when the category was the old folder's name (`follow_category`)."""
    root = Path(root)
    old = Path(old)
    rel = new_rel.strip().strip("/").replace("\\", "/")
    if not rel or any(part in ("", ".", "..") or part.startswith(".") for part in rel.split("/")):
        raise NewArticleError(f"{new_rel!r} is not a place in the corpus")
    if not is_candidate(rel.rsplit("/", 1)[-1]):
        raise NewArticleError(f"{rel}: an article's file name ends in .md (or .markdown, .txt)")
    new = root / rel
    if os.path.lexists(new) and os.path.realpath(new) != os.path.realpath(old):
        raise NewArticleError(f"{rel} already exists: choose another name (nothing was moved)")
    try:
        doc = ArticleDocument.from_bytes(doc_bytes, str(old))
    except ArticleError:
        doc = None
    if doc is None:
        if new_id:
            raise NewArticleError("the article cannot be read: its id cannot be changed (fix it first)")
        return RenamePlan(old, new, None)
    changed_id = None
    if new_id is not None and new_id.strip() and new_id.strip() != str(doc.data.get("id", "")).strip():
        changed_id = check_id(new_id)
        if style is not None and style.id_taken(changed_id):
            raise NewArticleError(f"the id {changed_id!r} is already used in the corpus: choose another")
    old_rel = os.path.relpath(old, root).replace(os.sep, "/")
    old_top, new_top = old_rel.split("/")[0] if "/" in old_rel else "", rel.split("/")[0] if "/" in rel else ""
    category = None
    if follow_category and new_top and new_top != old_top and doc.data.get("category") == old_top:
        category = new_top
    if changed_id is None and category is None:
        return RenamePlan(old, new, None)
    if changed_id is None:
        copy = ArticleDocument.from_bytes(doc_bytes, str(old))
        copy.apply(edits.SetValue(("category",), category))
    else:
        copy = with_new_id(doc, changed_id, category=category)
    return RenamePlan(old, new, copy.to_bytes())
