"""Retry policy for remote calls (LLM providers, Shopify, SendGrid, WhatsApp, Slack, TikTok).

Exponential backoff with jitter, capped, honouring a server's ``Retry-After`` (seconds or an
HTTP date) up to a ceiling: one definition for every client, so they all behave the same.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

#: Statuses worth another try: timeouts, rate limits, server trouble (529 is Anthropic's "overloaded").
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 529})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to retry a remote call before giving up.

    Attributes:
        attempts: Total tries, the first included.
        base_delay_s: First backoff; it doubles each retry (with ±``jitter`` randomness so many
            clients do not retry in lockstep).
        max_delay_s: Ceiling of the exponential backoff.
        max_retry_after_s: Ceiling on a server's ``Retry-After``; a longer wait fails instead,
            because a run should not hang for minutes.
        jitter: Fraction of randomness added to each backoff delay.
    """

    attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 30.0
    jitter: float = 0.25

    def backoff(self, retry: int) -> float:
        delay = min(self.max_delay_s, self.base_delay_s * (2 ** retry))
        return delay * (1 + random.uniform(-self.jitter, self.jitter))


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
