"""Daily and weekly seasonal profiles that forecast a metric from its value at the same time of day or week."""

from __future__ import annotations

import math
from typing import Any

from ionflux.agents.sentinel.forecast import LOSS_CLIP, LOSS_HANDICAP, LOSS_RATE, SCALE_CLIP, SCALE_RATE

DAY = 86400.0
WEEK = 7 * DAY
#: 1970-01-01 was a Thursday, so the first Monday 00:00 of the POSIX epoch is four days in.
MONDAY = 4 * DAY
#: Finest phase resolution: one bin per minute of the day.
MAX_BINS_PER_DAY = 1440
#: Weekly profiles are at most hourly, so each bin still sees several points per week.
MAX_WEEKLY_BINS_PER_DAY = 24
#: Buckets of the time-of-day noise profile (hourly), so quiet nights and busy days get their own scale.
SCALE_BUCKETS_PER_DAY = 24
#: Per-day learning rate of a profile bin: about the last three periods count.
PROFILE_RATE = 0.3
#: Rate at which the profile's offset follows a level shift (per point). Slow enough that a day that
#: drifts away from its usual shape over a few hours is still judged against that shape.
OFFSET_RATE = 0.05
#: Time-of-day noise ratios start as a running mean (with RATIO_PRIOR points of prior at 1) and then
#: keep a memory of about 1/RATIO_RATE points of their bucket.
RATIO_PRIOR = 10
RATIO_RATE = 0.01
#: Forecasts also try the neighbouring bins when bins are at most this long (seconds), so a peak that comes
#: a little early or late is fine; longer bins are not widened, or a pattern shifted by hours would pass.
TOLERANCE = 3600.0
#: Updates of a bin are clipped at this many residual scales, so one anomaly does not teach the profile.
UPDATE_CLIP = 5.0

_FAR = 1e308  # "no residual yet"; any real residual is smaller
_log = math.log


