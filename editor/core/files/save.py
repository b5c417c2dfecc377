"""File I/O: reading with an identity, and the safe save.

A save writes a temporary file in the same folder, fsyncs it, gives it the original's mode and renames
it over the original, so a crash leaves the old or the new file, never half of one. A symlink is
written through (its target replaced), and a file that changed since it was loaded is not
overwritten: that is a conflict for the user to see.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from editor.core.document.errors import SaveConflict


@dataclass(frozen=True)
class FileIdentity:
    """What a file was when we read or wrote it: enough to tell our own write from someone else's."""

    size: int
    mtime_ns: int
    inode: int
    sha256: str

    @classmethod
    def of(cls, path: str | os.PathLike, data: bytes) -> FileIdentity:
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, hashlib.sha256(data).hexdigest())

    def same_stat(self, st: os.stat_result) -> bool:
        return (st.st_size, st.st_mtime_ns, st.st_ino) == (self.size, self.mtime_ns, self.inode)

    def matches(self, path: str | os.PathLike) -> bool:
        """Is the file still what we recorded? Stat first; the hash settles a same-stat doubt."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return False
        if st.st_size != self.size:
            return False
        try:
            data = Path(path).read_bytes()
        except OSError:
            return False
        return hashlib.sha256(data).hexdigest() == self.sha256


def read_with_identity(path: str | os.PathLike) -> tuple[bytes, FileIdentity]:
    data = Path(path).read_bytes()
    return data, FileIdentity.of(path, data)


def safe_save(path: str | os.PathLike, data: bytes, expected: FileIdentity | None,
              allow_missing: bool = False, sync_folder: bool = True) -> FileIdentity:
    """Atomically replace `path` with `data`; raise SaveConflict if it is not what `expected` says.

    A batch may pass `sync_folder=False` and call `sync_folders` once for all the folders it wrote.
    """
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if expected is not None:
        if st is None and not allow_missing:
            raise SaveConflict(os.fspath(path), "the file was deleted")
        if st is not None and not expected.matches(real):
            raise SaveConflict(os.fspath(path), "its content changed")
    if st is not None:
        mode = stat.S_IMODE(st.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    folder = os.path.dirname(real) or "."
    tmp = _written_temp(real, data, mode, st)
    try:
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync_folder:
        sync_folders([folder])
    return FileIdentity.of(real, data)


def _written_temp(real: str, data: bytes, mode: int, owner: os.stat_result | None = None) -> str:
    """A temporary file beside `real` holding `data`, flushed to disk, with `mode` (and `owner`'s owner
    where allowed); the caller renames or links it into place."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(real) or ".", prefix="." + os.path.basename(real) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
            if owner is not None and hasattr(os, "fchown"):
                with contextlib.suppress(PermissionError):
                    os.fchown(handle.fileno(), owner.st_uid, owner.st_gid)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def create_new(path: str | os.PathLike, data: bytes, sync_folder: bool = True) -> FileIdentity:
    """Write a new file as the safe save writes (temporary file, fsync, then one atomic step), creating
    missing folders; raise FileExistsError when `path` exists: nothing is ever overwritten."""
    real = os.path.abspath(path)
    folder = os.path.dirname(real) or "."
    os.makedirs(folder, exist_ok=True)
    if os.path.lexists(real):
        raise FileExistsError(errno.EEXIST, "the file already exists", os.fspath(path))
    umask = os.umask(0)
    os.umask(umask)
    tmp = _written_temp(real, data, 0o666 & ~umask)
    try:
        try:
            os.link(tmp, real)  # fails, atomically, when the name is taken meanwhile
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: reserve the name, then rename over it
            os.close(os.open(real, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            os.replace(tmp, real)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    if sync_folder:
        sync_folders([folder])
    return FileIdentity.of(real, data)


def move_new(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Move a file to a name that must not exist yet (creating missing folders): one atomic step on one
    file system (a hard link, then the old name removed), a copy through `create_new` across them.
    Raises FileExistsError when `target` exists: nothing is ever overwritten."""
    source, target = os.fspath(source), os.path.abspath(target)
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:  # another file system, or one without hard links
        with open(source, "rb") as handle:
            data = handle.read()
        create_new(target, data)
        with contextlib.suppress(OSError):
            shutil.copystat(source, target)
    os.unlink(source)
    sync_folders({os.path.dirname(os.path.abspath(source)) or ".", os.path.dirname(target) or "."})


def sync_folders(folders) -> None:
    """fsync folders so the renames in them survive a power cut."""
    for folder in set(map(os.fspath, folders)):
        _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
