"""Shop rows and Shopify payloads for the Email Wizard tests: customers whose segment is known by construction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

NOW = datetime(2024, 11, 20, 15, 0, tzinfo=UTC)


def order_row(customer: str | None, days_ago: float, total: str = "50.00", *, email: str | None = None,
              currency: str = "USD", refunded: str = "0", cancelled: bool = False) -> SimpleNamespace:
    return SimpleNamespace(customer_shop_id=customer, email=email, currency=currency, total_price=Decimal(total),
                           total_refunded=Decimal(refunded), placed_at=NOW - timedelta(days=days_ago),
                           cancelled_at=NOW if cancelled else None)


def customer_row(cid: str, email: str | None, *, consent: str | None = "subscribed", tz: str | None = "Europe/Lisbon",
                 deliverability: str | None = None, tags: list[str] | None = None,
                 first_name: str = "Ana") -> SimpleNamespace:
    return SimpleNamespace(shop_customer_id=cid, email=email, first_name=first_name, email_marketing_state=consent,
                           email_deliverability=deliverability, tags_array=tags or [], timezone=tz,
                           last_order_at=None)


#: (customer id, [(days ago, total)...]) chosen so each lands in the named segment (lost_days 180, new_days 30).
HISTORIES: dict[str, list[tuple[float, str]]] = {
    "champions": [(2, "120.00"), (20, "150.00"), (45, "130.00"), (70, "160.00"), (100, "140.00")],
    "loyal": [(70, "40.00"), (90, "45.00"), (120, "35.00"), (150, "30.00")],
    "at_risk": [(100, "20.00"), (130, "20.00"), (160, "20.00")],
    "cant_lose_them": [(110, "400.00"), (125, "380.00"), (140, "420.00"), (170, "390.00")],
    "new": [(5, "35.00")],
    "potential_loyalists": [(25, "30.00"), (45, "20.00")],
    "promising": [(40, "30.00")],
    "hibernating": [(140, "20.00")],
    "lost": [(300, "80.00"), (400, "90.00")],
}


def shop_rows() -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    customers = [customer_row(cid, f"{cid}@example.com", first_name=cid.title()) for cid in HISTORIES]
    orders = [order_row(cid, days, total) for cid, rows in HISTORIES.items() for days, total in rows]
    return customers, orders


def customer_payload(cid: int, email: str, *, consent: str = "subscribed", tz: str | None = "America/New_York",
                     first_name: str = "Ana", **extra: Any) -> dict[str, Any]:
    """A Shopify Admin REST customer."""
    payload = {"id": cid, "email": email, "first_name": first_name, "last_name": "Silva",
               "email_marketing_consent": {"state": consent, "opt_in_level": "single_opt_in"},
               "orders_count": 0, "total_spent": "0.00", "currency": "USD", "tags": "", **extra}
    if tz:
        payload["timezone"] = tz
    return payload


def order_payload(oid: int, customer_id: int, email: str, created: datetime, total: str = "60.00") -> dict[str, Any]:
    return {"id": oid, "name": f"#{oid}", "email": email, "currency": "USD", "created_at": created.isoformat(),
            "total_price": total, "subtotal_price": total, "total_discounts": "0.00", "total_tax": "0.00",
            "payment_gateway_names": ["shopify_payments"],
            "line_items": [{"sku": "ECO-TEE-M", "title": "Organic Tee", "price": total, "quantity": 1}],
            "customer": {"id": customer_id, "email": email}}
