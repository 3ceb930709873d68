"""Store events to the GUI thread, in batches: a burst of 10,000 commits is a handful of refreshes.

Committing threads only append to a list (no Qt call: PySide6 6.12 on Python 3.11 corrupts
reference counts when signals are emitted across threads under load). A GUI-thread timer
collects them: every frame while events arrive, backing off to a slower beat when quiet.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from psygnal import Signal

from ionflux.ui.event_batch import EventBatch, kind_of
from ionflux.ui.qt import QObject, QTimer

if TYPE_CHECKING:
    from ionflux.core.bus import EventBus
    from ionflux.core.models import PlatformEvent

#: How often events are collected while they arrive (one frame), and when all is quiet.
BATCH_MS = 16
IDLE_MS = 100
QUIET_TICKS = 30


class EventBridge(QObject):
    """Subscribes to the store's bus from any thread and delivers batches on the GUI thread.

    Signals:
        batch(EventBatch): committed events, in commit order, at most one batch per tick.
    """

    batch = Signal(object)  # psygnal: delivered by a Python call on the GUI thread, no trip through Qt

    def __init__(self, bus: EventBus | None, pattern: str = "ionflux.*", parent: QObject | None = None) -> None:
        """Subscribes to ``bus`` now, or (``bus`` None) when :meth:`attach` is called."""
        super().__init__(parent)
        self._pattern = pattern
        self._lock = threading.Lock()
        self._pending: list[PlatformEvent] = []
        self._types: list[str] = []
        self._kinds: set[tuple[uuid.UUID | None, str]] = set()
        self._gui_thread = threading.get_ident()
        self._quiet = 0
        self._timer = QTimer(self)
        self._timer.setInterval(IDLE_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self._unsubscribe: Callable[[], None] | None = None
        if bus is not None:
            self.attach(bus)

    def attach(self, bus: EventBus) -> None:
        """Start receiving ``bus``'s events (any thread: the window's start-up calls it once the store is open)."""
        self._unsubscribe = bus.subscribe(self._pattern, self._on_event)

    def _on_event(self, event: PlatformEvent) -> None:
        """Runs in the committing thread: queue the event and note its kind (the timer delivers it)."""
        event_type, workspace_id = event.event_type, event.workspace_id
        with self._lock:
            self._pending.append(event)
            self._types.append(event_type)
            self._kinds.add((workspace_id, kind_of(event_type)))
        if threading.get_ident() == self._gui_thread and self._timer.interval() != BATCH_MS:
            self._timer.setInterval(BATCH_MS)

    @property
    def quiet(self) -> bool:
        """No events for a while (the timer is back on its slow beat)."""
        return self._timer.interval() == IDLE_MS and not self._pending

    def flush(self) -> None:
        """Deliver what has gathered (tests call it to skip the wait)."""
        with self._lock:
            events, self._pending = self._pending, []
            types, self._types = self._types, []
            kinds, self._kinds = self._kinds, set()
        if events:
            self._quiet = 0
            if self._timer.interval() != BATCH_MS:
                self._timer.setInterval(BATCH_MS)
            self.batch.emit(EventBatch(events, types, kinds))
        else:
            self._quiet += 1
            if self._quiet > QUIET_TICKS and self._timer.interval() != IDLE_MS:
                self._timer.setInterval(IDLE_MS)

    def close(self) -> None:
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
