"""The folder walk: which files of a corpus may be articles, and how commands and the index find them.

Hidden files and folders (`.git`) and `__pycache__` are never entered; the corpus's own schema file is
configuration, not a file of the corpus. Any file whose suffix is not an article's is recorded as "not an
article" without being read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
# The corpus's own schema file (read by editor.core.validation.schema) and its template for new articles
# (editor.core.new_article): configuration at the corpus root, which the walk leaves out.
CORPUS_SCHEMA_NAME = ".corpus-schema.yaml"
CORPUS_TEMPLATE_NAME = ".corpus-template.md"
CONFIGURATION_NAMES = (CORPUS_SCHEMA_NAME, CORPUS_TEMPLATE_NAME)


def is_candidate(name: str) -> bool:
    """Whether a file name may hold an article (hidden files and other types are never read)."""
    if name.startswith("."):
        return False
    return os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES


def walk(root: str, under: str = "") -> Iterator[tuple[str, int, int, int]]:
    """(relative path, size, mtime_ns, inode) of every regular file below `root` (or `root/under`).

    Hidden folders (`.git`) and `__pycache__` are not entered, nor are symlinked folders; symlinked
    files are followed, broken links skipped, folders that cannot be listed skipped. The corpus's
    schema file is configuration, not a file of the corpus.
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
                    if not entry.is_file() or (not prefix and name in CONFIGURATION_NAMES):
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                yield prefix + name, st.st_size, st.st_mtime_ns, st.st_ino


def iter_article_files(paths, suffixes: tuple[str, ...] = ARTICLE_SUFFIXES):
    """Files under `paths` that may be articles, in a stable order; hidden folders are skipped.

    A path given explicitly is yielded whatever its suffix (a missing one too: the caller reports it).
    """
    for given in paths:
        given = Path(given)
        if not given.is_dir():
            yield given
            continue
        for folder, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(suffixes) and not name.startswith("."):
                    yield Path(folder, name)
