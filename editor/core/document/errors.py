"""Errors the core reports. Every one names the file and, when known, the 1-based line."""

from __future__ import annotations


class CorpusEditorError(Exception):
    """Base class: a problem to show the user, never a traceback."""


class ArticleError(CorpusEditorError):
    """A file that cannot be read as an article: bad YAML, bad encoding, a refused construct..."""

    code = "parse-error"

    def __init__(self, message: str, line: int | None = None, path: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path
        if code:
            self.code = code

    def with_path(self, path: str | None) -> ArticleError:
        self.path = path
        return self

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}"


class NotAnArticle(ArticleError):
    """A file without front matter: listed as such, never rewritten."""

    code = "not-an-article"


class FieldPathError(CorpusEditorError):
    """A field path that is malformed or names nothing in the document."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class EditError(CorpusEditorError):
    """An edit that cannot be written without damaging the file."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class SaveConflict(CorpusEditorError):
    """The file on disk changed since it was loaded: saving would overwrite someone else's work.

    `reason` is the one wording of why (see `editor.core.files.save`: "it changed on disk since it was
    read"...); `str()` is `PATH: not written: REASON`."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: not written: {reason}")
        self.path = path
        self.reason = reason