class SeasonalProfile:
    """A value per phase bin of a period (day or week) plus an offset that tracks level shifts.

    The forecast for time ``t`` is ``profile[bin(t)] + offset``. With bins of up to an hour the
    neighbouring bins are tried too and the closest one wins, so a peak that comes a little
    early or late is not an anomaly. Each bin learns robustly (clipped updates), so one bad day
    barely dents it, while the offset follows a sustained level shift within a few dozen
    points. A ratio per time-of-day bucket rescales the residual scale, because real metrics
    are noisier at peak hours than at night.

    Args:
        bins: Number of phase bins over the period.
        period: Length of the period in seconds (``DAY`` or ``WEEK``).
        origin: Epoch second where phase 0 starts (``MONDAY`` for weeks so bins are weekdays).
        points_per_bin: How many points of the stream fall in one bin per period; the bin's
            learning rate is divided by it so every period weighs the same.
        buckets: Number of time-of-day noise buckets over the period.
    """

    __slots__ = ("counts", "layout", "loss", "offset", "profile", "ratios", "scale")

    def __init__(self, bins: int, period: float, origin: float, points_per_bin: float, buckets: int) -> None:
        # Fixed for the profile's life; kept in one tuple because the hot path unpacks it at once.
        self.layout = (bins, period, origin, bins / period, buckets, PROFILE_RATE / max(1.0, points_per_bin),
                       period / bins <= TOLERANCE, bins / buckets)
        self.profile = [0.0] * bins
        self.counts = [0] * bins
        self.offset = 0.0
        self.ratios = [1.0] * buckets
        self.scale = 0.0
        self.loss = 0.0

    def observe(self, t: float, x: float, floor: float) -> tuple[float, float] | None:
        """Score ``x`` at ``t`` against the profile, then learn it.

        Returns ``(z, loss)``: the residual in robust scales and the running log-loss this
        forecast had before ``x`` (lower is better), or None while it cannot forecast yet.
        ``floor`` is the smallest residual scale that makes sense for the stream.
        """
        bins, period, origin, bin_of, buckets, rate, tolerant, per_bucket = self.layout
        b = int(((t - origin) % period) * bin_of)
        if b >= bins:  # float rounding at the very end of the period
            b = bins - 1
        counts = self.counts
        profile = self.profile
        offset = self.offset
        base = x - offset
        # Closest forecast among the bin and its two neighbours (tolerates slightly early/late peaks).
        r = _FAR
        c = counts[b]
        if c:
            r = base - profile[b]
            if r < 0.0:
                r = -r
        if tolerant:
            lo = b - 1 if b else bins - 1
            if counts[lo]:
                e = base - profile[lo]
                if e < 0.0:
                    e = -e
                if e < r:
                    r = e
            hi = b + 1 if b + 1 < bins else 0
            if counts[hi]:
                e = base - profile[hi]
                if e < 0.0:
                    e = -e
                if e < r:
                    r = e
        result = None
        if r < _FAR:
            k = b * buckets // bins
            s = self.scale
            if s > 0.0:
                ratios = self.ratios
                sf = s * ratios[k]
                if sf < floor:
                    sf = floor
                z = r / sf
                loss = self.loss
                result = (z, loss)
                self.loss = loss + LOSS_RATE * (_log(sf) + (z if z < LOSS_CLIP else LOSS_CLIP) - loss)
                zg = r / (s if s > floor else floor)
                s += SCALE_RATE * ((r if r < SCALE_CLIP * s else SCALE_CLIP * s) - s)
                self.scale = s
                if c:
                    # A running mean over the bucket's points so far (about c * per_bucket), then forgetting.
                    learn = 1.0 / (c * per_bucket + RATIO_PRIOR)
                    if learn < RATIO_RATE:
                        learn = RATIO_RATE
                    ratio = ratios[k]
                    ratios[k] = ratio + learn * ((zg if zg < UPDATE_CLIP else UPDATE_CLIP) - ratio)
            else:
                self.scale = s = r if r > 0.0 else floor
                self.loss = _log(s) + 1.0 + LOSS_HANDICAP
        if c:
            s = self.scale
            lim = UPDATE_CLIP * (s if s > floor else floor)
            offset += OFFSET_RATE * (x - profile[b] - offset)
            self.offset = offset
            e = x - offset - profile[b]
            if e > lim:
                e = lim
            elif e < -lim:
                e = -lim
            first = 1.0 / (c + 1)
            profile[b] += (first if first > rate else rate) * e
        else:
            profile[b] = base
        counts[b] = c + 1
        return result

    def state(self) -> dict[str, Any]:
        """Plain-data snapshot (JSON-serialisable) of the layout and what was learned."""
        bins, period, origin, _, _, rate, tolerant, _ = self.layout
        return {"bins": bins, "period": period, "origin": origin, "rate": rate, "tolerant": tolerant,
                "profile": list(self.profile), "counts": list(self.counts), "offset": self.offset,
                "ratios": list(self.ratios), "scale": self.scale, "loss": self.loss}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SeasonalProfile:
        """Rebuild a profile saved by ``state`` exactly."""
        ratios = [float(v) for v in state["ratios"]]
        obj = cls(int(state["bins"]), float(state["period"]), float(state["origin"]), 1.0, len(ratios))
        obj.layout = (*obj.layout[:5], float(state["rate"]), bool(state["tolerant"]), obj.layout[7])
        obj.profile = [float(v) for v in state["profile"]]
        obj.counts = [int(v) for v in state["counts"]]
        obj.offset = float(state["offset"])
        obj.ratios = ratios
        obj.scale = float(state["scale"])
        obj.loss = float(state["loss"])
        return obj


def profiles_for_interval(interval: float) -> tuple[SeasonalProfile | None, SeasonalProfile | None]:
    """The daily and weekly profiles that suit a stream sampled every ``interval`` seconds.

    Daily profiles need at least four points a day; weekly ones at least one a day (so daily
    data still gets a day-of-week profile). Coarser streams get no seasonality.
    """
    interval = max(interval, 1.0)
    daily = weekly = None
    if interval <= DAY / 4:
        bins = int(min(MAX_BINS_PER_DAY, max(4, round(DAY / interval))))
        daily = SeasonalProfile(bins, DAY, 0.0, DAY / bins / interval, min(SCALE_BUCKETS_PER_DAY, bins))
    if interval <= DAY * 1.01:
        per_day = int(min(MAX_WEEKLY_BINS_PER_DAY, max(1, round(DAY / interval))))
        bins = 7 * per_day
        weekly = SeasonalProfile(bins, WEEK, MONDAY, WEEK / bins / interval, 7 * min(SCALE_BUCKETS_PER_DAY, per_day))
    return daily, weekly
