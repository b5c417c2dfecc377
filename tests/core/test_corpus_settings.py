"""A rule's severity written into `.corpus-schema.yaml` with the exact-edit core: comments and style kept,
the file created when absent, nothing written when the result would not be a usable schema file."""

from __future__ import annotations

import os

import pytest

from editor.core.document.edits import AddKey, RemoveKey, SetValue
from editor.core.document.errors import SaveConflict
from editor.core.document.yamlfile import YamlDocument
from editor.core.files.save import create_new
from editor.core.validation.corpus_settings import plan_rule_severity, set_rule_severity
from editor.core.validation.rules import RuleConfig
from editor.core.validation.schema import CORPUS_SCHEMA_NAME, SchemaError, load_schema


def severities(root) -> dict:
    return RuleConfig.from_schema(load_schema(root)).severity


def test_absent_file_is_created_with_the_override(tmp_path):
    path = set_rule_severity(tmp_path, "missing-section", "off")
    assert path == tmp_path / CORPUS_SCHEMA_NAME
    # `off` quoted: YAML 1.1 readers (PyYAML among them) would read a plain off as false
    assert path.read_text() == "rules:\n  severity:\n    missing-section: 'off'\n"
    assert severities(tmp_path) == {"missing-section": "off"}


def test_an_existing_file_keeps_its_comments_and_only_the_value_changes(tmp_path):
    original = ("# Our corpus: stricter about sources\r\n"
                "extends: default   # the bundled schema\r\n"
                "schema:\r\n"
                "  properties:\r\n"
                "    status: {enum: [draft, review, published]}\r\n"
                "rules:\r\n"
                "  stale_warning_days: 90  # a quarter\r\n"
                "  severity:\r\n"
                "    homepage-source: error   # never cite a homepage\r\n")
    (tmp_path / CORPUS_SCHEMA_NAME).write_bytes(original.encode())
    set_rule_severity(tmp_path, "homepage-source", "warning")
    set_rule_severity(tmp_path, "placeholder", "off")
    text = (tmp_path / CORPUS_SCHEMA_NAME).read_bytes().decode()
    assert text == original.replace("homepage-source: error", "homepage-source: warning") + "    placeholder: 'off'\r\n"
    assert severities(tmp_path) == {"homepage-source": "warning", "placeholder": "off"}
    # back to the rule's own severity: the override goes, the rest stays
    set_rule_severity(tmp_path, "placeholder", None)
    assert (tmp_path / CORPUS_SCHEMA_NAME).read_bytes().decode() == original.replace(
        "homepage-source: error", "homepage-source: warning")


@pytest.mark.parametrize("original, expected", [
    ("extends: default\n", "extends: default\nrules:\n  severity:\n    stale: 'off'\n"),
    ("rules:\n  stale_warning_days: 90", "rules:\n  stale_warning_days: 90\n  severity:\n    stale: 'off'\n"),
    ("rules:\n  severity: {homepage-source: error}\n",
     "rules:\n  severity: {homepage-source: error, stale: 'off'}\n"),
    ("rules:\n  severity:\n", "rules:\n  severity:\n    stale: 'off'\n"),
    ("rules: {stale_warning_days: 90}\n", "rules: {stale_warning_days: 90, severity: {stale: 'off'}}\n"),
    ("", "rules:\n  severity:\n    stale: 'off'\n"),
])
def test_each_shape_of_the_file_takes_the_override(tmp_path, original, expected):
    (tmp_path / CORPUS_SCHEMA_NAME).write_text(original)
    set_rule_severity(tmp_path, "stale", "off")
    assert (tmp_path / CORPUS_SCHEMA_NAME).read_text() == expected
    assert severities(tmp_path)["stale"] == "off"


def test_a_broken_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / CORPUS_SCHEMA_NAME
    path.write_text("rules:\n  severity: [oops\n")
    with pytest.raises(SchemaError) as caught:
        set_rule_severity(tmp_path, "stale", "off")
    assert caught.value.path == str(path) and caught.value.line
    assert path.read_text() == "rules:\n  severity: [oops\n"
    path.write_text("rules:\n  severity: [stale]\n")  # parses, but severity is not a mapping
    with pytest.raises(SchemaError):
        set_rule_severity(tmp_path, "stale", "off")
    assert path.read_text() == "rules:\n  severity: [stale]\n"
    with pytest.raises(SchemaError):
        plan_rule_severity(tmp_path, "stale", "loud")


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    from editor.core.validation import corpus_settings

    path = tmp_path / CORPUS_SCHEMA_NAME
    path.write_text("rules:\n  severity: {}\n")
    real_plan = corpus_settings.plan_rule_severity

    def plan_then_someone_writes(*args):
        planned = real_plan(*args)
        path.write_text("rules:\n  severity: {stale: error}\n  # someone else's edit\n")
        return planned

    monkeypatch.setattr(corpus_settings, "plan_rule_severity", plan_then_someone_writes)
    with pytest.raises(SaveConflict):
        set_rule_severity(tmp_path, "stale", "off")
    assert "someone else's edit" in path.read_text()


def test_yaml_document_edits_a_plain_file_exactly():
    doc = YamlDocument.from_bytes(b"\xef\xbb\xbf# top\nname: 'x'  # keep me\nitems:\n  - a\n")
    doc.apply(SetValue(("name",), "y"))
    doc.apply(AddKey((), "extra", [1, 2]))
    doc.apply(RemoveKey((), "items"))
    assert doc.to_bytes() == b"\xef\xbb\xbf# top\nname: 'y'  # keep me\nextra:\n  - 1\n  - 2\n"
    assert YamlDocument.from_bytes(b"").data == {}


def test_create_new_never_overwrites(tmp_path):
    target = tmp_path / "new" / "folder" / "a.md"
    create_new(target, b"one")
    assert target.read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        create_new(target, b"two")
    assert target.read_bytes() == b"one"
    assert sorted(os.listdir(target.parent)) == ["a.md"]  # no temporary file left behind
