"""`corpus-editor list` as a user runs it: formats, filters, messages and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from editor.cli import list_command, main
from tests.test_index import article

TODAY = dt.date.today()


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir(parents=True)
    (root / ".corpus-schema.yaml").write_text("extends: default\n")  # declares the corpus root
    article(root, "ai/alpha.md", title="Alpha attention", body="Transformers use attention.",
            last_verified=days_ago(10))
    article(root, "ai/beta.md", title="Beta", body="Recurrent networks.", last_verified=days_ago(20),
            language="fr")
    article(root, "physics/gamma.md", title="Gamma: rays", last_verified=days_ago(300), confidence="medium")
    (root / "physics" / "broken.md").write_text('---\nid: broken\ntitle: "open\n---\n')
    (root / "README.txt").write_text("Not an article.\n")
    (root / "ai" / ".gitkeep").write_text("")
    return root


def run_list(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["list", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_articles_with_their_counts(corpus, capsys):
    code, out, err = run_list(capsys, "--format", "json", str(corpus))
    assert code == 0
    rows = json.loads(out)
    assert [Path(r["path"]).relative_to(corpus).as_posix() for r in rows] == [
        "ai/alpha.md", "ai/beta.md", "physics/broken.md", "physics/gamma.md"]
    alpha = rows[0]
    assert alpha["path"] == os.path.join(str(corpus), "ai", "alpha.md")
    assert {k: alpha[k] for k in ("id", "title", "category", "language", "confidence", "last_verified",
                                  "updated", "facts", "sources", "errors", "warnings")} == {
        "id": "alpha", "title": "Alpha attention", "category": "test", "language": "en", "confidence": "high",
        "last_verified": days_ago(10), "updated": None, "facts": 1, "sources": 2, "errors": 0, "warnings": 0}
    broken = rows[2]
    assert broken["error"].startswith("malformed YAML") and broken["error_line"] == 3
    assert broken["errors"] == 1
    assert "2 non-article files left out" in err
    assert "1 article could not be read" in err


def test_csv_and_table(corpus, capsys):
    code, out, _ = run_list(capsys, "--format", "csv", str(corpus))
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert len(records) == 4 and records[3]["title"] == "Gamma: rays" and records[3]["last_verified"] == days_ago(300)
    assert records[0]["errors"] == "0" and records[0]["duplicate_id"] == "false" and records[0]["updated"] == ""
    assert "score" not in records[0]

    code, out, _ = run_list(capsys, str(corpus))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["PATH", "TITLE", "LANG", "CONF", "VERIFIED", "FACTS", "SRC", "ERR", "WARN"]
    assert len(lines) == 5
    assert "! malformed YAML" in lines[3] and "(line 3)" in lines[3]
    assert lines[4].startswith(os.path.join(str(corpus), "physics", "gamma.md"))


def test_filters_search_and_sort(corpus, capsys):
    def listed(*args: str) -> list[str]:
        code, out, _ = run_list(capsys, "--format", "json", *args, str(corpus))
        assert code == 0
        return [Path(r["path"]).name for r in json.loads(out)]

    assert listed("--stale", "180") == ["gamma.md"]
    assert listed("--stale", "15") == ["beta.md", "gamma.md"]
    assert listed("--where", "language=fr") == ["beta.md"]
    assert listed("--where", "language=fr", "--where", "language=en") == ["alpha.md", "beta.md", "gamma.md"]
    assert listed("--where", "confidence=high", "--where", "language=en") == ["alpha.md"]
    assert listed("--where", "errors>0") == ["broken.md"]
    assert listed("--sort=-last_verified") == ["alpha.md", "beta.md", "gamma.md", "broken.md"]
    assert listed("--search", "attention") == ["alpha.md"]
    _, out, _ = run_list(capsys, "--format", "json", "--search", "recurrent", str(corpus))
    hit = json.loads(out)[0]
    assert hit["score"] > 0 and "[Recurrent]" in hit["snippet"]


def test_a_folder_inside_the_corpus_lists_only_that_folder(corpus, capsys, monkeypatch):
    code, out, err = run_list(capsys, "--format", "json", str(corpus / "ai"))
    assert code == 0
    assert [r["path"] for r in json.loads(out)] == [os.path.join(str(corpus / "ai"), "alpha.md"),
                                                    os.path.join(str(corpus / "ai"), "beta.md")]
    assert "1 non-article file left out" in err
    monkeypatch.chdir(corpus)
    code, out, _ = run_list(capsys, "--format", "csv", "physics")
    assert [r["path"] for r in csv.DictReader(io.StringIO(out))] == [os.path.join("physics", "broken.md"),
                                                                     os.path.join("physics", "gamma.md")]
    code, out, _ = run_list(capsys, "--format", "json", "ai/beta.md")
    assert [r["path"] for r in json.loads(out)] == ["ai/beta.md"]


def test_warm_runs_and_rescan(corpus, capsys):
    assert run_list(capsys, "--format", "json", str(corpus))[0] == 0
    path = corpus / "ai" / "beta.md"
    path.write_text(path.read_text().replace('title: "Beta"', 'title: "Beta two"'))
    _, out, _ = run_list(capsys, "--format", "json", str(corpus))
    assert json.loads(out)[1]["title"] == "Beta two"
    assert run_list(capsys, "--rescan", "--format", "json", str(corpus))[0] == 0


def test_bad_arguments_exit_2(corpus, capsys, tmp_path):
    code, _, err = run_list(capsys, "--where", "colour=red", str(corpus))
    assert code == 2 and "unknown field 'colour'" in err
    code, _, err = run_list(capsys, "--sort", "nope", str(corpus))
    assert code == 2 and "unknown sort field" in err
    code, _, err = run_list(capsys, str(tmp_path / "missing"))
    assert code == 2 and "no such file or folder" in err
    with pytest.raises(SystemExit) as info:
        main(["list", "--stale", "soon", str(corpus)])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["list", "--format", "xml", str(corpus)])
    assert info.value.code == 2


def test_empty_results(corpus, capsys):
    code, out, err = run_list(capsys, "--format", "json", "--search", "nothing-like-this", str(corpus))
    assert (code, json.loads(out)) == (0, [])
    code, out, err = run_list(capsys, "--search", "nothing-like-this", str(corpus))
    assert code == 0 and out == "" and "(no articles)" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal(corpus, capsys, monkeypatch):
    for i in range(12):
        article(corpus, f"more/a{i}.md")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(list_command, "PROGRESS_MIN_FILES", 5)
    assert main(["list", "--format", "json", str(corpus)]) == 0
    shown = terminal.getvalue()
    assert "\rindexing 0/18 files (0%)" in shown and "indexing 18/18 files (100%)" in shown
    assert "\r\033[K" in shown  # the line is cleared before the summary
    terminal.truncate(0)
    assert main(["list", "--format", "json", str(corpus)]) == 0
    assert "indexing" not in terminal.getvalue()  # a warm start reads nothing


def test_no_progress_when_stderr_is_not_a_terminal(corpus):
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-m", "editor", "list", "--format", "json", str(corpus)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0
    assert "indexing" not in result.stderr
    assert len(json.loads(result.stdout)) == 4


def test_a_corpus_folder_inside_a_bigger_repository_is_its_own_corpus(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)  # a repository is no sign of where a corpus starts
    article(repo, "docs/kb/ai/one.md", id="same-id", title="One", last_verified=days_ago(5))
    article(repo, "tests/fixtures/copy.md", id="same-id", title="A test copy", last_verified=days_ago(5))
    code, out, _ = run_list(capsys, "--format", "json", str(repo / "docs" / "kb"))
    assert code == 0
    rows = json.loads(out)
    assert [row["title"] for row in rows] == ["One"]
    assert rows[0]["duplicate_id"] is False and rows[0]["errors"] == 0
