"""Shopify Admin REST API client: orders, products, customers, with cursor pagination and rate limits.

The API version is pinned (:data:`API_VERSION`). Lists are read 250 at a time following the
``Link: <...page_info=...>; rel="next"`` cursor. Shopify's leaky bucket is respected: the
``X-Shopify-Shop-Api-Call-Limit`` header (``used/size``) makes the client pause before the bucket
overflows, and a 429 waits for ``Retry-After``.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from ionflux.agents.integrations.http import IntegrationError, call
from ionflux.agents.retry import RetryPolicy
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.profiles import Brands

API_VERSION = "2025-01"
PAGE_SIZE = 250
LEAK_PER_S = 2.0
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


@dataclass
class PullReport:
    orders: int = 0
    products: int = 0
    customers: int = 0
    changed: int = 0
    skipped: list[str] | None = None


class ShopifyClient:
    """Reads a shop's data.

    Args:
        shop: ``example.myshopify.com`` (or just ``example``).
        access_token: The Admin API access token (from the keyring, never logged).
        base_url: Override of ``https://<shop>/admin/api/<version>`` (tests use a local server).
    """

    def __init__(self, shop: str, access_token: str, *, base_url: str | None = None, policy: RetryPolicy | None = None,
                 timeout_s: float = 30.0, sleep: Callable[[float], None] = time.sleep) -> None:
        domain = shop if "." in shop else f"{shop}.myshopify.com"
        self.base_url = (base_url or f"https://{domain}").rstrip("/") + f"/admin/api/{API_VERSION}"
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.client = httpx.Client(timeout=timeout_s, headers={"X-Shopify-Access-Token": access_token,
                                                               "Accept": "application/json"})
        self.throttled_s = 0.0

    def close(self) -> None:
        self.client.close()

    def _pages(self, resource: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        url: str | None = f"{self.base_url}/{resource}.json"
        query: dict[str, Any] | None = {"limit": PAGE_SIZE, **params}
        while url:
            response = call(self.client, "GET", url, params=query, where=f"shopify {resource}", policy=self.policy,
                            sleep=self.sleep)
            self._respect_bucket(response.headers.get("x-shopify-shop-api-call-limit"))
            body = response.json()
            if resource not in body or not isinstance(body[resource], list):
                raise IntegrationError(f"unexpected reply without {resource!r}", where=f"shopify {resource}")
            yield from body[resource]
            match = _NEXT.search(response.headers.get("link", ""))
            url, query = (match.group(1), None) if match else (None, None)  # page_info URLs carry their own query

    def _respect_bucket(self, header: str | None) -> None:
        """Pause while the leaky bucket is nearly full (it drains at 2 calls per second)."""
        if not header or "/" not in header:
            return
        used, size = (int(x) for x in header.split("/", 1))
        if used >= size - 2:
            wait = (used - (size - 10)) / LEAK_PER_S
            self.throttled_s += wait
            self.sleep(wait)

    def orders(self, *, updated_at_min: str | None = None) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"status": "any"}
        if updated_at_min:
            params["updated_at_min"] = updated_at_min
        return self._pages("orders", params)

    def products(self) -> Iterator[dict[str, Any]]:
        return self._pages("products", {})

    def customers(self) -> Iterator[dict[str, Any]]:
        return self._pages("customers", {})


def pull_shop(ctx: Context, workspace_id: uuid.UUID, brand_id: uuid.UUID, client: ShopifyClient) -> PullReport:
    """Pull a brand's shop into the local store; bad records are skipped and listed, good ones kept."""
    commerce = Commerce(ctx)
    report = PullReport(skipped=[])
    brands = Brands(ctx)
    details = dict(brands.get(brand_id).shopify_integration_details_json or {})
    try:
        for kind, items, upsert in (("products", client.products(), commerce.upsert_product),
                                    ("customers", client.customers(), commerce.upsert_customer),
                                    ("orders", client.orders(updated_at_min=details.get("last_sync_timestamp")),
                                     lambda ws, p: commerce.upsert_order(ws, p, brand_id=brand_id))):
            for item in items:
                try:
                    _, changed = upsert(workspace_id, item)
                except ValidationError as exc:
                    report.skipped.append(exc.one_line())  # type: ignore[union-attr]
                    continue
                setattr(report, kind, getattr(report, kind) + 1)
                report.changed += changed
        details.update(last_sync_status="ok", last_sync_timestamp=utcnow().isoformat())
    except IntegrationError as exc:
        details.update(last_sync_status=f"error: {exc.one_line()}")
        brands.update(brand_id, shopify_integration_details_json=details)
        raise
    brands.update(brand_id, shopify_integration_details_json=details)
    return report
