"""Bringing a file back from the desktop's trash.

The window moves files to the trash with Qt (`QFile.moveToTrash`, which follows the freedesktop.org
trash specification on Linux: the file goes to `.../Trash/files/NAME` and a `.../Trash/info/
NAME.trashinfo` records where it came from). Undoing that is plain file work, kept here.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from editor.core.files.save import move_new


def info_file(trashed: str | os.PathLike) -> Path | None:
    """The `.trashinfo` entry of a file in a freedesktop trash, when it has one."""
    path = Path(trashed)
    if path.parent.name != "files":
        return None
    info = path.parent.parent / "info" / (path.name + ".trashinfo")
    return info if info.is_file() else None


def restore(trashed: str | os.PathLike, original: str | os.PathLike) -> None:
    """Move `trashed` back to `original` (never over a file that is there now: FileExistsError) and
    drop its trash entry."""
    info = info_file(trashed)
    move_new(trashed, original)
    if info is not None:
        with contextlib.suppress(OSError):
            info.unlink()
