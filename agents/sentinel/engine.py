"""One time resolution of the Sales Sentinel detector: competing forecasts, robust scales, calibrated surprise."""

from __future__ import annotations

import math
from typing import Any

from ionflux.agents.sentinel.calibration import FORGET, TailCalibrator
from ionflux.agents.sentinel.forecast import LOSS_CLIP, LOSS_HANDICAP, LOSS_RATE, SCALE_CLIP, SCALE_RATE
from ionflux.agents.sentinel.seasonality import SeasonalProfile, profiles_for_interval

#: Rate of the local level forecast (per point): follows the stream within a few points.
LEVEL_RATE = 0.5
#: Residual scales never drop below this fraction of the range seen, so noise-free signals stay sane.
SCALE_FLOOR = 1e-3
#: Values beyond the range seen so far by this fraction of it are novel: they score 1 (HTM's rule on NAB).
RANGE_TOLERANCE = 0.05
#: Intervals between points looked at before the seasonal layout is fixed.
INTERVALS_TO_LAYOUT = 20

_FAR = 1e308  # "no forecast yet"; any real loss is smaller
_log = math.log


class Resolution:
    """Scores one stream of points (raw points, or block means of them) and learns from it.

    Three forecasts compete: the local level, a daily profile and a weekly profile. The one
    with the lowest running log-loss is trusted, so a strongly seasonal stream is judged
    against its usual shape (its regular peaks are not anomalies, a missing peak is), and a
    non-seasonal one against its recent level. The residual in robust scales is turned into a
    calibrated score by a :class:`TailCalibrator`. A value far outside everything seen so far
    scores 1 outright: novelty needs no model.

    The calibration only starts half-way through the warm-up: errors of forecasts that are
    still learning would teach it a far heavier tail than the stream really has.

    Args:
        warmup: Points scored 0 while the forecasts and the calibration settle.
        tolerance: Margin, as a fraction of the range seen, beyond which a value is novel.
        forget: Forgetting rate of the calibration, per point of this resolution.
    """

    __slots__ = ("calibrator", "daily", "gaps", "last_t", "level", "loss", "n", "scale", "tolerance", "vmax", "vmin",
                 "warmup", "weekly")

    def __init__(self, warmup: int, tolerance: float = RANGE_TOLERANCE, forget: float = FORGET) -> None:
        self.warmup = warmup
        self.tolerance = tolerance
        self.n = 0
        self.last_t: float | None = None
        self.gaps: list[float] | None = []
        self.level: float | None = None
        self.vmin = 0.0
        self.vmax = 0.0
        self.scale = 0.0
        self.loss = 0.0
        self.daily: SeasonalProfile | None = None
        self.weekly: SeasonalProfile | None = None
        self.calibrator = TailCalibrator(forget)

    def step(self, t: float, x: float) -> float:
        """Score the finite value ``x`` at epoch second ``t`` against the past, then learn it."""
        n = self.n = self.n + 1
        gaps = self.gaps
        if gaps is not None:  # still measuring the sampling interval
            last_t = self.last_t
            if last_t is not None and t > last_t:
                gaps.append(t - last_t)
                if len(gaps) == INTERVALS_TO_LAYOUT:
                    gaps.sort()
                    self.daily, self.weekly = profiles_for_interval(gaps[len(gaps) // 2])
                    self.gaps = None
            self.last_t = t
        level = self.level
        if level is None:
            self.level = self.vmin = self.vmax = x
            return 0.0

        vmin, vmax = self.vmin, self.vmax
        spread = vmax - vmin
        floor = SCALE_FLOOR * spread
        tiny = 1e-9 * abs(x)
        if floor < tiny:
            floor = tiny
        if floor < 1e-12:
            floor = 1e-12
        margin = self.tolerance * spread
        novel = spread > 0.0 and (x > vmax + margin or x < vmin - margin)
        if x > vmax:
            self.vmax = x
        elif x < vmin:
            self.vmin = x

        # The level forecast, then the seasonal ones; the one with the lowest log-loss is trusted.
        r = abs(x - level)
        s = self.scale
        best_z = 0.0
        best_loss = _FAR
        if s > 0.0:
            sf = s if s > floor else floor
            best_z = r / sf
            best_loss = self.loss
            self.loss = best_loss + LOSS_RATE * (_log(sf) + (best_z if best_z < LOSS_CLIP else LOSS_CLIP) - best_loss)
            self.scale = s + SCALE_RATE * ((r if r < SCALE_CLIP * s else SCALE_CLIP * s) - s)
        else:
            self.scale = s = r if r > 0.0 else floor
            self.loss = _log(s) + 1.0 + LOSS_HANDICAP
        self.level = level + LEVEL_RATE * (x - level)
        for profile in (self.daily, self.weekly):
            if profile is not None:
                found = profile.observe(t, x, floor)
                if found is not None and found[1] < best_loss:
                    best_z, best_loss = found

        score = 0.0
        if best_loss < _FAR and 2 * n >= self.warmup:
            score = self.calibrator.score(best_z)
        if n < self.warmup:
            return 0.0
        return 1.0 if novel else score

    def state(self) -> dict[str, Any]:
        """Plain-data snapshot (JSON-serialisable) of everything learned."""
        return {"warmup": self.warmup, "tolerance": self.tolerance, "n": self.n, "last_t": self.last_t,
                "gaps": None if self.gaps is None else list(self.gaps), "level": self.level, "vmin": self.vmin,
                "vmax": self.vmax, "scale": self.scale, "loss": self.loss, "calibrator": self.calibrator.state(),
                "daily": self.daily.state() if self.daily else None,
                "weekly": self.weekly.state() if self.weekly else None}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Resolution:
        """Rebuild an engine saved by ``state`` so it continues exactly where it stopped."""
        obj = cls(int(state["warmup"]), float(state["tolerance"]))
        obj.n = int(state["n"])
        obj.last_t = None if state["last_t"] is None else float(state["last_t"])
        obj.gaps = None if state["gaps"] is None else [float(v) for v in state["gaps"]]
        obj.level = None if state["level"] is None else float(state["level"])
        obj.vmin = float(state["vmin"])
        obj.vmax = float(state["vmax"])
        obj.scale = float(state["scale"])
        obj.loss = float(state["loss"])
        obj.calibrator = TailCalibrator.from_state(state["calibrator"])
        obj.daily = SeasonalProfile.from_state(state["daily"]) if state["daily"] else None
        obj.weekly = SeasonalProfile.from_state(state["weekly"]) if state["weekly"] else None
        return obj
