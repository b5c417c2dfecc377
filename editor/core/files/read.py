"""Reading a corpus file: only a regular file, and only so much of it.

Every reader of articles (the commands, the index, the window, the watcher's reloads) goes through
`read_regular`. A FIFO would block a plain `open` forever, a link to `/dev/zero` would read until memory
runs out, a 200 MB "article" would cost seconds and gigabytes: such files are refused at once, by name,
before anything is read, and a file that grows while it is read is cut off at the limit.

The limit is 16 MB unless the environment variable `CORPUS_EDITOR_MAX_FILE_MB` says otherwise (a
number of megabytes, e.g. `64`; the same for the command line and the window).
"""

from __future__ import annotations

import os
import stat

from editor.core.document.errors import CorpusEditorError

DEFAULT_MAX_MB = 16
MAX_SIZE_ENV = "CORPUS_EDITOR_MAX_FILE_MB"
_MB = 1 << 20

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class FileRefused(CorpusEditorError, OSError):
    """A file that is not read at all: not a regular file, or larger than the limit.

    It is an OSError too, so every caller that reports "cannot read the file" reports it, with
    `strerror` as the message.
    """

    def __init__(self, path: str | os.PathLike, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = os.fspath(path)
        self.strerror = message
        self.filename = self.path

    def __str__(self) -> str:
        return self.message


def max_file_size() -> int:
    """The largest file read, in bytes: `CORPUS_EDITOR_MAX_FILE_MB` megabytes, else 16 MB."""
    text = os.environ.get(MAX_SIZE_ENV, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            value = 0
        if value > 0:
            return int(value * _MB)
    return DEFAULT_MAX_MB * _MB


def megabytes(size: int) -> str:
    """`60 MB`, `1.5 MB`: how a size is named in messages."""
    value = size / _MB
    if value >= 10 or value == int(value):
        return f"{value:.0f} MB"
    return f"{value:.1f} MB"


def kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a file"


def refuse_kind(path: str | os.PathLike, st: os.stat_result, linked: bool = False) -> FileRefused:
    kind = kind_of(st.st_mode)
    what = f"a symlink to {kind}" if linked else kind
    return FileRefused(path, f"not a regular file ({what})", "not-a-regular-file")


def too_large(path: str | os.PathLike, size: int, limit: int, at_least: bool = False) -> FileRefused:
    shown = ("over " if at_least else "") + megabytes(size)
    return FileRefused(path, f"file too large ({shown}, limit {megabytes(limit)}): set {MAX_SIZE_ENV} to read it",
                       "file-too-large")


def check_regular(path: str | os.PathLike, limit: int | None = None) -> os.stat_result:
    """The stat of `path` (following symlinks) if it may be read; FileRefused if not, OSError if it
    cannot be looked at."""
    limit = max_file_size() if limit is None else limit
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise refuse_kind(path, st, linked=os.path.islink(path))
    if st.st_size > limit:
        raise too_large(path, st.st_size, limit)
    return st


def read_regular(path: str | os.PathLike, limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """(bytes, stat) of a regular file of at most `limit` bytes (default `max_file_size()`).

    The stat comes from the open file itself, so it describes the very bytes returned. Raises
    FileRefused for anything else, OSError when the file cannot be opened or read.
    """
    limit = max_file_size() if limit is None else limit
    check_regular(path, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between the look and the open
            raise refuse_kind(path, st)
        if st.st_size > limit:
            raise too_large(path, st.st_size, limit)
        parts: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(limit + 1 - total, max(st.st_size - total, 0) + 65536))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise too_large(path, total, limit, at_least=True)
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 1 else b"".join(parts), st
