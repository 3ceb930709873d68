"""The Shopify Admin API client against a local server that checks the documented request shapes."""

from __future__ import annotations

import uuid

import pytest
from fake_services import Call, FakeService

from ionflux.agents.integrations.http import IntegrationError
from ionflux.agents.integrations.shopify import API_VERSION, ShopifyClient, pull_shop
from ionflux.agents.retry import RetryPolicy
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.profiles import Brands

TOKEN = "shpat_test_token"
ORDER = {
    "id": 1,
    "name": "#1001",
    "created_at": "2026-11-20T10:00:00Z",
    "currency": "USD",
    "total_price": "50.00",
    "line_items": [{"quantity": 1, "price": "50.00", "sku": "A"}],
}


def shop_api(fail_first_products: bool = True):  # type: ignore[no-untyped-def]
    state = {"products_calls": 0}

    def handler(call: Call):  # type: ignore[no-untyped-def]
        prefix = f"/admin/api/{API_VERSION}/"
        if not call.path.startswith(prefix) or call.headers.get("x-shopify-access-token") != TOKEN:
            return 401, {}, {"errors": "[API] Invalid API key or access token"}
        resource = call.path[len(prefix) :].removesuffix(".json")
        if call.query.get("limit") not in (["250"], None) and "page_info" not in call.query:
            return 400, {}, {"errors": "limit"}
        limit = {"X-Shopify-Shop-Api-Call-Limit": "39/40"}
        if resource == "products":
            state["products_calls"] += 1
            if fail_first_products and state["products_calls"] == 1:
                return 429, {"Retry-After": "0.05"}, {"errors": "Exceeded 2 calls per second for api client."}
            return 200, limit, {"products": [{"id": 9, "title": "Tee", "variants": [{"id": 1, "price": "20.00"}]}]}
        if resource == "customers":
            return 200, limit, {"customers": [{"id": 7, "email": "a@b.co"}]}
        if resource == "orders":
            assert call.query.get("status") == ["any"] or "page_info" in call.query
            if "page_info" in call.query:
                return (
                    200,
                    limit,
                    {"orders": [{**ORDER, "id": 2, "name": "#1002"}, {**ORDER, "id": 3, "currency": "euros"}]},
                )
            nxt = f"<http://127.0.0.1:{server.httpd.server_address[1]}{prefix}orders.json?limit=250&page_info=abc>"
            return 200, {**limit, "Link": f'{nxt}; rel="next"'}, {"orders": [ORDER]}
        return 404, {}, {"errors": "Not Found"}

    server = FakeService(handler)
    return server, state


def test_pull_follows_cursors_respects_limits_and_skips_bad_records(
    demo: Context, demo_ws: uuid.UUID, no_demo_shop: None
) -> None:
    server, state = shop_api()
    waits: list[float] = []
    try:
        brand = Brands(demo).create(
            demo_ws,
            "EcoThreads",
            shopify_integration_details_json={
                "store_url": "https://ecothreads.myshopify.com",
                "access_token_secret_ref": "shopify-eco",
            },
        )
        client = ShopifyClient(
            "ecothreads", TOKEN, base_url=server.url, sleep=waits.append, policy=RetryPolicy(base_delay_s=0.01)
        )
        report = pull_shop(demo, demo_ws, brand.id, client)
    finally:
        server.close()
    assert (report.products, report.customers, report.orders) == (1, 1, 2)
    assert len(report.skipped) == 1 and "currency" in report.skipped[0]
    assert state["products_calls"] == 2 and 0.05 in waits  # 429 honoured Retry-After
    assert any(w > 0.05 for w in waits)  # the nearly-full leaky bucket made it pause
    assert [o.order_name for o in Commerce(demo).orders(demo_ws)] == ["#1001", "#1002"]
    details = Brands(demo).get(brand.id).shopify_integration_details_json
    assert details["last_sync_status"] == "ok" and details["last_sync_timestamp"]


def test_bad_token_is_a_clear_error(demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> None:
    server, _ = shop_api()
    try:
        client = ShopifyClient("ecothreads", "wrong", base_url=server.url, sleep=lambda s: None)
        with pytest.raises(IntegrationError, match=r"401.*Invalid API key"):
            list(client.orders())
    finally:
        server.close()
