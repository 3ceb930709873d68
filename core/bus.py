"""The in-process event bus: after a unit of work commits, subscribers hear its events.

Handlers run synchronously in the committing thread, in subscription order. A failing
handler is logged and never undoes the commit or stops the other handlers. The UI marshals
to the GUI thread itself; core never knows.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ionflux.core.models.events import PlatformEvent

log = logging.getLogger(__name__)

Handler = Callable[[PlatformEvent], None]


@dataclass(frozen=True)
class _Subscription:
    pattern: str
    handler: Handler


class EventBus:
    """Publish/subscribe on event types, with shell-style patterns (``ionflux.canvas.*``)."""

    def __init__(self) -> None:
        self._subs: list[_Subscription] = []
        self._lock = threading.Lock()

    def subscribe(self, pattern: str, handler: Handler) -> Callable[[], None]:
        """Call ``handler`` for every event whose type matches ``pattern``.

        Returns:
            A function that removes the subscription.

        """
        sub = _Subscription(pattern, handler)
        with self._lock:
            self._subs.append(sub)

        def unsubscribe() -> None:
            with self._lock:
                if sub in self._subs:
                    self._subs.remove(sub)

        return unsubscribe

    def has_subscribers(self) -> bool:
        return bool(self._subs)

    def publish(self, events: Iterable[PlatformEvent]) -> None:
        """Deliver ``events`` in order to every matching subscriber."""
        with self._lock:
            subs = list(self._subs)
        if not subs:
            return
        for ev in events:
            for sub in subs:
                if sub.pattern == "*" or fnmatch.fnmatchcase(ev.event_type, sub.pattern):
                    try:
                        sub.handler(ev)
                    except Exception:
                        log.exception("event handler %r failed on %s", sub.handler, ev.event_type)
