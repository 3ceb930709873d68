"""Totals, margin alerts, the dashboard and the digest, on days of orders with known margins."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from rt_orders import COSTS, FEES, day_of_orders, line, order

from ionflux.agents.revenue_tracker.costs import parse_costs
from ionflux.agents.revenue_tracker.insights import check_summary, findings
from ionflux.agents.revenue_tracker.ledger import IngestReport, Ledger, ingest_many
from ionflux.agents.revenue_tracker.margin import OrderMargin
from ionflux.agents.revenue_tracker.report import dashboard, digest_markdown, in_days, loss_making
from ionflux.agents.revenue_tracker.totals import by_currency, margin_alerts

COST_MODEL = parse_costs(COSTS, FEES)
TZ = zoneinfo.ZoneInfo("America/New_York")
DAY = date(2024, 11, 12)


def week_then_discount_day() -> list[OrderMargin]:
    """Seven days of 5 full-price orders (48.6% margin each), then a day of 6 orders at 15.00 off (22.5%)."""
    payloads = []
    for offset in range(7, 0, -1):
        start = datetime(DAY.year, DAY.month, DAY.day, 15, tzinfo=UTC) - timedelta(days=offset)
        payloads += day_of_orders(start, 5, 10_000 + offset * 100)
    payloads += day_of_orders(datetime(DAY.year, DAY.month, DAY.day, 15, tzinfo=UTC), 6, 20_000, discount="15.00")
    ledger = Ledger({}.get, lambda k, v: None)
    report, margins = ingest_many(ledger, payloads, COST_MODEL)
    assert not report.rejected
    return margins


def split(margins: list[OrderMargin]) -> tuple[dict, dict]:
    today = by_currency(in_days(margins, TZ, DAY, DAY))
    base = by_currency(in_days(margins, TZ, DAY - timedelta(days=7), DAY - timedelta(days=1)))
    return today, base


def test_a_full_price_and_a_discounted_order_by_hand() -> None:
    margins = week_then_discount_day()
    full, discounted = margins[0], margins[-1]
    # 40 − 8.40 COGS − 1.46 fees (2.9% × 40 + 0.30) − 5.20 shipping − 5.50 marketing (3.50 + 5% × 40) = 19.44
    assert full.contribution == Decimal("19.44") and full.margin_pct() == Decimal("48.6")
    # 25 − 8.40 − 1.02 (2.9% × 25 + 0.30 = 1.025, half to even) − 5.20 − 4.75 = 5.63
    assert discounted.contribution == Decimal("5.63") and discounted.margin_pct() == Decimal("22.5")


def test_a_margin_drop_alerts_with_its_drivers() -> None:
    today, base = split(week_then_discount_day())
    assert today["USD"].orders == 6 and base["USD"].orders == 35
    (alert,) = margin_alerts(DAY, today, base, floor_pct=Decimal(20), drop_points=Decimal(10), min_orders=5)
    assert alert["severity"] == "critical"  # 26.1 points is more than twice the threshold
    assert alert["margin_pct"] == "22.5" and alert["baseline_margin_pct"] == "48.6"
    assert alert["reasons"] == ["margin fell 26.1 points from 48.6% (trailing 7 days)"]
    assert [d["component"] for d in alert["drivers"]] == ["discounts", "cogs", "shipping_cost"]
    assert alert["drivers"][0]["change_points"] == "37.5"  # discounts: 15/40 of gross against 0
    assert alert["contribution"] == "33.78"  # 6 × 5.63


def test_no_alert_within_thresholds_or_on_thin_days() -> None:
    today, base = split(week_then_discount_day())
    assert margin_alerts(DAY, today, base, floor_pct=Decimal(20), drop_points=Decimal(30), min_orders=5) == []
    assert margin_alerts(DAY, today, base, floor_pct=Decimal(20), drop_points=Decimal(10), min_orders=7) == []
    (floor_only,) = margin_alerts(DAY, today, {}, floor_pct=Decimal(25), drop_points=Decimal(10), min_orders=5)
    assert floor_only["severity"] == "warning" and floor_only["baseline_margin_pct"] is None


def test_dashboard_blocks_per_currency() -> None:
    margins = week_then_discount_day()
    margins.append(Ledger({}.get, lambda k, v: None).ingest(
        order(30_001, lines=[line("ECO-TEE-M", "2980", 1)], total="3480", currency="JPY", gateway="paypal",
              created=datetime(2024, 11, 12, 16, tzinfo=UTC)), COST_MODEL, IngestReport()))
    board = dashboard(margins, DAY, TZ, "America/New_York", COST_MODEL)
    assert set(board["currencies"]) == {"JPY", "USD"}
    usd = board["currencies"]["USD"]
    assert usd["today"]["orders"] == 6 and usd["today"]["contribution"] == "33.78"
    assert usd["last_7_days"]["orders"] == 6 + 6 * 5
    assert usd["fixed_costs_per_day"] == "3.00"  # 90.00 a month / 30 days of November
    assert len(usd["daily"]) == 8 and usd["daily"][-1] == {"day": "2024-11-12", "orders": 6, "net_revenue": "150.00",
                                                            "contribution": "33.78", "margin_pct": "22.5"}
    assert usd["top_products"][0]["key"] == "ECO-TEE-M"
    assert board["currencies"]["JPY"]["today"]["orders"] == 1


def test_digest_markdown_compares_the_day_with_the_week() -> None:
    margins = week_then_discount_day()
    today, base = split(margins)
    alerts = margin_alerts(DAY, today, base, floor_pct=Decimal(20), drop_points=Decimal(10), min_orders=5)
    facts = findings(today, base, loss_making(margins), [])
    text = digest_markdown(DAY, "America/New_York", margins, TZ, COST_MODEL, alerts, facts, None)
    assert text.startswith("# Profitability digest — 2024-11-12")
    assert "| **Contribution** | **USD 33.78** (22.5%) | **USD 97.20** (48.6%) |" in text  # 5 × 19.44 a day
    assert "| Orders | 6 | 5.0 |" in text
    assert "Fixed costs (app fees, prorated): USD 3.00 a day; after them the day made USD 30.78." in text
    assert "**critical** (USD)" in text
    assert "USD margin 22.5% is down from 48.6% over the previous 7 days." in facts
    assert any(f.startswith("USD discounts rose to 37.5%") for f in facts)


def test_llm_summaries_may_only_cite_numbers_from_the_findings() -> None:
    facts = ["USD margin 22.5% is down from 48.6% over the previous 7 days."]
    assert check_summary("Margin fell to 22.5% from 48.6%, mostly on discounts.", facts) is None
    assert "not in the figures" in check_summary("Margin fell to 12% from 48.6% this week.", facts)
    assert check_summary("ok", facts) == "too short"
