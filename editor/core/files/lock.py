"""The advisory lock our own writers take around read-check-write of one file.

The lock is `flock` on a lock file beside the file (`.NAME.ce-lock.tmp`, see `walk.lock_name`), not on
the file itself: a save replaces the file's inode by renaming a new one over it, and a lock held on the
old inode would no longer guard the name. The holder removes the lock file before it lets go, so none
is left in the corpus; whoever then wakes up on the removed file sees that the name now points
elsewhere (or nowhere) and tries again. A process killed while holding the lock loses it with its
descriptors; the file it leaves is removed by the next walk's clean-up (`leftovers`).

Only programs that take the lock wait for each other (our commands and windows). Writers that do not
are caught by the safe save's own check (see `save`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator

from editor.core.document.errors import SaveConflict
from editor.core.files.walk import lock_name

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no advisory locks, the save's own check remains
    fcntl = None  # type: ignore[assignment]

LOCK_TIMEOUT = 10.0  # seconds to wait for another of our writers before giving up


class FileBusy(SaveConflict):
    """Another of our writers held the file's lock for longer than we waited."""

    def __init__(self, path: str, waited: float):
        super().__init__(path, f"another program kept it locked for {waited:.0f} s; try again")


def lock_path_for(path: str | os.PathLike) -> str:
    """The lock file of `path` (after symlinks: the lock guards the file that is written)."""
    real = os.path.realpath(path)
    folder, name = os.path.split(real)
    return os.path.join(folder, lock_name(name))


def _open_lock(lock_path: str, create: bool) -> int:
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    if create:
        flags |= os.O_CREAT
    return os.open(lock_path, flags, 0o644)


def _holds(fd: int, lock_path: str) -> bool:
    """After flock succeeded: is `lock_path` still the file we locked (not removed by its last holder)?"""
    try:
        st = os.stat(lock_path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return st.st_ino == os.fstat(fd).st_ino


def _acquire(lock_path: str, timeout: float, create: bool = True) -> int | None:
    """The locked descriptor, or None when `timeout` passed (0: try once)."""
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while True:
        try:
            fd = _open_lock(lock_path, create)
        except FileNotFoundError:
            if not create:
                return None
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
            continue
        if _holds(fd, lock_path):
            return fd
        os.close(fd)  # its holder removed it as we opened it: the next one is the real lock
        if not create:
            return None


def _release(fd: int, lock_path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(lock_path)  # still holding it: nobody else can be using this name now
    os.close(fd)


@contextlib.contextmanager
def file_lock(path: str | os.PathLike, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the advisory lock of `path` (FileBusy after `timeout` seconds)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock_path = lock_path_for(path)
    fd = _acquire(lock_path, timeout)
    if fd is None:
        raise FileBusy(os.fspath(path), timeout)
    try:
        yield
    finally:
        _release(fd, lock_path)


@contextlib.contextmanager
def try_file_lock(path: str | os.PathLike) -> Iterator[bool]:
    """Take the lock of `path` if nobody holds it, without waiting; yields whether it was taken."""
    if fcntl is None:  # pragma: no cover
        yield False
        return
    lock_path = lock_path_for(path)
    try:
        fd = _acquire(lock_path, 0)
    except OSError:
        fd = None
    if fd is None:
        yield False
        return
    try:
        yield True
    finally:
        _release(fd, lock_path)


def remove_lock_file(lock_path: str) -> bool:
    """Remove a lock file left by a killed process, if nobody holds it now. True if removed."""
    if fcntl is None:  # pragma: no cover
        return False
    try:
        fd = _acquire(lock_path, 0, create=False)
    except OSError:
        return False
    if fd is None:
        return False
    _release(fd, lock_path)
    return True
