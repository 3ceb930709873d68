"""The profitability dashboard (JSON other agents and the canvas read) and the daily digest in markdown."""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from ionflux.agents.revenue_tracker.costs import ZERO, CostModel
from ionflux.agents.revenue_tracker.currency import fmt
from ionflux.agents.revenue_tracker.margin import OrderMargin
from ionflux.agents.revenue_tracker.totals import Totals, by_currency, local_day

SCHEMA = "ionflux.revenue_tracker.dashboard/1"
_ROWS = (("Orders", None), ("Gross revenue", "gross_revenue"), ("Discounts", "discounts"), ("Refunds", "refunds"),
         ("Net revenue", "net_revenue"), ("COGS", "cogs"), ("Payment fees", "payment_fees"),
         ("Shipping", "shipping_cost"), ("Marketing", "marketing_cost"), ("**Contribution**", "contribution"))


def in_days(margins: Sequence[OrderMargin], tz: tzinfo, first: date, last: date) -> list[OrderMargin]:
    return [m for m in margins if first <= local_day(m, tz) <= last]


def top_products(margins: Sequence[OrderMargin], limit: int = 5) -> dict[str, list[dict[str, Any]]]:
    """Per currency, the products with the most gross profit (line revenue − COGS)."""
    acc: dict[tuple[str, str], list[Any]] = {}
    for m in margins:
        if m.status == "cancelled":
            continue
        for line in m.lines:
            row = acc.setdefault((m.currency, line.key), [line.title, 0, ZERO, ZERO])
            row[1] += line.quantity
            row[2] += line.revenue
            row[3] += line.cogs
    out: dict[str, list[dict[str, Any]]] = {}
    for (cur, key), (title, units, revenue, cogs) in sorted(acc.items(), key=lambda kv: kv[1][3] - kv[1][2]):
        out.setdefault(cur, []).append({"key": key, "title": title, "units": units, "revenue": fmt(revenue, cur),
                                        "cogs": fmt(cogs, cur), "gross_profit": fmt(revenue - cogs, cur)})
    return {cur: rows[:limit] for cur, rows in out.items()}


def loss_making(margins: Sequence[OrderMargin], limit: int = 5) -> list[dict[str, Any]]:
    losses = sorted((m for m in margins if m.status != "cancelled" and m.contribution < 0),
                    key=lambda m: m.contribution)
    return [{"order_id": m.order_id, "name": m.name, "currency": m.currency, "contribution": fmt(m.contribution,
             m.currency), "margin_pct": None if m.margin_pct() is None else str(m.margin_pct())}
            for m in losses[:limit]]


def cost_gaps(margins: Sequence[OrderMargin]) -> list[dict[str, Any]]:
    """Missing costs named in the entries' warnings, with how many orders each touched."""
    counts = Counter(w for m in margins for w in set(m.warnings) if w.startswith("no "))
    return [{"problem": w, "orders": n} for w, n in counts.most_common(20)]


def fixed_costs_per_day(costs: CostModel, currency: str, day: date) -> Decimal:
    monthly = costs.app_fees_monthly.get(currency, ZERO)
    return monthly / calendar.monthrange(day.year, day.month)[1]


def dashboard(margins: Sequence[OrderMargin], as_of: date, tz: tzinfo, tz_name: str, costs: CostModel
              ) -> dict[str, Any]:
    """The dashboard data for the 30 local days ending ``as_of``, one block per currency."""
    recent = in_days(margins, tz, as_of - timedelta(days=29), as_of)
    week = in_days(recent, tz, as_of - timedelta(days=6), as_of)
    periods = {"today": by_currency(in_days(recent, tz, as_of, as_of)), "last_7_days": by_currency(week),
               "last_30_days": by_currency(recent)}
    daily: dict[str, list[dict[str, Any]]] = {}
    for offset in range(29, -1, -1):
        day = as_of - timedelta(days=offset)
        for cur, t in by_currency(in_days(recent, tz, day, day)).items():
            pct = t.margin_pct()
            daily.setdefault(cur, []).append({"day": day.isoformat(), "orders": t.orders,
                                              "net_revenue": fmt(t.sums["net_revenue"], cur),
                                              "contribution": fmt(t.sums["contribution"], cur),
                                              "margin_pct": None if pct is None else str(pct)})
    products = top_products(recent)
    currencies = sorted({m.currency for m in recent})
    return {
        "schema": SCHEMA, "as_of": as_of.isoformat(), "timezone": tz_name,
        "currencies": {cur: {**{name: (p[cur].to_json() if cur in p else Totals(cur).to_json())
                                for name, p in periods.items()},
                             "fixed_costs_per_day": fmt(fixed_costs_per_day(costs, cur, as_of), cur),
                             "daily": daily.get(cur, []), "top_products": products.get(cur, [])}
                       for cur in currencies},
        "loss_making_orders_7_days": loss_making(week),
        "cost_gaps_30_days": cost_gaps(recent),
    }


def _cell(t: Totals | None, key: str | None, days: int = 1) -> str:
    if t is None:
        return "—"
    if key is None:
        return f"{t.orders / days:.1f}" if days > 1 else str(t.orders)
    value = t.sums[key] / days
    text = f"{t.currency} {fmt(value, t.currency)}"
    if key == "contribution":
        pct = t.margin_pct()
        text = f"**{text}** ({pct if pct is not None else '—'}%)"
    return text


def digest_markdown(day: date, tz_name: str, margins: Sequence[OrderMargin], tz: tzinfo, costs: CostModel,
                    alerts: Sequence[dict[str, Any]], insights: Sequence[str], narrative: str | None) -> str:
    """The daily digest: the day against the 7 days before it, per currency, then what to look at."""
    today = by_currency(in_days(margins, tz, day, day))
    base = by_currency(in_days(margins, tz, day - timedelta(days=7), day - timedelta(days=1)))
    lines = [f"# Profitability digest — {day.isoformat()}", "",
             f"_Contribution margin per order, local day in {tz_name}. Amounts are exact, per currency; "
             f"currencies are never added together._", ""]
    if not today:
        lines += ["No orders on this day.", ""]
    for cur in sorted(set(today) | set(base)):
        t, b = today.get(cur), base.get(cur)
        lines += [f"## {cur}", "", "| | This day | Previous 7 days, per day |", "|---|---:|---:|"]
        lines += [f"| {label} | {_cell(t, key)} | {_cell(b, key, 7)} |" for label, key in _ROWS]
        fixed = fixed_costs_per_day(costs, cur, day)
        if fixed and t is not None:
            after = t.sums["contribution"] - fixed
            lines += ["", f"Fixed costs (app fees, prorated): {cur} {fmt(fixed, cur)} a day; after them the day "
                          f"made {cur} {fmt(after, cur)}."]
        if t is not None and t.incomplete:
            lines += ["", f"{t.incomplete} order(s) had a missing cost (see below); their margin is overstated."]
        lines.append("")
    if alerts:
        lines += ["## Alerts", ""]
        lines += [f"- **{a['severity']}** ({a['currency']}): {'; '.join(a['reasons'])}" for a in alerts]
        lines.append("")
    if insights or narrative:
        lines += ["## What to look at", ""]
        lines += [f"- {text}" for text in insights]
        if narrative:
            lines += ["", f"> {narrative}", "", "_(summary written by the language model from the figures above)_"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
