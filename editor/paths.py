"""Where the project's bundled resources live: beside the package in a checkout or an editable
install, beside the executable in a frozen (PyInstaller) build."""

import sys
from pathlib import Path

if getattr(sys, "frozen", False):  # pragma: no cover - only in a PyInstaller build
    RESOURCES = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
else:
    RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)
