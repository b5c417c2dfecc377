"""`corpus-editor check-links`: a corpus whose sources live on loopback servers, the registries pointed
there through CORPUS_EDITOR_DOI_BASE and CORPUS_EDITOR_ARXIV_API, the command run as a real process."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from editor.cli import main
from tests.core.verify.loopback import LoopbackServer, Reply, redirect
from tests.core.verify.test_arxiv import api
from tests.core.verify.test_doi import RSA, csl, handle

ROOT = Path(__file__).resolve().parents[1]

ARTICLE = """---
id: cli-sources
title: "Sources: all kinds"
last_verified: "2026-11-01"
atomic_facts:
  - id: f1
    statement: >-
      RSA was published in 1978 in the Communications of the ACM.
    source_title: A method for obtaining digital signatures and public-key cryptosystems
    source_url: {doi_url}
    confidence: high
  - id: f2
    statement: The Transformer replaced recurrence with attention.
    source_url: https://arxiv.org/abs/1706.03762
primary_sources:
  - title: "{rsa}"
    year: 1978
    url: {doi_url}
  - title: Attention Is All You Need
    year: 2017
    url: https://arxiv.org/abs/1706.03762
  - title: The live page
    url: {site}/page
secondary_sources:
  - title: A wrong title for the DOI
    year: 1990
    doi: "10.1145/359340.359342"
  - title: Behind a wall
    url: {site}/wall
  - title: A file share
    url: ftp://ftp.example.org/pub/paper.pdf
disputed_statements:
  - statement: Someone disagrees.
    source_url: {site}/dead
---
## TL;DR
Body.
"""

CLEAN = """---
id: clean
title: Only a live page
primary_sources:
  - title: The live page
    url: {site}/page
  - title: Moved
    url: {site}/old
