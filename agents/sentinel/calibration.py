"""Turns a stream's own surprise values into calibrated tail probabilities (peaks over threshold)."""

from __future__ import annotations

import math
from typing import Any

#: Surprises above this many robust scales are "peaks"; the tail is fitted to them.
PEAK_THRESHOLD = 2.0
#: Prior share of peaks, and its weight in points, so the first peaks do not look like 1-in-a-million.
PRIOR_PEAK_RATE = 0.01
PRIOR_POINTS = 100.0
#: Prior Hill tail index (mean log-excess of peaks over the threshold), worth PRIOR_PEAKS peaks.
PRIOR_TAIL = 0.3
PRIOR_PEAKS = PRIOR_POINTS * PRIOR_PEAK_RATE
#: Forgetting rate (per point) of the peak rate and tail index: about the last thousand points count.
FORGET = 0.001
#: Score 1 means a tail probability of 10**-DECADES.
DECADES = 10.0
_LN10 = math.log(10.0)
_LOG_THRESHOLD = math.log(PEAK_THRESHOLD)


class TailCalibrator:
    """Maps a surprise ``z >= 0`` to ``-log10(P[Z >= z]) / DECADES`` under this stream's own history.

    Why: residual sizes differ wildly between streams (a clean synthetic signal vs. bursty
    travel times), and one alert threshold must work for all of them. Only the tail matters,
    so it is modelled directly: the rate of peaks over ``PEAK_THRESHOLD`` and a power-law
    (Hill) tail fitted to their log-excess. A heavy-tailed stream learns a heavy tail and needs
    far larger surprises to score high; a calm one alarms on moderate deviations. The result
    is a roughly constant false-alarm rate per stream.
    """

    __slots__ = ("excess", "forget", "last_peak", "n", "peaks", "rate")

    def __init__(self, forget: float = FORGET) -> None:
        self.forget = forget
        self.n = 0
        self.rate = PRIOR_PEAK_RATE
        # Exponentially forgotten count of peaks and sum of their log-excesses, decayed lazily at each peak.
        self.peaks = 0.0
        self.excess = 0.0
        self.last_peak = 0

    def score(self, z: float) -> float:
        """The calibrated score of ``z`` in [0, 1], scored before ``z`` is learned."""
        n = self.n + 1
        self.n = n
        rate = self.rate
        forget = self.forget
        learn = 1.0 / (n + PRIOR_POINTS)
        if learn < forget:
            learn = forget
        if z <= PEAK_THRESHOLD:
            self.rate = rate - learn * rate
            return 0.0
        excess = math.log(z) - _LOG_THRESHOLD
        decay = (1.0 - forget) ** (n - self.last_peak)
        peaks = self.peaks * decay
        total = self.excess * decay
        # Hill index with the prior as PRIOR_PEAKS pseudo-peaks: when recent peaks are few, the prior dominates.
        tail = (total + PRIOR_PEAKS * PRIOR_TAIL) / (peaks + PRIOR_PEAKS)
        score = (excess / (tail * _LN10) - math.log10(rate if rate > 1e-300 else 1e-300)) / DECADES
        self.rate = rate + learn * (1.0 - rate)
        self.peaks = peaks + 1.0
        self.excess = total + excess
        self.last_peak = n
        return score if score < 1.0 else 1.0

    def tail(self) -> float:
        """The current Hill tail index (mean log-excess of peaks, shrunk towards the prior)."""
        decay = (1.0 - self.forget) ** (self.n - self.last_peak)
        return (self.excess * decay + PRIOR_PEAKS * PRIOR_TAIL) / (self.peaks * decay + PRIOR_PEAKS)

    def state(self) -> dict[str, Any]:
        """Plain-data snapshot."""
        return {"forget": self.forget, "n": self.n, "rate": self.rate, "peaks": self.peaks, "excess": self.excess,
                "last_peak": self.last_peak}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TailCalibrator:
        """Rebuild a calibrator saved by ``state``."""
        obj = cls(float(state["forget"]))
        obj.n = int(state["n"])
        obj.rate = float(state["rate"])
        obj.peaks = float(state["peaks"])
        obj.excess = float(state["excess"])
        obj.last_peak = int(state["last_peak"])
        return obj
