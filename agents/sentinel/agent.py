"""The Shopify Sales Sentinel v2 agent: order and metric events in, incidents and alerts out.

Each run ingests what it was given (a Shopify order, an app/theme/product change, a batch of
performance metrics) into the workspace's metric series, scores every bucket that has closed
with one streaming detector per metric (state kept between runs), and when a score crosses the
threshold builds an ``incident_analysis_report``, posts the ``alert_to_brief_butler`` message to
#alerts with a notification, and emits ``ionflux.agent.salessentinel.anomaly_detected``. A
scheduled run (no inputs) closes buckets by the clock, so silence — no orders at all — is seen too.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ionflux.agents.base import Agent, AgentContext
from ionflux.agents.sentinel.detector import AnomalyDetector
from ionflux.agents.sentinel.evidence import MAX_LOG, Change, change_from_event, rank_causes
from ionflux.agents.sentinel.incident import expected_value, gmv_at_risk, narrative
from ionflux.agents.sentinel.series import (
    ORDERS,
    Observation,
    closed_buckets,
    is_additive,
    metric_observations,
    order_observations,
)
from ionflux.core.agent_state import AgentStates
from ionflux.core.chat import Chat
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.metrics import Metrics, bucket_of
from ionflux.core.models import ChannelType, MessageContentType, SenderType

ALERT_CHANNEL = "alerts"
#: Orders placed this long before the newest one are not replayed into the live series (a year of
#: imported history would only teach the detectors about a shop that no longer exists).
MAX_HISTORY = timedelta(days=30)
DEFAULT_BUCKET_MINUTES = 5
DEFAULT_THRESHOLD = 0.5


class SalesSentinel(Agent):
    """Watches a shop's pulse and explains what breaks it."""

    definition_id = "agent_004_refactored"

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        width = timedelta(minutes=int(inputs.get("bucket_minutes") or DEFAULT_BUCKET_MINUTES))
        threshold = float(inputs.get("anomaly_score_threshold") or DEFAULT_THRESHOLD)
        state = AgentStates(ctx.store)
        meta: dict[str, Any] = state.get(ctx.config_id, "meta", {}) or {}
        observations, alerts = self._ingest(inputs, ctx, meta)
        metrics = Metrics(ctx.store)
        metrics.add_many(ctx.workspace_id, [(o.metric, bucket_of(o.at, width), o.value, o.mode) for o in observations])
        if observations:
            newest = max(o.at for o in observations).isoformat()
            meta["watermark"] = max(meta.get("watermark") or "", newest)
        health_check = not inputs.get("shopify_event_payload") and not inputs.get("performance_metric_payload")
        if health_check:  # a scheduled run closes buckets by the clock
            meta["watermark"] = max(meta.get("watermark") or "", utcnow().isoformat())
        ctx.progress(0.4, f"ingested {len(observations)} observations")
        # The very first run learns whatever history is already stored without raising incidents for it.
        backfill = bool(inputs.get("backfill")) or not meta.get("warmed")
        incidents = self._score(ctx, metrics, state, meta, width, threshold, backfill)
        meta["warmed"] = True
        state.set(ctx.config_id, "meta", meta)
        ctx.kpis["buckets_scored"] = meta.get("buckets_scored", 0)
        if not incidents:
            ctx.progress(1.0, "no anomaly")
            return {"incident_analysis_report": None, "alert_to_brief_butler": alerts[0] if alerts else None}
        incidents.sort(key=lambda r: (-r["anomaly_score"], -r["gmv_at_risk"]["next_hour"]))
        report = incidents[0]
        if len(incidents) > 1:
            report["other_incidents"] = [{k: i[k] for k in ("metric", "window", "anomaly_score")}
                                         for i in incidents[1:]]
        report["narrative"], report["narrative_source"] = narrative(report, lambda: ctx.llm("root cause analysis"))
        alert = self._alert(report, ctx)
        ctx.kpis["time_to_detect_s"] = report["time_to_detect_s"]
        ctx.kpis["gmv_at_risk_next_hour"] = report["gmv_at_risk"]["next_hour"]
        return {"incident_analysis_report": report, "alert_to_brief_butler": alert}

    def preview(self, outputs: Mapping[str, Any]) -> str:
        report = outputs.get("incident_analysis_report")
        if report:
            return f"Anomaly in {report['metric_label']}: {report['narrative']}"[:500]
        alert = outputs.get("alert_to_brief_butler")
        return alert["title"] if alert else "No anomaly."

    # -- ingestion -------------------------------------------------------------------------

    def _ingest(self, inputs: Mapping[str, Any], ctx: AgentContext, meta: dict[str, Any],
                ) -> tuple[list[Observation], list[dict[str, Any]]]:
        """Observations from this run's inputs and from every stored order not yet counted.

        The store is the source of truth for orders: an order event only wakes the Sentinel up,
        and orders that arrived while it was not running (a bulk pull, an import) are caught up
        on here, each counted exactly once.
        """
        alerts: list[dict[str, Any]] = []
        event = inputs.get("shopify_event_payload")
        announced: str | None = None  # the order this run was woken for: the only one that may alert
        if event:
            if not isinstance(event, Mapping):
                raise ValidationError("must be a JSON object", where="shopify_event_payload")
            if event.get("entity") not in ("shop_orders", None) or "topic" in event:
                self._record_change(event, ctx, meta)
            elif event.get("entity") == "shop_orders":
                announced = str((event.get("data") or {}).get("shop_order_id") or "") or None
            elif "line_items" in event or "total_price" in event:  # a raw Shopify order: store it first
                order_row, _ = Commerce(ctx.store).upsert_order(ctx.workspace_id, event)
                announced = order_row.shop_order_id
        observations: list[Observation] = []
        for order in self._new_orders(ctx, meta):
            observations += order_observations(order)
            if order["shop_order_id"] == announced and not inputs.get("backfill"):
                alerts += self._high_value(order, inputs, ctx)
        metrics_payload = inputs.get("performance_metric_payload")
        if metrics_payload:
            if not isinstance(metrics_payload, Mapping):
                raise ValidationError("must be a JSON object", where="performance_metric_payload")
            observations += metric_observations(metrics_payload)
        return observations, alerts

    def _new_orders(self, ctx: AgentContext, meta: dict[str, Any]) -> list[dict[str, Any]]:
        """Stored orders created since the cursor, in arrival order (the cursor is the insert time)."""
        cursor = meta.get("orders_cursor")
        orders = Commerce(ctx.store).orders_added_since(ctx.workspace_id,
                                                        datetime.fromisoformat(cursor) if cursor else None)
        seen = set(meta.get("orders_seen_at_cursor") or [])
        newest = max((o.placed_at for o in orders), default=None)
        fresh = [o for o in orders if o.shop_order_id not in seen and o.placed_at >= newest - MAX_HISTORY]
        if orders:
            last = max(o.created_at for o in orders)
            meta["orders_cursor"] = last.isoformat()
            meta["orders_seen_at_cursor"] = [o.shop_order_id for o in orders if o.created_at == last]
        return [{"shop_order_id": o.shop_order_id, "placed_at": o.placed_at.isoformat(), "currency": o.currency,
                 "total_price": str(o.total_price), "order_name": o.order_name} for o in fresh]

    def _record_change(self, event: Mapping[str, Any], ctx: AgentContext, meta: dict[str, Any]) -> None:
        if event.get("entity") == "shop_products":  # a stored product changed: compare its variant prices
            data = event.get("data") or {}
            if "variants_json" not in data:
                return
            event = {"topic": "products/update", "title": data.get("title", "a product"),
                     "variants": data["variants_json"], "updated_at": data.get("updated_at")}
        prices: dict[str, str] = meta.setdefault("prices", {})
        change = change_from_event(event, prices)
        for variant in event.get("variants") or []:
            if variant.get("id") is not None and variant.get("price") is not None:
                prices[str(variant["id"])] = str(variant["price"])
        if change is None:
            ctx.log.info("event without effect on the series: %s", event.get("topic") or sorted(event)[:5])
            return
        log = meta.setdefault("changes", [])
        log.append(change.to_json())
        del log[:-MAX_LOG]
        if ctx.memory is not None:
            ctx.memory.add([change.description], ids=[f"change-{len(log)}-{change.at.isoformat()}"],
                           metadatas=[{"kind": change.kind, "at": change.at.timestamp()}])

    def _high_value(self, order: Mapping[str, Any], inputs: Mapping[str, Any], ctx: AgentContext,
                    ) -> list[dict[str, Any]]:
        limit = inputs.get("min_order_value_alert_threshold")
        total = float(order.get("total_price") or 0)
        if limit is None or total < float(limit):
            return []
        name = order.get("order_name") or order["shop_order_id"]
        title = f"High-value order {name}: {total:,.2f} {order['currency']}"
        alert = {"type": "high_value_order", "severity": "info", "channel": f"#{ALERT_CHANNEL}", "title": title,
                 "summary_markdown": f"**{title}** (threshold {float(limit):,.2f}).",
                 "order_id": order["shop_order_id"], "target_agent": "agent_007 (SlackBriefButler)"}
        self._post(ctx, alert["summary_markdown"])
        ctx.emit("ionflux.agent.salessentinel.alert_generated", alert)
        return [alert]

    # -- scoring ---------------------------------------------------------------------------

    def _score(self, ctx: AgentContext, metrics: Metrics, state: AgentStates, meta: dict[str, Any],
               width: timedelta, threshold: float, backfill: bool) -> list[dict[str, Any]]:
        """Score every closed bucket of every metric; a backfill learns from history without raising incidents."""
        watermark = meta.get("watermark")
        if not watermark:
            return []
        mark = datetime.fromisoformat(watermark)
        incidents = []
        for metric in metrics.metrics(ctx.workspace_id):
            series = metrics.series(ctx.workspace_id, metric)
            if not series:
                continue
            detector_key = f"detector:{metric}"
            saved = state.get(ctx.config_id, detector_key)
            detector = AnomalyDetector.from_state(saved["detector"]) if saved else AnomalyDetector()
            last = datetime.fromisoformat(saved["last_bucket"]) if saved else None
            values = {p.bucket_start: p.value for p in series}
            buckets = closed_buckets(last, series[0].bucket_start, mark, width)
            if not is_additive(metric):
                buckets = [b for b in buckets if b in values]
            scores: dict[datetime, float] = {}
            history = [(p.bucket_start, p.value) for p in series]
            for bucket in buckets:
                score = detector.update(bucket, values.get(bucket, 0.0))
                scores[bucket] = score
                if score >= threshold and not backfill and bucket.isoformat() != saved_alerted(saved):
                    incidents.append(self._report(ctx, metric, bucket, score, history, values, metrics, meta, width,
                                                  mark))
                    saved = {**(saved or {}), "alerted": bucket.isoformat()}
            if buckets:
                metrics.mark_scored(ctx.workspace_id, metric, scores)
                meta["buckets_scored"] = meta.get("buckets_scored", 0) + len(buckets)
                state.set(ctx.config_id, detector_key, {"detector": detector.state_dict(),
                                                        "last_bucket": buckets[-1].isoformat(),
                                                        "alerted": (saved or {}).get("alerted")})
        return incidents

    def _report(self, ctx: AgentContext, metric: str, bucket: datetime, score: float,
                history: list[tuple[datetime, float]], values: Mapping[datetime, float], metrics: Metrics,
                meta: Mapping[str, Any], width: timedelta, watermark: datetime) -> dict[str, Any]:
        exp = expected_value(history, bucket, width)
        start = bucket
        while True:  # extend the window back over the buckets that already strayed the same way
            prev = start - width
            prev_exp = expected_value(history, prev, width).expected
            prev_val = values.get(prev, 0.0 if is_additive(metric) else None)
            if prev_val is None or prev_exp == 0 or abs(prev_val - prev_exp) / abs(prev_exp) < 0.3 or \
                    (prev_val < prev_exp) != (values.get(bucket, 0.0) < exp.expected) or bucket - prev > 6 * width:
                break
            start = prev
        window = (start, bucket + width)
        currency = metric.split(":", 1)[1] if ":" in metric else None
        gmv_metric = f"gmv:{currency}" if currency else next(
            (m for m in metrics.metrics(ctx.workspace_id) if m.startswith("gmv:")), None)
        gmv = [(p.bucket_start, p.value) for p in metrics.series(ctx.workspace_id, gmv_metric)] if gmv_metric else []
        lost, next_hour = gmv_at_risk(gmv, window, width) if gmv else (0.0, 0.0)
        changes = [Change.from_json(c) for c in meta.get("changes", [])]
        similarity = self._similarity(ctx, metric, exp.expected, values.get(bucket, 0.0))
        causes = rank_causes(changes, metric, window[0], window[1], similarity)
        causes += self._error_spikes(ctx, metrics, metric, (window[0], max(window[1], watermark)))
        causes.sort(key=lambda c: -c["evidence_score"])
        label = {"orders": "Orders per interval"}.get(
            metric, metric.replace(":", " in ").replace("_", " ").capitalize())
        return {
            "incident_id": str(uuid.uuid4()), "metric": metric, "metric_label": label, "anomaly_score": round(score, 4),
            "window": {"start": window[0].isoformat(), "end": window[1].isoformat(),
                       "bucket_minutes": int(width.total_seconds() // 60)},
            "observed": round(values.get(bucket, 0.0), 4), "expected": round(exp.expected, 4),
            "expected_basis": exp.basis, "currency": gmv_metric.split(":", 1)[1] if gmv_metric else None,
            "gmv_at_risk": {"lost_in_window": lost, "next_hour": next_hour},
            "probable_root_causes": causes[:5],
            "time_to_detect_s": round((bucket + width - window[0]).total_seconds(), 1),
            "detected_at": utcnow().isoformat(),
        }

    def _similarity(self, ctx: AgentContext, metric: str, expected: float, observed: float) -> dict[str, float]:
        if ctx.memory is None or ctx.memory.count() == 0:
            return {}
        direction = "dropped" if observed < expected else "spiked"
        hits = ctx.memory.query(f"{metric.split(':')[0]} {direction}; checkout errors, broken app or theme", k=10)
        return {h.text: h.score for h in hits}

    def _error_spikes(self, ctx: AgentContext, metrics: Metrics, metric: str,
                      span: tuple[datetime, datetime]) -> list[dict[str, Any]]:
        """Error-rate metrics that rose between the window's start and detection: strong evidence for a drop."""
        out = []
        for name in metrics.metrics(ctx.workspace_id):
            if "error" not in name or name == metric:
                continue
            series = [(p.bucket_start, p.value) for p in metrics.series(ctx.workspace_id, name)]
            inside = [v for t, v in series if span[0] <= t <= span[1]]
            before = [v for t, v in series if t < span[0]][-12:]
            if inside and before:
                baseline, peak = sorted(before)[len(before) // 2], max(inside)
                if peak > max(2 * baseline, baseline + 0.02):
                    out.append({"cause": f"{name.replace('_', ' ')} rose from {baseline:.3g} to {peak:.3g}",
                                "kind": "error_spike", "at": span[0].isoformat(),
                                "evidence_score": round(min(1.0, 0.6 + 0.4 * min(1.0, peak / max(baseline, 1e-9) / 10)),
                                                        4),
                                "details": {"metric": name, "baseline": baseline, "peak": peak},
                                "why": "errors rose in the same window"})
        return out

    # -- alerting --------------------------------------------------------------------------

    def _alert(self, report: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        severity = "critical" if report["gmv_at_risk"]["next_hour"] > 0 and report["observed"] < report["expected"] \
            else "warning"
        top = report["probable_root_causes"][0]["cause"] if report["probable_root_causes"] else "unknown"
        title = f"{report['metric_label']} anomaly ({severity})"
        money = report["gmv_at_risk"]
        summary = (f"**{title}**\n\n{report['narrative']}\n\n- Observed **{report['observed']:g}** vs expected "
                   f"**{report['expected']:g}**\n- GMV lost in window: {money['lost_in_window']:,.2f}; at risk next "
                   f"hour: {money['next_hour']:,.2f} {report['currency'] or ''}\n- Top probable cause: {top}")
        alert = {"type": "anomaly", "severity": severity, "channel": f"#{ALERT_CHANNEL}", "title": title,
                 "summary_markdown": summary, "incident_id": report["incident_id"], "metric": report["metric"],
                 "gmv_at_risk": money, "top_root_cause": top, "target_agent": "agent_007 (SlackBriefButler)"}
        self._post(ctx, summary)
        ctx.emit("ionflux.agent.salessentinel.anomaly_detected", {"incident": report, "alert": alert})
        ctx.emit("ionflux.notification.created", {"level": severity, "title": title, "body": report["narrative"],
                                                  "channel": ALERT_CHANNEL})
        return alert

    def _post(self, ctx: AgentContext, markdown: str) -> None:
        chat = Chat(ctx.store)
        try:
            channel = chat.channel(ctx.workspace_id, ALERT_CHANNEL)
        except NotFoundError:
            channel = chat.create_channel(ctx.workspace_id, ALERT_CHANNEL, type=ChannelType.PUBLIC)
        chat.post(channel.id, markdown, content_type=MessageContentType.MARKDOWN, sender_type=SenderType.AGENT,
                  sender_id=ctx.config_id)


def saved_alerted(saved: Mapping[str, Any] | None) -> str | None:
    return (saved or {}).get("alerted")


__all__ = ["ORDERS", "SalesSentinel"]
