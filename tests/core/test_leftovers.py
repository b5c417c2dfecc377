"""What a killed save leaves behind: one name pattern, never counted as an article, removed once stale.

A process saving (and journaling) in a loop is killed with SIGKILL mid-write. Its temporary and lock
files are hidden and named `.NAME.ce-*.tmp`; `list`, `validate`, `bump`, the index and the walk never
take them for files of the corpus. A lock file nobody holds is removed by the next corpus-wide command;
a temporary copy once it is an hour old, unless a live writer holds its file's lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from editor.cli import main
from editor.core.files.journal import Journal
from editor.core.files.leftovers import STALE_AFTER, remove_stale
from editor.core.files.lock import file_lock
from editor.core.files.walk import is_own_temp, iter_article_files, lock_name, own_temp, walk

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SAVER = """
import sys
sys.path.insert(0, sys.argv[1])
from editor.core.files.journal import Journal
from editor.core.files.save import update_file
path, journal = sys.argv[2], Journal(sys.argv[3])
big = b"A paragraph that makes the write long enough to be killed in the middle of it.\\n" * 20000
sys.stdout.write("ready\\n")
sys.stdout.flush()
n = 0
while True:
    n += 1
    update_file(path, lambda data: data[: data.index(b"\\n---\\n") + 5] + b"Round %d\\n" % n + big)
    journal.record(path, None, b"unsaved %d" % n)
"""


def _kill_saves(article: Path, journal_dir: Path, kills: int) -> None:
    for n in range(kills):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(ROOT), str(article), str(journal_dir)],
                                 stdout=subprocess.PIPE)
        try:
            assert child.stdout.readline() == b"ready\n"
            time.sleep(0.005 + 0.003 * (n % 7))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()


def _age(paths, seconds: float) -> None:
    for path in paths:
        then = time.time() - seconds
        os.utime(path, (then, then), follow_symlinks=False)


def test_killed_saves_leave_only_our_pattern_and_it_is_cleaned_up(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    (corpus / "ai").mkdir(parents=True)
    article = corpus / "ai" / "article.md"
    article.write_bytes((FIXTURES / "sample-article.md").read_bytes())
    journal_dir = tmp_path / "journal"
    strays: list[Path] = []
    for _ in range(10):  # until kills have left something behind in the corpus
        _kill_saves(article, journal_dir, 15)
        strays = [p for p in (corpus / "ai").iterdir() if p.name != "article.md"]
        if strays:
            break
    assert strays, "no kill landed in the middle of a save"
    assert all(is_own_temp(p.name) and own_temp(p.name)[0] == "article.md" for p in strays)

    # nothing that lists the corpus counts them
    assert [rel for rel, *_ in walk(str(corpus))] == ["ai/article.md"]
    assert list(iter_article_files([corpus])) == [article]
    assert main(["list", "--format", "json", str(corpus)]) == 0
    out, err = capsys.readouterr()
    assert [Path(row["path"]).name for row in json.loads(out)] == ["article.md"]
    assert "non-article" not in err
    # a lock file nobody holds went at once; fresh temporary copies stay (a writer may be at work)
    assert not (corpus / "ai" / lock_name("article.md")).exists()
    temps = [p for p in strays if own_temp(p.name)[1] == "temp"]
    assert all(p.exists() for p in temps)

    # an hour later the next corpus-wide command removes them
    _age([p for p in temps if p.exists()], STALE_AFTER + 60)
    assert main(["validate", str(corpus)]) in (0, 1)
    capsys.readouterr()
    assert sorted(p.name for p in (corpus / "ai").iterdir()) == ["article.md"]

    # the journal's temporary files go at the next start of the window (Journal.sweep)
    left = [p for p in journal_dir.iterdir() if is_own_temp(p.name)] if journal_dir.exists() else []
    _age(left, 120)
    Journal(journal_dir).sweep()
    assert [p.name for p in journal_dir.iterdir() if is_own_temp(p.name)] == []
    assert all(p.name.endswith(".journal") for p in journal_dir.iterdir())


def test_stale_temporary_files_are_kept_while_their_writer_lives(tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    article = folder / "a.md"
    article.write_bytes((FIXTURES / "sample-article.md").read_bytes())
    temp = folder / ".a.md.ce-x8k2m1q9.tmp"
    legacy = folder / ".a.md.abcd1234.tmp"  # an older version's name
    foreign = folder / ".notes.tmp"  # not ours: never touched
    for path in (temp, legacy, foreign):
        path.write_bytes(b"half")
    _age([temp, legacy, foreign], STALE_AFTER + 60)
    with file_lock(article):  # a live writer holds the lock: its temporary file is in use
        assert remove_stale([temp, legacy]) == []
    assert main(["bump", "--dry-run", str(folder)]) == 0
    capsys.readouterr()
    assert not temp.exists() and not legacy.exists() and foreign.exists()
    young = folder / ".a.md.ce-young123.tmp"
    young.write_bytes(b"x")
    assert remove_stale([young]) == [] and young.exists()


def test_list_says_what_it_removed(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_bytes((FIXTURES / "sample-article.md").read_bytes())
    stale = corpus / ".a.md.ce-q1w2e3r4.tmp"
    stale.write_bytes(b"x")
    _age([stale], STALE_AFTER + 1)
    assert main(["list", str(corpus)]) == 0
    assert "removed 1 temporary file left by an interrupted save" in capsys.readouterr().err
    assert not stale.exists()
