"""Hybrid logical clocks: monotonic across restarts and clock jumps, causal across skewed devices, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sync_support import outbox, replica

from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.hlc import HybridClock, make, parse, too_far_ahead, wall_ms
from ionflux.core.models.sync import SyncDeadLetter
from ionflux.core.pages import Pages
from ionflux.core.store import Store
from ionflux.core.workspaces import Workspaces


def test_stamps_only_grow_and_order_as_text() -> None:
    now = [1_000]
    clock = HybridClock("00000000000000aa", wall=lambda: now[0])
    first = clock.now()
    now[0] = 500  # the wall clock jumps back
    later = [clock.now() for _ in range(3)]
    assert [first, *later] == sorted([first, *later]) and len(set(later)) == 3
    clock.observe(make(9_000, 7, "00000000000000bb"))  # a stamp from a device that is ahead
    assert parse(clock.now())[:2] == (9_000, 8)
    assert make(5, 0, "a" * 16) < make(5, 0, "b" * 16) < make(5, 1, "0" * 16) < make(6, 0, "0" * 16)
    with pytest.raises(ValidationError):
        parse("yesterday")
    assert too_far_ahead(make(wall_ms() + 3_600_000, 0, "0" * 16), wall_ms())
    assert not too_far_ahead(make(wall_ms() + 600_000, 0, "0" * 16), wall_ms())


def test_a_clock_that_jumps_back_an_hour_across_a_restart_still_stamps_higher(demo: Context, demo_ws) -> None:
    page = Pages(demo).find(demo_ws, "Q4 Campaign Planning")
    Pages(demo).rename(page.id, "before the restart")
    before = max(e.hlc for e in outbox(demo.store) if e.entity)
    path = demo.store.data_dir
    demo.store.close()
    store = Store(path)
    store.clock.wall = lambda: wall_ms() - 3_600_000
    Pages(Context(store, demo.user_id)).rename(page.id, "after the restart")
    after = outbox(store)[-1].hlc
    assert after > before
    store.close()


def test_concurrent_writes_follow_the_stamps_and_causal_ones_the_order(devices) -> None:  # type: ignore[no-untyped-def]
    a, b, c = devices["a"], devices["b"], devices["c"]
    skews = {"a": 0, "b": 10 * 60_000, "c": -10 * 60_000}
    for name, d in devices.items():
        d.store.clock.wall = lambda off=skews[name]: wall_ms() + off
    a.sync()
    b.sync()
    c.sync()
    ws = Workspaces(a.ctx).resolve("Demo Workspace", a.user_id).id
    page = Pages(a.ctx).find(ws, "Q4 Campaign Planning")
    for d, title in ((a, "by a"), (b, "by b, 10 min ahead"), (c, "by c, 10 min behind, last in real time")):
        Pages(d.ctx).rename(page.id, title)  # concurrent: nobody has seen the others' writes
    stamps = {outbox(d.store)[-1].hlc: title for d, title in ((a, "by a"), (b, "by b, 10 min ahead"),
                                                                (c, "by c, 10 min behind, last in real time"))}
    for d in (a, b, c, a, b):
        d.sync()
    assert Pages(a.ctx).get(page.id).title == stamps[max(stamps)] == "by b, 10 min ahead"
    Pages(c.ctx).rename(page.id, "by c, after seeing b's")  # causal: c has observed b's stamp
    for d in (c, a, b):
        d.sync()
    assert {Pages(d.ctx).get(page.id).title for d in (a, b, c)} == {"by c, after seeing b's"}
    assert replica(a.store) == replica(b.store) == replica(c.store)


def test_a_device_far_in_the_future_is_refused_and_rolled_back(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices["a"], devices["b"]
    a.sync()
    b.sync()
    ws = Workspaces(b.ctx).resolve("Demo Workspace", b.user_id).id
    page = Pages(b.ctx).find(ws, "Q4 Campaign Planning")
    b.store.clock.wall = lambda: wall_ms() + 3 * 3_600_000
    Pages(b.ctx).rename(page.id, "from three hours ahead")
    b.sync()
    a.sync()
    assert Pages(a.ctx).get(page.id).title == "Q4 Campaign Planning"
    assert Pages(b.ctx).get(page.id).title == "Q4 Campaign Planning"  # b went back to what everyone holds
    with b.store.read() as s:
        reasons = list(s.scalars(select(SyncDeadLetter.reason)))
        assert s.scalar(select(func.count()).select_from(SyncDeadLetter)) == 1
    assert "too far ahead" in reasons[0]
    assert replica(a.store) == replica(b.store)


def test_stamps_are_persisted_with_the_data(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    from ionflux.core.users import Users

    Users(Context(store)).create("x@example.com", "secret")
    high = store.get_local("sync.hlc")
    node = store.get_local("sync.device_id")
    store.close()
    assert high and node and high.endswith(node)
