"""RFM segmentation: recency, frequency and monetary scores from order history, and named segments.

Frequency and monetary scores are quintiles (1-5, 5 best) over the shop's own customers, with tied
values sharing a score, so "frequency 5" means "among the most frequent buyers of this shop";
monetary value is compared only between customers who buy in the same currency (amounts are never
converted). Recency is scored on absolute time, as a fraction of ``lost_days`` (for 180 days: 30,
60, 90 and 180 days are the 5/4/3/2 bounds), because days since the last order mean the same thing
in a shop of 10 customers and of 10,000, where ranks would not. A first order in the last
``new_days`` makes a customer *new*; no order for ``lost_days`` makes one *lost*.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ionflux.core.clock import as_utc

#: Segments in the order their rules are tried, with the audience they describe (used in the copy brief).
SEGMENTS: dict[str, str] = {
    "new": "new customers who placed their first order recently",
    "lost": "past customers who have not ordered in a long time",
    "champions": "our best customers, who buy often, spend the most and bought recently",
    "loyal": "loyal repeat customers",
    "cant_lose_them": "big spenders who used to buy often but have not come back lately",
    "at_risk": "regular customers who have not ordered for a while",
    "potential_loyalists": "recent customers with a few orders who could become regulars",
    "promising": "recent one-time buyers",
    "hibernating": "occasional customers whose last order was a while ago",
    "need_attention": "customers with average recency and frequency",
    "prospects": "subscribers who have not placed an order yet",
}


@dataclass(frozen=True)
class History:
    """One customer's buying history (cancelled orders excluded)."""

    key: str
    orders: int
    first_order_at: datetime
    last_order_at: datetime
    currency: str
    monetary: Decimal  # net spend (total − refunds) in ``currency``, the customer's most used one


@dataclass(frozen=True)
class RFM:
    """A customer's scores and segment."""

    key: str
    recency_days: int
    frequency: int
    monetary: Decimal
    currency: str
    r: int
    f: int
    m: int
    segment: str


def customer_key(order: Any) -> str | None:
    """Who placed an order: the Shopify customer id, else the lower-cased email (guest checkouts)."""
    if getattr(order, "customer_shop_id", None):
        return f"id:{order.customer_shop_id}"
    email = (getattr(order, "email", None) or "").strip().lower()
    return f"email:{email}" if email else None


def histories(orders: Iterable[Any], key_of: Callable[[Any], str | None] = customer_key) -> dict[str, History]:
    """Histories per customer from ShopOrder-like rows (``customer_shop_id``, ``email``, ``placed_at`` ...)."""
    grouped: dict[str, list[Any]] = {}
    for order in orders:
        key = key_of(order)
        if key is None or getattr(order, "cancelled_at", None) is not None:
            continue
        grouped.setdefault(key, []).append(order)
    out = {}
    for key, rows in grouped.items():
        currency = Counter(r.currency for r in rows).most_common(1)[0][0]
        spend = sum((Decimal(r.total_price) - Decimal(r.total_refunded or 0) for r in rows if r.currency == currency),
                    Decimal(0))
        times = [as_utc(r.placed_at) for r in rows]
        out[key] = History(key, len(rows), min(times), max(times), currency, spend)
    return out


def quintiles(values: Mapping[str, float]) -> dict[str, int]:
    """Quintile scores 1-5 by rank (5 = largest); equal values get the score of their average rank."""
    ordered = sorted(values.items(), key=lambda kv: kv[1])
    n, out, i = len(ordered), {}, 0
    while i < n:
        j = i
        while j + 1 < n and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        middle = (i + j) / 2 + 0.5  # the tie group's average rank, as a midpoint: n equal values score 3
        score = max(1, min(5, math.ceil(5 * middle / n)))
        for k in range(i, j + 1):
            out[ordered[k][0]] = score
        i = j + 1
    return out


def recency_score(days: float, lost_days: int) -> int:
    """5 within a sixth of ``lost_days``, 4 within a third, 3 within half, 2 within it, else 1."""
    for score_, share in ((5, 1 / 6), (4, 1 / 3), (3, 1 / 2), (2, 1.0)):
        if days <= lost_days * share:
            return score_
    return 1


def segment_of(r: int, f: int, m: int, orders: int, recency_days: int, age_days: int, *, new_days: int,
               lost_days: int) -> str:
    """The named segment of a customer's scores; rules are tried in :data:`SEGMENTS` order."""
    if orders == 1 and age_days <= new_days:
        return "new"
    if recency_days > lost_days:
        return "lost"
    if r >= 4 and f >= 4 and m >= 4 and orders >= 3:
        return "champions"
    if r >= 3 and f >= 4 and orders >= 2:
        return "loyal"
    if r <= 2 and f >= 4 and m >= 4 and orders >= 2:
        return "cant_lose_them"
    if r <= 2 and f >= 3 and orders >= 2:
        return "at_risk"
    if r >= 4 and orders >= 2:
        return "potential_loyalists"
    if r >= 4:
        return "promising"
    if r <= 2:
        return "hibernating"
    return "need_attention"


def score(hist: Mapping[str, History], now: datetime, *, new_days: int = 30, lost_days: int = 180) -> dict[str, RFM]:
    """RFM scores and segments for every customer of ``hist`` as of ``now``."""
    now = as_utc(now)
    recency = {k: (now - h.last_order_at).total_seconds() / 86400 for k, h in hist.items()}
    r_scores = {k: recency_score(days, lost_days) for k, days in recency.items()}
    f_scores = quintiles({k: h.orders for k, h in hist.items()})
    m_scores: dict[str, int] = {}
    for currency in {h.currency for h in hist.values()}:
        m_scores.update(quintiles({k: float(h.monetary) for k, h in hist.items() if h.currency == currency}))
    out = {}
    for key, h in hist.items():
        days = int(recency[key])
        age = int((now - h.first_order_at).total_seconds() // 86400)
        segment = segment_of(r_scores[key], f_scores[key], m_scores[key], h.orders, days, age, new_days=new_days,
                             lost_days=lost_days)
        out[key] = RFM(key, days, h.orders, h.monetary, h.currency, r_scores[key], f_scores[key], m_scores[key],
                       segment)
    return out
