"""About Corpus Editor: the version and license from the installed package's metadata, and the folders
where the program keeps its files, each with a button that opens it in the file manager."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from editor import __version__
from editor.ui import theme

DISTRIBUTION = "corpus-editor"


@dataclass(frozen=True)
class KeptFolder:
    """A folder the program keeps files in: what it holds, and where."""

    label: str
    path: str
    holds: str


def package_facts() -> tuple[str, str, str]:
    """(version, license, summary) from the installed package's metadata."""
    try:
        meta = metadata(DISTRIBUTION)
    except PackageNotFoundError:  # a checkout run without installing
        return f"{__version__} (not installed)", "", ""
    license_name = meta.get("License-Expression") or meta.get("License") or ""
    return meta.get("Version", __version__), license_name, meta.get("Summary") or ""


class AboutDialog(QDialog):
    def __init__(self, folders: list[KeptFolder], parent=None):
        super().__init__(parent)
        self.setWindowTitle("About Corpus Editor")
        version, license_name, summary = package_facts()
        self.version = version

        self.version_label = QLabel(f"Version {version}" + (f" · {license_name} License" if license_name else ""))
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        about = QLabel(summary)
        about.setWordWrap(True)
        runtime = QLabel(f"Qt {qVersion()} · PySide6 {pyside_version} · Python {sys.version.split()[0]}")
        runtime.setStyleSheet(f"color: {theme.muted_color().name()};")
        runtime.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header = theme.app_header(self.version_label, about, runtime)

        where = QLabel("Where things are kept")
        where.setStyleSheet("font-weight: 600; margin-top: 8px;")
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(1, 1)
        self.open_buttons: dict[str, QPushButton] = {}
        for row, folder in enumerate(folders):
            label = QLabel(folder.label)
            label.setToolTip(folder.holds)
            path = QLabel(folder.path)
            path.setToolTip(folder.holds)
            path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            path.setWordWrap(True)
            button = QPushButton("Open")
            button.setAccessibleName(f"Open the {folder.label.lower()} folder")
            exists = os.path.isdir(folder.path)
            button.setEnabled(exists)
            button.setToolTip(f"Show {folder.path} in the file manager" if exists
                              else "Not made yet: the folder appears when there is something to keep")
            button.clicked.connect(lambda _checked=False, p=folder.path: self.open_folder(p))
            grid.addWidget(label, row, 0)
            grid.addWidget(path, row, 1)
            grid.addWidget(button, row, 2)
            self.open_buttons[folder.label] = button

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(where)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(buttons)
        height = layout.totalHeightForWidth(680)  # the wrapped texts' height at that width
        self.resize(680, height if height > 0 else self.sizeHint().height())

    @staticmethod
    def open_folder(path: str) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))
