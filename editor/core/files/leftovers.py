"""Removing the temporary files a killed process left behind (see `walk` for their one name pattern).

A safe save's temporary copy exists only while its writer holds the file's lock, so a copy whose lock
nobody holds belongs to a writer that died. Copies are still only removed once they are an hour old
(`STALE_AFTER`): a program that takes no lock (an older version of this one) may be writing it now.
A lock file nobody holds is removed at once. The walks of the corpus-wide commands, the index (the
window's start) and the journal call this with what they skipped.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable

from editor.core.files.lock import remove_lock_file, try_file_lock
from editor.core.files.walk import LOCK_TOKEN, own_temp

STALE_AFTER = 3600.0  # seconds


def remove_stale(paths: Iterable[str | os.PathLike], min_age: float = STALE_AFTER,
                 now: float | None = None) -> list[str]:
    """Remove those of `paths` (our temporary and lock files) that no live writer uses; return them."""
    now = time.time() if now is None else now
    removed: list[str] = []
    for path in paths:
        path = os.fspath(path)
        folder, name = os.path.split(path)
        found = own_temp(name)
        if found is None:
            continue
        owner, kind = found
        if kind == LOCK_TOKEN:
            if remove_lock_file(path):
                removed.append(path)
            continue
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if now - st.st_mtime < min_age:
            continue
        with try_file_lock(os.path.join(folder, owner)) as free:
            if not free:
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                removed.append(path)
    return removed
