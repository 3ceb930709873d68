"""Shop events into metric series: orders per interval, GMV and AOV per currency, performance metrics.

Counts and sums go into fixed buckets (5 minutes by default). A bucket is scored once it is
closed, i.e. once the *watermark* (the newest event time seen, or the clock on a scheduled health
check) has passed its end; buckets with no orders count as zero, which is exactly how a checkout
collapse shows up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ionflux.core.clock import as_utc
from ionflux.core.errors import ValidationError

ORDERS = "orders"
#: Metrics whose empty buckets mean zero (not "no data").
ADDITIVE_PREFIXES = ("orders", "gmv:")


def is_additive(metric: str) -> bool:
    return metric == ORDERS or metric.startswith("gmv:")


@dataclass(frozen=True)
class Observation:
    """One contribution to a metric bucket."""

    metric: str
    at: datetime
    value: float
    mode: str  # "sum" or "mean"


def order_observations(order: Mapping[str, Any]) -> list[Observation]:
    """Observations from one stored order row (ShopOrder columns as JSON or attributes)."""
    placed = order.get("placed_at")
    if isinstance(placed, str):
        placed = datetime.fromisoformat(placed)
    if not isinstance(placed, datetime):
        raise ValidationError("an order needs placed_at", where="order")
    currency = str(order.get("currency") or "")
    total = Decimal(str(order.get("total_price") or "0"))
    at = as_utc(placed)
    return [Observation(ORDERS, at, 1.0, "sum"), Observation(f"gmv:{currency}", at, float(total), "sum")]


def metric_observations(payload: Mapping[str, Any]) -> list[Observation]:
    """Observations from a performance-metrics payload.

    Accepted shape: ``{"timestamp": ISO-8601, "metrics": {"conversion_rate": 0.021, ...}}`` (or a
    list of such objects under ``"points"``). Non-numeric values are refused with their field.
    """
    points = payload.get("points") if isinstance(payload.get("points"), list) else [payload]
    out: list[Observation] = []
    for i, point in enumerate(points):
        where = f"performance_metric_payload.points[{i}]" if "points" in payload else "performance_metric_payload"
        if not isinstance(point, Mapping):
            raise ValidationError("must be an object", where=where)
        stamp = point.get("timestamp")
        try:
            at = as_utc(datetime.fromisoformat(str(stamp).replace("Z", "+00:00")))
        except ValueError:
            raise ValidationError(f"timestamp {stamp!r} is not ISO 8601", where=f"{where}.timestamp") from None
        metrics = point.get("metrics")
        if not isinstance(metrics, Mapping) or not metrics:
            raise ValidationError("needs a metrics object of name: number", where=f"{where}.metrics")
        for name, value in metrics.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValidationError(f"{value!r} is not a number", where=f"{where}.metrics.{name}")
            out.append(Observation(str(name), at, float(value), "mean"))
    return out


def closed_buckets(last_scored: datetime | None, first_bucket: datetime, watermark: datetime,
                   width: timedelta) -> list[datetime]:
    """Bucket starts after ``last_scored`` whose end is at or before ``watermark``."""
    start = first_bucket if last_scored is None else last_scored + width
    out = []
    while start + width <= watermark:
        out.append(start)
        start += width
        if len(out) > 100_000:  # a clock far in the future must not loop forever
            break
    return out
