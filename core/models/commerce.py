"""Shop data pulled from Shopify (orders, customers, products) and what agents derive from it.

Orders, customers and products are workspace data and sync like everything else; inserting an
order is what emits ``ionflux.shopify.order.created``. Metric points and agent state are
derived on each device (recomputable) and stay local.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.models.base import Base, created_column, id_column, updated_column
from ionflux.core.types import DecimalText, JSONDoc, TextArray


class ShopOrder(Base):
    __tablename__ = "shop_orders"
    __event_prefix__ = "ionflux.shopify.order"
    __table_args__ = (
        UniqueConstraint("workspace_id", "shop_order_id"),
        Index("idx_shop_orders_workspace_placed", "workspace_id", "placed_at"),
    )

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    brand_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    shop_order_id: Mapped[str] = mapped_column(Text, nullable=False)
    order_name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    customer_shop_id: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(Text, nullable=False)
    total_price: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    subtotal_price: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    total_discounts: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    total_tax: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    total_shipping: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    total_refunded: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    financial_status: Mapped[str | None] = mapped_column(Text)
    fulfillment_status: Mapped[str | None] = mapped_column(Text)
    payment_gateway: Mapped[str | None] = mapped_column(Text)
    cart_token: Mapped[str | None] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column()
    line_items_json: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, nullable=False)
    raw_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class ShopCustomer(Base):
    __tablename__ = "shop_customers"
    __event_prefix__ = "ionflux.shopify.customer"
    __table_args__ = (UniqueConstraint("workspace_id", "shop_customer_id"),)

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    shop_customer_id: Mapped[str] = mapped_column(Text, nullable=False)
    email: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    tags_array: Mapped[list[str] | None] = mapped_column(TextArray)
    email_marketing_state: Mapped[str | None] = mapped_column(Text)
    email_deliverability: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(Text)
    orders_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_spent: Mapped[Decimal] = mapped_column(DecimalText, nullable=False, default=Decimal("0"))
    currency: Mapped[str | None] = mapped_column(Text)
    last_order_at: Mapped[datetime | None] = mapped_column()
    raw_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class ShopProduct(Base):
    __tablename__ = "shop_products"
    __event_prefix__ = "ionflux.shopify.product"
    __table_args__ = (UniqueConstraint("workspace_id", "shop_product_id"),)

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    shop_product_id: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    vendor: Mapped[str | None] = mapped_column(Text)
    product_type: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)
    variants_json: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    raw_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class MetricPoint(Base):
    """One bucket of a metric series (orders per 5 min, GMV, error rate...), derived locally."""

    __tablename__ = "metric_points"
    __table_args__ = (UniqueConstraint("workspace_id", "metric", "bucket_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    metric: Mapped[str] = mapped_column(Text, nullable=False)
    bucket_start: Mapped[datetime] = mapped_column(nullable=False)
    value: Mapped[float] = mapped_column(nullable=False)
    samples: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    scored: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    anomaly_score: Mapped[float | None] = mapped_column()


class AgentState(Base):
    """Working state an agent keeps between runs (detector state, send history...), local to the device."""

    __tablename__ = "agent_states"

    agent_configuration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agent_configurations.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value_json: Mapped[Any] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = updated_column()