---
Body.
"""


@pytest.fixture
def world(tmp_path):
    site = LoopbackServer("127.0.0.60", {"/page": Reply(200), "/wall": Reply(403, {"cf-mitigated": "challenge"}),
                                         "/dead": Reply(404), "/old": redirect(308, "/new"), "/new": Reply(200)})
    registry = LoopbackServer("127.0.0.61", {
        "/api/handles/10.1145/359340.359342": handle("10.1145/359340.359342"),
        "/10.1145/359340.359342": csl(RSA.lower(), published_print=1978),
        "/api/query": api}, site.log)
    corpus = tmp_path / "corpus"
    (corpus / "cs").mkdir(parents=True)
    doi_url = "https://doi.org/10.1145/359340.359342"
    (corpus / "cs" / "sources.md").write_text(ARTICLE.format(doi_url=doi_url, rsa=RSA, site=site.url("")))
    (corpus / "cs" / "clean.md").write_text(CLEAN.format(site=site.url("")))
    (corpus / "README.txt").write_text("Not an article.\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "CORPUS_EDITOR_DOI_BASE": registry.base,
           "CORPUS_EDITOR_ARXIV_API": registry.url("/api/query"), "PYTHONPATH": str(ROOT)}
    yield {"site": site, "registry": registry, "corpus": corpus, "env": env, "log": site.log}
    site.close()
    registry.close()


def cli(world, *args, **options):
    return subprocess.run([sys.executable, "-m", "editor", "check-links", *args], cwd=world["corpus"],
                          env=world["env"], capture_output=True, text=True, timeout=120, **options)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_json_has_one_object_per_reference_and_exit_1_for_a_broken_source(world):
    before = snapshot(world["corpus"])
    done = cli(world, "--format", "json", ".")
    assert done.returncode == 1, done.stderr
    records = json.loads(done.stdout)
    by_field = {(r["file"], r["field"]): r for r in records}
    sources = {field: r for (file, field), r in by_field.items() if file == "cs/sources.md"}
    assert list(sources) == ["atomic_facts[0].source_url", "atomic_facts[1].source_url", "primary_sources[0].url",
                             "primary_sources[1].url", "primary_sources[2].url", "secondary_sources[0].doi",
                             "secondary_sources[1].url", "secondary_sources[2].url",
                             "disputed_statements[0].source_url"]
    expected = {
        "atomic_facts[0].source_url": ("doi", "alive", []),
        "atomic_facts[1].source_url": ("arxiv", "alive", []),
        "primary_sources[0].url": ("doi", "alive", []),
        "primary_sources[1].url": ("arxiv", "alive", []),
        "primary_sources[2].url": ("url", "alive", []),
        "secondary_sources[0].doi": ("doi", "alive", ["title", "year"]),
        "secondary_sources[1].url": ("url", "blocked", []),
        "secondary_sources[2].url": ("url", "skipped", []),
        "disputed_statements[0].source_url": ("url", "broken", []),
    }
    for field, (kind, verdict, mismatch) in expected.items():
        record = sources[field]
        assert (record["kind"], record["verdict"], record["mismatch"]) == (kind, verdict, mismatch), field
        assert set(record) >= {"file", "field", "line", "url", "kind", "verdict", "status", "final_url", "mismatch",
                               "detail", "checked_at", "cached"}
        assert record["cached"] is False and record["detail"]
    text = (world["corpus"] / "cs" / "sources.md").read_text().splitlines()
    for record in sources.values():
        assert record["url"] in text[record["line"] - 1]
    assert sources["disputed_statements[0].source_url"]["status"] == 404
    assert sources["primary_sources[1].url"]["final_url"] == "https://arxiv.org/abs/1706.03762v7"
    assert sources["secondary_sources[0].doi"]["url"] == "10.1145/359340.359342"
    moved = by_field[("cs/clean.md", "primary_sources[1].url")]
    assert (moved["verdict"], moved["final_url"]) == ("moved", world["site"].url("/new"))
    # one request per distinct target: the page is cited twice, the DOI three times, the arXiv id twice
    log = world["log"]
    assert len(log.of(path="/page")) == 1
    assert len(log.of(path="/api/handles/10.1145/359340.359342")) == 1
    assert len([e for e in log.of() if e.path.startswith("/api/query")]) == 1
    assert "check-links:" not in done.stderr  # no progress line when stderr is not a terminal
    assert snapshot(world["corpus"]) == before  # no article written, not even touched


def test_second_run_reuses_alive_results_without_a_request(world):
    cli(world, ".")
    log = world["log"]
    asked = {e.path for e in log.of()}
    count = len(log.of())
    done = cli(world, "--format", "json", ".")
    records = json.loads(done.stdout)
    alive = [r for r in records if r["verdict"] in ("alive", "moved", "blocked")]
    assert alive and all(r["cached"] for r in alive)
    new_requests = log.of()[count:]
    assert [e.path for e in new_requests] == ["/dead", "/dead"]  # only the broken one, HEAD and GET
    assert asked >= {e.path for e in new_requests}
    broken = next(r for r in records if r["verdict"] == "broken")
    assert broken["failed_checks"] == 2 and "2 failed checks within a day" in broken["detail"]


def test_exit_0_when_nothing_is_broken(world):
    done = cli(world, "cs/clean.md")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"cs/clean.md:8: moved: primary_sources[1].url: {world['site'].url('/old')}: moved permanently (308) to "
        f"{world['site'].url('/new')}: cite that address"]
    assert done.stderr.strip() == "2 reference(s) in 1 file(s): 1 moved, 1 alive"


@pytest.mark.parametrize("args", [["missing-folder"], ["--format", "yaml", "."], ["--timeout", "0", "."],
                                  ["--max-age", "-1", "."], ["--timeout", "soon", "."], []])
def test_bad_usage_exits_2(world, args):
    done = cli(world, *args)
    assert done.returncode == 2
    assert done.stdout == "" and world["log"].of() == []


def test_a_bad_file_is_reported_and_the_others_still_checked(world):
    bad = world["corpus"] / "cs" / "broken-yaml.md"
    bad.write_text("---\ntitle: [unclosed\nprimary_sources:\n  - url: x\n---\nBody\n")
    done = cli(world, "--format", "json", "cs/clean.md", "cs/broken-yaml.md", "README.txt")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(line.startswith("cs/broken-yaml.md:") and line.split(":")[1].isdigit() for line in lines)
    assert any(line.startswith("README.txt:1: not an article") for line in lines)
    assert [r["file"] for r in json.loads(done.stdout)] == ["cs/clean.md", "cs/clean.md"]


def test_markdown_report_grouped_by_verdict(world):
    done = cli(world, "--format", "markdown", ".")
    report = done.stdout
    assert report.startswith("## Source check\n")
    headings = [line for line in report.splitlines() if line.startswith(("### ", "<details>"))]
    assert headings == ["### broken (1)", "### moved (1)", "### blocked (1)",
                        "### alive, but the title or year differs (1)",
                        "<details><summary>alive (6)</summary>", "<details><summary>skipped (1)</summary>"]
    assert f"| `cs/sources.md` | 34 | `disputed_statements[0].source_url` | <{world['site'].url('/dead')}> |" in report
    skipped = next(line for line in report.splitlines() if "ftp://" in line)
    assert skipped.endswith("| not checked |")


def test_text_lists_what_needs_a_look(world, monkeypatch, capsys):
    for name in ("XDG_CACHE_HOME", "CORPUS_EDITOR_DOI_BASE", "CORPUS_EDITOR_ARXIV_API"):
        monkeypatch.setenv(name, world["env"][name])
    monkeypatch.chdir(world["corpus"])
    assert main(["check-links", "cs/sources.md"]) == 1
    out, err = capsys.readouterr()
    verdicts = [line.split(": ")[1] for line in out.splitlines()]
    assert verdicts == ["alive (title and year mismatch)", "blocked", "skipped", "broken"]
    assert out.splitlines()[-1] == (f"cs/sources.md:34: broken: disputed_statements[0].source_url: "
                                    f"{world['site'].url('/dead')}: 404 Not Found; first failed check")
    assert err.strip() == "9 reference(s) in 1 file(s): 1 broken, 1 blocked, 6 alive, 1 skipped; 1 mismatch"


def test_offline_asks_nothing(world):
    cli(world, "cs/clean.md")
    count = len(world["log"].of())
    done = cli(world, "--offline", "--format", "json", ".")
    assert len(world["log"].of()) == count
    records = json.loads(done.stdout)
    assert {r["verdict"] for r in records if r["file"] == "cs/clean.md"} == {"alive", "moved"}
    assert all(r["cached"] for r in records if r["file"] == "cs/clean.md")
    # the page both articles cite is remembered; nothing else of sources.md was ever checked
    assert {(r["field"], r["verdict"]) for r in records if r["file"] == "cs/sources.md" and r["cached"]} == {
        ("primary_sources[2].url", "alive")}
    assert {r["verdict"] for r in records if r["file"] == "cs/sources.md" and not r["cached"]} == {"skipped"}
    assert done.returncode == 0


def test_progress_on_a_terminal(world):
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "editor", "check-links", "cs/clean.md"], cwd=world["corpus"],
                              env=world["env"], stdout=subprocess.PIPE, stderr=follower, timeout=120)
        os.close(follower)
        follower = None
        seen = b""
        while select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    assert b"check-links: 2/2" in seen


def test_validate_stays_offline(world):
    done = subprocess.run([sys.executable, "-m", "editor", "validate", "."], cwd=world["corpus"], env=world["env"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1)
    assert "cs/sources.md" in done.stdout
    assert world["log"].of() == []
