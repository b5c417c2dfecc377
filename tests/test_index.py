"""CorpusIndex against real folders: cold and warm scans, changes, damage, search and filters."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from editor.core.index import store as index_module
from editor.core.index.store import CorpusIndex, IndexQueryError, IndexUnavailable, cache_file_for, fts_query
from editor.core.validation import rules, schema
from tests.bench.generate import generate_corpus

TODAY = dt.date(2026, 11, 28)


def article(folder: Path, rel: str, *, id: str | None = None, title: str = "An article", body: str = "",
            last_verified: str | None = "2026-11-01", language: str = "en", confidence: str = "high",
            statements: tuple[str, ...] = ("A statement long enough to be a fact.",), gaps: tuple[str, ...] = (),
            extra: str = "") -> Path:
    """Write a small valid article; returns its path."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    slug = id or Path(rel).stem
    lines = ["---", f"id: {slug}", f'title: "{title}"', "schema_type: article", "category: test",
             f"language: {language}", f"confidence: {confidence}", "generation_method: human_only"]
    if last_verified is not None:
        lines.append(f'last_verified: "{last_verified}"')
        lines.append(f'created_date: "{min(last_verified, "2025-01-01")}"')
    lines.append("atomic_facts:")
    for i, statement in enumerate(statements, 1):
        lines += [f"  - id: f{i}", f'    statement: "{statement}"', "    source_url: https://example.org/a/1"]
    lines += ["primary_sources:", "  - title: Source one", "    url: https://example.org/a/1",
              "  - title: Source two", "    url: https://example.org/b/2"]
    if gaps:
        lines.append("known_gaps:")
        lines += [f"  - {gap}" for gap in gaps]
    if extra:
        lines.append(extra)
    lines += ["---", "## TL;DR", "Summary.", "", "## Core Explanation", body or "Explanation.", "",
              "## Detailed Analysis", "Analysis.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    article(root, "ai/alpha.md", title="Alpha attention", body="Transformers use attention.")
    article(root, "ai/beta.md", title="Beta", body="Recurrent networks and gradients.")
    article(root, "physics/gamma.md", title="Gamma rays", last_verified="2025-01-10")
    (root / "README.txt").write_text("A corpus.\n")
    (root / "ai" / ".gitkeep").write_text("")
    return root


@pytest.fixture
def open_index(tmp_path):
    made = []

    def make(root: Path, **kwargs) -> CorpusIndex:
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        kwargs.setdefault("today", TODAY)
        idx = CorpusIndex(root, **kwargs)
        made.append(idx)
        return idx

    yield make
    for idx in made:
        idx.close()


def paths(rows) -> list[str]:
    return [row.path for row in rows]


def assert_full_text_sound(idx: CorpusIndex) -> None:
    """FTS5's own check of its index against its content (raises when they disagree)."""
    idx._conn().execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 1)")


# -- cold and warm -------------------------------------------------------------------------------------------
def test_cold_scan_then_warm_start_reads_nothing(corpus, open_index):
    idx = open_index(corpus)
    assert idx.rebuilt == "new"
    stats = idx.refresh()
    assert (stats.files, stats.articles, stats.non_articles, stats.read) == (5, 3, 2, 5)
    assert stats.rebuilt == "new"
    assert paths(idx.rows()) == ["ai/alpha.md", "ai/beta.md", "physics/gamma.md"]
    idx.close()

    again = open_index(corpus)
    assert again.rebuilt is None
    stats = again.refresh()
    assert (stats.read, stats.added, stats.changed, stats.removed) == (0, 0, 0, 0)
    assert stats.rebuilt is None
    row = again.get(corpus / "ai" / "alpha.md")
    assert row is not None and row.title == "Alpha attention" and row.last_verified == "2026-11-01"
    assert (row.facts, row.sources, row.errors) == (1, 2, 0)


