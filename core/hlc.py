"""Hybrid logical clocks: a stamp per change that orders causally, survives restarts and ties by device.

A stamp is the text ``PPPPPPPPPPPPPPP.LLLLL.NNNNNNNNNNNNNNNN``: wall-clock milliseconds (15 digits), a
logical counter (5 digits) and the device's node id (16 hex digits). The fixed widths make plain
string comparison the clock order, with the node id breaking ties, so every replica (SQLite,
PostgreSQL, Python) compares stamps the same way without parsing them. The empty string sorts
before every stamp and stands for "older than anything" (rows written before sync existed).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable

from ionflux.core.errors import ValidationError

#: A stamp whose wall-clock part is further ahead than this (of the checker's clock) is refused,
#: so one device with a wrong clock cannot mask every later write. Devices ±10 min off still sync.
MAX_DRIFT_MS = 15 * 60 * 1000
ZERO = ""
_MAX_LOGICAL = 99_999
_STAMP = re.compile(r"^(\d{15})\.(\d{5})\.([0-9a-f]{16})$")


def wall_ms() -> int:
    """The machine's wall clock in milliseconds."""
    return time.time_ns() // 1_000_000


def new_node_id() -> str:
    """A random 64-bit device id (16 hex digits)."""
    return secrets.token_hex(8)


def make(physical: int, logical: int, node: str) -> str:
    return f"{physical:015d}.{logical:05d}.{node}"


def parse(stamp: str) -> tuple[int, int, str]:
    """(wall ms, logical counter, node id) of a stamp.

    Raises:
        ValidationError: ``stamp`` is not a well-formed HLC stamp.

    """
    m = _STAMP.match(stamp) if isinstance(stamp, str) else None
    if m is None:
        raise ValidationError(f"{stamp!r} is not an HLC stamp", where="hlc")
    return int(m.group(1)), int(m.group(2)), m.group(3)


def is_stamp(value: object) -> bool:
    return isinstance(value, str) and _STAMP.match(value) is not None


def physical_ms(stamp: str) -> int:
    return parse(stamp)[0]


def too_far_ahead(stamp: str, now_ms: int, max_drift_ms: int = MAX_DRIFT_MS) -> bool:
    """Whether ``stamp`` claims a time more than ``max_drift_ms`` after ``now_ms``."""
    return parse(stamp)[0] > now_ms + max_drift_ms


class HybridClock:
    """One device's HLC. Thread-safe; ``now()`` is strictly increasing, also across restarts.

    The store persists the highest stamp it issued or saw and feeds it back with :meth:`observe`
    when a write transaction starts, so a clock that jumps back (or another process on the same
    data folder) never issues a stamp below one already written.

    Args:
        node: The device's node id; set later with :attr:`node` when read from the database.
        wall: Source of wall-clock milliseconds (tests pass a skewed one).

    """

    def __init__(self, node: str | None = None, wall: Callable[[], int] = wall_ms) -> None:
        self.node = node
        self.wall = wall
        self._physical = 0
        self._logical = 0
        self._lock = threading.Lock()

    def now(self) -> str:
        """A new stamp, greater than every stamp issued or observed so far."""
        if self.node is None:
            raise RuntimeError("the clock has no node id yet")
        with self._lock:
            pt = self.wall()
            if pt > self._physical:
                self._physical, self._logical = pt, 0
            else:
                self._logical += 1
                if self._logical > _MAX_LOGICAL:
                    self._physical, self._logical = self._physical + 1, 0
            return make(self._physical, self._logical, self.node)

    def observe(self, stamp: str | None) -> None:
        """Move the clock up to ``stamp`` (a received or persisted one); never moves it back."""
        if not stamp:
            return
        physical, logical, _node = parse(stamp)
        with self._lock:
            if (physical, logical) > (self._physical, self._logical):
                self._physical, self._logical = physical, logical

    def high(self) -> str:
        """The highest stamp issued or observed (the value to persist)."""
        with self._lock:
            return make(self._physical, self._logical, self.node or "0" * 16)
