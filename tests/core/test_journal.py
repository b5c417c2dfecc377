"""The crash-recovery journal: entries in the user data folder, read back exactly."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from editor.core.files.journal import Journal, default_journal_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "corpus" / "ai" / "article.md"
    path.parent.mkdir(parents=True)
    path.write_bytes((FIXTURES / "sample-article.md").read_bytes())
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_default_folder_is_in_the_user_data_dir(tmp_path):
    folder = default_journal_dir()
    assert folder == Path(os.environ["XDG_DATA_HOME"]) / "corpus-editor" / "journal"
    assert Journal().folder == folder


def test_record_list_remove(tmp_path, article):
    journal = Journal(tmp_path / "journal")
    assert journal.entries() == []
    base = article.read_bytes()
    unsaved = base.replace(b"confidence: high\nlast_verified", b"confidence: low\nlast_verified", 1)
    journal.record(article, sha(base), unsaved)
    journal.record(article, sha(base), unsaved + b"more\n")  # replaces the entry
    (entry,) = journal.entries()
    assert entry.path == str(article)
    assert entry.data == unsaved + b"more\n"
    assert entry.base_sha256 == sha(base)
    assert entry.disk_state() == "base"
    diff = entry.diff_against_disk()
    assert "-confidence: high\n" in diff and "+confidence: low\n" in diff and "+more\n" in diff
    assert not [n for n in os.listdir(journal.folder) if n.endswith(".tmp")]
    journal.remove(article)
    assert journal.entries() == []
    journal.remove(article)  # removing twice is fine


def test_entries_for_two_articles_and_clear(tmp_path, article):
    journal = Journal()
    other = article.with_name("other.md")
    other.write_bytes(b"---\nid: other\n---\nbody\n")
    journal.record(article, None, b"one")
    journal.record(other, sha(other.read_bytes()), b"two")
    assert sorted(e.data for e in journal.entries()) == [b"one", b"two"]
    assert journal.folder == default_journal_dir()
    journal.clear()
    assert journal.entries() == []


def test_corrupt_entry_is_ignored_and_reported(tmp_path, article):
    journal = Journal(tmp_path / "journal")
    journal.record(article, None, b"kept bytes")
    good = journal.entry_file(article)
    (journal.folder / "0123.journal").write_bytes(b"{not json\nbytes")
    truncated = journal.folder / "4567.journal"
    truncated.write_bytes(good.read_bytes()[:-3])
    (journal.folder / "empty.journal").write_bytes(b"")
    entries = journal.entries()
    assert [e.data for e in entries] == [b"kept bytes"]
    reasons = {p.entry_file.name: p.reason for p in journal.problems}
    assert set(reasons) == {"0123.journal", "4567.journal", "empty.journal"}
    assert "truncated" in reasons["4567.journal"]
    journal.discard(truncated)
    journal.entries()
    assert {p.entry_file.name for p in journal.problems} == {"0123.journal", "empty.journal"}


def test_entry_for_a_deleted_file(tmp_path, article):
    journal = Journal(tmp_path / "journal")
    base = article.read_bytes()
    journal.record(article, sha(base), base + b"unsaved line\n")
    article.unlink()
    (entry,) = journal.entries()
    assert entry.disk_state() == "missing"
    assert entry.disk_bytes() is None
    diff = entry.diff_against_disk()
    assert "(deleted)" in diff and "+unsaved line\n" in diff


def test_entry_for_a_file_changed_since(tmp_path, article):
    journal = Journal(tmp_path / "journal")
    base = article.read_bytes()
    journal.record(article, sha(base), base + b"mine\n")
    article.write_bytes(base + b"theirs\n")
    (entry,) = journal.entries()
    assert entry.disk_state() == "changed"
    article.write_bytes(base + b"mine\n")
    assert entry.disk_state() == "same"


def test_entry_name_is_a_hash_of_the_absolute_path(tmp_path, monkeypatch, article):
    journal = Journal(tmp_path / "journal")
    monkeypatch.chdir(article.parent)
    assert journal.entry_name("article.md") == journal.entry_name(article)
    assert journal.entry_name(article) != journal.entry_name(article.with_name("b.md"))
