"""Shopify-shaped orders, customers and products into the local store: checked, normalised, idempotent.

Payloads follow the Shopify Admin REST API / webhook shapes (``orders/create``, ``customers/update``,
``products/update``...). Money stays exact (``Decimal``) in the order's currency. Upserting the same
order twice changes nothing; a newer version of it (refunds, cancellation) updates the row. Bad
payloads (missing fields, a currency that is not ISO 4217, negative quantities or prices) are
refused with the field that is wrong and leave nothing half-written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from ionflux.core.clock import as_utc
from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.models import ShopCustomer, ShopOrder, ShopProduct
from ionflux.core.workspaces import require_member

_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_LINE_ITEMS = 1000


def money(value: Any, where: str, *, allow_negative: bool = False) -> Decimal:
    """An exact amount from a Shopify money string or number."""
    if value is None or value == "":
        return Decimal("0")
    if isinstance(value, Mapping):  # a MoneyBag: {"shop_money": {"amount": "1.00", ...}}
        value = (value.get("shop_money") or {}).get("amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not an amount", where=where) from None
    if not amount.is_finite() or (amount < 0 and not allow_negative):
        raise ValidationError(f"{value!r} is not a valid amount", where=where)
    return amount


def timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise ValidationError("is required (ISO 8601 time)", where=where)
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise ValidationError(f"{value!r} is not an ISO 8601 time", where=where) from None


def normalise_order(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a ShopOrder from a Shopify order payload.

    Raises:
        ValidationError: naming the order and the field (``order 1001: line_items[2].quantity``).
    """
    if not isinstance(payload, Mapping):
        raise ValidationError("an order must be a JSON object", where="order")
    oid = payload.get("id")
    if oid in (None, ""):
        raise ValidationError("is required", where="order.id")
    w = f"order {oid}"
    currency = payload.get("currency") or payload.get("presentment_currency")
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        raise ValidationError(f"currency {currency!r} is not an ISO 4217 code like USD", where=f"{w}: currency")
    if "total_price" not in payload:
        raise ValidationError("is required", where=f"{w}: total_price")
    items = payload.get("line_items") or []
    if not isinstance(items, list) or len(items) > MAX_LINE_ITEMS:
        raise ValidationError(f"must be a list of at most {MAX_LINE_ITEMS} items", where=f"{w}: line_items")
    lines = []
    for i, item in enumerate(items):
        iw = f"{w}: line_items[{i}]"
        if not isinstance(item, Mapping):
            raise ValidationError("must be an object", where=iw)
        qty = item.get("quantity", 0)
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
            raise ValidationError(f"quantity {qty!r} must be a whole number ≥ 0", where=f"{iw}.quantity")
        lines.append({
            "sku": item.get("sku") or None,
            "product_id": str(item["product_id"]) if item.get("product_id") is not None else None,
            "variant_id": str(item["variant_id"]) if item.get("variant_id") is not None else None,
            "title": item.get("title") or item.get("name") or "",
            "quantity": qty,
            "price": format(money(item.get("price"), f"{iw}.price"), "f"),
            "total_discount": format(money(item.get("total_discount"), f"{iw}.total_discount"), "f"),
        })
    refunded = Decimal("0")
    for r, refund in enumerate(payload.get("refunds") or []):
        for t, tx in enumerate(refund.get("transactions") or []):
            if tx.get("kind", "refund") == "refund" and tx.get("status", "success") == "success":
                refunded += money(tx.get("amount"), f"{w}: refunds[{r}].transactions[{t}].amount")
    shipping = payload.get("total_shipping_price_set")
    if shipping is None:
        shipping = sum((money(s.get("price"), f"{w}: shipping_lines") for s in payload.get("shipping_lines") or []),
                       Decimal("0"))
    customer = payload.get("customer") or {}
    gateways = payload.get("payment_gateway_names") or []
    return {
        "shop_order_id": str(oid),
        "order_name": payload.get("name"),
        "email": (payload.get("email") or customer.get("email") or None),
        "customer_shop_id": str(customer["id"]) if customer.get("id") is not None else None,
        "currency": currency,
        "total_price": money(payload.get("total_price"), f"{w}: total_price"),
        "subtotal_price": money(payload.get("subtotal_price", payload.get("total_price")), f"{w}: subtotal_price"),
        "total_discounts": money(payload.get("total_discounts"), f"{w}: total_discounts"),
        "total_tax": money(payload.get("total_tax"), f"{w}: total_tax"),
        "total_shipping": money(shipping, f"{w}: total_shipping_price_set"),
        "total_refunded": refunded,
        "financial_status": payload.get("financial_status"),
        "fulfillment_status": payload.get("fulfillment_status"),
        "payment_gateway": gateways[0] if gateways else payload.get("gateway"),
        "cart_token": payload.get("cart_token"),
        "placed_at": timestamp(payload.get("created_at"), f"{w}: created_at"),
        "cancelled_at": timestamp(payload["cancelled_at"], f"{w}: cancelled_at") if payload.get("cancelled_at")
        else None,
        "line_items_json": lines,
        "raw_json": dict(payload),
    }


