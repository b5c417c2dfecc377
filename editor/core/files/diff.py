"""The unified diff of what a write would do to a file: for `--dry-run`, the bump's preview and the window's
Review Changes."""

from __future__ import annotations

import difflib


def as_text(data: bytes) -> str:
    """A file's bytes as a person reads them in a diff (BOM dropped, undecodable bytes replaced)."""
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def file_diff(old: bytes | str, new: bytes | str, name: str, old_label: str = "on disk",
              new_label: str = "edited") -> str:
    old_text = as_text(old) if isinstance(old, bytes) else old
    new_text = as_text(new) if isinstance(new, bytes) else new
    return "".join(difflib.unified_diff(old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                        fromfile=f"{name} ({old_label})", tofile=f"{name} ({new_label})"))
