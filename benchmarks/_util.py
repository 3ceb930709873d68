"""Small timing helpers shared by the benchmarks (medians and percentiles, printed plainly)."""

from __future__ import annotations

import statistics

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: benchmarks sign in to a throwaway backend without touching the OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.d: dict[tuple[str, str], str] = {}

    def get_password(self, s: str, u: str) -> str | None:
        return self.d.get((s, u))

    def set_password(self, s: str, u: str, p: str) -> None:
        self.d[(s, u)] = p

    def delete_password(self, s: str, u: str) -> None:
        self.d.pop((s, u), None)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"p50 {statistics.median(ms):.3f} ms · p95 {pct(ms, 95):.3f} ms · p99 {pct(ms, 99):.3f} ms "
            f"· n={len(ms)}")
