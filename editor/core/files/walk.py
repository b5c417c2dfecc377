"""The folder walk: which files of a corpus may be articles, and how commands and the index find them.

Hidden folders (`.git`) and `__pycache__` are never entered; the corpus's own schema file is
configuration, not a file of the corpus. Any file whose suffix is not an article's is recorded as "not an
article" without being read.

This module is also the one place that knows our own temporary files. Every file the program creates
beside an article or a journal entry is named `.NAME.ce-TOKEN.tmp` (NAME: the file it belongs to):
the safe save's temporary copy (`TOKEN` random) and the advisory lock (`TOKEN` = `lock`). They are never
files of the corpus: the walks skip them (and can hand them to `editor.core.files.leftovers`, which
removes the stale ones), the watcher ignores them. Names of the form `.NAME.XXXXXXXX.tmp` left by older
versions of the program beside an article are recognised too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
# The corpus's own schema file (read by editor.core.validation.schema) and its template for new articles
# (editor.core.new_article): configuration at the corpus root, which the walk leaves out.
CORPUS_SCHEMA_NAME = ".corpus-schema.yaml"
CORPUS_TEMPLATE_NAME = ".corpus-template.md"
CONFIGURATION_NAMES = (CORPUS_SCHEMA_NAME, CORPUS_TEMPLATE_NAME)

TEMP_MARK = ".ce-"
TEMP_SUFFIX = ".tmp"
LOCK_TOKEN = "lock"
_OURS = re.compile(r"^\.(?P<name>.+)\.ce-(?P<token>[A-Za-z0-9_]+)\.tmp$", re.DOTALL)
# mkstemp's eight characters after `.NAME.`, where NAME is an article (versions before the pattern above)
_LEGACY = re.compile(r"^\.(?P<name>.+\.(?:md|markdown|txt|journal))\.(?P<token>[a-z0-9_]{8})\.tmp$",
                     re.DOTALL | re.IGNORECASE)


def temp_prefix(name: str) -> str:
    """What our temporary files for the file `name` start with (`tempfile.mkstemp(prefix=...)`)."""
    return "." + name + TEMP_MARK


def lock_name(name: str) -> str:
    """The advisory lock file of the file `name`, in the same folder."""
    return temp_prefix(name) + LOCK_TOKEN + TEMP_SUFFIX


def own_temp(name: str) -> tuple[str, str] | None:
    """(the name of the file it belongs to, `lock` or `temp`) if `name` is one of our temporary files."""
    match = _OURS.match(name) or _LEGACY.match(name)
    if match is None:
        return None
    return match.group("name"), LOCK_TOKEN if match.group("token") == LOCK_TOKEN and match.re is _OURS else "temp"


def is_own_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and own_temp(name) is not None


def in_corpus(rel: str) -> bool:
    """Whether a corpus-relative '/'-path is a file of the corpus: not in a hidden folder or
    `__pycache__`, not the corpus's schema file, not one of our temporary files."""
    parts = rel.split("/")
    if any(part.startswith(".") or part == "__pycache__" for part in parts[:-1]):
        return False
    name = parts[-1]
    if not name or (len(parts) == 1 and name in CONFIGURATION_NAMES):
        return False
    return not is_own_temp(name)


def is_candidate(name: str) -> bool:
    """Whether a file name may hold an article (hidden files and other types are never read)."""
    if name.startswith("."):
        return False
    return os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES


def walk(root: str, under: str = "", leftovers: list[str] | None = None) -> Iterator[tuple[str, int, int, int]]:
    """(relative path, size, mtime_ns, inode) of every file of the corpus below `root` (or `root/under`).

    Hidden folders (`.git`) and `__pycache__` are not entered, nor are symlinked folders; symlinked
    files are followed, broken links skipped, folders that cannot be listed skipped. The corpus's
    schema file is configuration, not a file of the corpus. Besides regular files, a FIFO, device or
    socket with an article's name is yielded too (never read: the index lists it as refused). Our own
    temporary files are skipped; their full paths are appended to `leftovers` when it is given.
    """
    stack = [under.strip("/")]
    while stack:
        rel_dir = stack.pop()
        folder = os.path.join(root, rel_dir) if rel_dir else root
        prefix = rel_dir + "/" if rel_dir else ""
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not name.startswith(".") and name != "__pycache__":
                            stack.append(prefix + name)
                        continue
                    if not prefix and name in CONFIGURATION_NAMES:
                        continue
                    if name[0] == "." and is_own_temp(name):
                        if leftovers is not None:
                            leftovers.append(os.path.join(folder, name))
                        continue
                    if not entry.is_file() and not (is_candidate(name) and _is_special(entry)):
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                yield prefix + name, st.st_size, st.st_mtime_ns, st.st_ino


def _is_special(entry: os.DirEntry) -> bool:
    """A FIFO, device or socket (or a link to one): never read, but reported."""
    try:
        return not entry.is_dir() and not entry.is_file() and entry.stat() is not None
    except OSError:  # a broken link
        return False


def iter_article_files(paths, suffixes: tuple[str, ...] = ARTICLE_SUFFIXES, leftovers: list[str] | None = None):
    """Files under `paths` that may be articles, in a stable order; hidden folders are skipped.

    A path given explicitly is yielded whatever its suffix (a missing one too: the caller reports it).
    Our temporary files found under folders are appended to `leftovers` when it is given.
    """
    for given in paths:
        given = Path(given)
        if not given.is_dir():
            yield given
            continue
        for folder, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                if name.startswith("."):
                    if leftovers is not None and is_own_temp(name):
                        leftovers.append(os.path.join(folder, name))
                    continue
                if name.lower().endswith(suffixes):
                    yield Path(folder, name)
