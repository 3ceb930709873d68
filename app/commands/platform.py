"""Running IONFLUX headless: serve webhooks and triggers, simulate a Shopify store, run the demo."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError


@registry.command("platform.serve", title="Serve triggers and webhooks", cli="serve")
def serve(app: App, *, port: int = 8787) -> Output:
    """Run agent triggers, playbooks, the webhook listener (127.0.0.1) and sync until Ctrl+C or SIGTERM.

    Args:
        port: Port of the loopback listener for agent and Shopify webhooks (0: any free port).
    """
    from ionflux.app.platform import Platform

    platform = Platform(app, webhook_port=port, sync=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    platform.start()
    ws = app.workspaces.list(app.user_id)
    print(f"ready: {platform.url}", flush=True)
    for w in ws:
        print(f"  Shopify webhooks for {w.name!r}: {platform.url}/shopify/webhooks/{w.id}", flush=True)
    while not stop.wait(0.5):
        pass
    platform.stop()
    return Output("stopped")


def _deliveries(app: App, workspace: str | None, days: float, start: str | None, orders_per_hour: float,
                incident: list[str] | None, seed: int) -> tuple[Any, list[Any]]:
    from ionflux.agents.integrations.shopify_sim import StoreSimulator, day_start, parse_incident

    ws = app.workspace(workspace)
    try:
        day0 = datetime.fromisoformat(start).replace(tzinfo=UTC) if start else day_start(int(days))
    except ValueError:
        raise ValidationError(f"{start!r} is not a date like 2026-11-20", where="--start") from None
    try:
        incidents = [parse_incident(spec, day0) for spec in incident or []]
    except ValueError as exc:
        raise ValidationError(str(exc), where="--incident") from None
    sim = StoreSimulator(day0, days, seed=seed, orders_per_hour=orders_per_hour, incidents=incidents)
    return ws, list(sim.deliveries())


@registry.command("simulate.shopify", title="Simulate a Shopify store", cli="simulate shopify")
def simulate_shopify(app: App, *, workspace: str | None = None, days: float = 1.0, start: str | None = None,
                     orders_per_hour: float = 24.0, incident: list[str] | None = None, seed: int = 1,
                     to: str | None = None, secret: str | None = None) -> Output:
    """Emit a realistic order stream (checkouts, metrics, app/price changes) with injectable incidents.

    Incidents are KIND@<day>d<HH:MM>+<minutes>, e.g. checkout_collapse@2d19:30+45 (kinds: checkout_collapse,
    app_release, price_mistake). Deliveries go into this data folder (with its agents and playbooks
    running) or, with --to, as signed Shopify webhooks to a running IONFLUX (`ionflux serve` or the window).

    Args:
        workspace: The workspace's name (optional when you have only one).
        days: How many days to simulate.
        start: First simulated day (YYYY-MM-DD, UTC); default: that many days ago.
        orders_per_hour: Average order rate (it follows a daily and weekly rhythm).
        incident: An incident to inject (repeatable).
        seed: Random seed (the same seed gives the same store).
        to: Base URL of a running IONFLUX listener, e.g. http://127.0.0.1:8787.
        secret: The Shopify webhook secret (default: the one in the keyring for the workspace).
    """
    ws, deliveries = _deliveries(app, workspace, days, start, orders_per_hour, incident, seed)
    if to:
        return _post_webhooks(app, ws.id, deliveries, to, secret)
    from ionflux.agents.integrations.shopify_webhooks import ShopifyIntake
    from ionflux.app.platform import Platform

    platform = Platform(app, schedules=False)
    platform.start()
    intake = ShopifyIntake(app.ctx)
    try:
        with platform.playbooks.compressed(ws.id, 1 / 3600):  # an hour's wait takes a second
            for d in deliveries:
                intake.ingest(ws.id, d.topic, d.payload)
            platform.drain()
    finally:
        platform.stop()
    counts: dict[str, int] = {}
    for d in deliveries:
        counts[d.topic] = counts.get(d.topic, 0) + 1
    return Output(f"Delivered {len(deliveries)} events into {ws.name!r}: "
                  + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())), counts)


def _post_webhooks(app: App, workspace_id: uuid.UUID, deliveries: list[Any], to: str,
                   secret: str | None) -> Output:
    import httpx

    from ionflux.agents.integrations.shopify_webhooks import shopify_secret_ref, shopify_signature

    key = secret or app.secrets.get(shopify_secret_ref(workspace_id))
    accepted, refused = 0, 0
    with httpx.Client(timeout=30) as client:
        for d in deliveries:
            body = json.dumps(d.payload).encode()
            headers = {"X-Shopify-Topic": d.topic, "X-Shopify-Hmac-Sha256": shopify_signature(key, body),
                       "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-Shop-Domain": "simulated.myshopify.com",
                       "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(), "Content-Type": "application/json"}
            response = client.post(f"{to.rstrip('/')}/shopify/webhooks/{workspace_id}", content=body, headers=headers)
            accepted += response.status_code == 200
            refused += response.status_code != 200
    return Output(f"Posted {len(deliveries)} webhooks to {to}: {accepted} accepted, {refused} refused",
                  {"accepted": accepted, "refused": refused})


@registry.command("platform.demo", title="Run the IONFLUX demo", cli="demo", gui_only=False, json_output=True)
def demo(app: App, *, days: int = 3, incident: str = "checkout_collapse", seed: int = 7) -> Output:
    """Order → Sales Sentinel → alert, and abandoned carts → playbook, on a simulated shop (dry run).

    Seeds the demo workspace, loads a few days of simulated orders as history, then streams the
    last evening live with an injected incident: the Sales Sentinel catches it and posts to
    #alerts, abandoned carts run the Abandoned Cart Recovery playbook (WhatsApp, then email).

    Args:
        days: Days of history before the live evening.
        incident: checkout_collapse, app_release or price_mistake.
        seed: Random seed of the simulated shop.
    """
    from ionflux.app.demo_flow import run_demo

    summary = run_demo(app, days=days, incident=incident, seed=seed,
                       progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    return Output(summary.text(), summary.data())


__all__ = ["demo", "serve", "simulate_shopify", "time", "timedelta"]
