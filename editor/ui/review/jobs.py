"""Work that waits on the network, off the GUI thread, cancellable.

    job = BackgroundJob(lambda cancel: fetch_page_text(url, cancel=cancel), parent=self)
    job.finished_with.connect(self.show_page)   # on the GUI thread, with the function's result
    job.start()
    job.cancel()                                # the function sees `cancel.is_set()`; finished_with still comes

Keep a reference to a job until `ended` (a QThread destroyed while it runs takes the process down).
The function gets a `threading.Event` and must return soon after it is set (the core's fetchers look
at it every 50 ms). Its result, or the exception it raised, crosses to the GUI thread as a signal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class _Runner(QThread):
    result_ready = Signal(object, object)  # result, exception

    def __init__(self, function: Callable[[threading.Event], Any], cancel: threading.Event):
        super().__init__()
        self.function = function
        self.cancel_event = cancel

    def run(self) -> None:
        try:
            result = self.function(self.cancel_event)
        except Exception as exc:  # the GUI says what went wrong; the thread must end either way
            self.result_ready.emit(None, exc)
            return
        self.result_ready.emit(result, None)


class BackgroundJob(QObject):
    finished_with = Signal(object)  # the function's result
    failed = Signal(str)  # the exception, as a sentence
    ended = Signal()  # after either, and after a cancel

    def __init__(self, function: Callable[[threading.Event], Any], parent: QObject | None = None):
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self._thread = _Runner(function, self.cancel_event)
        self._thread.result_ready.connect(self._on_result)
        self._thread.finished.connect(self._on_thread_finished)
        self.started_at: float | None = None
        self.cancelled_at: float | None = None
        self.running = False

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        if self.running and not self.cancel_event.is_set():
            self.cancelled_at = time.monotonic()
            self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def wait(self, ms: int = 5000) -> bool:
        return self._thread.wait(ms)

    def _on_result(self, result, exc) -> None:
        if exc is not None:
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.finished_with.emit(result)

    def _on_thread_finished(self) -> None:
        self.running = False
        self.ended.emit()

    def stop(self) -> None:
        """Cancel and wait for the thread (closing the panel)."""
        self.cancel()
        self._thread.wait(2000)
