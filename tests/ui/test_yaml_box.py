"""The form's YAML boxes write only what changed, as one undo step, through the real widgets."""

from __future__ import annotations

from editor.ui.form.yaml_editor import YamlFieldEditor

try:
    from tests.ui.form_helpers import SAMPLE, open_form, write_article
except ImportError:  # run from tests/ui
    from form_helpers import SAMPLE, open_form, write_article

DISPUTED = """disputed_statements:
  - statement: >-
      Open models match closed ones on every benchmark that matters to
      practitioners, according to the leaderboards.
    by: 'vendor blog'   # who says so
  - Plain text dispute
"""


def test_one_word_changed_in_the_box_changes_one_word_of_the_file(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("disputed_statements: []\n", DISPUTED)
    form, session = open_form(qtbot, write_article(tmp_path, text))
    box = form.editor_at("disputed_statements")
    assert isinstance(box, YamlFieldEditor)
    shown = box.edit.toPlainText()
    assert "every benchmark" in shown
    steps = session.undo_stack.count()
    box.edit.setPlainText(shown.replace("every benchmark", "most benchmarks"))
    box.flush()
    assert session.doc.text == text.replace("every benchmark", "most benchmarks")
    assert session.undo_stack.count() == steps + 1
    # structure: an item added and a key removed, still one step, the folded statement untouched
    box.edit.setPlainText(box.edit.toPlainText().replace("  by: vendor blog\n", "") + "\n- 'yes'")
    box.flush()
    assert session.doc.get("disputed_statements")[1:] == ["Plain text dispute", "yes"]
    assert "      Open models match closed ones on most benchmarks that matters to\n" in session.doc.text
    assert "  - Plain text dispute\n  - \"yes\"\n" in session.doc.text  # the file quotes with double quotes
    assert session.undo_stack.count() == steps + 2
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert session.doc.text == text


def test_the_box_reads_yaml_as_the_articles_are_read(qtbot, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        'updated: "2026-05-24"\n', 'updated: "2026-05-24"\nx-flags:\n  mode: "on"\n  code: 0o17x\n')
    form, session = open_form(qtbot, write_article(tmp_path, text))
    box = form.other.editor_for("x-flags")
    assert box.edit.toPlainText() == "mode: 'on'\ncode: 0o17x"
    box.edit.setPlainText("mode: on\ncode: 0o17x")  # YAML 1.2: `on` is the word, as in the file
    box.flush()
    assert session.doc.text == text
    box.edit.setPlainText("mode: off\ncode: 0o17x")
    box.flush()
    assert session.doc.get("x-flags") == {"mode": "off", "code": "0o17x"}
    assert '  mode: "off"\n' in session.doc.text
