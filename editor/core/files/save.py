"""File I/O: reading with an identity, and the one write path of the program.

Every write of an article goes through here, under the file's advisory lock (`lock`):

- `update_file(path, change)` (the commands: `set`, `add`, `remove`, `bump`) re-reads the file under
  the lock and applies its change to the bytes as they are now, so two edits of different fields
  by two of our processes both land;
- `safe_save(path, data, expected)` (the window, the batch bump's undo) writes bytes the user has
  seen, and refuses when the file is no longer what `expected` says: a conflict for the user to see.

A write goes to a temporary file in the same folder, is fsynced, given the original's mode and put in
place by an atomic rename, so a crash leaves the old or the new file, never half of one. A symlink is
written through (its target replaced). Writers that take no lock (an editor, `git`) are caught at the
last moment: on Linux the new file is put in place by exchanging it with the old one
(`renameat2(RENAME_EXCHANGE)`), and the file that comes out is checked to be the very file we read;
when it is not, the two are exchanged back, so an outside write is never lost, and the change is
re-applied (`update_file`) or reported (`safe_save`). Where the exchange is not available the check is a
`stat` right before the rename, which leaves only the time between the two.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from editor.core.document.errors import SaveConflict
from editor.core.files.lock import file_lock
from editor.core.files.read import read_regular
from editor.core.files.walk import TEMP_SUFFIX, temp_prefix

# Why a write was refused: one wording for every command and the window.
CHANGED = "it changed on disk since it was read"
DELETED = "it was deleted since it was read"
APPEARED = "a file of that name appeared since it was read"
UPDATE_ATTEMPTS = 5  # re-reads when outside writers keep changing the file under `update_file`


@dataclass(frozen=True)
class FileIdentity:
    """What a file was when we read or wrote it: enough to tell our own write from someone else's."""

    size: int
    mtime_ns: int
    inode: int
    sha256: str

    @classmethod
    def of(cls, path: str | os.PathLike, data: bytes) -> FileIdentity:
        return cls.from_stat(os.stat(path), data)

    @classmethod
    def from_stat(cls, st: os.stat_result, data: bytes) -> FileIdentity:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, hashlib.sha256(data).hexdigest())

    def same_stat(self, st: os.stat_result) -> bool:
        return (st.st_size, st.st_mtime_ns, st.st_ino) == (self.size, self.mtime_ns, self.inode)

    def matches(self, path: str | os.PathLike) -> bool:
        """Is the file still what we recorded? Stat first; the hash settles a same-stat doubt."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        if st.st_size != self.size:
            return False
        try:
            data, _ = read_regular(path)
        except OSError:
            return False
        return hashlib.sha256(data).hexdigest() == self.sha256


def read_with_identity(path: str | os.PathLike) -> tuple[bytes, FileIdentity]:
    """The bytes of a regular file (see `read.read_regular`: FileRefused otherwise) and their identity."""
    data, st = read_regular(path)
    return data, FileIdentity.from_stat(st, data)


@dataclass(frozen=True)
class FileUpdate:
    """What `update_file` found and wrote. `written` is False when the change changed nothing."""

    path: str
    old: bytes
    new: bytes
    identity: FileIdentity
    written: bool
    attempts: int = 1


def update_file(path: str | os.PathLike, change: Callable[[bytes], bytes | None], *,
                sync_folder: bool = True, attempts: int = UPDATE_ATTEMPTS) -> FileUpdate:
    """Apply `change(current bytes) -> new bytes` (None: nothing to do) to the file, under its lock.

    `change` is called on the bytes as they are when the lock is held, and again if a writer that
    takes no lock changes the file before ours is in place. Whatever `change` raises propagates, and
    nothing is written. SaveConflict if the file kept changing for `attempts` tries.
    """
    real = os.path.realpath(path)
    with file_lock(real):
        for attempt in range(1, attempts + 1):
            data, st = read_regular(real)
            base = FileIdentity.from_stat(st, data)
            new = change(data)
            if new is None or new == data:
                return FileUpdate(os.fspath(path), data, data, base, False, attempt)
            try:
                identity = _install(real, os.fspath(path), new, st, base.sha256, sync_folder)
            except SaveConflict:
                if attempt == attempts:
                    raise
                continue
            return FileUpdate(os.fspath(path), data, new, identity, True, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def safe_save(path: str | os.PathLike, data: bytes, expected: FileIdentity | None,
              allow_missing: bool = False, sync_folder: bool = True) -> FileIdentity:
    """Atomically replace `path` with `data`; raise SaveConflict if it is not what `expected` says.

    `expected=None` writes whatever the file holds now (or creates it, never over a file that
    appears meanwhile). `allow_missing` accepts a file deleted since `expected` was taken (it is
    created again). A batch may pass `sync_folder=False` and call `sync_folders` once for all the
    folders it wrote.
    """
    real = os.path.realpath(path)
    shown = os.fspath(path)
    with file_lock(real):
        try:
            current, st = read_regular(real) if expected is not None else (None, os.stat(real))
        except FileNotFoundError:
            current, st = None, None
        if expected is not None:
            if st is None and not allow_missing:
                raise SaveConflict(shown, DELETED)
            if current is not None and hashlib.sha256(current).hexdigest() != expected.sha256:
                raise SaveConflict(shown, CHANGED)
        check = hashlib.sha256(current).hexdigest() if current is not None else None
        return _install(real, shown, data, st, check, sync_folder)


def temp_file(folder: str, name: str) -> tuple[int, str]:
    """A new temporary file for the file `name` in `folder`, named by our one pattern (see `walk`)."""
    return tempfile.mkstemp(dir=folder, prefix=temp_prefix(name), suffix=TEMP_SUFFIX)


def _install(real: str, shown: str, data: bytes, st: os.stat_result | None, check: str | None,
             sync_folder: bool) -> FileIdentity:
    """Write `data` to a temporary file and put it in place of `real`, which was `st` with content hash
    `check` when read (`st` None: there was no file; `check` None: replace whatever is there)."""
    if st is not None:
        mode = stat.S_IMODE(st.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    folder = os.path.dirname(real) or "."
    try:
        tmp = _written_temp(real, data, mode, st)
    except OSError as exc:
        exc.during_write = True  # type: ignore[attr-defined]
        raise
    try:
        written = os.lstat(tmp)
        if st is None:
            _put_new(tmp, real, shown)
        elif check is None:
            os.replace(tmp, real)
        else:
            _put_over(tmp, real, shown, st, check, written)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            exc.during_write = True  # type: ignore[attr-defined]  # "not written: ..." (files.messages)
        raise
    if sync_folder:
        sync_folders([folder])
    return FileIdentity.from_stat(written, data)


def _written_temp(real: str, data: bytes, mode: int, owner: os.stat_result | None = None) -> str:
    """A temporary file beside `real` (our one name pattern) holding `data`, flushed to disk, with `mode`
    (and `owner`'s owner where allowed); the caller renames or links it into place."""
    fd, tmp = temp_file(os.path.dirname(real) or ".", os.path.basename(real))
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
        data, _ = read_regular(source)
        create_new(target, data)
        with contextlib.suppress(OSError):
            shutil.copystat(source, target)
    os.unlink(source)
    sync_folders({os.path.dirname(os.path.abspath(source)) or ".", os.path.dirname(target) or "."})


def _same_file(st: os.stat_result, seen: os.stat_result, ctime: bool = True) -> bool:
    """The same inode, unchanged since `seen`. (A rename changes an inode's ctime: `ctime=False` after one.)"""
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns) == (seen.st_ino, seen.st_dev, seen.st_size,
                                                                  seen.st_mtime_ns) \
        and (not ctime or st.st_ctime_ns == seen.st_ctime_ns)


