"""The SendGrid client: one batch per call, with retries, backoff and rate-limit waits, never a double send.

* 202 (200 in sandbox mode): accepted; ``X-Message-Id`` is kept for the report.
* 429: waits ``Retry-After``, else until ``X-RateLimit-Reset`` (Unix time), then retries; a wait
  longer than ``max_wait_s`` fails the batch instead of hanging the run.
* 500/502/503/504, and connections that never reached the server: retried with exponential backoff.
* 400 naming recipients (``personalizations.3.to.0.email``): those recipients are dropped with the
  reason and the rest is retried once; other 400s and 413 fail the batch with SendGrid's messages.
* 401/403: :class:`SendGridAuthError`, which stops the remaining batches (the key is wrong).
* A timeout after the request was sent: the outcome is *unknown* and it is not retried, since
  SendGrid may have queued it and a retry could mail everyone twice.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ionflux.agents.email_wizard.sendgrid import Recipient, error_fields, personalization_index
from ionflux.agents.llm.base import CancelToken
from ionflux.core.errors import IonfluxError

API_BASE = "https://api.sendgrid.com"
SEND_PATH = "/v3/mail/send"
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class SendGridAuthError(IonfluxError):
    """SendGrid refused the API key (401/403): no further batch can succeed."""


@dataclass
class BatchOutcome:
    """What became of one request: its recipients, final status and how many tries it took."""

    recipients: list[Recipient]
    status: str  # "accepted", "failed" or "unknown"
    http_status: int | None = None
    attempts: int = 0
    message_id: str | None = None
    error: str | None = None
    dropped: list[tuple[Recipient, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"recipients": len(self.recipients), "status": self.status, "http_status": self.http_status,
                "attempts": self.attempts, "message_id": self.message_id, "error": self.error,
                "dropped": len(self.dropped)}


def wait_seconds(response: httpx.Response, now: float) -> float | None:
    """Seconds a 429 asks to wait: ``Retry-After`` (seconds or an HTTP date), else ``X-RateLimit-Reset``."""
    value = response.headers.get("Retry-After")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
            except (TypeError, ValueError):
                pass
    reset = response.headers.get("X-RateLimit-Reset")
    if reset:
        try:
            return max(0.0, float(reset) - now)
        except ValueError:
            return None
    return None


class SendGridClient:
    """Posts Mail Send bodies with the key from the keyring.

    Args:
        api_key: The SendGrid API key (sent as a Bearer token, never logged).
        base_url: ``https://api.sendgrid.com`` (``https://api.eu.sendgrid.com`` for EU subusers; a local
            server in tests).
        http: An httpx client to use (its timeouts apply); one is made otherwise.
        attempts: Tries per batch, the first included.
        base_delay_s: First backoff; doubles per retry, with jitter.
        max_wait_s: Longest rate-limit wait accepted.
        cancel: Interrupts waits when the run is cancelled.
        clock: Current Unix time (tests pass a fake one).
    """

    def __init__(self, api_key: str, *, base_url: str = API_BASE, http: httpx.Client | None = None,
                 attempts: int = 5, base_delay_s: float = 1.0, max_delay_s: float = 30.0, max_wait_s: float = 60.0,
                 cancel: CancelToken | None = None, clock: Callable[[], float] = time.time) -> None:
        self._key = api_key
        self.url = base_url.rstrip("/") + SEND_PATH
        self._http = http or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
        self.attempts, self.base_delay_s, self.max_delay_s, self.max_wait_s = attempts, base_delay_s, max_delay_s, \
            max_wait_s
        self._cancel = cancel or CancelToken()
        self._clock = clock

    def close(self) -> None:
        self._http.close()

    def _sleep(self, seconds: float) -> None:
        if self._cancel.wait(seconds):
            self._cancel.raise_if_cancelled("SendGrid")

    def _backoff(self, retry: int) -> float:
        return min(self.max_delay_s, self.base_delay_s * 2 ** retry) * random.uniform(0.8, 1.2)

    def send(self, recipients: list[Recipient], body: dict[str, Any]) -> BatchOutcome:
        """Send one body (built by :func:`build_bodies` for ``recipients``) and report what happened."""
        outcome = BatchOutcome(list(recipients), "failed")
        pruned = False
        headers = {"Authorization": f"Bearer {self._key}", "Content-Type": "application/json"}
        for attempt in range(self.attempts):
            outcome.attempts = attempt + 1
            try:
                response = self._http.post(self.url, json=body, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached SendGrid: safe to retry
                outcome.error = f"cannot connect to SendGrid ({exc.__class__.__name__})"
                self._sleep(self._backoff(attempt))
                continue
            except httpx.TransportError as exc:
                outcome.status, outcome.error = "unknown", (
                    f"the connection failed after the request was sent ({exc.__class__.__name__}); SendGrid may "
                    "have queued it, so it was not retried")
                return outcome
            outcome.http_status = response.status_code
            if response.status_code in (200, 202):
                outcome.status, outcome.error = "accepted", None
                outcome.message_id = response.headers.get("X-Message-Id")
                return outcome
            errors = _errors(response)
            outcome.error = "; ".join(f"{f or 'request'}: {m}" for f, m in errors) or f"HTTP {response.status_code}"
            if response.status_code in (401, 403):
                raise SendGridAuthError(f"SendGrid refused the API key (HTTP {response.status_code}): "
                                        f"{outcome.error}", where="sendgrid")
            if response.status_code == 429:
                wait = wait_seconds(response, self._clock())
                wait = self._backoff(attempt) if wait is None else wait + 0.05
                if wait > self.max_wait_s:
                    outcome.error = f"rate limited for {wait:.0f} s more (longer than {self.max_wait_s:.0f} s)"
                    return outcome
                self._sleep(wait)
                continue
            if response.status_code in RETRY_STATUSES:
                self._sleep(self._backoff(attempt))
                continue
            if response.status_code == 400 and not pruned:
                bad = {i: m for f, m in errors if (i := personalization_index(f)) is not None}
                if bad and len(bad) < len(body["personalizations"]):
                    pruned = True
                    outcome.dropped = [(outcome.recipients[i], m) for i, m in sorted(bad.items())]
                    keep = [i for i in range(len(outcome.recipients)) if i not in bad]
                    outcome.recipients = [outcome.recipients[i] for i in keep]
                    body = {**body, "personalizations": [body["personalizations"][i] for i in keep]}
                    continue
            return outcome  # 400, 413 and other statuses: retrying the same body cannot help
        return outcome


def _errors(response: httpx.Response) -> list[tuple[str | None, str]]:
    try:
        return error_fields(response.json())
    except ValueError:
        return [(None, response.text.strip()[:300] or response.reason_phrase)]