def test_warm_start_finds_an_added_file(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    article(corpus, "ai/delta.md", title="Delta")
    stats = idx.refresh()
    assert (stats.added, stats.read, stats.changed_paths) == (1, 1, ["ai/delta.md"])
    assert idx.get("ai/delta.md").title == "Delta"


def test_warm_start_rereads_a_same_size_edit_with_a_new_mtime(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    path = corpus / "ai" / "beta.md"
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b'title: "Beta"', b'title: "Zeta"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == before.st_size
    stats = idx.refresh()
    assert (stats.read, stats.changed) == (1, 1)
    assert idx.get(path).title == "Zeta"
    assert paths(idx.search("zeta")) == ["ai/beta.md"] and idx.search("title:beta") == []
    assert_full_text_sound(idx)


def test_warm_start_rereads_a_replaced_file_with_the_same_size_and_mtime(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    path = corpus / "ai" / "beta.md"
    before = path.stat()
    replacement = path.with_name("beta.tmp")
    replacement.write_bytes(path.read_bytes().replace(b'title: "Beta"', b'title: "Veta"'))
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)  # an atomic save: a new inode
    assert path.stat().st_ino != before.st_ino
    assert idx.refresh().read == 1
    assert idx.get(path).title == "Veta"


def test_warm_start_drops_a_deleted_file(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    (corpus / "ai" / "beta.md").unlink()
    stats = idx.refresh()
    assert (stats.removed, stats.removed_paths, stats.read) == (1, ["ai/beta.md"], 0)
    assert idx.get("ai/beta.md") is None
    assert idx.search("recurrent") == []


def test_warm_start_after_a_rename(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    os.rename(corpus / "ai" / "beta.md", corpus / "physics" / "beta-moved.md")
    stats = idx.refresh()
    assert (stats.added, stats.removed, stats.read) == (1, 1, 1)
    assert paths(idx.rows()) == ["ai/alpha.md", "physics/beta-moved.md", "physics/gamma.md"]
    assert paths(idx.search("recurrent")) == ["physics/beta-moved.md"]


def test_rescan_rereads_every_file(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    stats = idx.refresh(rescan=True)
    assert (stats.read, stats.added, stats.changed) == (5, 0, 0)
    assert len(idx.rows()) == 3


def test_another_schema_or_rule_setting_rereads_every_file(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    assert idx.get("physics/gamma.md").errors == 1  # stale: verified 2025-01-10, over a year ago
    (corpus / ".corpus-schema.yaml").write_text("rules:\n  severity: {stale: off, missing-section: off}\n")
    stats = idx.refresh()
    assert stats.read == 5
    assert idx.get("physics/gamma.md").errors == 0


def test_counts_follow_the_date(corpus, open_index, tmp_path):
    """A row whose counts depend on today's date is re-read on the day they change, and only then."""
    config = rules.RuleConfig()
    verified = TODAY - dt.timedelta(days=config.stale_warning_days)
    article(corpus, "ai/edge.md", last_verified=verified.isoformat())
    idx = open_index(corpus)
    idx.refresh()
    assert idx.get("ai/edge.md").warnings == 0
    idx.today = TODAY + dt.timedelta(days=1)
    stats = idx.refresh()
    assert stats.changed_paths == ["ai/edge.md"]
    assert idx.get("ai/edge.md").warnings == 1
    assert idx.refresh().read == 0


# -- a cache that cannot be trusted ---------------------------------------------------------------------------
def test_cache_lives_in_the_user_cache_folder(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with CorpusIndex(corpus, today=TODAY) as idx:
        assert idx.db_path.parent == tmp_path / "xdg" / "corpus-editor" / "index"
        assert idx.db_path == cache_file_for(corpus)
        idx.refresh()
        assert idx.db_path.is_file()
    other = tmp_path / "other"
    other.mkdir()
    assert cache_file_for(other) != cache_file_for(corpus)
    assert cache_file_for(corpus / "ai" / "..") == cache_file_for(corpus)


def test_a_corrupted_cache_file_is_rebuilt(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    db = idx.db_path
    idx.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database at all" * 200)
    again = open_index(corpus)
    assert "damaged" in again.rebuilt
    stats = again.refresh()
    assert stats.read == 5 and "damaged" in stats.rebuilt
    assert paths(again.rows()) == ["ai/alpha.md", "ai/beta.md", "physics/gamma.md"]


def _pages_of(db: Path, table: str) -> list[int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [n for (n,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]


def _damage_page(db: Path, page_number: int) -> None:
    data = bytearray(db.read_bytes())
    start = (page_number - 1) * 4096
    data[start : start + 4096] = os.urandom(4096)
    db.write_bytes(bytes(data))


def test_a_cache_damaged_inside_is_rebuilt(tmp_path, open_index):
    root = tmp_path / "gen"
    generate_corpus(root, 40, seed=8)
    idx = open_index(root)
    idx.refresh()
    db = idx.db_path
    idx.close()
    pages = _pages_of(db, "files")
    assert len(pages) > 2
    _damage_page(db, pages[len(pages) // 2])
    again = open_index(root)
    assert "integrity check" in again.rebuilt or "damaged" in again.rebuilt
    assert again.refresh().read == 40
    assert len(again.rows()) == 40


def test_damage_found_while_searching_resets_the_cache(tmp_path, open_index):
    root = tmp_path / "gen"
    generate_corpus(root, 40, seed=8)
    idx = open_index(root)
    idx.refresh()
    db = idx.db_path
    idx.close()
    for page in _pages_of(db, "fts_data")[1:]:
        _damage_page(db, page)
    again = open_index(root)
    assert again.rebuilt is None  # the full-text tables are not checked on opening
    with pytest.raises(IndexUnavailable):
        again.search("neutrino OR gradient OR empire OR market OR vaccine OR enzyme OR the")
    assert again.rows() == []  # reset: empty until refreshed
    assert again.refresh().read == 40
    assert again.search("the")


def test_a_cache_from_another_version_is_rebuilt(corpus, open_index, monkeypatch):
    idx = open_index(corpus)
    idx.refresh()
    idx.close()
    monkeypatch.setattr(index_module, "SCHEMA_VERSION", index_module.SCHEMA_VERSION + 1)
    again = open_index(corpus)
    assert "another version" in again.rebuilt
    assert again.refresh().read == 5


def test_a_locked_cache_is_rebuilt(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    db = idx.db_path
    idx.close()
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        again = open_index(corpus, lock_timeout=0.1)
        assert "locked" in again.rebuilt
        assert again.refresh().read == 5
        assert len(again.rows()) == 3
    finally:
        holder.close()


def test_an_unwritable_cache_folder_falls_back_to_a_temporary_index(corpus, tmp_path, open_index):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    idx = open_index(corpus, cache_dir=blocker / "cache")
    stats = idx.refresh()
    assert stats.read == 5 and any("temporary" in note for note in stats.notes)
    temp = idx.db_path.parent
    idx.close()
    assert not temp.exists()


# -- what rows hold ---------------------------------------------------------------------------------------------
def test_non_article_files_are_kept_out_of_the_rows(corpus, open_index):
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "plain.md").write_text("# Only Markdown\n")
    (corpus / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    idx = open_index(corpus)
    stats = idx.refresh()
    assert stats.non_articles == 5
    assert idx.non_articles() == ["README.txt", "ai/.gitkeep", "empty.md", "figure.png", "plain.md"]
    assert paths(idx.rows()) == ["ai/alpha.md", "ai/beta.md", "physics/gamma.md"]
    everything = idx.rows(include_non_articles=True)
    plain = next(row for row in everything if row.path == "plain.md")
    assert not plain.is_article and plain.error.startswith("no front matter")


def test_unreadable_articles_are_rows_with_their_error(corpus, open_index):
    (corpus / "bad.md").write_text('---\nid: bad\ntitle: "unterminated\nlanguage: en\n---\nbody\n')
    (corpus / "latin1.md").write_bytes(b"---\nid: latin1\ntitle: caf\xe9\n---\n")
    (corpus / "dup.md").write_text("---\nid: dup\nid: again\n---\n")
    idx = open_index(corpus)
    stats = idx.refresh()
    assert stats.unreadable == 3
    bad = idx.get("bad.md")
    assert bad.is_article and not bad.readable
    assert bad.error.startswith("malformed YAML") and bad.error_line == 3
    assert (bad.errors, bad.warnings, bad.error_code) == (1, 0, "yaml-error")
    assert idx.get("latin1.md").error_code == "not-utf8"
    assert idx.get("dup.md").error == "duplicate key 'id'" and idx.get("dup.md").error_line == 3
    assert set(paths(idx.rows(where="error!="))) == {"bad.md", "latin1.md", "dup.md"}


def test_hidden_folders_and_symlinked_folders_are_not_entered(corpus, open_index, tmp_path):
    article(corpus, ".git/hidden.md")
    outside = tmp_path / "outside"
    article(outside, "x.md")
    (corpus / "link").symlink_to(outside, target_is_directory=True)
    (corpus / "ai" / "linked.md").symlink_to(corpus / "ai" / "alpha.md")
    idx = open_index(corpus)
    idx.refresh()
    assert paths(idx.rows()) == ["ai/alpha.md", "ai/beta.md", "ai/linked.md", "physics/gamma.md"]


def test_counts_match_validate_on_a_generated_corpus(tmp_path, open_index):
    root = tmp_path / "gen"
    generate_corpus(root, 60, seed=2, broken=5, non_articles=6, today=TODAY)
    idx = open_index(root)
    idx.refresh()
    problems = rules.check_corpus([root], schema.load_schema(root), today=TODAY)
    expected: dict[str, list[int]] = {}
    for problem in problems:
        rel = Path(problem.file).relative_to(root).as_posix()
        counts = expected.setdefault(rel, [0, 0])
        counts[0 if problem.severity == "error" else 1] += 1
    for row in idx.rows():
        assert [row.errors, row.warnings] == expected.get(row.path, [0, 0]), row.path


def test_duplicate_ids_are_errors_of_every_file_that_has_them(corpus, open_index):
    article(corpus, "physics/alpha-again.md", id="alpha")
    idx = open_index(corpus)
    idx.refresh()
    dup = {row.path: (row.duplicate_id, row.errors) for row in idx.rows()}
    assert dup["ai/alpha.md"] == (True, 1) and dup["physics/alpha-again.md"] == (True, 1)
    assert dup["ai/beta.md"] == (False, 0)
    assert paths(idx.rows(where="duplicate_id=true")) == ["ai/alpha.md", "physics/alpha-again.md"]
    (corpus / "physics" / "alpha-again.md").unlink()
    idx.refresh()
    assert idx.get("ai/alpha.md").duplicate_id is False


# -- incremental changes -------------------------------------------------------------------------------------------
def test_incremental_changes_from_a_watcher(corpus, open_index, tmp_path):
    idx = open_index(corpus)
    idx.refresh()
    new = article(corpus, "ai/new.md", title="New one")
    stats = idx.file_changed(new)
    assert (stats.added, stats.read) == (1, 1) and idx.get(new).title == "New one"

    new.write_text(new.read_text().replace("New one", "Renamed title"))
    assert idx.file_changed(new).changed == 1
    assert idx.get(new).title == "Renamed title"

    moved = corpus / "physics" / "new.md"
    os.rename(new, moved)
    stats = idx.file_renamed(new, moved)
    assert stats.removed_paths == ["ai/new.md"] and stats.changed_paths == ["physics/new.md"]
    assert idx.get(new) is None and idx.get(moved).title == "Renamed title"

    moved.unlink()
    assert idx.file_removed(moved).removed == 1
    assert idx.get(moved) is None

    # an article that stops parsing leaves the search
    alpha = corpus / "ai" / "alpha.md"
    good = alpha.read_text()
    alpha.write_text(good.replace('title: "Alpha attention"', 'title: "Alpha attention'))
    idx.file_changed(alpha)
    assert idx.get(alpha).error and idx.search("attention") == []
    alpha.write_text(good)
    idx.file_changed(alpha)
    assert paths(idx.search("attention")) == ["ai/alpha.md"]

    # a whole folder, paths outside the corpus and inside hidden folders
    article(corpus, "bio/one.md")
    article(corpus, "bio/two.md")
    stats = idx.update_paths(changed=[corpus / "bio", tmp_path / "elsewhere.md", corpus / ".git" / "x.md"])
    assert sorted(stats.changed_paths) == ["bio/one.md", "bio/two.md"]
    for name in ("one.md", "two.md"):
        (corpus / "bio" / name).unlink()
    (corpus / "bio").rmdir()
    assert sorted(idx.update_paths(removed=[corpus / "bio"]).removed_paths) == ["bio/one.md", "bio/two.md"]
    # a changed path that is gone by the time it is looked at counts as removed
    assert idx.file_changed(corpus / "ai" / "beta.md").read == 1
    (corpus / "ai" / "beta.md").unlink()
    assert idx.file_changed(corpus / "ai" / "beta.md").removed_paths == ["ai/beta.md"]
    assert paths(idx.rows()) == ["ai/alpha.md", "physics/gamma.md"]
    assert idx.refresh().read == 0  # the watcher kept the index exact
    assert_full_text_sound(idx)


def test_progress_is_reported_and_can_stop_a_scan(tmp_path, open_index):
    root = tmp_path / "gen"
    generate_corpus(root, 30, seed=1)
    calls = []
    idx = open_index(root, workers=1)
    monkey_batch = index_module.BATCH_SIZE
    index_module.BATCH_SIZE = 10
    try:
        stats = idx.refresh(progress=lambda done, total: calls.append((done, total)) or len(calls) < 2)
        assert stats.cancelled and calls == [(0, 30), (10, 30)]
        assert stats.read == 10
        calls.clear()
        stats = idx.refresh(progress=lambda done, total: calls.append((done, total)))
    finally:
        index_module.BATCH_SIZE = monkey_batch
    assert not stats.cancelled and stats.read == 20
    assert calls == [(0, 20), (10, 20), (20, 20)]
    assert len(idx.rows()) == 30


def test_parallel_cold_scan_gives_the_same_rows_as_a_serial_one(tmp_path, open_index, monkeypatch):
    root = tmp_path / "gen"
    generate_corpus(root, 90, seed=4, broken=5, non_articles=6, today=TODAY)
    serial = open_index(root, cache_dir=tmp_path / "serial", workers=1)
    serial.refresh()
    monkeypatch.setattr(index_module, "PARALLEL_MIN_FILES", 10)
    parallel = open_index(root, cache_dir=tmp_path / "parallel", workers=2)
    stats = parallel.refresh()
    assert stats.read == 101

    def strip(rows):
        return [row.to_dict() | {"size": row.size, "inode": row.inode} for row in rows]
    assert strip(parallel.rows(include_non_articles=True)) == strip(serial.rows(include_non_articles=True))
    assert paths(parallel.search("neutrino")) == paths(serial.search("neutrino"))


def test_built_in_a_worker_thread_and_read_from_another(tmp_path, open_index):
    root = tmp_path / "gen"
    generate_corpus(root, 40, seed=6)
    idx = open_index(root)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(idx.refresh()))
    worker.start()
    while worker.is_alive():
        idx.rows(limit=5)  # queries from this thread while the other one writes
    worker.join()
    assert seen[0].read == 40
    assert len(idx.rows()) == 40


def test_a_parallel_scan_started_from_a_worker_thread(tmp_path, open_index, monkeypatch):
    """With other threads running (a GUI), worker processes are not forked from this process."""
    root = tmp_path / "gen"
    generate_corpus(root, 30, seed=9)
    monkeypatch.setattr(index_module, "PARALLEL_MIN_FILES", 10)
    assert index_module._mp_context().get_start_method() == "fork"
    idx = open_index(root, workers=2)
    seen = []

    def build():
        seen.append(index_module._mp_context().get_start_method())
        seen.append(idx.refresh())
    worker = threading.Thread(target=build)
    worker.start()
    worker.join(timeout=120)
    assert seen[0] in ("forkserver", "spawn")
    assert seen[1].read == 30 and len(idx.rows()) == 30


# -- queries -----------------------------------------------------------------------------------------------
def test_search_finds_and_ranks(tmp_path, open_index):
    root = tmp_path / "c"
    article(root, "title-hit.md", title="Quantum entanglement", body="Nothing here.")
    article(root, "body-hit.md", title="Other", body="A short note on entanglement.")
    article(root, "statement-hit.md", title="Third", statements=("Entanglement links two particles strongly.",))
    article(root, "gap-hit.md", title="Fourth", gaps=("Entanglement across long distances",))
    article(root, "no-hit.md", title="Unrelated", body="Classical mechanics.")
    article(root, "zh.md", title="活字印刷术", language="zh", body="毕昇发明了活字印刷。")
    idx = open_index(root)
    idx.refresh()
    hits = idx.search("entanglement")
    assert paths(hits) == ["title-hit.md", "statement-hit.md", "gap-hit.md", "body-hit.md"]
    assert all(h.score > 0 for h in hits) and hits[0].score > hits[-1].score
    assert "[entanglement]" in hits[-1].snippet.lower()
    assert paths(idx.search('"two particles"')) == ["statement-hit.md"]
    assert paths(idx.search('"particles two"')) == []
    assert paths(idx.search("entangle*")) == paths(hits)
    assert paths(idx.search("entanglement -quantum")) == ["statement-hit.md", "gap-hit.md", "body-hit.md"]
    assert paths(idx.search("title:entanglement")) == ["title-hit.md"]
    assert paths(idx.search("classical OR quantum")) == ["title-hit.md", "no-hit.md"] or \
        sorted(paths(idx.search("classical OR quantum"))) == ["no-hit.md", "title-hit.md"]
    assert paths(idx.search("印刷")) == ["zh.md"]
    zh = idx.search("毕昇")[0]
    assert "[毕昇]发明了活字" in zh.snippet and "\n" not in zh.snippet
    # user text is never FTS syntax: quotes, dashes and operators are just text
    for text in ('"unbalanced', "open-source", "a AND", "NEAR(", "title:", "*", "-", "OR"):
        idx.search(text)
    assert idx.search("   ") == []
    assert paths(idx.rows(search="entanglement", sort="path")) == sorted(paths(hits))
    assert paths(idx.search("entanglement", limit=1)) == ["title-hit.md"]


def waiting(conn) -> int:
    """Texts not in the full-text index yet."""
    return conn.execute("SELECT count(*) FROM files WHERE in_fts = 0 AND file_id IN (SELECT file_id FROM texts)"
                        ).fetchone()[0]


def test_full_text_left_for_later_is_indexed_by_the_first_search(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh(full_text=False)
    conn = idx._conn()
    assert waiting(conn) == 3
    # changes while texts wait: an edit, a deletion, an addition
    beta = corpus / "ai" / "beta.md"
    beta.write_text(beta.read_text().replace("Recurrent networks", "Convolutional layers"))
    (corpus / "physics" / "gamma.md").unlink()
    article(corpus, "ai/delta.md", body="Recurrent units again.")
    idx.refresh(full_text=False)
    assert waiting(conn) == 3
    assert paths(idx.search("recurrent")) == ["ai/delta.md"]
    assert paths(idx.search("convolutional")) == ["ai/beta.md"]
    assert idx.search("gamma") == []
    assert waiting(conn) == 0
    beta.write_text(beta.read_text().replace("Convolutional layers", "Pooling"))
    idx.refresh(full_text=False)
    idx.refresh()  # a refresh that wants full text indexes what waits
    assert waiting(conn) == 0
    assert paths(idx.search("pooling")) == ["ai/beta.md"] and idx.search("convolutional") == []
    assert_full_text_sound(idx)


def test_fts_query_text():
    assert fts_query("open-source models") == '"open-source" AND "models"'
    assert fts_query('"exact phrase" word*') == '"exact phrase" AND "word"*'
    assert fts_query("a -b") == '("a") NOT "b"'
    assert fts_query("body:x") == 'body : "x"'
    assert fts_query("x OR y") == '("x" OR "y")'
    assert fts_query('say "hi') == '"say" AND "hi"'
    assert fts_query("-only") is None and fts_query("") is None


def test_stale_filter(corpus, open_index):
    article(corpus, "never.md", last_verified=None)
    article(corpus, "odd.md", last_verified="sometime")
    (corpus / "broken.md").write_text("---\nid: [\n---\n")
    idx = open_index(corpus)
    idx.refresh()
    # gamma: 2025-01-10 (687 days before TODAY); alpha, beta: 2026-11-01 (27 days)
    assert paths(idx.rows(stale_days=180)) == ["never.md", "odd.md", "physics/gamma.md"]
    assert paths(idx.rows(stale_days=27)) == ["never.md", "odd.md", "physics/gamma.md"]
    assert paths(idx.rows(stale_days=26)) == ["ai/alpha.md", "ai/beta.md", "never.md", "odd.md", "physics/gamma.md"]
    assert paths(idx.rows(stale_days=1000)) == ["never.md", "odd.md"]


def test_where_filters_and_sorting(corpus, open_index):
    article(corpus, "zh/one.md", language="zh", confidence="medium", statements=("First statement, long enough.",
                                                                                  "Second statement, long enough."))
    idx = open_index(corpus)
    idx.refresh()
    assert paths(idx.rows(where="language=zh")) == ["zh/one.md"]
    assert paths(idx.rows(where="language=ZH")) == ["zh/one.md"]
    assert paths(idx.rows(where=["language=zh", "language=en", "confidence=medium"])) == ["zh/one.md"]
    assert paths(idx.rows(where={"language": ["zh", "en"], "facts": 2})) == ["zh/one.md"]
    assert paths(idx.rows(where="facts>1")) == ["zh/one.md"]
    assert paths(idx.rows(where="language!=en")) == ["zh/one.md"]
    assert paths(idx.rows(where="title=*rays")) == ["physics/gamma.md"]
    assert paths(idx.rows(where="path=ai/*")) == ["ai/alpha.md", "ai/beta.md"]
    assert paths(idx.rows(where="status=")) == paths(idx.rows())
    assert paths(idx.rows(where="last_verified<2026-01-01")) == ["physics/gamma.md"]
    assert paths(idx.rows(under=corpus / "ai")) == ["ai/alpha.md", "ai/beta.md"]
    assert paths(idx.rows(under="ai/beta.md")) == ["ai/beta.md"]
    assert paths(idx.rows(sort="-last_verified")) == ["ai/alpha.md", "ai/beta.md", "zh/one.md", "physics/gamma.md"]
    assert paths(idx.rows(sort=["-facts", "title"])) == ["zh/one.md", "ai/alpha.md", "ai/beta.md",
                                                         "physics/gamma.md"]
    for bad in ("nope=1", "facts=many", "language", "duplicate_id>1"):
        with pytest.raises(IndexQueryError):
            idx.rows(where=bad)
    with pytest.raises(IndexQueryError):
        idx.rows(sort="nope")
    with pytest.raises(IndexQueryError):
        idx.rows(sort="score")
    with pytest.raises(IndexQueryError):
        idx.rows(under=corpus.parent)


def test_rows_are_json_ready(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    data = idx.get("ai/alpha.md").to_dict()
    assert data["path"] == "ai/alpha.md" and data["last_verified"] == "2026-11-01"
    assert {"id", "title", "category", "language", "confidence", "last_verified", "updated", "facts", "sources",
            "errors", "warnings"} <= set(data)
    assert idx.abspath(idx.get("ai/alpha.md")) == corpus.resolve() / "ai" / "alpha.md"


# -- problems by rule --------------------------------------------------------------------------------------
def _summary(idx: CorpusIndex) -> dict[str, tuple[str, int, int]]:
    return {c.code: (c.severity, c.files, c.entries) for c in idx.problem_summary()}


def test_problems_are_stored_per_file_and_summed_by_rule(corpus, open_index):
    article(corpus, "ai/dup-a.md", id="shared", title="Dup A")
    article(corpus, "physics/dup-b.md", id="shared", title="Dup B")
    no_core = article(corpus, "ai/short.md", title="Short")
    no_core.write_text(no_core.read_text().split("## Core Explanation")[0])
    idx = open_index(corpus)
    idx.refresh()
    summary = _summary(idx)
    assert summary["duplicate-id"] == ("error", 2, 2)
    assert summary["stale"] == ("error", 1, 1)  # physics/gamma.md, verified 2025-01-10
    assert summary["missing-section"] == ("warning", 1, 1)
    codes = [c.code for c in idx.problem_summary()]
    assert codes.index("duplicate-id") < codes.index("missing-section")  # errors first
    places = idx.problem_places("duplicate-id")
    assert [(p.path, p.field) for p in places] == [("ai/dup-a.md", "id"), ("physics/dup-b.md", "id")]
    assert [p.path for p in idx.problem_places("missing-section")] == ["ai/short.md"]
    # the list filters by rule, duplicate ids (found across files) included
    assert paths(idx.rows(where="problem=duplicate-id")) == ["ai/dup-a.md", "physics/dup-b.md"]
    assert paths(idx.rows(where="problem=missing-section")) == ["ai/short.md"]
    assert "ai/short.md" not in paths(idx.rows(where="problem!=missing-section"))
    assert idx.paths_with_id(" shared ") == ["ai/dup-a.md", "physics/dup-b.md"]
    with pytest.raises(IndexQueryError):
        idx.rows(sort="problem")


def test_repeated_findings_at_one_field_count_once(corpus, open_index):
    path = article(corpus, "ai/cr.md", title="Carriage")
    text = path.read_text()
    path.write_bytes(text.replace('title: "Carriage"', 'title: "Car\rri\rage\r\r\r"').encode())
    idx = open_index(corpus)
    idx.refresh()
    row = idx.get("ai/cr.md")
    found = [p for p in idx.problem_places("line-ending-damage") if p.path == "ai/cr.md"]
    assert [(p.field, p.count) for p in found] == [("title", 5)]  # five lone CRs (the rule stops at five): one entry
    assert row.warnings == 1


def test_a_severity_override_is_a_recount_without_reading(corpus, open_index):
    idx = open_index(corpus)
    idx.refresh()
    assert idx.get("physics/gamma.md").errors == 1
    (corpus / ".corpus-schema.yaml").write_text("# the corpus's own settings\nrules:\n  severity:\n    stale: off\n")
    assert idx.apply_overrides()
    assert idx.get("physics/gamma.md").errors == 0
    assert _summary(idx)["stale"] == ("off", 1, 1)  # silenced rules stay listed, last
    assert paths(idx.rows(where="problem=stale")) == []
    assert idx.refresh().read == 0  # the index knows it is current
    (corpus / ".corpus-schema.yaml").write_text("rules:\n  severity:\n    stale: warning\n")
    assert idx.apply_overrides()
    row = idx.get("physics/gamma.md")
    assert (row.errors, row.warnings) == (0, 1)
    # anything else in the file changes what the rules find: that needs a re-read
    (corpus / ".corpus-schema.yaml").write_text("rules:\n  stale_error_days: 1000\n  severity:\n    stale: warning\n")
    assert not idx.apply_overrides()
    assert idx.refresh().read == 5


def test_a_duplicate_id_override_changes_its_counts(corpus, open_index):
    article(corpus, "ai/dup-a.md", id="shared")
    article(corpus, "physics/dup-b.md", id="shared")
    idx = open_index(corpus)
    idx.refresh()
    assert idx.get("ai/dup-a.md").errors == 1
    (corpus / ".corpus-schema.yaml").write_text("rules:\n  severity: {duplicate-id: warning}\n")
    assert idx.apply_overrides()
    row = idx.get("ai/dup-a.md")
    assert (row.errors, row.warnings) == (0, 1)
    assert _summary(idx)["duplicate-id"] == ("warning", 2, 2)
