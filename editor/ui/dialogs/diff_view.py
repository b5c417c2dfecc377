"""A read-only view of a unified diff, coloured by line kind."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser

from editor.ui import theme


def diff_html(diff: str) -> str:
    dark = theme.is_dark()
    added = "#1f3d25" if dark else "#e6f4ea"
    removed = "#4a2326" if dark else "#fdecea"
    header = "#7fb3ff" if dark else "#1f5fae"
    rows = []
    for line in diff.split("\n")[:-1] if diff.endswith("\n") else diff.split("\n"):  # "\n" only ends a line
        text = html.escape(line) or "&nbsp;"
        if line.startswith("#"):
            rows.append(f'<div style="color:{header}; font-style:italic">{text}</div>')
        elif line.startswith(("+++", "---")):
            rows.append(f'<div style="color:{header}; font-weight:600">{text}</div>')
        elif line.startswith("@@"):
            rows.append(f'<div style="color:{header}">{text}</div>')
        elif line.startswith("+"):
            rows.append(f'<div style="background:{added}">{text}</div>')
        elif line.startswith("-"):
            rows.append(f'<div style="background:{removed}">{text}</div>')
        else:
            rows.append(f"<div>{text}</div>")
    return '<pre style="font-family: monospace; white-space: pre-wrap">' + "".join(rows) + "</pre>"


class DiffView(QTextBrowser):
    def __init__(self, diff: str = "", parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setAccessibleName("Changes (unified diff)")
        self.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        self.set_diff(diff)

    def set_diff(self, diff: str) -> None:
        self.diff = diff
        self.setHtml(diff_html(diff) if diff else "<p><i>No changes.</i></p>")

    def loadResource(self, kind, url):
        return None
