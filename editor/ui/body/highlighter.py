"""Markdown syntax highlighting for the body editor: headings, emphasis, code, links, lists, quotes."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

from editor.ui import theme

_IN_FENCE = 1
_IN_FRONT_MATTER = 2


def _fmt(color: QColor | None = None, bold: bool = False, italic: bool = False, mono: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    if color is not None:
        f.setForeground(color)
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    if italic:
        f.setFontItalic(True)
    if mono:
        f.setFontFixedPitch(True)
    return f


class MarkdownHighlighter(QSyntaxHighlighter):
    def __init__(self, document, front_matter: bool = False):
        super().__init__(document)
        self.front_matter = front_matter  # raw mode: the text starts with a `---` block
        self._build_formats()

    def _build_formats(self) -> None:
        dark = theme.is_dark()
        accent = QColor("#7fb3ff") if dark else QColor("#1f5fae")
        muted = QColor("#8a8d91") if dark else QColor("#6b6f75")
        code = QColor("#c3e88d") if dark else QColor("#2e7d32")
        self.rules: list[tuple[re.Pattern, QTextCharFormat, int]] = [
            (re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"), _fmt(bold=True), 0),
            (re.compile(r"(?<![*\w])\*[^*\n]+\*(?!\*)|(?<![_\w])_[^_\n]+_(?![_\w])"), _fmt(italic=True), 0),
            (re.compile(r"`[^`\n]+`"), _fmt(code, mono=True), 0),
            (re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"), _fmt(accent), 0),
            (re.compile(r"<?https?://[^\s>)]+>?"), _fmt(accent), 0),
            (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s"), _fmt(accent, bold=True), 0),
        ]
        self.heading = _fmt(accent, bold=True)
        self.quote = _fmt(muted, italic=True)
        self.fence = _fmt(code, mono=True)
        self.yaml = _fmt(muted)

    def rehighlight_for_palette(self) -> None:
        self._build_formats()
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        prev = self.previousBlockState()
        block_number = self.currentBlock().blockNumber()
        if self.front_matter and ((block_number == 0 and text.strip() == "---") or prev == _IN_FRONT_MATTER):
            self.setFormat(0, len(text), self.yaml)
            closing = prev == _IN_FRONT_MATTER and text.rstrip() in ("---", "...")
            self.setCurrentBlockState(-1 if closing else _IN_FRONT_MATTER)
            return
        stripped = text.lstrip()
        if prev == _IN_FENCE or stripped.startswith(("```", "~~~")):
            self.setFormat(0, len(text), self.fence)
            opening = prev != _IN_FENCE
            closes = not opening and stripped.startswith(("```", "~~~"))
            self.setCurrentBlockState(-1 if closes else _IN_FENCE)
            return
        self.setCurrentBlockState(-1)
        if re.match(r"#{1,6}\s", text):
            self.setFormat(0, len(text), self.heading)
            return
        if stripped.startswith(">"):
            self.setFormat(0, len(text), self.quote)
        for pattern, fmt, group in self.rules:
            for m in pattern.finditer(text):
                self.setFormat(m.start(group), m.end(group) - m.start(group), fmt)
