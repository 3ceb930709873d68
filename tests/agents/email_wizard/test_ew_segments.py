"""RFM scores, named segments, suppression and the audience built from shop rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from ew_data import HISTORIES, NOW, customer_row, order_row, shop_rows

from ionflux.agents.email_wizard.audience import build_audience
from ionflux.agents.email_wizard.rfm import histories, quintiles, recency_score, score
from ionflux.agents.email_wizard.suppression import Contact, suppression_reason, valid_email


def test_every_customer_lands_in_the_segment_it_was_built_for() -> None:
    _, orders = shop_rows()
    scores = score(histories(orders), NOW)
    assert {k.removeprefix("id:"): s.segment for k, s in scores.items()} == {k: k for k in HISTORIES}


def test_scores_by_hand() -> None:
    _, orders = shop_rows()
    champion = score(histories(orders), NOW)["id:champions"]
    assert (champion.recency_days, champion.frequency, champion.monetary) == (2, 5, Decimal("700.00"))
    assert (champion.r, champion.f, champion.m) == (5, 5, 5)
    at_risk = score(histories(orders), NOW)["id:at_risk"]
    # frequency 3 is the 6th of 9 values → ceil(5 × 5.5 / 9) = 4; spend 60 is 5th of 9 → ceil(5 × 4.5 / 9) = 3
    assert (at_risk.r, at_risk.f, at_risk.m) == (2, 4, 3)


def test_quintiles_share_scores_between_ties_and_cover_1_to_5() -> None:
    assert quintiles({"a": 1, "b": 1, "c": 1, "d": 1}) == dict.fromkeys("abcd", 3)
    assert quintiles({str(i): i for i in range(10)}) == {str(i): i // 2 + 1 for i in range(10)}
    assert quintiles({"only": 5.0}) == {"only": 3}  # one customer is neither best nor worst


def test_recency_bounds_scale_with_lost_days() -> None:
    assert [recency_score(d, 180) for d in (0, 30, 31, 60, 90, 180, 181)] == [5, 5, 4, 4, 3, 2, 1]
    assert recency_score(31, 360) == 5


def test_cancelled_orders_are_ignored_and_refunds_reduce_spend() -> None:
    rows = [order_row("a", 3, "100.00", refunded="40.00"), order_row("a", 4, "500.00", cancelled=True)]
    (h,) = histories(rows).values()
    assert h.orders == 1 and h.monetary == Decimal("60.00")


def test_monetary_is_compared_within_a_currency_only() -> None:
    rows = [order_row("usd_small", 3, "10.00"), order_row("usd_big", 3, "100.00"),
            order_row("jpy", 3, "5000", currency="JPY")]
    scores = score(histories(rows), NOW)
    assert scores["id:jpy"].m == 3  # alone in its currency: 5000 yen is not "more" than 100 dollars
    assert scores["id:usd_big"].m == 4 and scores["id:usd_small"].m == 2


def _contact(**kw: object) -> Contact:
    base = {"key": "id:1", "email": "ana@example.com", "first_name": "Ana", "consent": "subscribed",
            "deliverability": None, "tags": (), "timezone": None, "last_order_at": NOW - timedelta(days=10)}
    return Contact(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(("change", "reason"), [
    ({"email": None}, "no email address"),
    ({"email": "ana@"}, "invalid email address 'ana@'"),
    ({"consent": "unsubscribed"}, "unsubscribed from marketing email"),
    ({"consent": "not_subscribed"}, "never subscribed to marketing email"),
    ({"consent": "pending"}, "double opt-in not confirmed yet"),
    ({"consent": None}, "no marketing consent on record"),
    ({"deliverability": "bounced"}, "address is not deliverable (bounced)"),
    ({"tags": ("vip", "spam_reported")}, "tagged 'spam_reported'"),
    ({"last_order_at": NOW - timedelta(days=400)}, "inactive for 400 days (more than 365)"),
])
def test_suppression_reasons(change: dict, reason: str) -> None:
    assert suppression_reason(_contact(**change), NOW, inactive_days=365) == reason


def test_the_suppression_list_and_a_clean_contact() -> None:
    assert suppression_reason(_contact(), NOW, inactive_days=365) is None
    assert suppression_reason(_contact(), NOW, inactive_days=365, suppressed={"ana@example.com"}).startswith("on the")
    assert valid_email("first.last+tag@sub.example.co.uk") and not valid_email("a b@example.com")


def test_audience_joins_customers_guests_and_prospects() -> None:
    customers, orders = shop_rows()
    customers.append(customer_row("prospect", "p@example.com"))  # subscribed, never ordered
    customers.append(customer_row("unsub", "u@example.com", consent="unsubscribed"))
    orders.append(order_row(None, 3, email="Guest@Example.com"))  # guest checkout, no customer record
    orders.append(order_row(None, 8, email="champions@example.com"))  # a guest order by a known customer
    members = {m.key: m for m in build_audience(customers, orders, NOW)}
    assert members["id:prospect"].segment == "prospects" and members["id:prospect"].suppressed is None
    assert members["id:unsub"].suppressed == "unsubscribed from marketing email"
    assert members["email:guest@example.com"].suppressed == "no marketing consent on record"
    assert members["id:champions"].rfm.frequency == 6  # the guest order was matched by email
    assert members["id:lost"].suppressed is None  # 300 days: lost, but not yet long-inactive (365)
    assert build_audience(customers, orders, NOW, inactive_days=250)  # still builds
    lost = {m.key: m for m in build_audience(customers, orders, NOW, inactive_days=250)}["id:lost"]
    assert lost.suppressed == "inactive for 300 days (more than 250)"
