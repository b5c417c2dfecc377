"""Changing a corpus's rule settings in its `.corpus-schema.yaml`, as the exact-edit core changes articles.

    path = set_rule_severity(root, "missing-section", "off")   # error | warning | off | None (the default)

The file is edited with the same checked splices as an article (`editor.core.document.yamlfile`): its
comments, order and quoting stay; it is created when absent; the result must still be a corpus schema
file the tools accept, or nothing is written. Saving goes through the safe save.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from editor.core.document import edits
from editor.core.document.errors import ArticleError, CorpusEditorError
from editor.core.document.yamlfile import YamlDocument
from editor.core.files.save import FileIdentity, create_new, read_with_identity, safe_save
from editor.core.validation.rules import RuleConfig
from editor.core.validation.schema import CORPUS_SCHEMA_NAME, SchemaError, split_corpus_file

LEVELS = ("error", "warning", "off")


def _document(path: Path) -> tuple[YamlDocument, bytes | None, FileIdentity | None]:
    try:
        data, identity = read_with_identity(path)
    except FileNotFoundError:
        return YamlDocument.from_bytes(b"", path), None, None
    except OSError as exc:
        raise SchemaError(f"cannot read the schema: {exc.strerror or exc}", str(path)) from None
    try:
        doc = YamlDocument.from_bytes(data, path)
    except ArticleError as exc:
        raise SchemaError(f"cannot edit the schema: {exc.message}", str(path), exc.line) from None
    if not isinstance(doc.data, dict):
        raise SchemaError("a corpus schema file must be a mapping (extends / schema / rules)", str(path))
    return doc, data, identity


def _operations(doc: YamlDocument, code: str, level: str | None) -> list[edits.Operation]:
    """The edits that give `rules.severity.CODE` the level (None: remove the override), tried in turn:
    the smallest first, then ones that rewrite a larger value (a flow mapping that cannot take a block)."""
    data = doc.data
    rules = data.get("rules")
    severity = rules.get("severity") if isinstance(rules, dict) else None
    if level is None:
        if isinstance(severity, dict) and code in severity:
            return [edits.RemoveKey(("rules", "severity"), code)]
        return []
    if isinstance(severity, dict):
        return [edits.set_path_value(("rules", "severity", code), level),
                edits.SetValue(("rules", "severity"), {**severity, code: level})]
    if isinstance(rules, dict):
        if "severity" in rules:  # `severity:` with no value yet
            return [edits.SetValue(("rules", "severity"), {code: level})]
        return [edits.AddKey(("rules",), "severity", {code: level}),
                edits.SetValue(("rules",), {**rules, "severity": {code: level}})]
    if "rules" in data:
        return [edits.SetValue(("rules",), {"severity": {code: level}})]
    return [edits.AddKey((), "rules", {"severity": {code: level}})]


def plan_rule_severity(root: str | Path, code: str, level: str | None,
                       ) -> tuple[Path, bytes | None, bytes, FileIdentity | None]:
    """(the schema file, its bytes now or None when it does not exist, its bytes after the change, the
    identity it was read with).

    Raises SchemaError (nothing written) when the file cannot be read or edited, or the result would not
    be a usable corpus schema file."""
    if level is not None and level not in LEVELS:
        raise SchemaError(f"a rule's severity is error, warning or off, not {level!r}")
    path = Path(root) / CORPUS_SCHEMA_NAME
    doc, before, identity = _document(path)
    if before is not None:
        _check(before, path)  # a file the tools refuse is the user's to fix: never rewritten around
    doc = doc.ends_with_newline()
    refusal = None
    for operation in _operations(doc, code, level):
        try:
            doc.apply(operation)
        except CorpusEditorError as exc:
            refusal = exc
            continue
        refusal = None
        break
    if refusal is not None:
        raise SchemaError(f"cannot set the severity of {code}: {getattr(refusal, 'message', refusal)}",
                          str(path)) from None
    after = doc.to_bytes()
    _check(after, path)
    return path, before, after, identity


def _check(data: bytes, path: Path) -> None:
    """The tools must read the new file as they will: PyYAML (YAML 1.1: `off` is false), then the rules."""
    try:
        loaded = yaml.safe_load(data.decode("utf-8-sig"))
    except yaml.YAMLError as exc:  # pragma: no cover - the splice was re-parsed already
        raise SchemaError(f"the change would not parse: {exc}", str(path)) from None
    _extends, _schema, rules = split_corpus_file(loaded, str(path))
    RuleConfig.from_mapping(rules, str(path))


def set_rule_severity(root: str | Path, code: str, level: str | None) -> Path:
    """Write `rules.severity.CODE: LEVEL` into the corpus's schema file (None removes the override, the
    rule's own severity applies again); returns the file. Raises SchemaError, or SaveConflict when the
    file changed while it was edited (nothing is overwritten)."""
    path, before, after, identity = plan_rule_severity(root, code, level)
    if identity is None:
        create_new(path, after)  # absent when read: if it appeared meanwhile, it is not overwritten
    elif before != after:
        safe_save(path, after, identity)
    return path