def normalise_customer(payload: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, Mapping) or payload.get("id") in (None, ""):
        raise ValidationError("a customer needs an id", where="customer.id")
    w = f"customer {payload['id']}"
    consent = payload.get("email_marketing_consent") or {}
    state = consent.get("state") or ("subscribed" if payload.get("accepts_marketing") else None)
    tags = payload.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    last = payload.get("last_order_at") or (payload.get("last_order") or {}).get("created_at")
    return {
        "shop_customer_id": str(payload["id"]),
        "email": payload.get("email"),
        "first_name": payload.get("first_name"),
        "last_name": payload.get("last_name"),
        "tags_array": list(tags),
        "email_marketing_state": state,
        "email_deliverability": payload.get("email_deliverability"),
        "timezone": payload.get("timezone"),
        "orders_count": int(payload.get("orders_count") or 0),
        "total_spent": money(payload.get("total_spent"), f"{w}: total_spent"),
        "currency": payload.get("currency"),
        "last_order_at": timestamp(last, f"{w}: last_order_at") if last else None,
        "raw_json": dict(payload),
    }


def normalise_product(payload: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, Mapping) or payload.get("id") in (None, ""):
        raise ValidationError("a product needs an id", where="product.id")
    if not payload.get("title"):
        raise ValidationError("is required", where=f"product {payload['id']}: title")
    return {
        "shop_product_id": str(payload["id"]),
        "title": payload["title"],
        "vendor": payload.get("vendor"),
        "product_type": payload.get("product_type"),
        "status": payload.get("status"),
        "variants_json": [
            {"id": str(v.get("id")), "sku": v.get("sku"), "price": str(v.get("price")), "title": v.get("title")}
            for v in payload.get("variants") or []
        ],
        "raw_json": dict(payload),
    }


class Commerce:
    """Shop data of a workspace."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def upsert_order(self, workspace_id: uuid.UUID, payload: Mapping[str, Any], *,
                     brand_id: uuid.UUID | None = None) -> tuple[ShopOrder, bool]:
        """Insert or update an order. Returns (order, changed): unchanged re-deliveries write nothing."""
        return self._upsert(ShopOrder, "shop_order_id", workspace_id, normalise_order(payload), brand_id=brand_id)

    def upsert_customer(self, workspace_id: uuid.UUID, payload: Mapping[str, Any]) -> tuple[ShopCustomer, bool]:
        return self._upsert(ShopCustomer, "shop_customer_id", workspace_id, normalise_customer(payload))

    def upsert_product(self, workspace_id: uuid.UUID, payload: Mapping[str, Any]) -> tuple[ShopProduct, bool]:
        return self._upsert(ShopProduct, "shop_product_id", workspace_id, normalise_product(payload))

    def _upsert(self, model: Any, key: str, workspace_id: uuid.UUID, values: dict[str, Any],
                **extra: Any) -> tuple[Any, bool]:
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            row = uow.session.scalar(select(model).where(model.workspace_id == workspace_id,
                                                         getattr(model, key) == values[key]))
            if row is None:
                row = uow.add(model(workspace_id=workspace_id, **values, **{k: v for k, v in extra.items() if v}))
                return row, True
            changed = False
            for field, value in values.items():
                if field != "raw_json" and getattr(row, field) != value:
                    setattr(row, field, value)
                    changed = True
            if changed:
                row.raw_json = values["raw_json"]
            return row, changed

    def tag_customer(self, workspace_id: uuid.UUID, tag: str, *, email: str | None = None,
                     shop_customer_id: str | None = None) -> ShopCustomer | None:
        """Add a CRM tag to a customer found by email or Shopify id; None when there is no such customer."""
        clean = (tag or "").strip()
        if not clean or len(clean) > 100:
            raise ValidationError("a tag needs 1 to 100 characters", where="tag")
        with self.ctx.write() as uow:
            q = select(ShopCustomer).where(ShopCustomer.workspace_id == workspace_id)
            if shop_customer_id is not None:
                q = q.where(ShopCustomer.shop_customer_id == str(shop_customer_id))
            elif email:
                q = q.where(ShopCustomer.email == email)
            else:
                raise ValidationError("tagging a customer needs an email or a customer id", where="customer")
            customer = uow.session.scalar(q)
            if customer is None:
                return None
            if clean not in (customer.tags_array or []):
                customer.tags_array = [*(customer.tags_array or []), clean]
            return customer

    def order_for_cart(self, workspace_id: uuid.UUID, cart_token: str) -> ShopOrder | None:
        """The order that completed a cart (checkout), if any: how a recovered cart is recognised."""
        with self.ctx.store.read() as s:
            return s.scalar(select(ShopOrder).where(ShopOrder.workspace_id == workspace_id,
                                                    ShopOrder.cart_token == cart_token))

    def orders(self, workspace_id: uuid.UUID, *, since: datetime | None = None) -> list[ShopOrder]:
        with self.ctx.store.read() as s:
            q = select(ShopOrder).where(ShopOrder.workspace_id == workspace_id)
            if since is not None:
                q = q.where(ShopOrder.placed_at >= since)
            return list(s.scalars(q.order_by(ShopOrder.placed_at)))

    def orders_added_since(self, workspace_id: uuid.UUID, cursor: datetime | None) -> list[ShopOrder]:
        """Orders stored at or after ``cursor`` (their insert time), oldest first: a consumer's catch-up."""
        with self.ctx.store.read() as s:
            q = select(ShopOrder).where(ShopOrder.workspace_id == workspace_id)
            if cursor is not None:
                q = q.where(ShopOrder.created_at >= cursor)
            return list(s.scalars(q.order_by(ShopOrder.created_at, ShopOrder.id)))

    def customers(self, workspace_id: uuid.UUID) -> list[ShopCustomer]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(ShopCustomer).where(ShopCustomer.workspace_id == workspace_id)
                                  .order_by(ShopCustomer.shop_customer_id)))

    def products(self, workspace_id: uuid.UUID) -> list[ShopProduct]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(ShopProduct).where(ShopProduct.workspace_id == workspace_id)
                                  .order_by(ShopProduct.title)))
