"""One wording for one failure, whichever command or window meets it.

    FILE:1: not a regular file (a FIFO)
    FILE:1: file too large (60 MB, limit 16 MB): set CORPUS_EDITOR_MAX_FILE_MB to read it
    FILE:1: not written: it changed on disk since it was read
    FILE:1: not written: No space left on device
"""

from __future__ import annotations

from editor.core.document.errors import SaveConflict


def os_reason(exc: OSError) -> str:
    """What went wrong reading or writing, without the path (the caller names the file)."""
    return exc.strerror or str(exc)


def not_written(exc: BaseException) -> str:
    """`not written: REASON` for a refused save (SaveConflict) or a failed one (OSError)."""
    if isinstance(exc, SaveConflict):
        return f"not written: {exc.reason}"
    if isinstance(exc, OSError):
        return f"not written: {os_reason(exc)}"
    return f"not written: {exc}"
