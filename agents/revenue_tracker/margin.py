"""Contribution margin of one order, in exact decimals rounded to its currency's minor unit.

contribution = gross revenue − discounts − refunds − COGS − payment fees − shipping cost − marketing

* gross revenue: line items at list price (price × quantity) plus the shipping charged; tax is
  excluded (it is collected for the state, not earned).
* refunds: as Shopify reports them (tax included when it was refunded), so the margin errs low.
* COGS: the unit cost of each line's SKU (or variant / product id) in the order's currency; a missing
  cost is reported, estimated with ``default_cogs_rate`` when one is set, else counted as zero.
* payment fees: ``rate`` × total charged (tax included) + ``fixed``, per gateway; kept on refunds,
  as processors do.
* shipping cost: the configured cost per order, else the shipping charged (a pass-through).
* marketing: a fixed allocation per order plus a share of net revenue.

Each component is rounded to the minor unit (banker's rounding) before summing, so the
components always add up exactly to the contribution shown. Cancelled orders count zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ionflux.agents.revenue_tracker.costs import ZERO, CostModel
from ionflux.agents.revenue_tracker.currency import check_currency, quantize
from ionflux.core.clock import as_utc

#: The money components of a margin, in the order the formula subtracts them.
COMPONENTS = ("gross_revenue", "discounts", "refunds", "net_revenue", "cogs", "payment_fees", "shipping_cost",
              "marketing_cost", "contribution")
_PCT = Decimal("0.1")


@dataclass(frozen=True)
class LineCost:
    """A line's product key, units, revenue after its own discount and cost."""

    key: str
    title: str
    quantity: int
    revenue: Decimal
    cogs: Decimal


