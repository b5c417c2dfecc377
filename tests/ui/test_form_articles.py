"""The form on every fixture and sample article: built, every item shown, every problem reachable."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from editor.ui.form.object_list import ObjectListEditor

try:
    from tests.ui.form_helpers import open_form, settle
except ImportError:  # tests/ui is not a package
    from form_helpers import open_form, settle

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted([*ROOT.glob("tests/fixtures/articles/*.md"), *ROOT.glob("tests/fixtures/validation/*.md"),
                   *ROOT.glob("editor/resources/sample-corpus/**/*.md")])


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_form_handles_every_article(qtbot, tmp_path, source):
    path = tmp_path / source.name
    data = source.read_bytes()
    path.write_bytes(data)
    form, session = open_form(qtbot, path)
    for _section, fields in form.forms:
        for editor in fields.editors.values():
            if isinstance(editor, ObjectListEditor):
                for row in range(editor.model.rowCount()):
                    editor.select_row(row)
                    editor.proxy.index(row, 0).data()
    for problem in form.problems:
        if problem.field:
            form.focus_field(problem.field)
    form.grab()
    settle()
    form.flush()
    assert session.undo_stack.count() == 0  # looking never edits
    if session.doc is not None:
        assert session.current_bytes() == data
    assert path.read_bytes() == data


@pytest.mark.parametrize("name", ["crlf.md", "bom.md", "flow.md", "comments.md"])
def test_a_title_edit_is_one_line_in_any_layout(qtbot, tmp_path, name):
    source = ROOT / "tests" / "fixtures" / "articles" / name
    data = source.read_bytes()
    path = tmp_path / name
    path.write_bytes(data)
    form, session = open_form(qtbot, path)
    title = form.editor_at("title")
    title.edit.setText("A new title")
    title.edit.editingFinished.emit()
    new = session.current_bytes()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    old_lines, new_lines = data.split(newline), new.split(newline)
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(changed) == 1 and b"A new title" in new_lines[changed[0]]
    assert new.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
