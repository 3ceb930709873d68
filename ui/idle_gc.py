"""Garbage collection off the interaction path: young generations on a timer, full collections when idle.

Python's automatic full (generation 2) collection walks every object; with a big canvas open
that is a 100-200 ms freeze at a random moment, e.g. mid-drag. The window turns automatic
collection off and collects young objects every second (a millisecond or two), and everything
only after the user has been idle for a few seconds. Reference counting still frees almost all
garbage at once; only cycles wait.
"""

from __future__ import annotations

import gc
import time

from ionflux.ui.qt import QApplication, QEvent, QObject, QTimer

YOUNG_MS = 1000
IDLE_S = 3.0
FULL_EVERY_S = 120.0
_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.KeyPress, QEvent.Type.Wheel}


class IdleCollector(QObject):
    """Owns the garbage collector while the window runs (``stop`` gives it back)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_input = time.monotonic()
        self.last_full = time.monotonic()
        self.ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(YOUNG_MS)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        gc.collect()
        gc.freeze()  # what start-up loaded (modules, classes) is never garbage: skip it from now on
        gc.disable()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        gc.enable()

    def tick(self) -> None:
        self.ticks += 1
        now = time.monotonic()
        if now - self.last_input > IDLE_S and now - self.last_full > FULL_EVERY_S:
            gc.collect()
            self.last_full = now
        else:
            gc.collect(1 if self.ticks % 10 == 0 else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
        return False
