"""Seeded convergence property against the real backend: N devices x M random operations, offline periods,
restarts and skewed clocks; at the end every replica and PostgreSQL hold the same rows and clocks, and no
operation is lost. A longer run: ``benchmarks/soak_sync.py``. A failing seed becomes a fixed case here.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from fuzz_ops import Actor
from sqlalchemy import create_engine, select
from sync_support import Device, differences, outbox, replica, server_replica

from ionflux.core.hlc import wall_ms
from ionflux.core.store import Store
from ionflux.core.workspaces import Workspaces
from ionflux.sync import server_tables as st

SEEDS = [int(s) for s in os.environ.get("SYNC_FUZZ_SEEDS", "11,12").split(",")]
STEPS = int(os.environ.get("SYNC_FUZZ_STEPS", "120"))
SKEW_MS = {"a": 0, "b": 10 * 60_000, "c": -10 * 60_000}


def _skew(device: Device, name: str) -> None:
    offset = SKEW_MS[name]
    device.store.clock.wall = lambda: wall_ms() + offset


@pytest.mark.parametrize("seed", SEEDS)
def test_random_operations_offline_periods_and_restarts_converge(seed: int, backend, devices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    devices["a"].sync()
    ws = Workspaces(devices["a"].ctx).resolve("Demo Workspace", devices["a"].user_id).id
    for name, d in devices.items():
        d.sync()
        _skew(d, name)
    names = sorted(devices)
    actors = {n: Actor(devices[n].ctx, ws, random.Random(rng.random())) for n in names}
    offline = {n: 0 for n in names}
    sessions = {n: devices[n].session() for n in names}
    all_events: dict[str, set[str]] = {n: set() for n in names}
    try:
        for _step in range(STEPS):
            n = rng.choice(names)
            d = devices[n]
            roll = rng.random()
            if roll < 0.55:
                actors[n].step()
            elif roll < 0.8 and not offline[n]:
                sessions[n].sync_now(timeout=120)
            elif roll < 0.9:
                offline[n] = rng.randint(3, 15)  # this device stays away for a while
            elif roll < 0.95:  # restart: close everything, reopen the store (queue and cursors persist)
                all_events[n] |= {str(e.event_id) for e in outbox(d.store)}
                sessions[n].close()
                d.store.close()
                d.store = Store(d.path)
                _skew(d, n)
                actors[n] = Actor(d.ctx, ws, random.Random(rng.random()))
                sessions[n] = d.session()
            for m in names:
                offline[m] = max(0, offline[m] - 1)
        for _round in range(2):
            for n in names:
                sessions[n].sync_now(timeout=120)
    finally:
        for s in sessions.values():
            s.close()
    engine = create_engine(backend.url)
    with engine.connect() as conn:
        server = server_replica(conn)
        received = dict(conn.execute(select(st.received.c.event_id, st.received.c.outcome)).all())
    engine.dispose()
    for n in names:
        mine = replica(devices[n].store)
        assert mine == server, f"device {n}:\n" + "\n".join(differences(mine, server))
        assert devices[n].store.pending_outbox_count() == 0
        all_events[n] |= {str(e.event_id) for e in outbox(devices[n].store)}
    outcomes = {str(k): v for k, v in received.items()}
    for n in names:
        missing = all_events[n] - set(outcomes)
        assert not missing, f"{len(missing)} of device {n}'s changes never reached the backend"
        refused = [outcomes[e] for e in all_events[n] if outcomes[e].startswith(("refused", "rejected"))]
        assert not refused, refused[:3]
