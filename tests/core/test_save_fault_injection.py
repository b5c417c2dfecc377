"""Fault injection: a process saving in a loop is killed at random moments; the article on disk is
always one complete version, never half of one, and the temporary files a kill leaves behind are
hidden, so nothing that lists articles ever takes one for an article."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editor.core.files.walk import iter_article_files

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KILLS = 200

# Runs without site (fast start); finds `editor` through sys.path. Writes A, B, A, B... with safe_save.
CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from editor.core.files.save import safe_save
path = sys.argv[2]
versions = [open(sys.argv[3], 'rb').read(), open(sys.argv[4], 'rb').read()]
sys.stdout.write('ready\\n')
sys.stdout.flush()
i = 0
while True:
    safe_save(path, versions[i % 2], None)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_saves_leave_a_complete_version(tmp_path):
    sample = (FIXTURES / "sample-article.md").read_bytes()
    # two complete versions of one article, large enough that a kill often lands inside a write
    version_a = sample + b"\n" + b"Version A paragraph.\n" * 20000
    version_b = sample.replace(b"confidence: high\nlast_verified", b"confidence: low\nlast_verified", 1) + \
        b"\n" + b"Version B paragraph, a little longer.\n" * 15000
    assert version_a != version_b
    a_file, b_file = tmp_path / "a.bin", tmp_path / "b.bin"
    a_file.write_bytes(version_a)
    b_file.write_bytes(version_b)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "article.md"
    article.write_bytes(version_a)

    rng = random.Random(20261128)
    seen = {"A": 0, "B": 0}
    leftovers = 0
    started = time.monotonic()
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-S", "-c", CHILD, str(ROOT), str(article), str(a_file),
                                  str(b_file)], stdout=subprocess.PIPE)
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == b"ready\n"
            time.sleep(rng.uniform(0, 0.020))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
        data = article.read_bytes()
        assert data in (version_a, version_b), f"partial file: {len(data)} bytes"
        seen["A" if data == version_a else "B"] += 1

        names = sorted(os.listdir(corpus))
        strays = [name for name in names if name != "article.md"]
        for name in strays:
            assert name.startswith(".article.md.") and name.endswith(".tmp"), name
        assert list(iter_article_files([corpus])) == [article]
        for name in strays:
            (corpus / name).unlink()
        leftovers += len(strays)
    elapsed = time.monotonic() - started

    assert seen["A"] and seen["B"], seen  # the child really was saving when it was killed
    assert elapsed < 30, elapsed
    print(f"{KILLS} kills in {elapsed:.1f}s: {seen}, {leftovers} temporary files left by kills mid-save")
