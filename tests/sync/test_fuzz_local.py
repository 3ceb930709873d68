"""Seeded convergence fuzz without a backend: devices exchange a shared log at random; replicas end identical.

The log stands in for the server's change log (applied in order, duplicates re-delivered at
random); the test with the real backend is ``test_fuzz_backend.py``. Failing seeds become fixed
cases in SEEDS.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from fuzz_ops import Actor
from sync_support import LogHarness, replica, texts

from ionflux.core.context import Context
from ionflux.core.store import Store
from ionflux.sync.apply import apply_events

SEEDS = [int(s) for s in os.environ.get("FUZZ_SEEDS", "1,2,3").split(",")]


@pytest.mark.parametrize("seed", SEEDS)
def test_devices_converge_whatever_the_exchange_order(seed: int, demo: Context, demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    log = LogHarness()
    log.push(demo.store)
    stores = [demo.store]
    for i in range(2):
        s = Store(tmp_path / f"dev{i}")
        log.pull(s)
        stores.append(s)
    log.pull(demo.store)
    actors = [Actor(Context(s, demo.user_id), demo_ws, random.Random(rng.random())) for s in stores]
    for _ in range(150):
        i = rng.randrange(len(stores))
        roll = rng.random()
        if roll < 0.6:
            actors[i].step()
        elif roll < 0.8:
            log.push(stores[i])
        elif roll < 0.95:
            log.pull(stores[i])
        elif log.log:  # a duplicate delivery of an old stretch of the log
            start = rng.randrange(len(log.log))
            apply_events(stores[i], log.log[start:start + rng.randint(1, 20)])
            log.pull(stores[i])
    for s in stores:
        log.push(s)
    for s in stores:
        log.pull(s)
    first = replica(stores[0])
    with stores[0].engine.connect() as c:
        first_texts = texts(c)
    for s in stores[1:]:
        assert replica(s) == first
        with s.engine.connect() as c:
            live = {k: v for k, v in texts(c).items() if k[1] in first["rows"]["canvas_blocks"]}
        assert live == {k: v for k, v in first_texts.items() if k[1] in first["rows"]["canvas_blocks"]}
    for s in stores[1:]:
        s.close()
    shutil.rmtree(tmp_path / "dev0", ignore_errors=True)
