"""Looks: follow the system's light or dark palette, with calm spacing and a few semantic colours.

The window never hard-codes a background. Semantic colours (stale amber, error red, muted text) are
picked from the current palette's lightness so they read in both schemes. `apply_theme(app, "dark")`
forces a dark palette (screenshots, platforms without a colour-scheme hint).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from editor.paths import icon_path

SCHEMES = ("system", "light", "dark")

STYLE_SHEET = """
QTableView { gridline-color: palette(midlight); }
QTableView::item { padding: 2px 4px; }
QLineEdit, QComboBox { padding: 3px 6px; }
QToolBar { spacing: 6px; padding: 2px 4px; }
QStatusBar QLabel { padding: 0 6px; }
QHeaderView::section:horizontal { padding: 4px 4px; }
QLabel#banner { padding: 8px 10px; border-radius: 4px; }
"""


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#26282b"), QColor("#1d1f21"), QColor("#e3e3e3")
    roles = {
        QPalette.ColorRole.Window: window, QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base, QPalette.ColorRole.AlternateBase: QColor("#232528"),
        QPalette.ColorRole.ToolTipBase: QColor("#303236"), QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8a8d91"), QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2f3135"), QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"), QPalette.ColorRole.Light: QColor("#3a3d41"),
        QPalette.ColorRole.Midlight: QColor("#34373b"), QPalette.ColorRole.Mid: QColor("#2a2c2f"),
        QPalette.ColorRole.Dark: QColor("#151617"), QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: QColor("#3d6fb4"), QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#7fb3ff"), QPalette.ColorRole.LinkVisited: QColor("#c49bff"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d81"))
    return p


def apply_theme(app: QApplication, scheme: str = "system") -> None:
    """The platform's own style and palette (so light/dark follow the system), or Fusion with a forced
    light/dark palette; calm spacing either way."""
    if scheme != "system" or app.style().name().lower() == "windows":  # the legacy style knows no dark
        app.setStyle("Fusion")
    if scheme == "dark":
        app.setPalette(_dark_palette())
    elif scheme == "light":
        app.setPalette(app.style().standardPalette())
    font = app.font()
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(10)
        app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def stale_color() -> QColor:
    return QColor("#f0b45a") if is_dark() else QColor("#a35a00")


def error_color() -> QColor:
    return QColor("#ff7b72") if is_dark() else QColor("#c62828")


def warning_color() -> QColor:
    return stale_color()


def ok_color() -> QColor:
    return QColor("#7ee787") if is_dark() else QColor("#1b7a34")


def mark_colors() -> tuple[QColor, QColor]:
    """(background, text) of a term marked in a source's text: a highlighter's yellow in both schemes."""
    return (QColor("#6b5a12"), QColor("#fff4c2")) if is_dark() else (QColor("#ffe58a"), QColor("#1f1a00"))


def muted_color() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def banner_colors() -> tuple[QColor, QColor]:
    """(background, text) for the raw-mode banner."""
    if is_dark():
        return QColor("#4a2b2b"), QColor("#ffd9d6")
    return QColor("#fdecea"), QColor("#7a1c14")


def monospace_font() -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    return font


def color_scheme_name() -> str:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return "dark"
    if scheme == Qt.ColorScheme.Light:
        return "light"
    return "dark" if is_dark() else "light"


# Qt scales headings by a size adjustment that wins over a point size: use the CSS keywords
PREVIEW_CSS = """
h1 { font-size: x-large; font-weight: 600; margin-bottom: 4px; }
h2 { font-size: large; font-weight: 600; margin-top: 14px; }
h3 { font-size: medium; font-weight: 600; }
p, li { line-height: 135%; }
li { margin-bottom: 4px; }
code, pre { font-family: monospace; }
small { font-size: 9pt; }
"""


def app_header(*lines: QWidget, scale: float = 1.5) -> QHBoxLayout:
    """The application's icon beside its name in large type, `lines` below the name (About, welcome)."""
    icon = QLabel()
    icon.setPixmap(QPixmap(str(icon_path(64))))
    name = QLabel("Corpus Editor")
    font = name.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setWeight(QFont.Weight.DemiBold)
    name.setFont(font)
    titles = QVBoxLayout()
    titles.addWidget(name)
    for line in lines:
        titles.addWidget(line)
    header = QHBoxLayout()
    header.setSpacing(16)
    header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    header.addLayout(titles, 1)
    return header
