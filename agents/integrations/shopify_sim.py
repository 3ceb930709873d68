"""A realistic simulated Shopify store, for demos and tests: orders, checkouts, metrics and incidents.

Deliveries come out in time order as Shopify webhook topics and payloads (the documented shapes):
``orders/create``, ``checkouts/create`` (abandoned ones marked ``abandoned: true``, some recovered
later by an order with the same ``cart_token``), ``products/update``, ``app/updated`` — plus
``metrics`` snapshots (conversion, checkout error rate, page load) every five minutes. Order
arrivals follow a daily and weekly rhythm (Poisson). Incidents can be injected:

* ``checkout_collapse``: a theme is published, then orders fall to almost nothing and checkout errors jump;
* ``app_release``: an app update, then errors rise and orders sag;
* ``price_mistake``: a product's price drops to a tenth, orders of it surge and AOV falls.

Everything derives from the seed, so a run is reproducible.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

INCIDENTS = ("checkout_collapse", "app_release", "price_mistake")
PRODUCTS = [
    (632910392, 808950810, "Recycled Denim Jacket", "JKT-DNM", "119.00"),
    (632910393, 808950811, "Organic Cotton Tee", "TEE-ORG", "29.00"),
    (632910394, 808950812, "Hemp Tote Bag", "BAG-HMP", "24.00"),
    (632910395, 808950813, "Wool Beanie", "HAT-WOL", "32.00"),
    (632910396, 808950814, "Linen Shirt", "SHT-LIN", "68.00"),
    (632910397, 808950815, "Cork Wallet", "WAL-CRK", "45.00"),
]
TIMEZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin"]


@dataclass(frozen=True)
class Delivery:
    at: datetime
    topic: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Incident:
    kind: str
    start: datetime
    minutes: int = 45

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def active(self, at: datetime) -> bool:
        return self.start <= at < self.end


def parse_incident(text: str, day0: datetime) -> Incident:
    """``checkout_collapse@2d14:30+45`` → the incident on day 2 (0-based) at 14:30 UTC for 45 minutes."""
    kind, _, when = text.partition("@")
    if kind not in INCIDENTS:
        raise ValueError(f"unknown incident {kind!r} (one of {', '.join(INCIDENTS)})")
    when, _, minutes = when.partition("+")
    day, _, clock = when.partition("d") if "d" in when else ("0", "", when)
    hours, _, mins = (clock or "12:00").partition(":")
    start = day0 + timedelta(days=int(day or 0), hours=int(hours), minutes=int(mins or 0))
    return Incident(kind, start, int(minutes or 45))


def hourly_rate(at: datetime, base: float) -> float:
    """Orders per hour: quiet nights, a lunch bump, an evening peak, busier weekends."""
    h = at.hour + at.minute / 60
    daily = 0.25 + 0.55 * math.exp(-((h - 12.5) ** 2) / 8) + 1.0 * math.exp(-((h - 20) ** 2) / 6)
    weekly = 1.25 if at.weekday() >= 5 else 1.0
    return base * daily * weekly


class StoreSimulator:
    """Generates deliveries from ``start`` for ``days`` days (see the module docstring)."""

    def __init__(self, start: datetime, days: float, *, seed: int = 1, orders_per_hour: float = 24.0,
                 incidents: list[Incident] | None = None, abandoned_share: float = 0.25,
                 recovered_share: float = 0.3) -> None:
        self.start = start.astimezone(UTC)
        self.end = self.start + timedelta(days=days)
        self.rng = random.Random(seed)
        self.base = orders_per_hour
        self.incidents = incidents or []
        self.abandoned_share = abandoned_share
        self.recovered_share = recovered_share
        self._order_no = 1000
        self._customers = [self._customer(i) for i in range(300)]

    def _customer(self, i: int) -> dict[str, Any]:
        state = "subscribed" if i % 7 else "unsubscribed"
        return {"id": 7_000_000 + i, "email": f"customer{i}@example.com", "first_name": f"Cust{i}",
                "last_name": "Omer", "timezone": TIMEZONES[i % len(TIMEZONES)],
                "email_marketing_consent": {"state": state}, "tags": "vip" if i % 25 == 0 else ""}

    def _active(self, at: datetime, kind: str) -> bool:
        return any(i.kind == kind and i.active(at) for i in self.incidents)

    def deliveries(self) -> Iterator[Delivery]:
        pending: list[Delivery] = []
        for incident in self.incidents:
            if incident.kind == "app_release":
                pending.append(Delivery(incident.start - timedelta(minutes=3), "app/updated",
                                        {"app_name": "SocialProof Popups", "version": "4.2",
                                         "updated_at": (incident.start - timedelta(minutes=3)).isoformat()}))
            if incident.kind == "checkout_collapse":
                at = incident.start - timedelta(minutes=4)
                pending.append(Delivery(at, "themes/publish", {"id": 828155753, "name": "Dawn 15.1 (new cart drawer)",
                                                               "role": "main", "updated_at": at.isoformat()}))
            if incident.kind == "price_mistake":
                pending.append(self._price_update(incident.start, "11.90"))
                pending.append(self._price_update(incident.end, PRODUCTS[0][4]))
        minute = self.start
        while minute < self.end:
            pending.extend(self._minute(minute))
            if minute.minute % 5 == 0:
                pending.append(self._metrics(minute))
            pending.sort(key=lambda d: d.at)
            while pending and pending[0].at < minute + timedelta(minutes=1):
                yield pending.pop(0)
            minute += timedelta(minutes=1)
        yield from sorted((d for d in pending if d.at < self.end + timedelta(hours=2)), key=lambda d: d.at)

    def _minute(self, minute: datetime) -> list[Delivery]:
        rate = hourly_rate(minute, self.base) / 60
        if self._active(minute, "checkout_collapse"):
            rate *= 0.04
        elif self._active(minute, "app_release"):
            rate *= 0.35
        elif self._active(minute, "price_mistake"):
            rate *= 3.0
        out = []
        for _ in range(self._poisson(rate)):
            at = minute + timedelta(seconds=self.rng.randint(0, 59))
            out += self._checkout_and_order(at)
        return out

    def _checkout_and_order(self, at: datetime) -> list[Delivery]:
        customer = self.rng.choice(self._customers)
        token = f"cart-{self.rng.getrandbits(48):012x}"
        lines = self._lines(at)
        total = sum(float(line["price"]) * line["quantity"] for line in lines)
        checkout = {"id": self.rng.getrandbits(40), "token": token, "cart_token": token, "email": customer["email"],
                    "created_at": (at - timedelta(minutes=4)).isoformat(), "updated_at": at.isoformat(),
                    "currency": "USD", "total_price": f"{total:.2f}", "line_items": lines,
                    "customer": {"id": customer["id"], "email": customer["email"]}}
        if self.rng.random() < self.abandoned_share:
            abandoned_at = at + timedelta(minutes=60)
            out = [Delivery(abandoned_at, "checkouts/update", {**checkout, "abandoned": True,
                                                               "updated_at": abandoned_at.isoformat(),
                                                               "abandoned_checkout_url": f"https://shop.example/r/{token}"})]
            if self.rng.random() < self.recovered_share:
                out.append(self._order(abandoned_at + timedelta(minutes=self.rng.randint(20, 180)), customer, lines,
                                       token))
            return out
        return [self._order(at, customer, lines, token)]

    def _lines(self, at: datetime) -> list[dict[str, Any]]:
        lines = []
        for _ in range(1 + (self.rng.random() < 0.35) + (self.rng.random() < 0.1)):
            pid, vid, title, sku, price = self.rng.choice(PRODUCTS)
            if self._active(at, "price_mistake") and (pid == PRODUCTS[0][0] or self.rng.random() < 0.6):
                pid, vid, title, sku, price = PRODUCTS[0][0], PRODUCTS[0][1], PRODUCTS[0][2], PRODUCTS[0][3], "11.90"
            lines.append({"id": self.rng.getrandbits(40), "product_id": pid, "variant_id": vid, "title": title,
                          "sku": sku, "quantity": 1 + (self.rng.random() < 0.15), "price": price,
                          "total_discount": "0.00"})
        return lines

    def _order(self, at: datetime, customer: dict[str, Any], lines: list[dict[str, Any]], token: str) -> Delivery:
        self._order_no += 1
        subtotal = sum(float(line["price"]) * line["quantity"] for line in lines)
        shipping = 0.0 if subtotal >= 75 else 6.9
        tax = round(subtotal * 0.08, 2)
        payload = {"id": 820_982_911_000_000 + self._order_no, "name": f"#{self._order_no}",
                   "email": customer["email"], "created_at": at.isoformat(), "updated_at": at.isoformat(),
                   "currency": "USD", "subtotal_price": f"{subtotal:.2f}", "total_tax": f"{tax:.2f}",
                   "total_discounts": "0.00", "total_price": f"{subtotal + tax + shipping:.2f}",
                   "total_shipping_price_set": {"shop_money": {"amount": f"{shipping:.2f}", "currency_code": "USD"}},
                   "financial_status": "paid", "payment_gateway_names": ["shopify_payments"], "cart_token": token,
                   "customer": {"id": customer["id"], "email": customer["email"]}, "line_items": lines}
        return Delivery(at, "orders/create", payload)

    def _price_update(self, at: datetime, price: str) -> Delivery:
        pid, vid, title, sku, _ = PRODUCTS[0]
        return Delivery(at, "products/update", {"id": pid, "title": title, "updated_at": at.isoformat(),
                                                "variants": [{"id": vid, "sku": sku, "price": price}]})

    def _metrics(self, at: datetime) -> Delivery:
        errors = 0.004 + abs(self.rng.gauss(0, 0.002))
        conversion = max(0.0, self.rng.gauss(0.026, 0.003))
        if self._active(at, "checkout_collapse"):
            errors, conversion = 0.38 + self.rng.random() * 0.1, conversion * 0.05
        elif self._active(at, "app_release"):
            errors, conversion = 0.07 + self.rng.random() * 0.03, conversion * 0.4
        metrics = {"conversion_rate": round(conversion, 5), "checkout_error_rate": round(errors, 5),
                   "page_load_ms": round(self.rng.gauss(1250, 80), 1)}
        return Delivery(at, "metrics", {"timestamp": at.isoformat(), "metrics": metrics})

    def _poisson(self, lam: float) -> int:
        threshold, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= threshold:
                return k
            k += 1


def day_start(days_back: int = 0) -> datetime:
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=days_back)
