"""Metric series per workspace (orders per interval, GMV, conversion, error rates), in fixed buckets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ionflux.core.clock import as_utc
from ionflux.core.context import Context
from ionflux.core.models import MetricPoint


def bucket_of(moment: datetime, width: timedelta) -> datetime:
    """The start of the bucket of width ``width`` holding ``moment`` (aligned to the Unix epoch, UTC)."""
    seconds = int(width.total_seconds())
    epoch = int(as_utc(moment).timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


@dataclass(frozen=True)
class Point:
    bucket_start: datetime
    value: float
    samples: int
    scored: bool
    anomaly_score: float | None


class Metrics:
    """Read and accumulate metric buckets."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add(self, workspace_id: uuid.UUID, metric: str, bucket_start: datetime, value: float, *,
            mode: str = "sum") -> None:
        """Fold ``value`` into a bucket: ``sum`` adds (counts, GMV); ``mean`` averages (rates, latency)."""
        self.add_many(workspace_id, [(metric, bucket_start, value, mode)])

    def add_many(self, workspace_id: uuid.UUID, points: list[tuple[str, datetime, float, str]]) -> None:
        """Fold many ``(metric, bucket_start, value, mode)`` contributions in one transaction."""
        if not points:
            return
        with self.ctx.store.unit_of_work(user_id=self.ctx.user_id) as uow:
            rows: dict[tuple[str, datetime], MetricPoint] = {}
            metrics = {p[0] for p in points}
            buckets = [p[1] for p in points]
            for row in uow.session.scalars(select(MetricPoint).where(
                    MetricPoint.workspace_id == workspace_id, MetricPoint.metric.in_(metrics),
                    MetricPoint.bucket_start >= min(buckets), MetricPoint.bucket_start <= max(buckets))):
                rows[(row.metric, row.bucket_start)] = row
            for metric, bucket, value, mode in points:
                row = rows.get((metric, bucket))
                if row is None:
                    row = rows[(metric, bucket)] = uow.add(MetricPoint(
                        workspace_id=workspace_id, metric=metric, bucket_start=bucket, value=float(value), samples=1,
                        scored=False))
                elif mode == "mean":
                    row.value = (row.value * row.samples + float(value)) / (row.samples + 1)
                    row.samples += 1
                else:
                    row.value += float(value)
                    row.samples += 1

    def series(self, workspace_id: uuid.UUID, metric: str, *, since: datetime | None = None) -> list[Point]:
        with self.ctx.store.read() as s:
            q = select(MetricPoint).where(MetricPoint.workspace_id == workspace_id, MetricPoint.metric == metric)
            if since is not None:
                q = q.where(MetricPoint.bucket_start >= since)
            rows = s.scalars(q.order_by(MetricPoint.bucket_start))
            return [Point(r.bucket_start, r.value, r.samples, r.scored, r.anomaly_score) for r in rows]

    def mark_scored(self, workspace_id: uuid.UUID, metric: str, scores: dict[datetime, float]) -> None:
        if not scores:
            return
        with self.ctx.store.unit_of_work(user_id=self.ctx.user_id) as uow:
            for row in uow.session.scalars(select(MetricPoint).where(
                    MetricPoint.workspace_id == workspace_id, MetricPoint.metric == metric,
                    MetricPoint.bucket_start >= min(scores), MetricPoint.bucket_start <= max(scores))):
                if row.bucket_start in scores:
                    row.scored, row.anomaly_score = True, scores[row.bucket_start]

    def metrics(self, workspace_id: uuid.UUID) -> list[str]:
        with self.ctx.store.read() as s:
            return sorted(set(s.scalars(select(MetricPoint.metric).where(MetricPoint.workspace_id == workspace_id))))
