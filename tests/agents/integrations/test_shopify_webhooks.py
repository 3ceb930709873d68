"""Shopify webhook intake over real HTTP: HMAC, staleness, replays, bad bodies, and what each topic becomes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from ionflux.agents.http_listener import HttpListener
from ionflux.agents.integrations.shopify_webhooks import ShopifyWebhooks, shopify_secret_ref, shopify_signature
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.models import PlatformEvent
from ionflux.core.secrets import SecretStore

SECRET = "shpss_app_secret"
ORDER = {
    "id": 42,
    "name": "#1042",
    "created_at": "2026-11-20T10:00:00Z",
    "currency": "USD",
    "total_price": "80.00",
    "line_items": [{"quantity": 2, "price": "40.00"}],
}


@pytest.fixture
def intake(demo: Context, demo_ws: uuid.UUID, memory_keyring, no_demo_shop: None):  # type: ignore[no-untyped-def]
    secrets = SecretStore(memory_keyring)
    secrets.set(shopify_secret_ref(demo_ws), SECRET)
    from sqlalchemy import func

    with demo.store.read() as s:
        _START[id(demo.store)] = s.scalar(select(func.max(PlatformEvent.seq))) or 0
    listener = HttpListener()
    hooks = ShopifyWebhooks(demo, secrets)
    hooks.mount(listener)
    listener.start()
    yield listener, hooks
    listener.stop()


def deliver(
    listener: HttpListener,
    ws: uuid.UUID,
    topic: str,
    body: bytes,
    *,
    secret: str | None = SECRET,
    at: datetime | None = None,
    webhook_id: str | None = None,
) -> httpx.Response:
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": "ecothreads.myshopify.com",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-API-Version": "2025-01",
        "X-Shopify-Triggered-At": (at or datetime.now(UTC)).isoformat(),
        "Content-Type": "application/json",
    }
    if secret is not None:
        headers["X-Shopify-Hmac-Sha256"] = shopify_signature(secret, body)
    return httpx.post(f"{listener.url}/shopify/webhooks/{ws}", content=body, headers=headers, timeout=10)


def _types(ctx: Context) -> list[str]:
    """Shopify and performance events written by the test (the demo seed's own are before its first seq)."""
    with ctx.store.read() as s:
        return [
            e.event_type
            for e in s.scalars(
                select(PlatformEvent)
                .where(
                    PlatformEvent.seq > _START.get(id(ctx.store), 0),
                    PlatformEvent.event_type.like("ionflux.shopify.%") | PlatformEvent.event_type.like("ionflux.perf%"),
                )
                .order_by(PlatformEvent.seq)
            )
        ]


_START: dict[int, int] = {}


def test_a_signed_order_is_stored_and_becomes_the_order_event(
    intake, demo: Context, demo_ws: uuid.UUID, no_demo_shop: None
) -> None:  # type: ignore[no-untyped-def]
    listener, _ = intake
    res = deliver(listener, demo_ws, "orders/create", json.dumps(ORDER).encode())
    assert res.status_code == 200 and res.json()["event_type"] == "ionflux.shopify.order.created"
    assert [o.shop_order_id for o in Commerce(demo).orders(demo_ws)] == ["42"]
    assert _types(demo) == ["ionflux.shopify.order.created"]


def test_refused_deliveries(intake, demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> None:  # type: ignore[no-untyped-def]
    listener, hooks = intake
    body = json.dumps(ORDER).encode()
    assert deliver(listener, demo_ws, "orders/create", body, secret=None).status_code == 401
    assert deliver(listener, demo_ws, "orders/create", body, secret="not-the-secret").status_code == 401
    assert (
        deliver(listener, demo_ws, "orders/create", body, at=datetime.now(UTC) - timedelta(hours=1)).status_code == 400
    )
    assert deliver(listener, uuid.uuid4(), "orders/create", body).status_code == 401  # no secret for that workspace
    assert deliver(listener, demo_ws, "orders/create", b"{not json").status_code == 400
    huge = json.dumps({**ORDER, "note": "x" * 1_100_000}).encode()
    assert deliver(listener, demo_ws, "orders/create", huge).status_code == 413
    bad = json.dumps({**ORDER, "line_items": [{"quantity": -3, "price": "1"}]}).encode()
    res = deliver(listener, demo_ws, "orders/create", bad)
    assert res.status_code == 422 and "quantity" in res.json()["error"]
    assert Commerce(demo).orders(demo_ws) == [] and _types(demo) == []
    webhook_id = str(uuid.uuid4())
    assert deliver(listener, demo_ws, "orders/create", body, webhook_id=webhook_id).status_code == 200
    assert deliver(listener, demo_ws, "orders/create", body, webhook_id=webhook_id).status_code == 409
    assert hooks.accepted == 1  # and the listener kept going through all of that


def test_app_theme_checkout_and_metrics_topics(intake, demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> None:  # type: ignore[no-untyped-def]
    listener, _ = intake
    now = datetime.now(UTC).isoformat()
    assert (
        deliver(
            listener, demo_ws, "app/updated", json.dumps({"app_name": "Popups", "updated_at": now}).encode()
        ).status_code
        == 200
    )
    assert (
        deliver(
            listener, demo_ws, "themes/publish", json.dumps({"name": "Dawn", "updated_at": now}).encode()
        ).status_code
        == 200
    )
    cart = {"id": 5, "cart_token": "c1", "abandoned": True, "email": "a@b.co", "total_price": "120.00"}
    assert deliver(listener, demo_ws, "checkouts/update", json.dumps(cart).encode()).status_code == 200
    metrics = {"timestamp": now, "metrics": {"checkout_error_rate": 0.01}}
    assert deliver(listener, demo_ws, "metrics", json.dumps(metrics).encode()).status_code == 200
    assert deliver(listener, demo_ws, "carts/teleport", b"{}").status_code == 422
    assert _types(demo) == [
        "ionflux.shopify.app.updated",
        "ionflux.shopify.theme.publish",
        "ionflux.shopify.checkout.update",
        "ionflux.shopify.abandoned_cart.created",
        "ionflux.performance.metrics.processed",
    ]
