"""Garbage collection off the interaction path: young generations as usual, full collections when idle.

Python's automatic full (generation 2) collection walks every object; with a big canvas open
that is a 100-200 ms freeze at a random moment, e.g. mid-drag. The window keeps the automatic
young collections (generations 0 and 1: a fraction of a millisecond each, run by whichever
thread allocates, so a busy worker pays for its own garbage) and turns off only the automatic
full one, which runs instead when the user has been idle for a few seconds and no background
work is in flight. Reference counting still frees almost all garbage at once; only cycles wait.

The user counts as active while the mouse moves or a button is held (polled once a second) and
while a text cursor moves (typing). Not an application-wide event filter: PySide6 takes the GIL
for every Qt event that passes through a Python filter, and while a worker thread runs Python
each of those waits for it, so one filter made every repaint several milliseconds slower.

Wrong: disabling the collector and collecting young generations on a GUI timer. Every thread's
garbage then lands on the GUI thread: after a burst of commits one "young" collection walked a
second's worth of survivors and froze the window for 35-120 ms.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from ionflux.ui.qt import QCursor, QGuiApplication, QObject, QPoint, Qt, QTimer

CHECK_MS = 1000
IDLE_S = 3.0
FULL_EVERY_S = 120.0
#: After this long without one, a full collection waits only for the user, not for background work.
OVERDUE_S = 1800.0
#: Generation-2 threshold that the automatic collector never reaches (it counts generation-1 runs).
NEVER = 1 << 30


class IdleCollector(QObject):
    """Owns the full collections while the window runs (``stop`` gives them back).

    Args:
        busy: True while background work runs (ops in flight, events arriving): no full collection then.
    """

    def __init__(self, parent: QObject | None = None, busy: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self.busy = busy
        self.last_input = time.monotonic()
        self.last_full = time.monotonic()
        self.full_collections = 0
        self._cursor = QPoint()
        self._listening = False
        self._saved: tuple[int, int, int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        # What start-up loaded (modules, classes) is never garbage: skip it from now on. Frozen
        # without a full collection first: that one walked ~100k objects on the GUI thread, a
        # 45-60 ms freeze two seconds after every start, and found nothing to free.
        gc.freeze()
        self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, NEVER)
        gc.enable()
        self._cursor = QCursor.pos()
        QGuiApplication.inputMethod().cursorRectangleChanged.connect(self.touch)
        self._listening = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._listening:
            QGuiApplication.inputMethod().cursorRectangleChanged.disconnect(self.touch)
            self._listening = False
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def touch(self) -> None:
        """The user did something (typing moves the text cursor)."""
        self.last_input = time.monotonic()

    def tick(self) -> None:
        cursor = QCursor.pos()
        if cursor != self._cursor or QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._cursor = cursor
            self.touch()
        now = time.monotonic()
        since = now - self.last_full
        if now - self.last_input > IDLE_S and since > FULL_EVERY_S and (since > OVERDUE_S or not self.busy()):
            gc.collect()
            self.full_collections += 1
            self.last_full = now
