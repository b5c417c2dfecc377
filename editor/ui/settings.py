"""What the window remembers between runs: geometry, splitter sizes, the list's columns, the last and
recent corpora.

One small object around QSettings, created by the application (never at import time) so tests can
point QSettings at a temporary folder before anything is read.
"""

from __future__ import annotations

import getpass
import os

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "CorpusEditor"
APPLICATION = "corpus-editor"
MAX_RECENT = 8


class Settings:
    def __init__(self, settings: QSettings | None = None):
        self._s = settings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                                        APPLICATION)

    # -- window ---------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, data: QByteArray) -> None:
        self._s.setValue("window/geometry", data)

    def splitter_state(self, name: str) -> QByteArray | None:
        value = self._s.value(f"splitters/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_splitter_state(self, name: str, data: QByteArray) -> None:
        self._s.setValue(f"splitters/{name}", data)

    def header_state(self, name: str) -> QByteArray | None:
        """A list's column widths and order (`QHeaderView.saveState`)."""
        value = self._s.value(f"headers/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_header_state(self, name: str, data: QByteArray) -> None:
        self._s.setValue(f"headers/{name}", data)

    # -- corpora --------------------------------------------------------------------------------
    def recent_corpora(self) -> list[str]:
        value = self._s.value("corpora/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or [] if v]

    def last_corpus(self) -> str | None:
        recent = [path for path in self.recent_corpora() if os.path.isdir(path)]
        return recent[0] if recent else None

    def add_recent_corpus(self, path: str) -> None:
        path = os.path.abspath(path)
        recent = [path] + [p for p in self.recent_corpora() if p != path]
        self._s.setValue("corpora/recent", recent[:MAX_RECENT])

    # -- reviewing ------------------------------------------------------------------------------
    def reviewer_name(self) -> str:
        """The name written as `by` in review records; "" until the user has given one."""
        value = self._s.value("review/name", "")
        return str(value).strip() if value else ""

    def set_reviewer_name(self, name: str) -> None:
        self._s.setValue("review/name", name.strip())

    def file_name(self) -> str:
        """The file the settings are kept in."""
        return self._s.fileName()

    def sync(self) -> None:
        self._s.sync()


def system_user_name() -> str:
    """The user's full name from the system (the GECOS field), else the login name: the first guess
    for a reviewer's name."""
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid())
        full = entry.pw_gecos.split(",", 1)[0].strip()
        if full:
            return full
        return entry.pw_name
    except (ImportError, KeyError, OSError, AttributeError):
        try:
            return getpass.getuser()
        except (OSError, KeyError, ImportError):
            return ""