def _put_over(tmp: str, real: str, shown: str, seen: os.stat_result, check: str,
              written: os.stat_result) -> None:
    """Put `tmp` in place of `real` if `real` still is the file we read (`seen`, content hash `check`)."""
    if not _exchange(tmp, real):
        # no atomic exchange here: a stat right before the rename is the last look
        try:
            now = os.stat(real)
        except FileNotFoundError:
            raise SaveConflict(shown, DELETED) from None
        if not _same_file(now, seen):
            raise SaveConflict(shown, CHANGED)
        os.replace(tmp, real)
        return
    # `tmp` now names the file that was in place: ours is on disk. Was that the file we read?
    try:
        displaced = os.lstat(tmp)
        same = _same_file(displaced, seen, ctime=False) and _sha256_of(tmp) == check
    except OSError:
        same = False
    if same:
        os.unlink(tmp)
        return
    # someone else's write came in after we read: give it its place back, and keep it
    _exchange(tmp, real)
    with contextlib.suppress(OSError):
        if os.lstat(tmp).st_ino != written.st_ino:
            # yet another write replaced ours in the meantime: that newest one goes back in place
            _exchange(tmp, real)
    raise SaveConflict(shown, CHANGED)


def _put_new(tmp: str, real: str, shown: str) -> None:
    """Put `tmp` at `real`, where there was no file: never over one that appeared meanwhile."""
    try:
        if _renameat2_call(tmp, real, _RENAME_NOREPLACE):
            return
    except FileExistsError:
        raise SaveConflict(shown, APPEARED) from None
    try:
        os.link(tmp, real)
    except FileExistsError:
        raise SaveConflict(shown, APPEARED) from None
    except OSError:  # no hard links here (some network and FAT file systems): a plain rename
        if os.path.lexists(real):
            raise SaveConflict(shown, APPEARED) from None
        os.replace(tmp, real)
        return
    os.unlink(tmp)


def _sha256_of(path: str) -> str:
    data, _ = read_regular(path)
    return hashlib.sha256(data).hexdigest()


# -- renameat2 (Linux 3.15+, glibc 2.28+): exchange two names, or rename without replacing -------------
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, getattr(errno, "ENOTSUP", errno.EINVAL),
                getattr(errno, "EOPNOTSUPP", errno.EINVAL)}


def _load_renameat2():
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _renameat2_call(src: str, dst: str, flags: int) -> bool:
    """True when done, False when this system or file system cannot; OSError for a real failure."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    if code == errno.EEXIST and flags == _RENAME_NOREPLACE:
        raise FileExistsError(code, os.strerror(code), dst)
    if code == errno.ENOENT and flags == _RENAME_EXCHANGE:
        raise FileNotFoundError(code, os.strerror(code), dst)
    raise OSError(code, os.strerror(code), dst)


def _exchange(a: str, b: str) -> bool:
    try:
        return _renameat2_call(a, b, _RENAME_EXCHANGE)
    except FileNotFoundError:
        return False  # the file was deleted: the stat check reports it


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

