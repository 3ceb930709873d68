"""Shopify webhooks in: verified, deduplicated, normalised into the store and onto the event bus.

``POST /shopify/webhooks/<workspace id>``. The body is verified with ``X-Shopify-Hmac-Sha256``
(base64 HMAC-SHA256 of the raw body with the app's secret, compared in constant time); unsigned
or wrongly signed deliveries get 401, a delivery whose ``X-Shopify-Triggered-At`` is older than
five minutes gets 400, and a ``X-Shopify-Webhook-Id`` already received gets 409. Accepted topics:

* ``orders/*``, ``customers/*``, ``products/*`` → upserted into the store; the row change *is* the
  ``ionflux.shopify.order.created`` (…updated) event, outbox included, so sync carries it to Kafka;
* ``app/*`` and ``themes/*`` → ``ionflux.shopify.app.<action>`` / ``ionflux.shopify.theme.<action>``;
* ``checkouts/*`` → ``ionflux.shopify.checkout.<action>``, and ``ionflux.shopify.abandoned_cart.created``
  when the checkout is marked abandoned (the playbooks' trigger).

The secret lives in the keyring under ``shopify-webhook:<workspace id>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ionflux.agents.http_listener import HttpListener, Reply, Request
from ionflux.agents.webhooks import ReplayGuard
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.core.secrets import SecretStore

log = logging.getLogger(__name__)

PREFIX = "/shopify/webhooks/"
MAX_AGE = timedelta(minutes=5)


def shopify_secret_ref(workspace_id: uuid.UUID) -> str:
    return f"shopify-webhook:{workspace_id}"


def shopify_signature(secret: str, body: bytes) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify sends for ``body``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class ShopifyIntake:
    """Normalises one verified delivery into the workspace's store and events."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def ingest(self, workspace_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> str:
        """Store or publish one delivery; returns the event type it became.

        Raises:
            ValidationError: the payload is not what the topic promises (named field); nothing is written.
        """
        if not isinstance(payload, dict):
            raise ValidationError("a webhook body must be a JSON object", where=topic)
        resource, _, action = topic.partition("/")
        commerce = Commerce(self.ctx)
        if resource == "orders":
            _, created = commerce.upsert_order(workspace_id, payload)
            return f"ionflux.shopify.order.{'created' if created else 'updated'}"
        if resource == "customers":
            commerce.upsert_customer(workspace_id, payload)
            return "ionflux.shopify.customer.updated"
        if resource == "products":
            commerce.upsert_product(workspace_id, payload)
            return "ionflux.shopify.product.updated"
        if resource in ("app", "themes", "checkouts"):
            kind = {"app": "app", "themes": "theme", "checkouts": "checkout"}[resource]
            event_type = f"ionflux.shopify.{kind}.{action or 'updated'}"
            with self.ctx.write() as uow:
                uow.emit(event_type, {"topic": topic, **payload}, workspace_id=workspace_id,
                         source_service_name="ShopifyIntegrationService")
                if kind == "checkout" and payload.get("abandoned"):
                    if not payload.get("id"):
                        raise ValidationError("an abandoned checkout needs an id", where=f"{topic}.id")
                    event_type = "ionflux.shopify.abandoned_cart.created"
                    cart = {"topic": topic, **payload, "cart_value": _amount(payload.get("total_price"))}
                    uow.emit(event_type, cart, workspace_id=workspace_id,
                             source_service_name="ShopifyIntegrationService")
            return event_type
        if topic == "metrics":  # the shop's performance snapshot (not a Shopify topic: from monitoring)
            with self.ctx.write() as uow:
                uow.emit("ionflux.performance.metrics.processed", dict(payload), workspace_id=workspace_id,
                         source_service_name="ShopifyIntegrationService")
            return "ionflux.performance.metrics.processed"
        raise ValidationError(f"topic {topic!r} is not handled (orders, customers, products, app, themes, "
                              "checkouts)", where="X-Shopify-Topic")


def _amount(value: Any) -> float | None:
    """A cart's value as a number, so filters like the seed's ``cart_value_gt: 100`` can compare it."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class ShopifyWebhooks:
    """The ``/shopify/webhooks/`` route of the loopback listener."""

    def __init__(self, ctx: Context, secrets_store: SecretStore) -> None:
        self.intake = ShopifyIntake(ctx)
        self.secrets = secrets_store
        self._replays = ReplayGuard(24 * 3600)
        self.accepted = 0

    def mount(self, listener: HttpListener) -> None:
        listener.route(PREFIX, self.handle)

    def handle(self, request: Request) -> Reply:
        try:
            workspace_id = uuid.UUID(request.path[len(PREFIX):].strip("/"))
        except ValueError:
            return Reply(404, {"error": "unknown workspace"})
        secret = self.secrets.get_optional(shopify_secret_ref(workspace_id))
        given = request.headers.get("x-shopify-hmac-sha256", "")
        if not secret or not given or not hmac.compare_digest(given, shopify_signature(secret, request.body)):
            return Reply(401, {"error": "missing or wrong X-Shopify-Hmac-Sha256"})
        triggered = request.headers.get("x-shopify-triggered-at", "")
        try:
            at = datetime.fromisoformat(triggered.replace("Z", "+00:00"))
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
        except ValueError:
            return Reply(400, {"error": "missing or unreadable X-Shopify-Triggered-At"})
        if datetime.now(UTC) - at > MAX_AGE:
            return Reply(400, {"error": "stale delivery (X-Shopify-Triggered-At is older than 5 minutes)"})
        topic = request.headers.get("x-shopify-topic", "")
        webhook_id = request.headers.get("x-shopify-webhook-id", "")
        if not topic or not webhook_id:
            return Reply(400, {"error": "X-Shopify-Topic and X-Shopify-Webhook-Id are required"})
        try:
            payload = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return Reply(400, {"error": f"body is not JSON: {exc}"})
        if self._replays.seen(webhook_id):
            return Reply(409, {"error": "this delivery was already received"})
        try:
            event_type = self.intake.ingest(workspace_id, topic, payload)
        except IonfluxError as exc:
            log.warning("shopify webhook %s refused: %s", webhook_id, exc.one_line())
            return Reply(422, {"error": exc.one_line()})
        self._replays.remember(webhook_id)  # only once handled: a failed delivery may be retried
        self.accepted += 1
        return Reply(200, {"accepted": True, "event_type": event_type})
