"""A cache folder that cannot be written never loses its cache, and `list` still answers.

The index cache lives on a real full file system: a tmpfs of 512 KB, filled up after the first
listing (where the test may mount one: as root). Elsewhere the same happens with the file size limit
(`RLIMIT_FSIZE`), under which the kernel refuses writes past the cache's current size the way a full
disk does. Then the cache folder is made read-only (a read-only remount). Each time `list --search`
must exit 0 with the right rows, say on stderr that it answered from a scan, and leave the old cache
file as it was; once there is room again, the cache is used and brought up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from editor.paths import resource as shipped

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = shipped("sample-corpus")


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


def list_json(corpus: Path, cache_home: Path, *extra: str, fsize: int | None = None) -> tuple[int, list, str]:
    def limit():  # a write past `fsize` bytes fails as on a full disk (EFBIG), instead of killing us
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    result = subprocess.run([sys.executable, "-m", "editor", "list", "--format", "json", *extra, str(corpus)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
                            preexec_fn=limit if fsize is not None else None)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout or "[]"), result.stderr


def _cache_file(cache_home: Path) -> Path:
    (found,) = (cache_home / "corpus-editor" / "index").glob("*.sqlite")
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _intact(path: Path, full: bool = False) -> bool:
    """The cache passes SQLite's integrity check (read as it stands on a full disk: no -shm can be made)."""
    uri = f"file:{path}?mode=ro" + ("&immutable=1" if full else "")
    with sqlite3.connect(uri, uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def cache_home(tmp_path):
    home = tmp_path / "cache"
    home.mkdir()
    mounted = False
    if _can_mount():
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(home)],
                                 capture_output=True).returncode == 0
    yield home, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(home)], capture_output=True)


def test_a_full_or_read_only_cache_folder_keeps_its_cache_and_list_still_answers(tmp_path, cache_home):
    home, mounted = cache_home
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES, corpus)
    status, rows, err = list_json(corpus, home, "--search", "quantum")
    assert status == 0 and rows, err
    cache = _cache_file(home)
    before = _digest(cache)

    # new articles: the index has to write to take them in
    source = corpus / "physics" / "quantum-entanglement.md"
    for n in range(12):
        text = source.read_text(encoding="utf-8").replace("\nid: ", f"\nid: copy-{n}-", 1)
        (corpus / "physics" / f"quantum-copy-{n}.md").write_text(text, encoding="utf-8")
    fsize = None
    if mounted:
        fd = os.open(home / "filler", os.O_WRONLY | os.O_CREAT)  # fill the file system to the last block
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
    else:
        fsize = cache.stat().st_size  # the cache may not grow, and neither may a temporary one
    status, rows, err = list_json(corpus, home, "--search", "quantum", fsize=fsize)
    assert status == 0, err
    assert sum(1 for row in rows if "quantum-copy-" in row["path"]) == 12  # answered from a scan
    assert "the index cache cannot be written" in err and "is kept as it was" in err
    assert cache.exists() and _intact(cache, full=mounted)
    if mounted:  # (under the size limit, transactions that fit below it were committed: not damage)
        assert _digest(cache) == before

    if mounted:  # the same on a read-only file system
        (home / "filler").unlink()
        assert subprocess.run(["mount", "-o", "remount,ro", str(home)], capture_output=True).returncode == 0
        status, rows, err = list_json(corpus, home, "--search", "quantum")
        assert status == 0, err
        assert sum(1 for row in rows if "quantum-copy-" in row["path"]) == 12
        assert "the index cache cannot be written" in err
        assert _digest(cache) == before
        assert subprocess.run(["mount", "-o", "remount,rw", str(home)], capture_output=True).returncode == 0

    # room again: the kept cache is used and updated
    status, rows, err = list_json(corpus, home, "--search", "quantum")
    assert status == 0 and "cannot be written" not in err, err
    assert sum(1 for row in rows if "quantum-copy-" in row["path"]) == 12
    assert _intact(cache) and _digest(cache) != before


def test_damage_found_by_the_first_search_is_repaired_and_answered(tmp_path):
    home = tmp_path / "cache"
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES, corpus)
    status, _rows, err = list_json(corpus, home, "--search", "quantum")
    assert status == 0, err
    with sqlite3.connect(_cache_file(home)) as conn:  # the full-text index's pages, not checked on opening
        conn.execute("UPDATE fts_data SET block = randomblob(length(block)) WHERE id > 10")
    status, rows, err = list_json(corpus, home, "--search", "quantum")
    assert status == 0, err
    assert "the index cache was damaged" in err and "it was rebuilt" in err
    assert any("quantum-entanglement" in row["path"] for row in rows)
