"""Sync benchmarks against the machine's PostgreSQL and a tansu broker started here.

Run: ``python benchmarks/bench_sync.py [--events 100000] [--edits 200]``. Budgets (ARCHITECTURE.md,
issue 7): push throughput ≥ 0.5x a raw kafka-python producer sending the same payloads; an edit on
device A applied on device B over loopback p50 < 200 ms, p99 < 1 s; initial sync of a 100k-row
workspace < 30 s. PostgreSQL must answer on 127.0.0.1:5432 as user postgres (the tests' setup).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import SyncBackend, summary_ms

from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.demo import seed_demo
from ionflux.core.models import PlatformEvent
from ionflux.core.pages import Pages
from ionflux.core.secrets import SecretStore
from ionflux.core.store import Store
from ionflux.sync.kafka_io import SEQ_HEADER, ensure_topics
from ionflux.sync.session import SyncSession
from ionflux.sync.wire import domain, encode, topic
from ionflux.sync.worker import SyncWorker


def _device(root: Path, name: str, backend: SyncBackend, *, seed: bool) -> Store:
    if seed:
        store = Store(root / name)
        seed_demo(Context(store))
        store.close()
    backend.sign_in(root / name, push=False)
    return Store(root / name)


def bench_push(store: Store, secrets: SecretStore, kafka: str, n: int) -> None:
    ctx = Context(store, uuid.UUID(store.get_local("current_user_id")))
    ws = Chat(ctx).channels(_ws(ctx))[0]
    Chat(ctx).post_many(ws.id, [f"order #{i} shipped to customer {i % 977}, tracking {i * 7919}" for i in range(n)])
    with store.read() as s:
        from sqlalchemy import select

        envelopes = [e.envelope() for e in s.scalars(select(PlatformEvent).where(PlatformEvent.sent_at.is_(None))
                                                     .order_by(PlatformEvent.seq))]
    session = SyncSession.open(store, secrets)
    t0, c0 = time.perf_counter(), time.process_time()
    session.pusher.push_all()
    ours, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
    session.close()

    from kafka import KafkaProducer

    wsid = _ws(ctx)
    messages = [(topic(domain(e["event_type"]), wsid), str(e["payload_json"].get("id", e["event_id"])).encode(),
                 encode(e), i) for i, e in enumerate(envelopes)]
    ensure_topics(kafka, {m[0] for m in messages})
    producer = KafkaProducer(bootstrap_servers=kafka, acks="all", linger_ms=5, batch_size=256 * 1024,
                             enable_idempotence=False, max_request_size=8 * 1024 * 1024)
    t0, c0 = time.perf_counter(), time.process_time()
    futures = [producer.send(t, key=k, value=v, headers=[(SEQ_HEADER, str(i).encode())]) for t, k, v, i in messages]
    producer.flush()
    for f in futures:
        f.get(30)
    raw, raw_cpu = time.perf_counter() - t0, time.process_time() - c0
    producer.close()
    print(f"push: {len(envelopes):,} outbox events to PostgreSQL + Kafka (acks=all)  {len(envelopes) / ours:,.0f} "
          f"events/s ({ours:.2f} s wall, {ours_cpu:.2f} s CPU in this process)")
    print(f"push: same payloads, raw kafka-python producer (acks=all)        {len(envelopes) / raw:,.0f} events/s "
          f"({raw:.2f} s wall, {raw_cpu:.2f} s CPU)")
    print(f"push: throughput ratio ours/raw = {raw / ours:.2f}x (budget ≥ 0.5x)")


def bench_initial_sync(root: Path, backend: SyncBackend) -> None:
    from sqlalchemy import func, select

    from ionflux.core.models import ChatMessage

    store = _device(root, "fresh", backend, seed=False)
    session = SyncSession.open(store, backend.secrets)
    t0 = time.perf_counter()
    session.sync_now()
    took = time.perf_counter() - t0
    session.close()
    with store.read() as s:
        rows = s.scalar(select(func.count()).select_from(ChatMessage))
    print(f"initial sync: a workspace of {rows:,} chat messages (+ demo rows) loaded in {took:.2f} s "
          f"(budget < 30 s)")
    store.close()


def bench_latency(a: Store, b: Store, secrets: SecretStore, edits: int) -> None:
    ctx = Context(a, uuid.UUID(a.get_local("current_user_id")))
    ws = _ws(ctx)
    page = Pages(ctx).create(ws, "latency probe")
    arrived: dict[str, float] = {}
    event = threading.Event()

    def on_event(ev: PlatformEvent) -> None:
        if getattr(ev, "remote", False) and ev.event_type == "ionflux.canvas.page.updated":
            title = (ev.payload_json.get("data") or {}).get("title")
            if title:
                arrived[title] = time.perf_counter()
                event.set()

    b.bus.subscribe("ionflux.canvas.*", on_event)
    workers = [SyncWorker(a, secrets, poll_interval=5), SyncWorker(b, secrets, poll_interval=5)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (workers[1]._consumer is not None and workers[1]._consumer.assignment()):
        time.sleep(0.1)
    time.sleep(1)
    sent: dict[str, float] = {}
    for i in range(edits):
        title = f"probe {i}"
        event.clear()
        sent[title] = time.perf_counter()
        Pages(ctx).rename(page.id, title)
        event.wait(5)
        time.sleep(0.02)
    for w in workers:
        w.stop()
    lat = [arrived[t] - sent[t] for t in sent if t in arrived]
    print(f"latency: edit on A applied on B (worker, Kafka, loopback)  {summary_ms(lat)} "
          f"· lost {len(sent) - len(lat)} (budget p50 < 200 ms, p99 < 1 s)")


def _ws(ctx: Context) -> uuid.UUID:
    from ionflux.core.workspaces import Workspaces

    return Workspaces(ctx).resolve("Demo Workspace", ctx.user_id).id


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--edits", type=int, default=200)
    args = ap.parse_args()
    backend = SyncBackend()
    root = Path(tempfile.mkdtemp())
    try:
        backend.start()
        kafka, secrets = backend.bootstrap, backend.secrets
        a = _device(root, "a", backend, seed=True)
        SyncSession.open(a, secrets).sync_now()
        bench_push(a, secrets, kafka, args.events)
        bench_initial_sync(root, backend)
        b = _device(root, "b", backend, seed=False)
        SyncSession.open(b, secrets).sync_now()
        bench_latency(a, b, secrets, args.edits)
        a.close()
        b.close()
    finally:
        backend.stop()
        shutil.rmtree(root, ignore_errors=True)

if __name__ == "__main__":
    main()
