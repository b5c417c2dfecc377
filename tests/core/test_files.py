"""The safe save: atomic, mode and symlinks kept, conflicts refused."""

from __future__ import annotations

import os
import stat

import pytest

from editor.core.document.errors import SaveConflict
from editor.core.files import save
from editor.core.files.save import FileIdentity, read_with_identity, safe_save
from editor.core.files.walk import iter_article_files


def test_save_replaces_content_and_keeps_mode(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    _, identity = read_with_identity(path)
    new_identity = safe_save(path, b"new", identity)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert new_identity.matches(path)
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary file left


def test_symlink_is_written_through(tmp_path):
    target = tmp_path / "real.md"
    target.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    _, identity = read_with_identity(link)
    safe_save(link, b"new", identity)
    assert link.is_symlink()
    assert target.read_bytes() == b"new"


def test_changed_file_is_not_overwritten(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    _, identity = read_with_identity(path)
    path.write_bytes(b"someone else")
    with pytest.raises(SaveConflict, match="changed"):
        safe_save(path, b"mine", identity)
    assert path.read_bytes() == b"someone else"


def test_same_size_change_is_caught_by_the_hash(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"aaaa")
    _, identity = read_with_identity(path)
    st = os.stat(path)
    path.write_bytes(b"bbbb")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(SaveConflict):
        safe_save(path, b"mine", identity)


def test_deleted_file_is_a_conflict_unless_allowed(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    _, identity = read_with_identity(path)
    path.unlink()
    with pytest.raises(SaveConflict, match="deleted"):
        safe_save(path, b"mine", identity)
    safe_save(path, b"mine", identity, allow_missing=True)
    assert path.read_bytes() == b"mine"


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    _, identity = read_with_identity(path)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    monkeypatch.setattr(save, "_renameat2", None)  # where the file system cannot exchange: a plain rename
    with pytest.raises(OSError):
        safe_save(path, b"new", identity)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_failed_exchange_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    _, identity = read_with_identity(path)

    def broken_exchange(src, dst, flags):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(save, "_renameat2_call", broken_exchange)
    with pytest.raises(OSError, match="No space"):
        safe_save(path, b"new", identity)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_identity_tells_files_apart(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"x")
    data, identity = read_with_identity(path)
    assert identity == FileIdentity.of(path, data)
    assert identity.matches(path)


def test_walk_skips_hidden_folders_and_other_suffixes(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("---\n---\n")
    (tmp_path / "ai").mkdir()
    (tmp_path / "ai" / "b.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "image.png").write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_article_files([tmp_path])] == ["a.txt", "ai/b.md"]
