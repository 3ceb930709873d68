"""One way to call an external HTTP API: retries with backoff, Retry-After, clear errors, no secrets in them."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from ionflux.agents.retry import RETRY_STATUSES, RetryPolicy, retry_after_s
from ionflux.core.errors import IonfluxError

log = logging.getLogger(__name__)


class IntegrationError(IonfluxError):
    """A call to an external service failed in a way the user can act on (bad request, bad key...)."""

    def __init__(self, message: str, *, where: str | None = None, status: int | None = None) -> None:
        self.status = status
        super().__init__(message, where=where)


class IntegrationUnavailable(IntegrationError):
    """The service cannot be reached or keeps failing; try again later."""


def error_text(response: httpx.Response) -> str:
    """The error message a service put in its body (each API has its own shape)."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict):
        for key in ("errors", "error", "message", "error_description"):
            value = body.get(key)
            if isinstance(value, dict):
                return str(value.get("message") or value)[:500]
            if isinstance(value, list) and value:
                first = value[0]
                return str(first.get("message") if isinstance(first, dict) else first)[:500]
            if value:
                return str(value)[:500]
    return json.dumps(body)[:300]


def call(client: httpx.Client, method: str, url: str, *, where: str, policy: RetryPolicy | None = None,
         sleep: Callable[[float], None] = time.sleep, **kwargs: Any) -> httpx.Response:
    """Send a request, retrying transient failures (connection errors, 408/429/5xx); return a 2xx response.

    Raises:
        IntegrationUnavailable: unreachable, or still failing after every attempt, or a Retry-After
            longer than the policy allows.
        IntegrationError: any other 4xx (the same request would fail again).
    """
    policy = policy or RetryPolicy()
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        wait: float | None = None
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            if last:
                raise IntegrationUnavailable(f"cannot reach the service: {type(exc).__name__}", where=where) from exc
        else:
            if response.is_success:
                return response
            status = response.status_code
            if status not in RETRY_STATUSES:
                raise IntegrationError(f"request rejected ({status}): {error_text(response)}", where=where,
                                       status=status)
            wait = retry_after_s(response.headers.get("retry-after"))
            if wait is None and response.headers.get("x-ratelimit-reset"):
                wait = retry_after_s(response.headers["x-ratelimit-reset"])
                if wait is not None and wait > 1e8:  # an epoch timestamp, not a delta
                    wait = max(0.0, wait - time.time())
            if wait is not None and wait > policy.max_retry_after_s:
                raise IntegrationUnavailable(f"asked to retry after {wait:.0f} s ({status}): {error_text(response)}",
                                             where=where, status=status)
            if last:
                raise IntegrationUnavailable(f"still failing after {policy.attempts} attempts ({status}): "
                                             f"{error_text(response)}", where=where, status=status)
            log.info("%s: %s, retrying", where, status)
        sleep(policy.backoff(attempt) if wait is None else wait)
    raise AssertionError("unreachable")  # pragma: no cover
