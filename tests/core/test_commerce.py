import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from ionflux.core.commerce import Commerce, normalise_order
from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.models import PlatformEvent

ORDER = {
    "id": 820982911946154508, "name": "#1001", "email": "jon@example.com", "created_at": "2026-11-20T10:15:00-05:00",
    "currency": "USD", "total_price": "254.98", "subtotal_price": "229.98", "total_discounts": "10.00",
    "total_tax": "15.00", "financial_status": "paid", "payment_gateway_names": ["shopify_payments"],
    "total_shipping_price_set": {"shop_money": {"amount": "10.00", "currency_code": "USD"}},
    "customer": {"id": 115310627314723954, "email": "jon@example.com"},
    "line_items": [{"id": 1, "product_id": 632910392, "variant_id": 808950810, "sku": "JKT-1", "title": "Denim Jacket",
                    "quantity": 2, "price": "119.99", "total_discount": "10.00"}],
    "refunds": [{"transactions": [{"kind": "refund", "status": "success", "amount": "20.00"}]}],
}


def test_order_is_normalised_exactly() -> None:
    row = normalise_order(ORDER)
    assert row["total_price"] == Decimal("254.98") and row["total_shipping"] == Decimal("10.00")
    assert row["total_refunded"] == Decimal("20.00")
    assert row["placed_at"].isoformat() == "2026-11-20T15:15:00+00:00"
    assert row["line_items_json"][0] == {"sku": "JKT-1", "product_id": "632910392", "variant_id": "808950810",
                                         "title": "Denim Jacket", "quantity": 2, "price": "119.99",
                                         "total_discount": "10.00"}


@pytest.mark.parametrize(("change", "where"), [
    ({"currency": "dollars"}, "order 820982911946154508: currency"),
    ({"line_items": [{"quantity": -1, "price": "1"}]}, "order 820982911946154508: line_items[0].quantity"),
    ({"line_items": [{"quantity": 1, "price": "-5"}]}, "order 820982911946154508: line_items[0].price"),
    ({"created_at": "yesterday"}, "order 820982911946154508: created_at"),
    ({"total_price": "12,50"}, "order 820982911946154508: total_price"),
])
def test_bad_orders_name_the_field(change: dict, where: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalise_order({**ORDER, **change})
    assert err.value.where == where


def test_missing_fields() -> None:
    with pytest.raises(ValidationError, match="is required"):
        normalise_order({k: v for k, v in ORDER.items() if k != "total_price"})
    with pytest.raises(ValidationError):
        normalise_order({k: v for k, v in ORDER.items() if k != "id"})


def test_upsert_is_idempotent_and_emits_the_order_event(demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> None:
    commerce = Commerce(demo)
    from sqlalchemy import func

    with demo.store.read() as s:
        start = s.scalar(select(func.max(PlatformEvent.seq))) or 0
    order, created = commerce.upsert_order(demo_ws, ORDER)
    assert created and order.total_price == Decimal("254.98")
    again, changed = commerce.upsert_order(demo_ws, ORDER)
    assert not changed and again.id == order.id
    refunded = {**ORDER, "refunds": [{"transactions": [{"amount": "50.00"}]}]}
    updated, changed = commerce.upsert_order(demo_ws, refunded)
    assert changed and updated.total_refunded == Decimal("50.00")
    with demo.store.read() as s:
        types = [e.event_type for e in s.scalars(select(PlatformEvent).where(
            PlatformEvent.seq > start, PlatformEvent.event_type.like("ionflux.shopify.order.%"))
            .order_by(PlatformEvent.seq))]
    assert types == ["ionflux.shopify.order.created", "ionflux.shopify.order.updated"]
    assert len(commerce.orders(demo_ws)) == 1


def test_customers_and_products(demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> None:
    commerce = Commerce(demo)
    commerce.upsert_customer(demo_ws, {"id": 7, "email": "a@b.co", "tags": "vip, eu", "orders_count": 3,
                                       "total_spent": "300.00",
                                       "email_marketing_consent": {"state": "unsubscribed"}})
    (cust,) = commerce.customers(demo_ws)
    assert cust.tags_array == ["vip", "eu"] and cust.email_marketing_state == "unsubscribed"
    commerce.upsert_product(demo_ws, {"id": 9, "title": "Tee", "variants": [{"id": 1, "sku": "T", "price": "20.00"}]})
    assert commerce.products(demo_ws)[0].variants_json[0]["sku"] == "T"
    with pytest.raises(ValidationError):
        commerce.upsert_product(demo_ws, {"id": 10})
