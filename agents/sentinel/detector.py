"""Streaming anomaly detector of the Shopify Sales Sentinel: one score in [0, 1] per metric point."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ionflux.agents.sentinel.calibration import FORGET
from ionflux.agents.sentinel.engine import RANGE_TOLERANCE, Resolution

#: Version of the ``state_dict`` layout; ``from_state`` refuses other versions.
STATE_VERSION = 1
#: Points averaged into one point of the coarse resolution (bursts and drifts stand out there).
BLOCK = 6
#: The coarse resolution has BLOCK times fewer points, so noise sets new records there more often;
#: its novelty margin is widened by sqrt(BLOCK) (about 0.12 of the range for 6-point blocks).
COARSE_TOLERANCE = RANGE_TOLERANCE * math.sqrt(BLOCK)
#: Points scored 0 at the start while forecasts and calibration settle.
WARMUP = 150
#: After a score is reported, the next REFRACTORY points score 0 unless they beat it: one incident, one alert,
#: whatever threshold the caller alerts at (a rising incident still escalates, a fading one stays quiet).
REFRACTORY = 10
#: Values this large (or larger) cannot be differenced safely in floats and are treated as missing.
MAX_MAGNITUDE = 1e100

_EPOCH = datetime(1970, 1, 1)


def to_seconds(timestamp: datetime | float) -> float:
    """Epoch seconds of ``timestamp``; NaN if it cannot be read.

    Floats and ints are POSIX seconds. A naive datetime is read as UTC; an aware one on its own
    wall clock, so daily seasonality follows the shop's local time rather than UTC.
    """
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is not None:
            timestamp = timestamp.replace(tzinfo=None)
        return (timestamp - _EPOCH).total_seconds()
    try:
        return float(timestamp)
    except (TypeError, ValueError):
        return math.nan


class AnomalyDetector:
    """Online anomaly detector for one univariate metric stream (orders, GMV, conversion, errors...).

    Call :meth:`update` once per point, in time order; it returns the anomaly score of that
    point, computed from the past only, then learns from the point. Two resolutions run side
    by side: the raw points (spikes, level shifts, broken daily/weekly patterns) and means of
    ``BLOCK`` points (bursts, drifts and volatility changes too small to see point by point).
    Each is scored by a calibrated tail probability of its forecast error, so a noisy stream
    and a calm one alarm equally rarely; the final score is the larger of the two, silenced
    for a few points after an alarm so one incident raises one alert.

    Missing, NaN and infinite values (or timestamps) score 0 and leave the state untouched.
    Everything is deterministic plain-float arithmetic: equal inputs give equal scores, and
    ``AnomalyDetector.from_state(d.state_dict())`` continues exactly like ``d``.
    """

    __slots__ = ("_block_n", "_block_sum", "_block_t0", "_coarse", "_fine", "_held", "_hold")

    def __init__(self) -> None:
        self._fine = Resolution(WARMUP)
        # The coarse calibration forgets per block what the fine one forgets in BLOCK points: same memory in time.
        self._coarse = Resolution(max(1, WARMUP // BLOCK), COARSE_TOLERANCE, min(1.0, FORGET * BLOCK))
        self._block_sum = 0.0
        self._block_n = 0
        self._block_t0 = 0.0
        self._hold = 0
        self._held = 0.0

    def update(self, timestamp: datetime | float, value: float) -> float:
        """Score ``value`` observed at ``timestamp`` (in [0, 1], higher is more anomalous), then learn it."""
        if type(timestamp) is float:
            t = timestamp
        elif type(timestamp) is datetime and timestamp.tzinfo is None:
            t = (timestamp - _EPOCH).total_seconds()
        else:
            t = to_seconds(timestamp)
        x = value
        if type(x) is not float:
            try:
                x = float(x)
            except (TypeError, ValueError):
                return 0.0
        if not (-MAX_MAGNITUDE < x < MAX_MAGNITUDE) or not (-MAX_MAGNITUDE < t < MAX_MAGNITUDE):
            return 0.0
        score = self._fine.step(t, x)
        n = self._block_n
        if n == 0:
            self._block_t0 = t
        total = self._block_sum + x
        n += 1
        if n == BLOCK:
            coarse = self._coarse.step(0.5 * (self._block_t0 + t), total / BLOCK)
            if coarse > score:
                score = coarse
            total = 0.0
            n = 0
        self._block_sum = total
        self._block_n = n
        # Report a score only if it beats the last reported one, or once REFRACTORY points have passed.
        if self._hold:
            self._hold -= 1
            if score <= self._held:
                return 0.0
        self._hold = REFRACTORY
        self._held = score
        return score

    def score_series(self, timestamps: Iterable[datetime | float], values: Iterable[float]) -> list[float]:
        """Scores of a whole series, continuing from the current state: exactly ``update`` in a loop."""
        ts = list(timestamps)
        vs = list(values)
        if len(ts) != len(vs):
            raise ValueError(f"{len(ts)} timestamps but {len(vs)} values")
        update = self.update
        return [update(t, v) for t, v in zip(ts, vs, strict=True)]

    def state_dict(self) -> dict[str, Any]:
        """Everything learned, as plain JSON-serialisable data."""
        return {"version": STATE_VERSION, "fine": self._fine.state(), "coarse": self._coarse.state(),
                "block_sum": self._block_sum, "block_n": self._block_n, "block_t0": self._block_t0,
                "hold": self._hold, "held": self._held}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> AnomalyDetector:
        """A detector that continues exactly where the one that produced ``state`` stopped."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported detector state version {state.get('version')!r}, expected {STATE_VERSION}")
        obj = cls()
        obj._fine = Resolution.from_state(state["fine"])
        obj._coarse = Resolution.from_state(state["coarse"])
        obj._block_sum = float(state["block_sum"])
        obj._block_n = int(state["block_n"])
        obj._block_t0 = float(state["block_t0"])
        obj._hold = int(state["hold"])
        obj._held = float(state["held"])
        return obj


def score_series(timestamps: Iterable[datetime | float], values: Iterable[float]) -> list[float]:
    """Scores of a whole series with a fresh detector; identical to calling ``update`` point by point."""
    return AnomalyDetector().score_series(timestamps, values)
