"""The crash-recovery journal: unsaved edits kept in the user data folder until they are saved.

One entry per article, named by a hash of the article's absolute path, so recording again replaces
the entry. An entry is one file: a JSON header line (the article path, the sha256 of the file the
edits were based on, the time) and then the unsaved bytes exactly. Entries are written atomically
(temporary file, fsync, rename), so a crash while journaling leaves the previous entry or the new one.
A normal close removes the entries; what is left at the next start was not saved. The temporary files
follow the program's one pattern (`walk`) and are written under the entry's lock; `sweep` removes those
a killed process left (the window calls it when it starts and when it closes).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from editor.core.files.leftovers import remove_stale
from editor.core.files.lock import file_lock
from editor.core.files.read import FileRefused, read_regular
from editor.core.files.save import temp_file
from editor.core.files.walk import is_own_temp

APP_NAME = "corpus-editor"
FORMAT = "corpus-editor-journal/1"
SUFFIX = ".journal"
# A journal temporary file nobody holds the lock of is a killed writer's; this much younger, it may be
# an older version of the program (which takes no lock) writing it now.
STALE_TEMP_AFTER = 60.0


def default_journal_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "journal"


@dataclass(frozen=True)
class JournalEntry:
    """Unsaved bytes of one article, as recorded at `saved_at` (seconds since the epoch)."""

    path: str
    saved_at: float
    data: bytes
    base_sha256: str | None
    entry_file: Path

    def disk_bytes(self) -> bytes | None:
        """The article on disk now, or None if it is gone."""
        try:
            return read_regular(self.path)[0]
        except FileNotFoundError:
            return None
        except FileRefused:  # a FIFO or a huge file there now: something else than the edits' base
            return b""

    def disk_state(self) -> str:
        """'missing', 'same' (the disk holds these very bytes), 'base' (the disk is still the version
        the edits were based on) or 'changed' (someone changed the file since)."""
        disk = self.disk_bytes()
        if disk is None:
            return "missing"
        if disk == self.data:
            return "same"
        if self.base_sha256 is not None and hashlib.sha256(disk).hexdigest() == self.base_sha256:
            return "base"
        return "changed"

    def diff_against_disk(self) -> str:
        """A unified diff from the file on disk (empty if deleted) to the journaled text."""
        disk = self.disk_bytes()
        old = _text(disk) if disk is not None else ""
        name = os.path.basename(self.path)
        label = f"{name} (on disk)" if disk is not None else f"{name} (deleted)"
        return "".join(difflib.unified_diff(old.splitlines(keepends=True), _text(self.data).splitlines(keepends=True),
                                            fromfile=label, tofile=f"{name} (recovered)"))


@dataclass(frozen=True)
class JournalProblem:
    """An entry that could not be read; it is left in place (see `Journal.discard`)."""

    entry_file: Path
    reason: str


class Journal:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_journal_dir()
        self.problems: list[JournalProblem] = []

    @staticmethod
    def entry_name(path: str | os.PathLike) -> str:
        absolute = os.path.abspath(os.fspath(path))
        return hashlib.sha256(absolute.encode("utf-8", errors="surrogateescape")).hexdigest()[:32] + SUFFIX

    def entry_file(self, path: str | os.PathLike) -> Path:
        return self.folder / self.entry_name(path)

    def record(self, path: str | os.PathLike, base_identity_sha256: str | None, text_bytes: bytes) -> Path:
        """Journal the unsaved bytes of `path` (replacing its previous entry), atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        header = {"format": FORMAT, "path": os.path.abspath(os.fspath(path)), "base_sha256": base_identity_sha256,
                  "saved_at": time.time(), "size": len(text_bytes),
                  "sha256": hashlib.sha256(text_bytes).hexdigest()}
        target = self.entry_file(path)
        with file_lock(target):
            fd, tmp = temp_file(os.fspath(self.folder), target.name)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n")
                    handle.write(text_bytes)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        return target

    def remove(self, path: str | os.PathLike) -> None:
        target = self.entry_file(path)
        if not target.exists():
            return
        with file_lock(target), contextlib.suppress(FileNotFoundError):
            target.unlink()

    def sweep(self, min_age: float = STALE_TEMP_AFTER) -> list[str]:
        """Remove the temporary and lock files killed writers left in the journal folder."""
        if not self.folder.is_dir():
            return []
        found = [os.path.join(self.folder, name) for name in os.listdir(self.folder) if is_own_temp(name)]
        return remove_stale(found, min_age=min_age)

    def discard(self, entry_file: str | os.PathLike) -> None:
        """Delete one entry file (a recovered or declined entry, or a corrupt one)."""
        with contextlib.suppress(FileNotFoundError):
            Path(entry_file).unlink()

    def entries(self) -> list[JournalEntry]:
        """Readable entries, oldest first. Unreadable ones are skipped and listed in `.problems`."""
        self.problems = []
        found: list[JournalEntry] = []
        if not self.folder.is_dir():
            return found
        for entry_file in sorted(self.folder.glob("*" + SUFFIX)):
            try:
                found.append(_read_entry(entry_file))
            except (OSError, ValueError) as exc:
                self.problems.append(JournalProblem(entry_file, str(exc)))
        found.sort(key=lambda e: e.saved_at)
        return found

    def clear(self) -> None:
        """Remove every entry (and any temporary file left by a crash while journaling)."""
        if not self.folder.is_dir():
            return
        for name in os.listdir(self.folder):
            if name.endswith(SUFFIX) or is_own_temp(name):
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()


def _read_entry(entry_file: Path) -> JournalEntry:
    raw = entry_file.read_bytes()
    header_line, sep, data = raw.partition(b"\n")
    if not sep:
        raise ValueError("no header line")
    try:
        header = json.loads(header_line.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"bad header: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not a journal entry of this format")
    path = header.get("path")
    if not isinstance(path, str) or not path:
        raise ValueError("no article path in the header")
    if header.get("size") != len(data) or header.get("sha256") != hashlib.sha256(data).hexdigest():
        raise ValueError("the unsaved text is truncated or damaged")
    base = header.get("base_sha256")
    saved_at = header.get("saved_at")
    if not isinstance(saved_at, int | float):
        raise ValueError("no time in the header")
    return JournalEntry(path, float(saved_at), data, base if isinstance(base, str) else None, entry_file)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")
