"""Small timing helpers shared by the benchmarks (medians and percentiles, printed plainly)."""

from __future__ import annotations

import statistics


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"p50 {statistics.median(ms):.3f} ms · p95 {pct(ms, 95):.3f} ms · p99 {pct(ms, 99):.3f} ms "
            f"· n={len(ms)}")
