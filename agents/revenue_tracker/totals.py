"""Sums of order margins per currency and local day, and the margin alerts drawn from them.

Currencies are never added together: every total belongs to one currency, and a dashboard or
digest shows one block per currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ionflux.agents.revenue_tracker.costs import ZERO
from ionflux.agents.revenue_tracker.currency import fmt
from ionflux.agents.revenue_tracker.margin import COMPONENTS, OrderMargin, margin_pct

#: Components that can explain a margin drop, with what to look at when one grows.
DRIVERS = {
    "cogs": "Check supplier costs and the product mix: lower-margin products sold more.",
    "discounts": "Review active discount codes and automatic discounts.",
    "refunds": "Look at the refunded orders and their return reasons.",
    "payment_fees": "Check the gateway mix and the processor's rates.",
    "shipping_cost": "Check carrier rates and the free-shipping threshold.",
    "marketing_cost": "Check ad spend against the orders it brought (ROAS).",
}
_PCT = Decimal("0.1")


@dataclass
class Totals:
    """Sums of one currency's orders over a period."""

    currency: str
    orders: int = 0
    cancelled: int = 0
    incomplete: int = 0
    sums: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, ZERO))

    def add(self, margin: OrderMargin) -> None:
        if margin.status == "cancelled":
            self.cancelled += 1
            return
        self.orders += 1
        self.incomplete += margin.status == "incomplete"
        for key, value in margin.amounts.items():
            self.sums[key] += value

    def margin_pct(self) -> Decimal | None:
        return margin_pct(self.sums["contribution"], self.sums["net_revenue"])

    def share(self, component: str) -> Decimal | None:
        """A component as a percentage of net revenue (discounts and refunds: of gross revenue)."""
        base = self.sums["gross_revenue"] if component in ("discounts", "refunds") else self.sums["net_revenue"]
        if base <= 0:
            return None
        return (self.sums[component] * 100 / base).quantize(_PCT, rounding=ROUND_HALF_EVEN)

    def to_json(self) -> dict[str, Any]:
        pct = self.margin_pct()
        return {"currency": self.currency, "orders": self.orders, "cancelled": self.cancelled,
                "incomplete": self.incomplete, **{k: fmt(v, self.currency) for k, v in self.sums.items()},
                "margin_pct": None if pct is None else str(pct)}


def local_day(margin: OrderMargin, tz: tzinfo) -> date:
    return margin.placed_at.astimezone(tz).date()


def by_currency(margins: Iterable[OrderMargin]) -> dict[str, Totals]:
    out: dict[str, Totals] = {}
    for m in margins:
        out.setdefault(m.currency, Totals(m.currency)).add(m)
    return dict(sorted(out.items()))


def by_day(margins: Iterable[OrderMargin], tz: tzinfo) -> dict[date, dict[str, Totals]]:
    """Totals per local day, then per currency."""
    grouped: dict[date, list[OrderMargin]] = {}
    for m in margins:
        grouped.setdefault(local_day(m, tz), []).append(m)
    return {day: by_currency(items) for day, items in sorted(grouped.items())}


def drivers(current: Totals, baseline: Totals) -> list[dict[str, Any]]:
    """Components whose share of revenue grew against the baseline, largest first."""
    out = []
    for component, action in DRIVERS.items():
        now, before = current.share(component), baseline.share(component)
        if now is None or before is None or now <= before:
            continue
        out.append({"component": component, "share_pct": str(now), "baseline_share_pct": str(before),
                    "change_points": str(now - before), "suggested_action": action})
    return sorted(out, key=lambda d: Decimal(d["change_points"]), reverse=True)


def margin_alerts(day: date, today: dict[str, Totals], baseline: dict[str, Totals], *, floor_pct: Decimal,
                  drop_points: Decimal, min_orders: int) -> list[dict[str, Any]]:
    """An alert per currency whose margin fell below the floor or dropped beyond the threshold.

    Days with fewer than ``min_orders`` orders are ignored: one refunded order would swing them.
    """
    alerts = []
    for cur, totals in today.items():
        pct = totals.margin_pct()
        if totals.orders < min_orders or pct is None:
            continue
        base = baseline.get(cur)
        base_pct = base.margin_pct() if base is not None and base.orders >= min_orders else None
        reasons = []
        if pct < floor_pct:
            reasons.append(f"margin {pct}% is below the floor of {floor_pct}%")
        if base_pct is not None and base_pct - pct > drop_points:
            reasons.append(f"margin fell {base_pct - pct} points from {base_pct}% (trailing 7 days)")
        if not reasons:
            continue
        critical = pct < 0 or (base_pct is not None and base_pct - pct >= 2 * drop_points)
        found = drivers(totals, base) if base is not None else []
        alerts.append({
            "alert_type": "profitability_margin_drop", "severity": "critical" if critical else "warning",
            "day": day.isoformat(), "currency": cur, "orders": totals.orders, "margin_pct": str(pct),
            "baseline_margin_pct": None if base_pct is None else str(base_pct), "floor_pct": str(floor_pct),
            "drop_threshold_points": str(drop_points), "net_revenue": fmt(totals.sums["net_revenue"], cur),
            "contribution": fmt(totals.sums["contribution"], cur), "reasons": reasons, "drivers": found[:3],
            "suggested_actions": [d["suggested_action"] for d in found[:3]] or
            ["Open the loss-making orders in the dashboard and check their costs."],
        })
    return alerts
