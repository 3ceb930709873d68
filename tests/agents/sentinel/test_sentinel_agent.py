"""The Sales Sentinel end to end on the real runtime: orders in, a checkout collapse caught, #alerts told."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ionflux.agents.registry import AgentRegistry
from ionflux.agents.runtime import AgentRuntime
from ionflux.agents.sentinel.agent import SalesSentinel
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.chat import Chat
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.models import PlatformEvent, RunStatus

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def sentinel(demo: Context, demo_ws: uuid.UUID, tmp_path, no_demo_shop: None) -> tuple[AgentRuntime, uuid.UUID]:  # type: ignore[no-untyped-def]
    from ionflux.agents.llm.router import LLMRouter
    from ionflux.agents.memory.store import MemoryStore

    registry = AgentRegistry(implementations=[SalesSentinel])
    memory = MemoryStore(tmp_path / "memory")
    runtime = AgentRuntime(demo, registry, LLMRouter({}, lambda ref: None), lambda: memory, tmp_path / "logs")
    config = AgentConfigs(demo).find(demo_ws, "EcoThreads Boutique - Sales Sentinel Config")
    return runtime, config.id


def _order(n: int, at: datetime, total: str = "60.00") -> dict:
    return {"id": 5_000_000 + n, "name": f"#{1000 + n}", "created_at": at.isoformat(), "currency": "USD",
            "total_price": total, "subtotal_price": total, "line_items": [{"quantity": 1, "price": total}]}


def _day_of_orders(start: datetime, days: int, per_bucket: int) -> list[dict]:
    orders, n = [], 0
    for bucket in range(days * 24 * 12):
        at = start + timedelta(minutes=5 * bucket)
        for k in range(per_bucket):
            orders.append(_order(n, at + timedelta(seconds=20 * k)))
            n += 1
    return orders


def test_high_value_order_alerts_in_alerts_channel(demo: Context, demo_ws: uuid.UUID, sentinel) -> None:  # type: ignore[no-untyped-def]
    runtime, config_id = sentinel
    result = runtime.run(config_id, {"shopify_event_payload": _order(1, START, "450.00")})
    alert = result.outputs["alert_to_brief_butler"]
    assert alert["type"] == "high_value_order" and "450.00 USD" in alert["title"]
    assert result.outputs["incident_analysis_report"] is None
    alerts = Chat(demo).channel(demo_ws, "alerts")
    assert "High-value order #1001" in Chat(demo).messages(alerts.id)[-1].content_json["text_body"]
    assert len(Commerce(demo).orders(demo_ws)) == 1


def test_a_redelivered_order_is_counted_once(demo: Context, demo_ws: uuid.UUID, sentinel) -> None:  # type: ignore[no-untyped-def]
    from ionflux.core.metrics import Metrics

    runtime, config_id = sentinel
    for _ in range(3):
        runtime.run(config_id, {"shopify_event_payload": _order(2, START)})
    (point,) = Metrics(demo).series(demo_ws, "orders")
    assert point.value == 1.0


def test_bad_payloads_are_reported_and_change_nothing(demo: Context, demo_ws: uuid.UUID, sentinel) -> None:  # type: ignore[no-untyped-def]
    from ionflux.agents.runtime import RunFailed
    from ionflux.core.metrics import Metrics

    runtime, config_id = sentinel
    bad = {**_order(3, START), "currency": "dollars"}
    with pytest.raises(RunFailed, match="currency"):
        runtime.run(config_id, {"shopify_event_payload": bad})
    with pytest.raises(RunFailed, match="not a number"):
        runtime.run(config_id, {"performance_metric_payload": {"timestamp": START.isoformat(),
                                                               "metrics": {"checkout_error_rate": "high"}}})
    assert Metrics(demo).metrics(demo_ws) == [] and Commerce(demo).orders(demo_ws) == []


def test_checkout_collapse_is_caught_with_cause_and_gmv_at_risk(demo: Context, demo_ws: uuid.UUID, sentinel) -> None:  # type: ignore[no-untyped-def]
    """Two quiet days of orders, an app update, errors rise, orders stop: one incident, explained."""
    runtime, config_id = sentinel
    commerce = Commerce(demo)
    for order in _day_of_orders(START, 2, 2):  # history goes straight into the store (a bulk pull);
        commerce.upsert_order(demo_ws, order)  # the Sentinel catches up on it at its next run
    history_end = START + timedelta(days=2)
    runtime.run(config_id, {"performance_metric_payload": {"points": [
        {"timestamp": (START + timedelta(minutes=5 * i)).isoformat(), "metrics": {"checkout_error_rate": 0.01}}
        for i in range(0, 2 * 288, 6)]}})
    runtime.run(config_id, {"shopify_event_payload": {"topic": "app/updated", "app_name": "SocialProof Popups",
                                                      "version": "4.2", "updated_at": history_end.isoformat()}})
    incident = None
    for i in range(1, 7):  # 30 minutes with no orders; the error rate jumps
        at = history_end + timedelta(minutes=5 * i)
        result = runtime.run(config_id, {"performance_metric_payload": {
            "timestamp": at.isoformat(), "metrics": {"checkout_error_rate": 0.35}}})
        incident = incident or result.outputs["incident_analysis_report"]
    assert incident is not None, "the collapse was not detected"
    assert incident["metric"] in ("orders", "gmv:USD")
    assert incident["observed"] < incident["expected"]
    assert incident["gmv_at_risk"]["next_hour"] > 0
    kinds = [c["kind"] for c in incident["probable_root_causes"]]
    assert {"app_change", "error_spike"} <= set(kinds)
    assert incident["narrative"] and incident["narrative_source"] in ("llm", "template")
    assert incident["time_to_detect_s"] <= 30 * 60
    alerts = Chat(demo).channel(demo_ws, "alerts")
    assert "anomaly" in Chat(demo).messages(alerts.id)[-1].content_json["text_body"]
    with demo.store.read() as s:
        types = {e.event_type for e in s.scalars(select(PlatformEvent))}
    assert {"ionflux.agent.salessentinel.anomaly_detected", "ionflux.notification.created"} <= types


def test_scheduled_health_check_runs_without_inputs(sentinel) -> None:  # type: ignore[no-untyped-def]
    runtime, config_id = sentinel
    result = runtime.run(config_id, {}, trigger_type="schedule")
    assert result.run.status == RunStatus.SUCCESS
    assert result.outputs == {"incident_analysis_report": None, "alert_to_brief_butler": None}