@dataclass(frozen=True)
class OrderMargin:
    """One order's contribution margin, by component, with what could not be known."""

    order_id: str
    name: str | None
    currency: str
    placed_at: datetime
    gateway: str | None
    status: str  # "ok", "incomplete" (a cost was missing) or "cancelled"
    amounts: dict[str, Decimal]
    lines: tuple[LineCost, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def contribution(self) -> Decimal:
        return self.amounts["contribution"]

    @property
    def net_revenue(self) -> Decimal:
        return self.amounts["net_revenue"]

    def margin_pct(self) -> Decimal | None:
        return margin_pct(self.contribution, self.net_revenue)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (amounts as exact strings) for the ledger and the dashboard."""
        pct = self.margin_pct()
        return {
            "order_id": self.order_id, "name": self.name, "currency": self.currency,
            "placed_at": self.placed_at.isoformat(), "gateway": self.gateway, "status": self.status,
            **{k: format(v, "f") for k, v in self.amounts.items()},  # already rounded by order_margin
            "margin_pct": None if pct is None else str(pct),
            "lines": [[ln.key, ln.title, ln.quantity, format(ln.revenue, "f"), format(ln.cogs, "f")]
                      for ln in self.lines],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrderMargin:
        return cls(order_id=data["order_id"], name=data.get("name"), currency=data["currency"],
                   placed_at=as_utc(datetime.fromisoformat(data["placed_at"])), gateway=data.get("gateway"),
                   status=data["status"], amounts={k: Decimal(data[k]) for k in COMPONENTS},
                   lines=tuple(LineCost(k, t, int(q), Decimal(r), Decimal(c)) for k, t, q, r, c in data["lines"]),
                   warnings=tuple(data.get("warnings") or ()))


def margin_pct(contribution: Decimal, net_revenue: Decimal) -> Decimal | None:
    """Contribution as a percentage of net revenue, to one decimal (None without revenue)."""
    if net_revenue <= 0:
        return None
    return (contribution * 100 / net_revenue).quantize(_PCT, rounding=ROUND_HALF_EVEN)


def _pct_text(rate: Decimal) -> str:
    text = format(rate * 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit_cost(line: Mapping[str, Any], currency: str, costs: CostModel) -> tuple[str, Decimal | None]:
    keys = [k for k in (line.get("sku"), line.get("variant_id"), line.get("product_id")) if k]
    for key in keys:
        by_currency = costs.cogs.get(str(key))
        if by_currency is not None and currency in by_currency:
            return str(key), by_currency[currency]
    return str(keys[0]) if keys else (line.get("title") or "?"), None


def order_margin(order: Mapping[str, Any], costs: CostModel) -> OrderMargin:
    """The margin of a normalised order (the columns :func:`ionflux.core.commerce.normalise_order` gives).

    Raises:
        ValidationError: the order's currency is not an ISO 4217 code.
    """
    oid = str(order["shop_order_id"])
    cur = check_currency(order["currency"], f"order {oid}: currency")
    q = lambda amount: quantize(amount, cur)  # noqa: E731 - short local alias keeps the formula readable
    warnings: list[str] = []
    placed = as_utc(order["placed_at"])
    if order.get("cancelled_at"):
        zero = dict.fromkeys(COMPONENTS, ZERO)
        return OrderMargin(oid, order.get("order_name"), cur, placed, order.get("payment_gateway"), "cancelled", zero)
    lines, items_gross, cogs = [], ZERO, ZERO
    for line in order.get("line_items_json") or []:
        qty, price = int(line["quantity"]), Decimal(str(line["price"]))
        key, unit = _unit_cost(line, cur, costs)
        if unit is None:
            if costs.default_cogs_rate is not None:
                line_cogs = q(price * qty * costs.default_cogs_rate)
                warnings.append(f"COGS of {key} in {cur} estimated at {_pct_text(costs.default_cogs_rate)}% of price")
            else:
                line_cogs = ZERO
                warnings.append(f"no COGS for {key} in {cur}; counted as 0")
        else:
            line_cogs = q(unit * qty)
        items_gross += price * qty
        cogs += line_cogs
        lines.append(LineCost(key, str(line.get("title") or ""), qty,
                              q(price * qty - Decimal(str(line.get("total_discount") or 0))), line_cogs))
    discounts = q(Decimal(order.get("total_discounts") or 0))
    if not lines:
        items_gross = Decimal(order.get("subtotal_price") or 0) + discounts
    shipping_charged = q(Decimal(order.get("total_shipping") or 0))
    gross = q(items_gross) + shipping_charged
    refunds = q(Decimal(order.get("total_refunded") or 0))
    net = gross - discounts - refunds
    fees = _fees(order, cur, costs, warnings)
    if costs.shipping_cost_per_order is None:
        shipping = shipping_charged
    elif cur in costs.shipping_cost_per_order:
        shipping = q(costs.shipping_cost_per_order[cur])
    else:
        shipping = shipping_charged
        warnings.append(f"no shipping cost in {cur}; the shipping charged is used")
    marketing = q(costs.marketing_per_order.get(cur, ZERO) + costs.marketing_rate * max(net, ZERO))
    if costs.marketing_per_order and cur not in costs.marketing_per_order:
        warnings.append(f"no marketing cost per order in {cur}; only the rate is applied")
    contribution = net - cogs - fees - shipping - marketing
    amounts = {"gross_revenue": gross, "discounts": discounts, "refunds": refunds, "net_revenue": net, "cogs": cogs,
               "payment_fees": fees, "shipping_cost": shipping, "marketing_cost": marketing,
               "contribution": contribution}
    missing_cost = any(w.startswith("no COGS") or "no payment fee" in w for w in warnings)
    return OrderMargin(oid, order.get("order_name"), cur, placed, order.get("payment_gateway"),
                       "incomplete" if missing_cost else "ok", amounts, tuple(lines), tuple(warnings))


def _fees(order: Mapping[str, Any], cur: str, costs: CostModel, warnings: list[str]) -> Decimal:
    gateway = order.get("payment_gateway")
    rule = costs.fee_rule(gateway)
    if rule is None:
        warnings.append(f"no payment fee rule for gateway {gateway or 'unknown'}; counted as 0")
        return ZERO
    fixed = rule.fixed.get(cur)
    if fixed is None:
        fixed = ZERO
        if rule.fixed:
            warnings.append(f"no fixed payment fee in {cur} for {gateway or 'default'}; only the rate is applied")
    charged = Decimal(order.get("total_price") or 0)
    return quantize(rule.rate * charged + fixed, cur)
