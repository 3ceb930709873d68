"""The demo shop fixture: generated as committed, valid Shopify shapes, and in step with the demo configurations."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import yaml
from ew_demo_shop import OUT, shifted, text

from ionflux.agents.email_wizard.audience import build_audience
from ionflux.agents.revenue_tracker.costs import parse_costs
from ionflux.agents.revenue_tracker.ledger import Ledger, ingest_many
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.demo import demo_data


def test_the_committed_fixture_is_what_the_generator_writes() -> None:
    assert OUT.read_text(encoding="utf-8") == text()


def test_the_demo_shop_loads_segments_and_prices_completely(demo: Context, demo_ws: uuid.UUID) -> None:
    now = utcnow()
    customers, orders = shifted(json.loads(OUT.read_text(encoding="utf-8")), now)
    shop = Commerce(demo)
    for c in customers:
        shop.upsert_customer(demo_ws, c)
    for o in orders:
        shop.upsert_order(demo_ws, o)
    members = build_audience(shop.customers(demo_ws), shop.orders(demo_ws), now)
    segments = Counter(m.segment for m in members)
    assert {"champions", "loyal", "at_risk", "new", "lost", "hibernating"} <= set(segments)
    assert sum(1 for m in members if m.suppressed is None) >= 20
    config = next(c for c in demo_data()["agent_configurations"] if c["agent_definition_id"] == "agent_010_refactored")
    inputs = yaml.safe_load(config["yaml_config_text"])["inputs"]
    costs = parse_costs(inputs["manual_cost_inputs"], inputs["payment_fees"])
    report, margins = ingest_many(Ledger({}.get, lambda k, v: None), orders, costs)
    assert not report.rejected and len(margins) == len(orders)
    assert all(m.status == "ok" and not m.warnings for m in margins)  # every SKU and currency has its costs
    assert {m.currency for m in margins} == {"USD", "EUR"}
