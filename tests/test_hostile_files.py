"""Files that are not what their name says: every command answers at once, names the file and the
problem, and carries on with the good articles.

A corpus holds three good articles beside a FIFO named `.md` (a plain `open` would wait for a writer
forever), links to `/dev/zero` and `/dev/urandom` (reading would never end), a socket, a 60 MB article
(over the 16 MB limit), an article with a 100,000-digit integer, UTF-16 and UTF-32 files, and a
temporary file of an interrupted save. The real commands run as processes with a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editor.core.document.article import ArticleDocument
from editor.core.document.errors import ArticleError
from editor.core.document.source import wide_encoding
from editor.core.files.read import FileRefused, read_regular
from editor.paths import resource

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = resource("sample-corpus")
GOOD = ["ai/backpropagation.md", "history/printing-press.md", "physics/quantum-entanglement.md"]
DIGITS = 100_000
FIFO = "not a regular file (a FIFO)"
ZERO = "not a regular file (a symlink to a character device)"
TOO_LARGE = "file too large (60 MB, limit 16 MB)"
UTF16 = "encoded as UTF-16 LE with BOM, not UTF-8"

# runs the command line and reports the process's peak memory on stderr
RUN = """
import resource, sys
sys.path.insert(0, sys.argv[1])
from editor.cli import main
try:
    status = main(sys.argv[2:])
except SystemExit as exc:
    status = exc.code
sys.stderr.write(f"\\nMAXRSS_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
sys.exit(status)
"""


def build_hostile(corpus: Path) -> socket.socket:
    """Write the hostile corpus into `corpus`; the socket file lives as long as the returned socket."""
    for rel in GOOD:
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / rel, corpus / rel)
    bad = corpus / "bad"
    bad.mkdir()
    os.mkfifo(bad / "fifo.md")
    os.symlink("/dev/zero", bad / "zero.md")
    os.symlink("/dev/urandom", bad / "urandom.md")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(bad / "socket.md"))
    article = (SAMPLES / GOOD[0]).read_bytes()
    front, body = article.split(b"\n---\n", 1)
    front = front.replace(b"\nid: ", b"\nid: copy-of-", 1)  # its own id: no duplicate-id error
    (bad / "bigint.md").write_bytes(front + b"\nx-big: " + b"7" * DIGITS + b"\n---\n" + body)
    with (bad / "huge.md").open("wb") as handle:
        handle.write(front + b"\n---\n")
        line = b"A body line of a very long article, repeated until it is sixty megabytes long.\n"
        handle.write(line * (60 * 2**20 // len(line) + 1))
    text = article.decode("utf-8")
    (bad / "utf16.md").write_bytes(text.encode("utf-16"))
    (bad / "utf32.md").write_bytes(text.encode("utf-32-be"))
    (corpus / "ai" / ".backpropagation.md.ce-k2j4h1.tmp").write_bytes(article[:100])
    return server


@contextlib.contextmanager
def hostile_corpus(folder: Path):
    server = build_hostile(folder / "corpus")
    try:
        yield folder / "corpus"
    finally:
        server.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with hostile_corpus(tmp_path_factory.mktemp("hostile")) as corpus:
        yield corpus


def copy_without_specials(hostile: Path, target: Path) -> Path:
    """A writable copy (the FIFO made anew, no socket: neither can be copied)."""
    shutil.copytree(hostile, target, symlinks=True, ignore=shutil.ignore_patterns("socket.md", "fifo.md"))
    os.mkfifo(target / "bad" / "fifo.md")
    return target


def run(*argv: str, env: dict | None = None, timeout: float = 30) -> tuple[int, str, str, float, int]:
    """(status, stdout, stderr, seconds, peak memory in MB) of `corpus-editor ARGV...`."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", RUN, str(ROOT), *argv], capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    err, _, rss = result.stderr.rpartition("\nMAXRSS_KB ")
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result.returncode, result.stdout, err, seconds, int(rss.strip()) // 1024


def test_list_lists_the_good_articles_and_names_each_bad_file(hostile):
    status, out, err, seconds, memory = run("list", "--format", "json", str(hostile))
    assert status == 0, err
    rows = {Path(row["path"]).relative_to(hostile).as_posix(): row for row in json.loads(out)}
    for rel in GOOD:
        assert rows[rel]["error"] is None and rows[rel]["title"]
    assert rows["bad/fifo.md"]["error"] == FIFO
    assert rows["bad/zero.md"]["error"] == ZERO and rows["bad/urandom.md"]["error"] == ZERO
    assert rows["bad/socket.md"]["error"] == "not a regular file (a socket)"
    assert rows["bad/huge.md"]["error"].startswith(TOO_LARGE)
    assert rows["bad/utf16.md"]["error"] == UTF16
    assert rows["bad/utf32.md"]["error"] == "encoded as UTF-32 BE, not UTF-8"
    assert rows["bad/bigint.md"]["error"] is None and rows["bad/bigint.md"]["title"]
    assert not any(".tmp" in path for path in rows)  # the interrupted save's file is no article
    assert seconds < 15 and memory < 400


