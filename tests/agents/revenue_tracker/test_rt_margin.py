"""Per-order contribution margins, checked against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rt_orders import COSTS, FEES, line, order, usd_order

from ionflux.agents.revenue_tracker.costs import CostModel, parse_costs
from ionflux.agents.revenue_tracker.currency import fmt, minor_units, quantize
from ionflux.agents.revenue_tracker.margin import OrderMargin, order_margin
from ionflux.core.commerce import normalise_order
from ionflux.core.errors import ValidationError

D = Decimal


def margin_of(payload: dict, costs: CostModel | None = None) -> OrderMargin:
    return order_margin(normalise_order(payload), costs or parse_costs(COSTS, FEES))


def test_a_usd_order_worked_by_hand() -> None:
    m = margin_of(usd_order())
    # gross 2×25 + 89 + 6 shipping = 145.00; net = 145 − 10 discount = 135.00
    # COGS 2×8.40 + 31.00 = 47.80; fees 2.9% × 145.80 + 0.30 = 4.5282 → 4.53
    # shipping cost 5.20 (configured); marketing 3.50 + 5% × 135.00 = 10.25
    # contribution 135.00 − 47.80 − 4.53 − 5.20 − 10.25 = 67.22; 67.22 / 135 = 49.79...% → 49.8
    assert m.amounts == {"gross_revenue": D("145.00"), "discounts": D("10.00"), "refunds": D("0.00"),
                         "net_revenue": D("135.00"), "cogs": D("47.80"), "payment_fees": D("4.53"),
                         "shipping_cost": D("5.20"), "marketing_cost": D("10.25"), "contribution": D("67.22")}
    assert m.margin_pct() == D("49.8")
    assert m.status == "ok" and m.warnings == ()
    assert [(ln.key, ln.quantity, ln.revenue, ln.cogs) for ln in m.lines] == [
        ("ECO-TEE-M", 2, D("50.00"), D("16.80")), ("ECO-JKT-L", 1, D("89.00"), D("31.00"))]


def test_a_yen_order_has_no_minor_unit_and_uses_yen_costs_only() -> None:
    payload = order(2001, lines=[line("ECO-TEE-M", "2980", 1)], total="3480", shipping="500", currency="JPY",
                    gateway="PayPal")
    m = margin_of(payload)
    # fees 3.6% × 3480 + 40 = 165.28 → 165; shipping: no JPY cost configured → the 500 charged
    # marketing: no JPY amount per order, so only 5% × 3480 = 174
    # contribution 3480 − 1200 − 165 − 500 − 174 = 1441 (41.4%)
    assert m.amounts["payment_fees"] == D("165") and m.amounts["marketing_cost"] == D("174")
    assert m.contribution == D("1441") and m.margin_pct() == D("41.4")
    assert fmt(m.contribution, "JPY") == "1441"
    assert any("no shipping cost in JPY" in w for w in m.warnings)
    assert m.status == "ok"  # estimates are flagged, only missing COGS/fee rules make it incomplete


def test_a_dinar_order_keeps_three_decimals_and_reports_missing_costs() -> None:
    payload = order(2002, lines=[line("ECO-JKT-L", "12.345", 2)], total="26.190", shipping="1.500", currency="KWD")
    m = margin_of(payload)
    assert m.amounts["gross_revenue"] == D("26.190")
    assert m.amounts["payment_fees"] == D("0.760")  # 2.9% × 26.190 = 0.75951; no fixed fee in KWD
    assert m.amounts["cogs"] == D("0")
    assert m.status == "incomplete"
    assert "no COGS for ECO-JKT-L in KWD; counted as 0" in m.warnings
    assert any("no fixed payment fee in KWD" in w for w in m.warnings)
    # marketing 5% × 26.190 = 1.3095 → 1.310 (half to even); shipping: the 1.500 charged
    # contribution 26.190 − 0 − 0.760 − 1.500 − 1.310 = 22.620
    assert m.to_json()["contribution"] == "22.620"


def test_rounding_is_bankers_per_component() -> None:
    costs = parse_costs({"currency": "USD", "marketing_cost_rate": "0.05"}, {"default": {"rate": "0"}})
    m = margin_of(order(3001, lines=[line("X", "10.50", 1)], total="10.50"), costs)
    assert m.amounts["marketing_cost"] == D("0.52")  # 5% × 10.50 = 0.525 → 0.52 (half to even)
    assert quantize(D("0.535"), "USD") == D("0.54") and quantize(D("2.5"), "JPY") == D("2")
    assert minor_units("KWD") == 3 and minor_units("JPY") == 0 and minor_units("EUR") == 2


def test_components_always_add_up_to_the_contribution() -> None:
    m = margin_of(usd_order(refunds=["20.00"]))
    a = m.amounts
    assert a["refunds"] == D("20.00") and a["net_revenue"] == D("115.00")
    assert a["gross_revenue"] - a["discounts"] - a["refunds"] == a["net_revenue"]
    assert a["net_revenue"] - a["cogs"] - a["payment_fees"] - a["shipping_cost"] - a["marketing_cost"] == \
        a["contribution"]
    assert OrderMargin.from_json(m.to_json()) == m


def test_cancelled_orders_count_zero_and_gift_cards_pay_no_fee() -> None:
    cancelled = usd_order(4001)
    cancelled["cancelled_at"] = "2024-11-02T18:00:00Z"
    m = margin_of(cancelled)
    assert m.status == "cancelled" and set(m.amounts.values()) == {D("0")}
    gift = margin_of(usd_order(4002, gateway="gift_card"))
    assert gift.amounts["payment_fees"] == D("0.00")


def test_missing_cogs_can_be_estimated_from_a_default_rate() -> None:
    costs = parse_costs({"currency": "USD", "default_cogs_rate": "40%"}, FEES)
    m = margin_of(order(5001, lines=[line("NEW-SKU", "30.00", 2)], total="60.00"), costs)
    assert m.amounts["cogs"] == D("24.00") and m.status == "ok"
    assert any("estimated at 40%" in w for w in m.warnings)


def test_an_order_without_a_fee_rule_is_incomplete() -> None:
    costs = parse_costs({"currency": "USD"}, {"paypal": {"rate": "0.03"}})
    m = margin_of(usd_order(5002, gateway="stripe"), costs)
    assert m.status == "incomplete" and m.amounts["payment_fees"] == D("0")


@pytest.mark.parametrize(("data", "where"), [
    ({"cogs_per_sku": {"A": "1.00"}}, "manual_cost_inputs.cogs_per_sku.A"),  # plain amount without a currency
    ({"currency": "usd"}, "manual_cost_inputs.currency"),
    ({"currency": "USD", "cogs_per_sku": {"A": "-1"}}, "manual_cost_inputs.cogs_per_sku.A"),
    ({"currency": "USD", "cogs_per_sku": {"A": {"XYZ": "1"}}}, "manual_cost_inputs.cogs_per_sku.A.XYZ"),
    ({"currency": "USD", "marketing_cost_rate": "1.5"}, "manual_cost_inputs.marketing_cost_rate"),
    ({"currency": "USD", "cogs": {}}, "manual_cost_inputs.cogs"),
])
def test_bad_cost_inputs_name_the_field(data: dict, where: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_costs(data)
    assert err.value.where == where


def test_bad_fee_rules_name_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        parse_costs({}, {"default": {"fixed": "0.30"}})
    assert err.value.where == "payment_fees.default"
