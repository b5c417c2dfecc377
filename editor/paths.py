"""The files the program ships: the default schema, the example corpus schema, the sample corpus, the
icons and the desktop files, all under `editor/resources/`.

They are package data of `editor`, found with `importlib.resources`: the same lookup serves a checkout,
an editable install, an installed wheel and the PyInstaller bundle (which collects them to
`editor/resources/` beside its frozen modules). Every caller goes through `resource()`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

APP_ID = "org.corpuseditor.CorpusEditor"  # reverse-DNS name of the desktop entry, metainfo and icon
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resource(*parts: str) -> Path:
    """The path of a shipped file or folder, e.g. `resource("sample-corpus")`.

    Every supported install puts the package on disk (pip unpacks wheels, PyInstaller unpacks data
    files), so the result is a real path that `open`, `shutil.copytree` and error messages can use.
    """
    found = files("editor").joinpath("resources", *parts)
    if not isinstance(found, Path):
        raise FileNotFoundError(f"{found}: the editor's resources must be installed as files, not in an archive")
    return found


def icon_path(size: int | None = None) -> Path:
    """The application icon: the SVG, or the PNG rendered from it at `size` pixels."""
    if size is None:
        return resource("icons", f"{APP_ID}.svg")
    return resource("icons", f"{size}x{size}", f"{APP_ID}.png")
