"""The form on every fixture and sample article: built, every item shown, every problem reachable."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from editor.ui.form.list_editors import ObjectListEditor

try:
    from tests.ui.form_helpers import open_form, settle
except ImportError:  # tests/ui is not a package
    from form_helpers import open_form, settle

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted([*ROOT.glob("tests/fixtures/articles/*.md"), *ROOT.glob("tests/fixtures/validation/*.md"),
                   *ROOT.glob("resources/sample-corpus/**/*.md")])


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
