"""The Revenue Tracker through the real runtime: order webhook runs, bad payloads, the daily digest."""

from __future__ import annotations

import json
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from rt_orders import COSTS, FEES, day_of_orders, usd_order
from sqlalchemy import select

from ionflux.agents.revenue_tracker.queries import latest_dashboard, order_margins
from ionflux.agents.runtime import AgentRuntime
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.agent_state import AgentStates
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.models import PlatformEvent, RunStatus

NY = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def tracker(demo: Context, demo_ws: uuid.UUID, runtime: AgentRuntime, no_demo_shop: None) -> uuid.UUID:
    text = yaml.safe_dump({"inputs": {"manual_cost_inputs": COSTS, "payment_fees": FEES, "llm_insights": False}})
    return AgentConfigs(demo).create(demo_ws, "agent_010_refactored", "Revenue", text).id


def local_noon(days_ago: int) -> datetime:
    day = utcnow().astimezone(NY).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 10, tzinfo=NY).astimezone(UTC)


def test_an_order_webhook_run_records_the_margin(demo: Context, demo_ws: uuid.UUID, runtime: AgentRuntime,
                                                 tracker: uuid.UUID) -> None:
    payload = usd_order(1001, created=local_noon(0))
    result = runtime.run(tracker, {"shopify_order_payload": json.dumps(payload)})
    assert result.run.status == RunStatus.SUCCESS
    board = result.outputs["profitability_dashboard_data_json"]
    assert board["orders"][0]["contribution"] == "67.22" and board["orders"][0]["margin_pct"] == "49.8"
    assert board["currencies"]["USD"]["today"]["orders"] == 1
    assert result.outputs["profitability_digest_markdown"] is None
    assert result.outputs["actionable_alert_payload"] is None
    assert "contribution USD 67.22 (49.8%)" in result.run.output_preview_text
    assert [o.shop_order_id for o in Commerce(demo).orders(demo_ws)] == ["1001"]  # other agents see the order
    assert latest_dashboard(demo, demo_ws)["orders"][0]["order_id"] == "1001"
    day = payload_day = local_noon(0).date()
    assert [m.order_id for m in order_margins(demo, tracker, payload_day, day)] == ["1001"]


def test_bad_payloads_are_reported_and_the_ledger_is_untouched(demo: Context, runtime: AgentRuntime,
                                                               tracker: uuid.UUID) -> None:
    runtime.run(tracker, {"shopify_order_payload": usd_order(1001, created=local_noon(0))})
    states = AgentStates(demo)
    ledger_keys = ["ledger:index", f"ledger:day:{local_noon(0).date().isoformat()}"]
    before = [states.get(tracker, k) for k in ledger_keys]
    bad_currency = usd_order(1002, created=local_noon(0), currency="XYZ")
    negative = usd_order(1003, created=local_noon(0))
    negative["line_items"][0]["quantity"] = -1
    result = runtime.run(tracker, {"shopify_order_payload": {"orders": [bad_currency, negative,
                                                                        usd_order(1001, created=local_noon(0))]}})
    ingest = result.outputs["profitability_dashboard_data_json"]["ingest"]
    assert [r["where"] for r in ingest["rejected"]] == ["order 1002: currency", "order 1003: line_items[0].quantity"]
    assert ingest["duplicates"] == 1 and ingest["accepted"] == 0
    assert [states.get(tracker, k) for k in ledger_keys] == before
    assert "2 payload(s) refused" in result.run.output_preview_text


def test_bad_cost_inputs_fall_back_to_the_last_good_ones(runtime: AgentRuntime, tracker: uuid.UUID) -> None:
    runtime.run(tracker, {"shopify_order_payload": usd_order(1001, created=local_noon(0))})
    result = runtime.run(tracker, {"shopify_order_payload": usd_order(1002, created=local_noon(0)),
                                   "manual_cost_inputs": {"currency": "USD", "cogs_per_sku": {"X": "-3"}}})
    board = result.outputs["profitability_dashboard_data_json"]
    assert board["input_problems"][0]["where"] == "manual_cost_inputs.cogs_per_sku.X"
    assert board["orders"][0]["contribution"] == "67.22"  # still the configured costs


def test_the_daily_digest_backfills_alerts_and_summarises(demo: Context, demo_ws: uuid.UUID, runtime: AgentRuntime,
                                                          tracker: uuid.UUID) -> None:
    shop = Commerce(demo)
    for days_ago in range(8, 1, -1):  # a normal week, synced into the shop store by another path
        for payload in day_of_orders(local_noon(days_ago), 5, 10_000 + days_ago * 100):
            shop.upsert_order(demo_ws, payload)
    heavy = day_of_orders(local_noon(1), 6, 20_000, discount="15.00")
    runtime.run(tracker, {"shopify_order_payload": heavy})
    heard: list[str] = []
    demo.store.bus.subscribe("ionflux.agent.revenuetracker.*", lambda e: heard.append(e.event_type))
    result = runtime.run(tracker, {"llm_insights": True})
    digest = result.outputs["profitability_digest_markdown"]
    yesterday = local_noon(1).astimezone(NY).date().isoformat()
    assert digest.startswith(f"# Profitability digest — {yesterday}")
    assert "| **Contribution** | **USD 33.78** (22.5%) | **USD 97.20** (48.6%) |" in digest
    assert "USD margin 22.5% is down from 48.6% over the previous 7 days." in digest
    alert = result.outputs["actionable_alert_payload"]
    assert alert["alerts"][0]["severity"] == "critical" and alert["alerts"][0]["day"] == yesterday
    assert heard == ["ionflux.agent.revenuetracker.margin_alert"]
    summary = result.run.kpi_results_json["digest_summary"]
    assert summary.startswith(("written by", "the language model"))  # used, or dropped with the reason
    assert result.run.kpi_results_json["llm_calls"] >= 1
    again = runtime.run(tracker, {"llm_insights": False})  # the same alert is not raised twice
    assert again.outputs["actionable_alert_payload"] is None
    with demo.store.read() as s:
        events = list(s.scalars(select(PlatformEvent.event_type).where(
            PlatformEvent.event_type == "ionflux.agent.revenuetracker.margin_alert")))
    assert len(events) == 1
