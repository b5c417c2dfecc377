"""The article form generated from the schema, its field and list editors, and the problems panel."""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

_guarded = False


def keep_singletons_alive() -> bool:
    """Work around PySide6 6.12 on Python 3.11; returns True when the workaround was needed.

    These bindings hand `None`, `True` and `False` to Python without taking a reference (harmless on
    Python 3.12+, where those objects are immortal). On 3.11 every such Qt call then costs the interpreter
    one reference, and after a few thousand calls it aborts ("Fatal Python error: none_dealloc" or
    "bool_dealloc"), in the app and in the test run alike. Probe once; if the count drops, give the
    singletons a reference count so large that they are as immortal as Python 3.12 makes them.
    Belongs at application start-up; it is here so that every user of the form is covered.
    """
    global _guarded
    if _guarded or sys.version_info >= (3, 12):
        return False
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")  # a void call: returns None
    leaking = before - sys.getrefcount(None) >= 8
    if leaking:
        for singleton in (None, True, False, NotImplemented, Ellipsis):
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    _guarded = True
    return leaking


keep_singletons_alive()

from editor.ui.form.article_form import ArticleForm  # noqa: E402
from editor.ui.form.problems_panel import ProblemsPanel  # noqa: E402

__all__ = ["ArticleForm", "ProblemsPanel", "keep_singletons_alive"]
