"""Store events to the GUI thread, in batches: a burst of 10,000 commits is a handful of refreshes.

Committing threads only append to a list (no Qt call: PySide6 6.12 on Python 3.11 corrupts
reference counts when signals are emitted across threads under load). A GUI-thread timer
collects them: every frame while events arrive, backing off to a slower beat when quiet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ionflux.core.bus import EventBus
from ionflux.core.models import PlatformEvent
from ionflux.ui.qt import QObject, QTimer, Signal

#: How often events are collected while they arrive (one frame), and when all is quiet.
BATCH_MS = 16
IDLE_MS = 100
QUIET_TICKS = 30


class EventBridge(QObject):
    """Subscribes to the store's bus from any thread and delivers batches on the GUI thread.

    Signals:
        batch(list[PlatformEvent]): committed events, in commit order, at most one batch per tick.
    """

    batch = Signal(list)

    def __init__(self, bus: EventBus, pattern: str = "ionflux.*", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[PlatformEvent] = []
        self._gui_thread = threading.get_ident()
        self._quiet = 0
        self._timer = QTimer(self)
        self._timer.setInterval(IDLE_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(pattern, self._on_event)

    def _on_event(self, event: PlatformEvent) -> None:
        """Runs in the committing thread: queue the event (the timer delivers it)."""
        with self._lock:
            self._pending.append(event)
        if threading.get_ident() == self._gui_thread and self._timer.interval() != BATCH_MS:
            self._timer.setInterval(BATCH_MS)

    def flush(self) -> None:
        """Deliver what has gathered (tests call it to skip the wait)."""
        with self._lock:
            events, self._pending = self._pending, []
        if events:
            self._quiet = 0
            if self._timer.interval() != BATCH_MS:
                self._timer.setInterval(BATCH_MS)
            self.batch.emit(events)
        else:
            self._quiet += 1
            if self._quiet > QUIET_TICKS and self._timer.interval() != IDLE_MS:
                self._timer.setInterval(IDLE_MS)

    def close(self) -> None:
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
