"""Event-driven platform benchmarks: webhook intake throughput, and order → alert in #alerts latency.

Run: ``python benchmarks/bench_platform.py [--orders 2000] [--alerts 100]``.

1. Signed Shopify ``orders/create`` webhooks POSTed over loopback HTTP to the listener: verified,
   normalised, stored with their outbox event (what sync then carries to Kafka) — events/s.
2. With the Sales Sentinel running on its event trigger: a high-value order POSTed as a webhook
   until its alert is committed in #alerts — p50/p99 latency.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _util import pct

from ionflux.agents.integrations.shopify_webhooks import shopify_secret_ref, shopify_signature
from ionflux.app.context import App
from ionflux.app.platform import Platform
from ionflux.core.demo import seed_demo

SECRET = "bench-secret"


def order(n: int, total: str) -> dict:
    at = datetime(2026, 11, 20, tzinfo=UTC) + timedelta(seconds=30 * n)
    return {"id": 900_000 + n, "name": f"#{9000 + n}", "created_at": at.isoformat(), "currency": "USD",
            "total_price": total, "line_items": [{"quantity": 1, "price": total, "sku": "B"}]}


def post(client: httpx.Client, url: str, body: bytes) -> int:
    headers = {"X-Shopify-Topic": "orders/create", "X-Shopify-Hmac-Sha256": shopify_signature(SECRET, body),
               "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
               "Content-Type": "application/json"}
    return client.post(url, content=body, headers=headers).status_code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=2000)
    ap.add_argument("--alerts", type=int, default=100)
    args = ap.parse_args()
    app = App(Path(tempfile.mkdtemp()))
    seed_demo(app.ctx)
    app.reset_user()
    ws = app.workspace("Demo Workspace")
    app.secrets.set(shopify_secret_ref(ws.id), SECRET)

    platform = Platform(app, webhook_port=0, schedules=False)
    platform.triggers.listener.start()  # intake only: no agents yet
    url = f"{platform.url}/shopify/webhooks/{ws.id}"
    bodies = [json.dumps(order(n, "40.00")).encode() for n in range(args.orders)]
    with httpx.Client(timeout=30) as client:
        post(client, url, bodies[0])
        t0 = time.perf_counter()
        codes = [post(client, url, b) for b in bodies[1:]]
        took = time.perf_counter() - t0
    ok = sum(c == 200 for c in codes)
    print(f"intake: {ok}/{len(codes)} signed order webhooks over HTTP → store + outbox: {ok / took:,.0f} events/s "
          f"({took:.1f} s, one client, sequential)")
    platform.triggers.listener.stop()

    config = app.agent_configs.find(ws.id, "EcoThreads Boutique - Sales Sentinel Config")
    app.runtime.run(config.id, {"backfill": True})  # the Sentinel catches up on the intake test's orders first
    platform = Platform(app, webhook_port=0, schedules=False)
    platform.start()
    url = f"{platform.url}/shopify/webhooks/{ws.id}"
    alerts = app.chat.channel(ws.id, "alerts")
    landed: dict[str, float] = {}
    done = threading.Event()

    def on_message(event) -> None:  # type: ignore[no-untyped-def]
        data = event.payload_json.get("data") or {}
        text = (data.get("content_json") or {}).get("text_body", "")
        if data.get("channel_id") == str(alerts.id) and "High-value order #" in text:
            name = text.split("High-value order ", 1)[1].split(":", 1)[0]
            landed[name] = time.perf_counter()
            if len(landed) >= args.alerts:
                done.set()

    app.store.bus.subscribe("ionflux.chat.message.created", on_message)
    sent: dict[str, float] = {}
    with httpx.Client(timeout=30) as client:
        for n in range(args.orders, args.orders + args.alerts):
            body = json.dumps(order(n, "450.00")).encode()
            sent[f"#{9000 + n}"] = time.perf_counter()
            post(client, url, body)
            time.sleep(0.2)  # one order at a time: measure latency, not queueing
    done.wait(120)
    platform.stop()
    lat = [landed[k] - sent[k] for k in sent if k in landed]
    print(f"order webhook → alert in #alerts: {len(lat)}/{len(sent)} alerts; "
          f"p50 {statistics.median(lat) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms")
    app.close()


if __name__ == "__main__":
    main()
