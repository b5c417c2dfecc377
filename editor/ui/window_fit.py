"""Window geometry that fits the screen: the first window's size, a remembered geometry brought back onto
the current screen, and pane sizes in proportion to the window.

Plain functions over rectangles, so the rules can be checked against any screen without one.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen

PREFERRED_SIZE = QSize(1400, 900)
# Before the window is first shown the window manager's frame is unknown: allow a title bar and borders
# as tall as the common desktops draw them (GNOME about 37 px, KDE and Windows about 30)
FRAME_ALLOWANCE = QMargins(6, 38, 6, 6)


def screen_for(geometry: QRect | None = None) -> QScreen | None:
    """The screen showing the middle of `geometry`, else the primary screen."""
    if geometry is not None and geometry.isValid():
        screen = QGuiApplication.screenAt(geometry.center())
        if screen is not None:
            return screen
    return QGuiApplication.primaryScreen()


def _inner(available: QRect, frame: QMargins) -> QRect:
    return available.marginsRemoved(frame)


def first_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE,
                   frame: QMargins = FRAME_ALLOWANCE) -> QRect:
    """The client rectangle of a first window: the preferred size, shrunk so the window and its frame fit
    the screen's available area, centred in it."""
    room = _inner(available, frame)
    size = preferred.boundedTo(room.size())
    rect = QRect(QPoint(0, 0), size)
    rect.moveCenter(room.center())
    return _pull_inside(rect, room)


def clamp_geometry(geometry: QRect, available: QRect, frame: QMargins = FRAME_ALLOWANCE) -> QRect:
    """A remembered client rectangle made to fit `available` (with its frame): shrunk if it is larger,
    moved if part of it is off the screen. One that already fits is returned unchanged."""
    room = _inner(available, frame)
    rect = QRect(geometry.topLeft(), geometry.size().boundedTo(room.size()))
    return _pull_inside(rect, room)


def _pull_inside(rect: QRect, room: QRect) -> QRect:
    rect = QRect(rect)
    if rect.right() > room.right():
        rect.moveRight(room.right())
    if rect.bottom() > room.bottom():
        rect.moveBottom(room.bottom())
    if rect.left() < room.left():
        rect.moveLeft(room.left())
    if rect.top() < room.top():
        rect.moveTop(room.top())
    return rect


def proportional_sizes(total: int, weights: tuple[float, ...]) -> list[int]:
    """`total` pixels split by `weights`, in whole pixels that add up to `total`."""
    if total <= 0:
        return [0 for _ in weights]
    scale = sum(weights)
    sizes = [int(total * w / scale) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes
