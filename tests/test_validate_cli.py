"""`corpus-editor validate`: text and JSON output, severities, exit codes, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from editor.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validation"
TODAY = ["--today", "2026-11-28"]


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    for name, target in (("clean.md", "biology/clean.md"), ("homepage-source.md", "ai/homepage.md"),
                         ("schema-confidence.md", "ai/confidence.md"), ("clean-zh.md", "zh/clean-zh.md")):
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (FIXTURES / name).read_text(encoding="utf-8")
        shutil.copyfile(FIXTURES / name, path)
        path.write_text(text.replace("kb-2026-00060", Path(target).stem), encoding="utf-8")
    (folder / "README.txt").write_text("Not an article.\n", encoding="utf-8")
    return folder


def test_text_output_and_exit_code_with_errors(corpus, capsys, monkeypatch):
    monkeypatch.chdir(corpus)
    assert main(["validate", *TODAY, "."]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "ai/confidence.md:7: error: confidence: must be one of high, medium, low, not 'certain' (schema)",
        "ai/homepage.md:50: warning: primary_sources[1].url: https://www.nature.com/ is a site's homepage: "
        "cite the specific page that supports the facts (homepage-source)",
    ]
    assert err.strip() == "1 error(s), 1 warning(s) in 2 file(s)"


def test_warnings_alone_exit_zero_and_min_severity_hides_them(corpus, capsys):
    homepage = str(corpus / "ai" / "homepage.md")
    assert main(["validate", *TODAY, homepage]) == 0
    assert "(homepage-source)" in capsys.readouterr().out
    assert main(["validate", *TODAY, "--min-severity", "error", homepage]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", *TODAY, "--min-severity", "error", str(corpus)]) == 1
    assert [line.split(": ")[1] for line in capsys.readouterr().out.splitlines()] == ["error"]


def test_clean_files_print_nothing(corpus, capsys):
    assert main(["validate", *TODAY, str(corpus / "biology"), str(corpus / "zh" / "clean-zh.md")]) == 0
    assert capsys.readouterr() == ("", "")


def test_json_output(corpus, capsys):
    assert main(["validate", "--format", "json", *TODAY, str(corpus)]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert problems == [
        {"file": str(corpus / "ai" / "confidence.md"), "field": "confidence", "line": 7, "severity": "error",
         "code": "schema", "message": "must be one of high, medium, low, not 'certain'"},
        {"file": str(corpus / "ai" / "homepage.md"), "field": "primary_sources[1].url", "line": 50,
         "severity": "warning", "code": "homepage-source",
         "message": "https://www.nature.com/ is a site's homepage: cite the specific page that supports the facts"},
    ]
    assert main(["validate", "--format", "json", *TODAY, str(corpus / "biology")]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_malformed_yaml_is_reported_with_its_line_and_the_rest_is_checked(corpus, capsys):
    (corpus / "ai" / "a-broken.md").write_text("---\nid: x\ntitle: [a\n---\n", encoding="utf-8")
    assert main(["validate", "--format", "json", *TODAY, str(corpus)]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(Path(p["file"]).name, p["code"], p["line"]) for p in problems] == [
        ("a-broken.md", "yaml-error", 3), ("confidence.md", "schema", 7), ("homepage.md", "homepage-source", 50)]


def test_schema_option(corpus, tmp_path, capsys):
    custom = tmp_path / "custom-schema.yaml"
    custom.write_text("schema:\n  properties:\n    confidence: {enum: [high, medium, low, certain]}\n"
                      "rules:\n  severity: {homepage-source: error}\n", encoding="utf-8")
    assert main(["validate", "--schema", str(custom), *TODAY, "--format", "json", str(corpus)]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["severity"]) for p in problems] == [("homepage-source", "error")]


def test_today_option_moves_staleness(corpus, capsys):
    clean = str(corpus / "biology" / "clean.md")
    assert main(["validate", "--today", "2027-05-01", clean]) == 0
    assert "(stale)" in capsys.readouterr().out
    assert main(["validate", "--today", "2027-12-01", clean]) == 1
    assert "error: last_verified" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["validate"],
    ["validate", "--format", "xml", "."],
    ["validate", "--min-severity", "info", "."],
    ["validate", "--today", "28/11/2026", "."],
])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage: corpus-editor validate" in capsys.readouterr().err


def test_missing_path_and_bad_schema_exit_2(corpus, tmp_path, capsys):
    assert main(["validate", str(corpus / "nope.md")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: [\n", encoding="utf-8")
    assert main(["validate", "--schema", str(bad), str(corpus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"corpus-editor validate: {bad}:") and "malformed YAML" in err
    assert main(["validate", "--schema", str(tmp_path / "missing.yaml"), str(corpus)]) == 2
    assert "cannot read the schema" in capsys.readouterr().err


def test_a_real_subprocess_run(corpus):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "editor", "validate", "--format", "json", *TODAY, str(corpus)],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 1, result.stderr
    assert [p["code"] for p in json.loads(result.stdout)] == ["schema", "homepage-source"]
    assert "Traceback" not in result.stderr
    text = subprocess.run([sys.executable, "-m", "editor", "validate", *TODAY, str(corpus / "zh")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert (text.returncode, text.stdout, text.stderr) == (0, "", "")


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "corpus-editor-validate")
    assert hook["entry"] == "corpus-editor validate"
    assert hook["language"] == "python"
    pattern = re.compile(hook["files"])
    assert all(pattern.search(name) for name in ("a.md", "zh/b.markdown", "notes.txt"))
    assert not any(pattern.search(name) for name in ("a.py", "schema.yaml", "a.md.bak"))


def test_empty_files_and_fieldless_front_matter_are_empty_article_warnings(corpus, capsys, monkeypatch):
    monkeypatch.chdir(corpus)
    Path("ai/empty.md").write_bytes(b"")
    Path("ai/blank.md").write_bytes(b"\xef\xbb\xbf \n\t\n")
    Path("ai/nofields.md").write_text("---\n---\nBody only.\n", encoding="utf-8")
    Path("ai/plain.md").write_text("# Just Markdown\n", encoding="utf-8")
    assert main(["validate", *TODAY, "--min-severity", "warning", "ai/empty.md", "ai/blank.md", "ai/plain.md"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "ai/blank.md:1: warning: the file is empty: an article cut short? Restore its text or remove the file "
        "(empty-article)",
        "ai/empty.md:1: warning: the file is empty: an article cut short? Restore its text or remove the file "
        "(empty-article)",
    ]
    main(["validate", *TODAY, "--format", "json", "ai/nofields.md"])
    codes = [(p["code"], p["line"]) for p in json.loads(capsys.readouterr().out)]
    assert ("empty-article", 1) in codes
    # a file without front matter is silent unless --strict
    assert main(["validate", *TODAY, "ai/plain.md", "README.txt"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", *TODAY, "--strict", "ai/plain.md"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ai/plain.md:1: warning: no front matter: the first line is not '---': not read as an article "
        "(not-an-article)"]


def test_the_index_counts_an_empty_file_as_validate_does(tmp_path):
    from editor.core.index.store import CorpusIndex
    from editor.core.validation import rules, schema

    root = tmp_path / "c"
    root.mkdir()
    (root / "empty.md").write_bytes(b"")
    (root / "nofields.md").write_text("---\n---\n", encoding="utf-8")
    problems = rules.check_corpus([root], schema.load_schema(root))
    expected: dict[str, list[int]] = {}
    for problem in problems:
        counts = expected.setdefault(Path(problem.file).name, [0, 0])
        counts[0 if problem.severity == "error" else 1] += 1
    idx = CorpusIndex(root, cache_dir=tmp_path / "cache")
    try:
        idx.refresh()
        rows = {row.path: [row.errors, row.warnings] for row in idx.rows(include_non_articles=True)}
    finally:
        idx.close()
    assert rows["empty.md"] == expected["empty.md"] == [0, 1]
    assert rows["nofields.md"] == expected["nofields.md"]
