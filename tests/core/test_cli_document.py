"""`get`, `set` and `bump` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from editor.cli import main


@pytest.fixture
def article(tmp_path, sample_bytes):
    path = tmp_path / "ai" / "sample.md"
    path.parent.mkdir()
    path.write_bytes(sample_bytes)
    return path


def test_get_prints_raw_scalars_and_json(article, capsys):
    assert main(["get", str(article), "title"]) == 0
    title = "AI Democratization: Open-Source Models, Low-Code AI, and Accessible Machine Learning"
    assert capsys.readouterr().out == title + "\n"
    assert main(["get", str(article), "derived_from_human_seed"]) == 0
    assert capsys.readouterr().out == "true\n"
    assert main(["get", str(article), "secondary_sources[1].authors"]) == 0
    assert json.loads(capsys.readouterr().out) == ["Seger, Elizabeth", "et al."]
    assert main(["get", str(article), "primary_sources[0]"]) == 0
    assert json.loads(capsys.readouterr().out)["year"] == 2024


def test_get_errors_name_file_and_line(article, capsys):
    assert main(["get", str(article), "atomic_facts[5]"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{article}:18: no field atomic_facts[5]")
    assert main(["get", str(article), "a[b"]) == 2


def test_set_writes_only_that_value(article, sample_bytes):
    assert main(["set", str(article), "completeness", "0.9"]) == 0
    assert article.read_bytes() == sample_bytes.replace(b"completeness: 0.85", b"completeness: 0.9")


def test_set_takes_the_replaced_values_type(article, sample_bytes, capsys):
    assert main(["set", str(article), "is_live_document", "true"]) == 0
    assert main(["set", str(article), "primary_sources[0].year", "2025"]) == 0
    expected = sample_bytes.replace(b"is_live_document: false", b"is_live_document: true").replace(
        b"    year: 2024\n    institution: Meta AI", b"    year: 2025\n    institution: Meta AI")
    assert article.read_bytes() == expected
    assert main(["set", str(article), "primary_sources[0].year", "soon"]) == 1
    assert "primary_sources[0].year must be a whole number, not 'soon'" in capsys.readouterr().err
    assert article.read_bytes() == expected


def test_set_without_schema_field_uses_the_old_values_type(tmp_path, capsys):
    path = tmp_path / "a.md"
    path.write_bytes(b"---\nreading_minutes: 5\nreviewed_on: 2026-01-01\n---\n")
    assert main(["set", str(path), "reading_minutes", "7"]) == 0
    assert main(["set", str(path), "reviewed_on", "2026-02-02"]) == 0
    assert path.read_bytes() == b"---\nreading_minutes: 7\nreviewed_on: 2026-02-02\n---\n"
    assert main(["set", str(path), "reading_minutes", "many"]) == 1
    assert capsys.readouterr().err == f"{path}:2: reading_minutes: 'many' is not an integer\n"
    assert main(["set", str(path), "new_flag", "true"]) == 0
    assert path.read_bytes().endswith(b"new_flag: true\n---\n")


def test_set_refuses_what_the_schema_forbids_unless_forced(article, sample_bytes, capsys):
    assert main(["set", str(article), "confidence", "certain"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{article}:7: confidence must be one of high, medium, low")
    assert article.read_bytes() == sample_bytes
    assert main(["set", str(article), "confidence", "certain", "--force"]) == 0
    assert article.read_bytes() == sample_bytes.replace(b"confidence: high\nlast", b"confidence: certain\nlast")


def test_set_same_value_leaves_file_untouched(article):
    before = article.stat().st_mtime_ns
    assert main(["set", str(article), "category", "ai"]) == 0
    assert article.stat().st_mtime_ns == before


def test_set_refuses_a_broken_file(tmp_path, capsys):
    path = tmp_path / "bad.md"
    path.write_bytes(b"---\ntitle: a\ntitle: b\n---\n")
    assert main(["set", str(path), "title", "c"]) == 1
    assert capsys.readouterr().err == f"{path}:3: duplicate key 'title'\n"
    assert path.read_bytes() == b"---\ntitle: a\ntitle: b\n---\n"


def test_bump_sets_dates_and_skips_current_and_broken(tmp_path, sample_bytes, capsys):
    (tmp_path / "a.md").write_bytes(sample_bytes)
    (tmp_path / "b.md").write_bytes(sample_bytes.replace(b'last_verified: "2026-05-24"',
                                                         b"last_verified: '2026-11-28'"))
    (tmp_path / "broken.md").write_bytes(b"---\ntitle: [\n---\n")
    (tmp_path / "README.txt").write_bytes(b"not an article\n")
    before_b = (tmp_path / "b.md").read_bytes()
    assert main(["bump", "--date", "2026-11-28", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'broken.md'}:" in err
    assert "1 updated, 1 already at 2026-11-28, 1 failed, 1 not articles" in err
    assert (tmp_path / "a.md").read_bytes() == sample_bytes.replace(b'last_verified: "2026-05-24"',
                                                                    b'last_verified: "2026-11-28"')
    assert (tmp_path / "b.md").read_bytes() == before_b
    assert (tmp_path / "broken.md").read_bytes() == b"---\ntitle: [\n---\n"


def test_bump_dry_run_prints_the_diff_and_writes_nothing(article, sample_bytes, capsys):
    assert main(["bump", "--dry-run", "--date", "2026-11-28", "--field", "last_verified", "--field", "updated",
                 str(article)]) == 0
    out = capsys.readouterr().out
    assert '-last_verified: "2026-05-24"\n+last_verified: "2026-11-28"\n' in out
    assert '-updated: "2026-05-24"\n+updated: "2026-11-28"\n' in out
    assert article.read_bytes() == sample_bytes


def test_bump_today_and_bad_usage(article, capsys):
    assert main(["bump", str(article)]) == 0
    assert f'last_verified: "{dt.date.today().isoformat()}"'.encode() in article.read_bytes()
    assert main(["bump", "--date", "yesterday", str(article)]) == 2
    with pytest.raises(SystemExit) as info:
        main(["bump"])
    assert info.value.code == 2


def test_command_line_runs_as_a_program(article, tmp_path):
    copy = tmp_path / "copy.md"
    shutil.copy(article, copy)
    result = subprocess.run([sys.executable, "-m", "editor", "set", str(copy), "atomic_facts[0].confidence", "low"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([sys.executable, "-m", "editor", "get", str(copy), "atomic_facts[0].confidence"],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout == "low\n"
    result = subprocess.run([sys.executable, "-m", "editor", "get", str(tmp_path / "missing.md"), "title"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "missing.md:1: No such file or directory" in result.stderr