def test_validate_reports_each_bad_file_and_checks_the_rest(hostile):
    status, out, err, seconds, memory = run("validate", "--format", "json", str(hostile))
    assert status == 1, err  # the bad files are errors
    problems = json.loads(out)
    by_file = {}
    for problem in problems:
        by_file.setdefault(Path(problem["file"]).relative_to(hostile).as_posix(), []).append(problem)
    assert [p["message"] for p in by_file["bad/fifo.md"]] == [FIFO]
    assert by_file["bad/fifo.md"][0]["code"] == "not-a-regular-file"
    assert [p["message"] for p in by_file["bad/zero.md"]] == [ZERO]
    assert by_file["bad/huge.md"][0]["code"] == "file-too-large"
    assert by_file["bad/utf16.md"][0]["message"].startswith(UTF16)
    assert "internal-error" not in {p["code"] for p in problems}
    # the good articles (and the long integer's) were checked like any others
    assert not [p for rel in GOOD for p in by_file.get(rel, []) if p["severity"] == "error"]
    assert seconds < 15 and memory < 400


def test_bump_bumps_the_good_articles_and_reports_the_others(hostile, tmp_path):
    corpus = copy_without_specials(hostile, tmp_path / "copy")
    status, _out, err, seconds, memory = run("bump", "--date", "2030-01-02", str(corpus))
    assert status == 1  # some files could not be bumped
    for rel in [*GOOD, "bad/bigint.md"]:
        assert b"2030-01-02" in (corpus / rel).read_bytes(), rel
    assert f"{corpus / 'bad' / 'fifo.md'}:1: {FIFO}" in err
    assert f"{corpus / 'bad' / 'zero.md'}:1: {ZERO}" in err
    assert f"{corpus / 'bad' / 'huge.md'}:1: {TOO_LARGE}" in err
    assert f"{corpus / 'bad' / 'utf16.md'}:1: {UTF16}" in err
    assert "bump: 4 updated" in err
    assert seconds < 15 and memory < 400


def test_one_wording_for_one_failure_in_every_command(hostile):
    fifo = hostile / "bad" / "fifo.md"
    for argv in (("get", str(fifo), "title"), ("set", str(fifo), "title", "x"),
                 ("add", str(fifo), "known_gaps", "x"), ("remove", str(fifo), "title")):
        status, _out, err, seconds, _memory = run(*argv)
        assert (status, err.strip()) == (1, f"{fifo}:1: {FIFO}"), argv
        assert seconds < 10
    huge = hostile / "bad" / "huge.md"
    status, _out, err, seconds, memory = run("get", str(huge), "title")
    assert status == 1 and err.strip().startswith(f"{huge}:1: {TOO_LARGE}: set CORPUS_EDITOR_MAX_FILE_MB")
    assert memory < 300
    status, out, err, _seconds, _memory = run("get", str(huge), "title", env={"CORPUS_EDITOR_MAX_FILE_MB": "100"})
    assert status == 0 and out.strip(), err
    status, _out, err, _seconds, _memory = run("set", str(hostile / "bad" / "utf16.md"), "title", "x")
    assert status == 1 and err.strip().endswith(f":1: {UTF16}")


def test_an_integer_of_any_length_is_read_printed_and_kept(hostile, tmp_path):
    article = tmp_path / "bigint.md"
    shutil.copy(hostile / "bad" / "bigint.md", article)
    status, out, err, seconds, _memory = run("get", str(article), "x-big")
    assert status == 0 and out.strip() == "7" * DIGITS and seconds < 10, err
    before = article.read_bytes().splitlines()
    status, _out, err, _seconds, _memory = run("set", str(article), "title", "Still here")
    assert status == 0, err
    after = article.read_bytes().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith(b"title:") and b"Still here" in changed[0][1]
    assert ArticleDocument.from_bytes(article.read_bytes()).get("x-big") == "7" * DIGITS


def test_the_parallel_scan_reports_bad_files_from_its_workers(hostile, tmp_path, monkeypatch):
    from editor.core.index import store

    monkeypatch.setattr(store, "PARALLEL_MIN_FILES", 1)
    with store.CorpusIndex(hostile, cache_dir=tmp_path / "cache", workers=2) as index:
        index.refresh()
        rows = {row.path: row for row in index.rows(include_non_articles=True)}
    assert rows["bad/fifo.md"].error == FIFO and rows["bad/bigint.md"].error is None
    assert all(rows[rel].error is None for rel in GOOD)


def test_reading_refuses_at_once(hostile):
    for name, message in (("fifo.md", FIFO), ("zero.md", ZERO), ("urandom.md", ZERO)):
        started = time.perf_counter()
        with pytest.raises(FileRefused) as info:
            read_regular(hostile / "bad" / name)
        assert info.value.message == message and isinstance(info.value, OSError)
        assert time.perf_counter() - started < 1
    with pytest.raises(FileRefused, match="file too large"):
        read_regular(hostile / "bad" / "huge.md")
    data, _ = read_regular(hostile / "bad" / "huge.md", limit=100 * 2**20)
    assert len(data) > 60 * 2**20


@pytest.mark.parametrize(("codec", "name"), [("utf-16", "UTF-16 LE with BOM"), ("utf-16-be", "UTF-16 BE"),
                                             ("utf-16-le", "UTF-16 LE"), ("utf-32", "UTF-32 LE with BOM"),
                                             ("utf-32-le", "UTF-32 LE"), ("utf-32-be", "UTF-32 BE")])
def test_wide_encodings_are_named(codec, name):
    data = "---\ntitle: Café au lait\n---\nBody.\n".encode(codec)
    assert wide_encoding(data) == name
    with pytest.raises(ArticleError, match=f"encoded as {name}, not UTF-8"):
        ArticleDocument.from_bytes(data)
    with pytest.raises(ArticleError, match="binary file"):
        ArticleDocument.from_bytes(b"---\ntitle: x\n---\n\x00\x01\x02\xff binary")
