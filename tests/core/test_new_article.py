"""New articles in the corpus's style: ids (slug or kb-YYYY-NNNNN), file names, the template or the
schema's front matter; copies and renames whose fact ids follow the article id; `corpus-editor new` as
a real process."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.files.walk import CORPUS_TEMPLATE_NAME
from editor.core.index.store import CorpusIndex
from editor.core.new_article import (
    CorpusStyle,
    NewArticleError,
    front_matter_for,
    learn_style,
    plan_duplicate,
    plan_new_article,
    plan_rename,
    slugify,
)
from editor.core.validation.rules import check_document
from editor.core.validation.schema import load_schema
from editor.paths import resource

TODAY = dt.date(2026, 12, 1)
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "validation" / "real-ai-for-democratization.md"


def kb_article(root: Path, rel: str, number: int, title: str, quote: str = "'") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nid: kb-2025-{number:05d}\ntitle: {title}\ncategory: {rel.split('/')[0]}\nlanguage: de\n"
                    f"confidence: high\nlast_verified: {quote}2025-03-01{quote}\n---\n## TL;DR\nx\n", encoding="utf-8")
    return path


@pytest.fixture
def sample(tmp_path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(resource("sample-corpus"), root)
    return root


@pytest.fixture
def kb_corpus(tmp_path) -> Path:
    root = tmp_path / "kb"
    kb_article(root, "ai/attention.md", 7, "Attention")
    kb_article(root, "ai/gradient-descent.md", 1203, "Gradient Descent")
    kb_article(root, "physics/lasers.md", 41, "Lasers")
    return root


def style_of(root: Path, tmp_path: Path) -> CorpusStyle:
    with CorpusIndex(root, cache_dir=tmp_path / "cache") as index:
        index.refresh()
        return learn_style(root, index.rows())


def test_slugs_read_like_the_corpus_names_its_files():
    assert slugify("Dijkstra's Algorithm: Single-Source Shortest Paths") == (
        "dijkstras-algorithm-single-source-shortest-paths")
    assert slugify("Über Café Æther") == "uber-cafe-æther"
    assert slugify("活字印刷术") == "活字印刷术"
    assert len(slugify("word " * 40)) <= 60 and not slugify("word " * 40).endswith("-")
    assert slugify("  ?!  ") == ""


def test_slug_corpus_gets_a_slug_id_and_the_schema_front_matter(sample, tmp_path):
    style = style_of(sample, tmp_path)
    assert (style.id_style, style.file_naming, style.date_quote, style.language) == ("slug", "id", '"', "en")
    plan = plan_new_article(sample, "Gradient Descent: Why It Works", style, load_schema(sample), category="ai",
                            today=TODAY)
    assert plan.rel == "ai/gradient-descent-why-it-works.md" and plan.id == "gradient-descent-why-it-works"
    doc = ArticleDocument.from_bytes(plan.data)
    assert list(doc.data) == ["id", "title", "status", "category", "language", "confidence", "last_verified",
                              "created_date", "updated", "atomic_facts", "primary_sources", "secondary_sources"]
    assert doc.data["title"] == "Gradient Descent: Why It Works" and doc.data["confidence"] is None
    assert 'last_verified: "2026-12-01"' in plan.text  # dates quoted as the corpus quotes them
    assert doc.body == "## TL;DR\n\n## Core Explanation\n"
    codes = {p.code for p in check_document(doc, load_schema(sample), today=TODAY)}
    assert "schema" in codes  # the confidence is to be chosen: the rules say so until it is


def test_without_a_category_the_field_is_left_empty_for_the_author(sample, tmp_path):
    plan = plan_new_article(sample, "Loose Notes", style_of(sample, tmp_path), load_schema(sample), today=TODAY)
    assert plan.rel == "loose-notes.md"
    assert "\ncategory:\n" in plan.text  # empty like the confidence, not an empty quoted string
    assert ArticleDocument.from_bytes(plan.data).data["category"] is None


def test_a_taken_slug_id_is_made_unique_but_an_existing_file_is_refused(sample, tmp_path):
    style = style_of(sample, tmp_path)
    schema = load_schema(sample)
    with pytest.raises(NewArticleError, match=r"ai/transformer-architecture\.md already exists"):
        plan_new_article(sample, "Transformer Architecture", style, schema, category="ai", today=TODAY)
    plan = plan_new_article(sample, "Transformer Architecture", style, schema, category="physics", today=TODAY)
    assert (plan.rel, plan.id) == ("physics/transformer-architecture-2.md", "transformer-architecture-2")
    assert "taken" in plan.note
    with pytest.raises(NewArticleError, match="already used"):
        plan_new_article(sample, "Anything", style, schema, category="ai", article_id="printing-press")
    with pytest.raises(NewArticleError, match="not an id"):
        plan_new_article(sample, "Anything", style, schema, article_id="has space")
    with pytest.raises(NewArticleError, match="title"):
        plan_new_article(sample, "   ", style, schema)


def test_kb_corpus_takes_the_next_number_and_names_the_file_by_slug(kb_corpus, tmp_path):
    style = style_of(kb_corpus, tmp_path)
    assert (style.id_style, style.file_naming, style.next_number, style.date_quote, style.language) == (
        "kb", "slug", 1204, "'", "de")
    plan = plan_new_article(kb_corpus, "Lasers in Medicine", style, load_schema(kb_corpus), category="physics",
                            today=TODAY)
    assert (plan.rel, plan.id) == ("physics/lasers-in-medicine.md", "kb-2026-01204")
    assert "last_verified: '2026-12-01'" in plan.text and "language: de" in plan.text
    with pytest.raises(NewArticleError, match=r"physics/lasers\.md already exists"):
        plan_new_article(kb_corpus, "Lasers", style, load_schema(kb_corpus), category="physics", today=TODAY)


def test_the_template_fills_its_placeholders_in_yaml_and_in_the_body(sample, tmp_path):
    (sample / CORPUS_TEMPLATE_NAME).write_text(
        "---\n"
        "# written by the editor's New article\n"
        "id: {id}\n"
        "title: {title}\n"
        "category: '{category}'\n"
        "language: {language}\n"
        "confidence: medium\n"
        "last_verified: \"{today}\"\n"
        "created_date: {today}\n"
        "review_note: About {title}, started {today}\n"
        "atomic_facts: []\n"
        "---\n"
        "## TL;DR\n"
        "{title} in one paragraph. Keep {braces} as they are.\n", encoding="utf-8")
    style = style_of(sample, tmp_path)
    plan = plan_new_article(sample, "Entropy: A Measure of Disorder", style, load_schema(sample),
                            category="physics", today=TODAY)
    doc = ArticleDocument.from_bytes(plan.data)
    assert doc.data["title"] == "Entropy: A Measure of Disorder"  # quoted where YAML needs it
    assert doc.data["id"] == "entropy-a-measure-of-disorder" and doc.data["category"] == "physics"
    assert doc.data["last_verified"] == "2026-12-01" and doc.data["created_date"] == TODAY
    assert doc.data["review_note"] == "About Entropy: A Measure of Disorder, started 2026-12-01"
    assert plan.text.startswith("---\n# written by the editor's New article\nid: entropy-a-measure-of-disorder\n")
    assert "category: 'physics'\n" in plan.text
    assert doc.body == "## TL;DR\nEntropy: A Measure of Disorder in one paragraph. Keep {braces} as they are.\n"


def test_a_broken_template_is_refused_with_its_line(sample, tmp_path):
    (sample / CORPUS_TEMPLATE_NAME).write_text("---\nid: {id}\ntitle: [unclosed\n---\n")
    with pytest.raises(NewArticleError, match=rf"{CORPUS_TEMPLATE_NAME}:\d+: the template is not an article"):
        plan_new_article(sample, "X", style_of(sample, tmp_path), load_schema(sample), today=TODAY)


def test_a_copy_gets_a_new_id_and_its_facts_and_sources_follow(tmp_path):
    root = tmp_path / "c"
    (root / "ai").mkdir(parents=True)
    source = root / "ai" / "ai-for-democratization.md"
    text = REAL.read_text(encoding="utf-8").replace(
        "    source_url: https://huggingface.co/\n", "    source_ref: ps-ai-for-democratization-2\n")
    source.write_text(text, encoding="utf-8")
    style = style_of(root, tmp_path)
    doc = ArticleDocument.from_bytes(source.read_bytes(), str(source))
    plan = plan_duplicate(root, doc, "AI Democratization in Schools", style, today=TODAY)
    assert (plan.rel, plan.id) == ("ai/ai-democratization-in-schools.md", "ai-democratization-in-schools")
    copy = ArticleDocument.from_bytes(plan.data)
    assert [f["id"] for f in copy.data["atomic_facts"]] == ["af-ai-democratization-in-schools-1",
                                                             "af-ai-democratization-in-schools-2"]
    assert [s["id"] for s in copy.data["primary_sources"]] == ["ps-ai-democratization-in-schools-1",
                                                               "ps-ai-democratization-in-schools-2"]
    assert copy.data["atomic_facts"][1]["source_ref"] == "ps-ai-democratization-in-schools-2"
    assert copy.data["created_date"] == "2026-12-01" and copy.data["title"] == "AI Democratization in Schools"
    # nothing else changed: the statements' folding, the comments, the order
    changed = [line for line in plan.text.splitlines() if line not in text.splitlines()]
    assert len(changed) == 8  # id, title, created_date, two fact ids, a source_ref, two source ids


def test_a_rename_moves_and_may_change_the_id_and_category(tmp_path):
    root = tmp_path / "c"
    (root / "ai").mkdir(parents=True)
    source = root / "ai" / "ai-for-democratization.md"
    shutil.copyfile(REAL, source)
    data = source.read_bytes()
    plan = plan_rename(root, data, source, "policy/ai-access.md", new_id="ai-access")
    assert plan.new == root / "policy" / "ai-access.md"
    moved = ArticleDocument.from_bytes(plan.data)
    assert moved.data["id"] == "ai-access" and moved.data["category"] == "policy"
    assert moved.data["atomic_facts"][0]["id"] == "af-ai-access-1"
    assert plan_rename(root, data, source, "ai/other-name.md").data is None  # only the name changes
    with pytest.raises(NewArticleError, match="not a place"):
        plan_rename(root, data, source, "../outside.md")
    (root / "ai" / "taken.md").write_text("x")
    with pytest.raises(NewArticleError, match="already exists"):
        plan_rename(root, data, source, "ai/taken.md")


def test_front_matter_for_a_file_without_it_keeps_its_text_as_the_body(sample, tmp_path):
    style = style_of(sample, tmp_path)
    text = "# Notes on Lasers\r\nSome text.\r\n"
    new = front_matter_for(sample, "physics/laser-notes.md", text, style, load_schema(sample), TODAY)
    doc = ArticleDocument.from_text(new)
    assert doc.data["title"] == "Notes on Lasers" and doc.data["id"] == "laser-notes"
    assert doc.data["category"] == "physics" and doc.body == text
    assert "\r\n" in doc.text[: doc.source.body_start]  # the file's own line endings
    empty = ArticleDocument.from_text(front_matter_for(sample, "ai/x.md", "", style, load_schema(sample), TODAY))
    assert empty.body == "## TL;DR\n\n## Core Explanation\n"


# -- the command, as a real process ------------------------------------------------------------------------
def run_new(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "editor", "new", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def cli_env(tmp_path) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg-cache"))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


def test_command_prints_the_new_path_and_makes_unique_ids(sample, tmp_path, cli_env):
    first = run_new("--title", "Gradient Descent", "--category", "ai", "sample", cwd=tmp_path, env=cli_env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == os.path.join("sample", "ai", "gradient-descent.md")
    assert (tmp_path / first.stdout.strip()).is_file()
    second = run_new("--title", "Gradient Descent", "--category", "physics", "sample", cwd=tmp_path, env=cli_env)
    assert second.returncode == 0 and second.stdout.strip().endswith("gradient-descent-2.md")
    assert "gradient-descent-2" in second.stderr
    ids = {ArticleDocument.from_bytes(p.read_bytes()).data["id"] for p in (sample / "ai").glob("gradient*")}
    ids |= {ArticleDocument.from_bytes(p.read_bytes()).data["id"] for p in (sample / "physics").glob("gradient*")}
    assert ids == {"gradient-descent", "gradient-descent-2"}


def test_command_refuses_a_title_whose_file_exists(sample, tmp_path, cli_env):
    before = sorted(p.relative_to(sample) for p in sample.rglob("*"))
    done = run_new("--title", "Backpropagation", "--category", "ai", str(sample), cwd=tmp_path, env=cli_env)
    assert done.returncode == 1 and done.stdout == ""
    assert "ai/backpropagation.md already exists" in done.stderr
    assert sorted(p.relative_to(sample) for p in sample.rglob("*")) == before  # nothing written
    bad = run_new("--title", "X", str(tmp_path / "nowhere"), cwd=tmp_path, env=cli_env)
    assert bad.returncode == 2


def test_command_in_a_kb_corpus_with_a_template(kb_corpus, tmp_path, cli_env):
    (kb_corpus / CORPUS_TEMPLATE_NAME).write_text("---\nid: {id}\ntitle: \"{title}\"\nlanguage: {language}\n"
                                                  "category: {category}\n---\n## TL;DR\n", encoding="utf-8")
    done = run_new("--title", "Optical Tweezers", "--category", "physics", str(kb_corpus), cwd=tmp_path,
                   env=cli_env)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path == kb_corpus.resolve() / "physics" / "optical-tweezers.md"
    year = dt.date.today().year
    assert path.read_text() == (f'---\nid: kb-{year}-01204\ntitle: "Optical Tweezers"\nlanguage: de\n'
                                "category: physics\n---\n## TL;DR\n")
    again = run_new("--title", "Optical Tweezers", "--category", "ai", str(kb_corpus), cwd=tmp_path, env=cli_env)
    assert again.returncode == 0 and f"kb-{year}-01205" in Path(again.stdout.strip()).read_text()
