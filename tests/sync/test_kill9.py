"""The push worker killed with SIGKILL at random moments: nothing lost, nothing applied twice."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_support import IONFLUX, cli_env, ionflux
from kafka import KafkaConsumer
from sqlalchemy import create_engine, func, select
from sync_support import Device, differences, outbox, replica, server_replica

from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.pages import Pages
from ionflux.core.store import Store
from ionflux.core.workspaces import Workspaces
from ionflux.sync import server_tables as st
from ionflux.sync.backend import drop_roles, init_database
from ionflux.sync.broker import Broker

KILLS = 6


def _received(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(st.received)).scalar() or 0
    finally:
        engine.dispose()


def _pending(folder: Path) -> int:
    store = Store(folder)
    try:
        return store.pending_outbox_count()
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_mid_push_loses_nothing_and_duplicates_nothing(postgres_db: str, demo_template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    broker = Broker().start()
    init_database(postgres_db)
    env = cli_env(tmp_path, "demo")
    a = tmp_path / "A"
    a.mkdir()
    shutil.copyfile(demo_template[0], a / "ionflux.db")
    store = Store(a)
    ctx = Context(store, demo_template[1])
    ws = Workspaces(ctx).resolve("Demo Workspace", ctx.user_id).id
    chan = Chat(ctx).channels(ws)[0]
    Chat(ctx).post_many(chan.id, [f"note {i}" for i in range(12000)])
    page = Pages(ctx).list(ws)[0]
    for i in range(300):
        Pages(ctx).rename(page.id, f"title {i}")
    expected = {str(e.event_id) for e in outbox(store) if e.workspace_id is not None}
    store.close()
    try:
        ionflux(env, a, "sync", "login", "--postgres", postgres_db, "--kafka", broker.bootstrap,
                "--email", "demo@ionflux.ai")
        kills, pending, landed = 0, [_pending(a)], []
        for round_ in range(KILLS):
            proc = subprocess.Popen([IONFLUX, "--data-dir", str(a), "sync", "now"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if round_ % 2:  # at a random moment once pushing has begun (reading, merging, producing, marking...)
                start, deadline = _received(postgres_db), time.monotonic() + 20
                while proc.poll() is None and _received(postgres_db) == start and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 0.4))
            else:  # right after a random PostgreSQL commit, before the outbox can be marked
                target = _received(postgres_db) + rng.randint(1, 2) * 2000
                deadline = time.monotonic() + 20
                while proc.poll() is None and _received(postgres_db) < target and time.monotonic() < deadline:
                    time.sleep(0.01)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                landed.append(_received(postgres_db))
            proc.wait()
            pending.append(_pending(a))
            if pending[-1] == 0:
                break
        total = pending[0]
        mid_push = [n for n in landed if 0 < n < total]
        assert kills >= 2 and mid_push, f"no kill landed in the middle of a push: {landed} of {total}, {pending}"
        ionflux(env, a, "sync", "now")
        engine = create_engine(postgres_db)
        with engine.connect() as conn:
            logged = conn.execute(select(st.changes.c.event_id, func.count()).group_by(st.changes.c.event_id)).all()
            server = server_replica(conn)
        engine.dispose()
        counts = {str(e): n for e, n in logged}
        assert expected <= set(counts), f"{len(expected - set(counts))} acknowledged changes are missing"
        assert max(counts.values()) == 1, "a change was logged twice"

        b = Device(tmp_path / "B", postgres_db, broker.bootstrap)
        b.login()
        b.sync()
        mine = replica(b.store)
        assert mine == server, "\n".join(differences(mine, server))
        b.close()
        store = Store(a)
        assert store.pending_outbox_count() == 0
        theirs = replica(store)
        store.close()
        assert theirs == server, "\n".join(differences(theirs, server))

        consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest",
                                 consumer_timeout_ms=4000)
        consumer.subscribe(pattern=f"^ionflux\\..*\\.workspace_{ws}\\..*")
        seen: dict[int, set[str]] = {}
        for rec in consumer:
            seq = int(dict(rec.headers)["ionflux-seq"])
            seen.setdefault(seq, set()).add(json.dumps(json.loads(rec.value), sort_keys=True))
        consumer.close()
        assert set(seen) == set(range(1, max(seen) + 1)), "every entry reached Kafka at least once"
        assert all(len(values) == 1 for values in seen.values()), "a redelivery carried different content"
    finally:
        broker.stop()
        drop_roles(postgres_db)
