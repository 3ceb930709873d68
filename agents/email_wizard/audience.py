"""The audience: every customer with their RFM segment and, when they must not be mailed, the reason.

Customers come from the shop store's customers and orders. An order is matched to its customer by
Shopify customer id, else by email; guest checkouts with no customer record are kept (so the report
can say why they are skipped: no consent on record). Subscribers without orders are *prospects*.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ionflux.agents.email_wizard.rfm import RFM, histories, score
from ionflux.agents.email_wizard.suppression import Contact, contact_from_customer, suppression_reason


@dataclass(frozen=True)
class Member:
    """One customer of the audience."""

    key: str
    customer_id: str | None
    email: str | None
    first_name: str | None
    timezone: str | None
    segment: str
    rfm: RFM | None
    suppressed: str | None  # why they must not be mailed (None: they may be)


def _key_of(email_to_key: dict[str, str]) -> Any:
    def key_of(order: Any) -> str | None:
        if order.customer_shop_id:
            return f"id:{order.customer_shop_id}"
        address = (order.email or "").strip().lower()
        if not address:
            return None
        return email_to_key.get(address, f"email:{address}")

    return key_of


def build_audience(customers: Sequence[Any], orders: Sequence[Any], now: datetime, *, new_days: int = 30,
                   lost_days: int = 180, inactive_days: int = 365,
                   suppressed: Collection[str] = ()) -> list[Member]:
    """Segment and screen every customer of the shop (ShopCustomer and ShopOrder rows)."""
    email_to_key = {c.email.strip().lower(): f"id:{c.shop_customer_id}" for c in customers if c.email}
    hist = histories(orders, _key_of(email_to_key))
    scores = score(hist, now, new_days=new_days, lost_days=lost_days)
    contacts: dict[str, Contact] = {f"id:{c.shop_customer_id}": contact_from_customer(c, f"id:{c.shop_customer_id}")
                                    for c in customers}
    for key in hist:
        if key not in contacts:  # a guest checkout: only the order's email is known
            contacts[key] = Contact(key, key.removeprefix("email:"), None, None, None, (), None, None)
    members = []
    for key, contact in sorted(contacts.items()):
        rfm = scores.get(key)
        last = max((t for t in (contact.last_order_at, hist[key].last_order_at if key in hist else None) if t),
                   default=None)
        screened = Contact(**{**contact.__dict__, "last_order_at": last})
        members.append(Member(
            key=key, customer_id=key.removeprefix("id:") if key.startswith("id:") else None, email=contact.email,
            first_name=contact.first_name, timezone=contact.timezone,
            segment=rfm.segment if rfm is not None else "prospects", rfm=rfm,
            suppressed=suppression_reason(screened, now, inactive_days=inactive_days, suppressed=suppressed)))
    return members
