"""Behaviour of the Sales Sentinel's streaming anomaly detector on synthetic metric streams."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ionflux.agents.sentinel.detector import AnomalyDetector, score_series

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
FIVE_MIN = 300.0
HOUR = 3600.0


def noisy(n: int, seed: int, step: float = FIVE_MIN, level: float = 100.0, sigma: float = 2.0
          ) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [T0 + i * step for i in range(n)], [level + rng.gauss(0.0, sigma) for _ in range(n)]


def daily_peak(n_days: int, seed: int, broken_day: int | None = None) -> tuple[list[float], list[float]]:
    """Hourly orders with a strong afternoon peak (100 at night, 180 at 15:00); optionally one day without it."""
    rng = random.Random(seed)
    midnight = T0 - T0 % 86400
    ts, vs = [], []
    for i in range(n_days * 24):
        hour = i % 24
        value = 100.0 + 80.0 * math.exp(-(((hour - 15) / 2.0) ** 2))
        if broken_day is not None and i // 24 == broken_day and 11 <= hour < 19:
            value = 100.0
        ts.append(midnight + i * HOUR)
        vs.append(value + rng.gauss(0.0, 2.0))
    return ts, vs


def test_a_clear_spike_scores_high_and_ordinary_points_low() -> None:
    ts, vs = noisy(2000, seed=0)
    vs[1500] += 30.0  # 15 sigma
    scores = score_series(ts, vs)
    ordinary = scores[300:1500] + scores[1510:]
    assert scores[1500] >= 0.9
    assert sorted(ordinary)[int(0.99 * len(ordinary))] < 0.3
    assert sum(s >= 0.5 for s in ordinary) <= 0.005 * len(ordinary)


def test_a_sustained_level_shift_alarms_then_calms_down() -> None:
    ts, vs = noisy(1500, seed=1)
    for i in range(1000, 1500):
        vs[i] += 20.0
    scores = score_series(ts, vs)
    assert max(scores[1000:1005]) >= 0.9
    later = scores[1050:]
    assert sum(s >= 0.5 for s in later) <= 2  # a rare new record of the new regime at most, no alarm storm
    assert sorted(later)[len(later) // 2] < 0.05
    assert sum(later) / len(later) < 2 * sum(scores[300:1000]) / 700 + 0.01


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_daily_peaks_are_normal_but_a_missing_peak_alarms(seed: int) -> None:
    ts, vs = daily_peak(28, seed)
    scores = score_series(ts, vs)
    assert max(scores[10 * 24:]) < 0.3  # regular peaks, once the profile is learned

    ts, vs = daily_peak(28, seed, broken_day=25)
    scores = score_series(ts, vs)
    regular = max(scores[10 * 24:25 * 24 + 11])
    broken = max(scores[25 * 24 + 11:25 * 24 + 19])
    assert broken >= 0.35
    assert broken > regular + 0.1


def test_no_look_ahead_prefix_scores_do_not_depend_on_later_points() -> None:
    ts, vs = daily_peak(14, seed=3)
    full = score_series(ts, vs)
    for cut in (1, 5, 150, 151, 200, 333):
        assert score_series(ts[:cut], vs[:cut]) == full[:cut]
    changed = vs[:200] + [v * 3 + 50 for v in vs[200:]]
    assert score_series(ts, changed)[:200] == full[:200]


def test_scores_are_always_finite_and_within_0_and_1() -> None:
    rng = random.Random(4)
    streams = [
        [0.0] * 500,
        [45.0] * 300 + [46.0] + [45.0] * 200,
        [rng.expovariate(0.01) for _ in range(800)],
        [(-1) ** i * 1e6 * rng.random() for i in range(800)],
        [1e90 * rng.random() for _ in range(400)],
        [1e-300 * i for i in range(400)],
        [float(i) for i in range(600)],
        [rng.choice([0.0, 0.0, 0.0, 20.0]) for _ in range(800)],
    ]
    for values in streams:
        ts = [T0 + i * FIVE_MIN for i in range(len(values))]
        for s in score_series(ts, values):
            assert 0.0 <= s <= 1.0


def test_nan_inf_and_junk_values_score_zero_and_do_not_poison_later_scores() -> None:
    ts, vs = noisy(900, seed=5)
    vs[700] += 25.0
    clean = score_series(ts, vs)
    bad = [math.nan, math.inf, -math.inf, None, "abc", 1e300]
    dirty_ts, dirty_vs, positions = [], [], []
    for i, (t, v) in enumerate(zip(ts, vs, strict=True)):
        dirty_ts.append(t)
        dirty_vs.append(v)
        if i % 37 == 0:
            positions.append(len(dirty_ts))
            dirty_ts.append(t + 1.0)
            dirty_vs.append(bad[i % len(bad)])
    dirty_ts.insert(400, math.nan)  # an unreadable timestamp too
    dirty_vs.insert(400, 123.0)
    detector = AnomalyDetector()
    scores = [detector.update(t, v) for t, v in zip(dirty_ts, dirty_vs, strict=True)]  # type: ignore[arg-type]
    kept = [s for s, t, v in zip(scores, dirty_ts, dirty_vs, strict=True)
            if isinstance(v, float) and math.isfinite(v) and abs(v) < 1e100 and math.isfinite(t)]
    dropped = [s for s, t, v in zip(scores, dirty_ts, dirty_vs, strict=True)
               if not (isinstance(v, float) and math.isfinite(v) and abs(v) < 1e100 and math.isfinite(t))]
    assert kept == clean  # the bad points changed nothing
    assert dropped and all(s == 0.0 for s in dropped)
    assert clean[700] >= 0.9


def test_state_round_trips_through_json_and_continues_identically() -> None:
    ts, vs = daily_peak(21, seed=6)
    vs[400] += 60.0
    reference = score_series(ts, vs)
    for cut in (0, 1, 7, 150, 401, 402, 455):  # includes mid-block and inside a refractory period
        first = AnomalyDetector()
        head = [first.update(t, v) for t, v in zip(ts[:cut], vs[:cut], strict=True)]
        restored = AnomalyDetector.from_state(json.loads(json.dumps(first.state_dict())))
        tail = [restored.update(t, v) for t, v in zip(ts[cut:], vs[cut:], strict=True)]
        assert head + tail == reference


def test_from_state_refuses_an_unknown_version() -> None:
    state = AnomalyDetector().state_dict()
    state["version"] = 999
    with pytest.raises(ValueError, match="version"):
        AnomalyDetector.from_state(state)


def test_score_series_equals_sequential_update_and_is_deterministic() -> None:
    ts, vs = daily_peak(10, seed=7)
    detector = AnomalyDetector()
    sequential = [detector.update(t, v) for t, v in zip(ts, vs, strict=True)]
    assert score_series(ts, vs) == sequential
    assert AnomalyDetector().score_series(ts, vs) == sequential
    continued = AnomalyDetector()
    assert continued.score_series(ts[:100], vs[:100]) + continued.score_series(ts[100:], vs[100:]) == sequential
    with pytest.raises(ValueError):
        score_series(ts, vs[:-1])


def test_datetimes_and_epoch_seconds_give_the_same_scores() -> None:
    ts, vs = daily_peak(8, seed=8)
    naive = [datetime(1970, 1, 1) + timedelta(seconds=t) for t in ts]
    aware_utc = [datetime.fromtimestamp(t, UTC) for t in ts]
    expected = score_series(ts, vs)
    assert score_series(naive, vs) == expected
    assert score_series(aware_utc, vs) == expected
    # An aware timestamp is read on its own wall clock: the same local times in another zone score the same.
    paris = timezone(timedelta(hours=2))
    local = [d.replace(tzinfo=paris) for d in naive]
    assert score_series(local, vs) == expected
