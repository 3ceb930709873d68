"""HTTP plumbing shared by the remote providers: retries with backoff, Retry-After, SSE parsing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from ionflux.agents.llm.base import CancelToken, ProviderError, ProviderUnavailable
from ionflux.agents.retry import RETRY_STATUSES, RetryPolicy, retry_after_s

__all__ = ["RETRY_STATUSES", "RetryPolicy", "iter_sse", "retry_after_s", "send", "server_message"]

def server_message(response: httpx.Response) -> str:
    """Return the error text a server put in its body (OpenAI and Anthropic use ``error.message``)."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:500]
        if isinstance(error, str):
            return error[:500]
        if body.get("message"):
            return str(body["message"])[:500]
    return json.dumps(body)[:300]


def send(client: httpx.Client, url: str, *, body: dict[str, Any], headers: dict[str, str], policy: RetryPolicy,
         where: str, stream: bool = False, cancel: CancelToken | None = None) -> httpx.Response:
    """POST ``body`` as JSON, retrying transient failures; returns a 2xx response.

    With ``stream=True`` the response is returned unread and the caller must close it. The
    API key travels only in ``headers``, which are never put into messages or logs.

    Raises:
        ProviderUnavailable: unreachable, timed out, key rejected (401/403), or still
            rate-limited/failing after every attempt.
        ProviderError: any other 4xx (not retried: the same request would fail again).
        Cancelled: ``cancel`` was set while waiting to retry.

    """
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        wait: float | None = None
        try:
            request = client.build_request("POST", url, json=body, headers=headers)
            response = client.send(request, stream=stream)
        except httpx.TransportError as exc:
            if last:
                raise ProviderUnavailable(f"cannot reach {url}: {type(exc).__name__}: {exc}", where=where) from exc
        else:
            if response.is_success:
                return response
            if stream:
                response.read()
                response.close()
            status = response.status_code
            message = server_message(response)
            if status in (401, 403):
                raise ProviderUnavailable(f"the server refused the API key ({status}): {message}; "
                                          "check the key stored for this provider", where=where, status=status)
            if status not in RETRY_STATUSES:
                raise ProviderError(f"request rejected ({status}): {message}", where=where, status=status)
            wait = retry_after_s(response.headers.get("retry-after"))
            if wait is not None and wait > policy.max_retry_after_s:
                raise ProviderUnavailable(f"server asked to retry after {wait:.0f} s (limit "
                                          f"{policy.max_retry_after_s:.0f} s) ({status}): {message}",
                                          where=where, status=status)
            if last:
                raise ProviderUnavailable(f"still failing after {policy.attempts} attempts ({status}): {message}",
                                          where=where, status=status)
        delay = policy.backoff(attempt) if wait is None else wait
        if cancel is not None:
            cancel.wait(delay)
            cancel.raise_if_cancelled(where)
        else:
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def iter_sse(response: httpx.Response) -> Iterator[tuple[str, str]]:
    """``(event, data)`` pairs from a text/event-stream body (event is "message" when unnamed)."""
    event, data = "message", []
    for line in response.iter_lines():
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if data:
        yield event, "\n".join(data)


def make_client(timeout_s: float, connect_timeout_s: float) -> httpx.Client:
    """Build a pooled client with separate connect/read limits (connect fails fast when offline)."""
    return httpx.Client(timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s))
