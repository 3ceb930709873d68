"""Who must not get marketing email, and why: consent, deliverability, inactivity, the local suppression list.

Sending only to ``subscribed`` addresses is the rule (Shopify's ``email_marketing_consent.state``);
anything else (unsubscribed, not subscribed, pending double opt-in, redacted, invalid, unknown for
guest checkouts) is skipped with the reason, as are addresses that bounced or complained and
customers who have not ordered for ``inactive_days`` (mailing them hurts the sender reputation).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ionflux.core.clock import as_utc

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                    r"[A-Za-z0-9])?)+$")
#: Deliverability states (and tags) that mean "do not mail".
UNDELIVERABLE = frozenset({"bounced", "hard_bounce", "hard_bounced", "invalid", "undeliverable", "blocked",
                           "spam_report", "spam_reported", "complained", "dropped"})
_CONSENT_REASON = {
    "unsubscribed": "unsubscribed from marketing email",
    "not_subscribed": "never subscribed to marketing email",
    "pending": "double opt-in not confirmed yet",
    "redacted": "customer data was redacted (GDPR request)",
    "invalid": "Shopify marks the address invalid",
}


@dataclass(frozen=True)
class Contact:
    """What suppression needs to know about one customer."""

    key: str
    email: str | None
    first_name: str | None
    consent: str | None
    deliverability: str | None
    tags: tuple[str, ...]
    timezone: str | None
    last_order_at: datetime | None


def valid_email(address: str | None) -> bool:
    return bool(address) and len(address) <= 254 and bool(_EMAIL.match(address))  # type: ignore[arg-type]


def contact_from_customer(row: Any, key: str) -> Contact:
    """A Contact from a ShopCustomer row."""
    return Contact(key=key, email=(row.email or "").strip() or None, first_name=row.first_name,
                   consent=(row.email_marketing_state or None), deliverability=row.email_deliverability,
                   tags=tuple(t.strip().lower() for t in row.tags_array or ()), timezone=row.timezone,
                   last_order_at=row.last_order_at)


def suppression_reason(contact: Contact, now: datetime, *, inactive_days: int,
                       suppressed: Collection[str] = ()) -> str | None:
    """Why ``contact`` must not be mailed, or None when it may be."""
    if not contact.email:
        return "no email address"
    if not valid_email(contact.email):
        return f"invalid email address {contact.email!r}"
    if contact.email.lower() in suppressed:
        return "on the suppression list (bounced or rejected before, or removed by hand)"
    state = (contact.consent or "").strip().lower()
    if state != "subscribed":
        return _CONSENT_REASON.get(state, "no marketing consent on record")
    delivery = (contact.deliverability or "").strip().lower()
    if delivery in UNDELIVERABLE:
        return f"address is not deliverable ({delivery})"
    hit = UNDELIVERABLE.intersection(contact.tags)
    if hit:
        return f"tagged {sorted(hit)[0]!r}"
    if contact.last_order_at is not None:
        idle = (as_utc(now) - as_utc(contact.last_order_at)).days
        if idle > inactive_days:
            return f"inactive for {idle} days (more than {inactive_days})"
    return None
