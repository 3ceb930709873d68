"""Shopify-shaped order payloads for the Revenue Tracker tests (figures chosen so margins are easy by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

COSTS: dict[str, Any] = {
    "currency": "USD",
    "cogs_per_sku": {"ECO-TEE-M": {"USD": "8.40", "JPY": "1200"}, "ECO-JKT-L": {"USD": "31.00", "EUR": "28.50"}},
    "shipping_cost_per_order": "5.20",
    "marketing_cost_per_order": "3.50",
    "marketing_cost_rate": "0.05",
    "app_fees_monthly": "90.00",
}
FEES: dict[str, Any] = {"currency": "USD", "default": {"rate": "0.029", "fixed": "0.30"},
                        "paypal": {"rate": "3.6%", "fixed": {"JPY": "40", "USD": "0.49"}}}


def line(sku: str, price: str, qty: int, discount: str = "0.00", title: str = "") -> dict[str, Any]:
    return {"id": abs(hash(sku)) % 10**9, "sku": sku, "title": title or sku, "price": price, "quantity": qty,
            "total_discount": discount, "product_id": 7000 + len(sku), "variant_id": 9000 + len(sku)}


def order(oid: int, *, lines: list[dict[str, Any]], total: str, discounts: str = "0.00", shipping: str = "0.00",
          tax: str = "0.00", currency: str = "USD", gateway: str = "shopify_payments",
          created: datetime | None = None, refunds: list[str] | None = None, updated: str | None = None,
          customer_id: int | None = 501, email: str | None = "ana@example.com") -> dict[str, Any]:
    created = created or datetime(2024, 11, 2, 15, 30, tzinfo=UTC)
    subtotal = sum((float(li["price"]) * li["quantity"] for li in lines), 0.0) - float(discounts)
    payload: dict[str, Any] = {
        "id": oid, "name": f"#{oid}", "email": email, "currency": currency, "created_at": created.isoformat(),
        "updated_at": updated or created.isoformat(), "total_price": total, "subtotal_price": f"{subtotal:.2f}",
        "total_discounts": discounts, "total_tax": tax, "financial_status": "paid",
        "payment_gateway_names": [gateway], "line_items": lines,
        "shipping_lines": [{"price": shipping, "title": "Standard"}] if shipping != "0.00" else [],
        "refunds": [{"transactions": [{"kind": "refund", "status": "success", "amount": a}]} for a in refunds or []],
    }
    if customer_id is not None:
        payload["customer"] = {"id": customer_id, "email": email}
    return payload


def usd_order(oid: int = 1001, **kw: Any) -> dict[str, Any]:
    """Worked by hand in test_rt_margin: contribution 67.22 on net revenue 135.00 (49.8%)."""
    return order(oid, lines=[line("ECO-TEE-M", "25.00", 2), line("ECO-JKT-L", "89.00", 1)], total="145.80",
                 discounts="10.00", shipping="6.00", tax="10.80", **kw)


def day_of_orders(day: datetime, n: int, start_id: int, *, discount: str = "0.00") -> list[dict[str, Any]]:
    """``n`` identical one-tee orders placed an hour apart on ``day``."""
    return [order(start_id + i, lines=[line("ECO-TEE-M", "40.00", 1)], total=f"{40 - float(discount):.2f}",
                  discounts=discount, created=day + timedelta(hours=i)) for i in range(n)]
