"""The op runner (work off the GUI thread, callbacks on it, order of writes, cancel) and the event bridge."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from ionflux.core.bus import EventBus
from ionflux.core.models import PlatformEvent
from ionflux.ui.events import EventBridge
from ionflux.ui.ops import OpRunner, Refresher

pytestmark = pytest.mark.gui


@pytest.fixture
def ops(qtbot: Any) -> Any:
    runner = OpRunner()
    yield runner
    runner.close()


def test_work_runs_off_the_gui_thread_and_callbacks_on_it(qtbot: Any, ops: OpRunner) -> None:
    gui = threading.get_ident()
    seen: dict[str, Any] = {}

    def work(op: Any) -> int:
        seen["worker"] = threading.get_ident()
        op.report(0.5, "half way")
        return 42

    progress: list[tuple[float, str]] = []
    op = ops.run(work, pass_op=True, visible=True, on_progress=lambda f, m: progress.append((f, m)),
                 on_success=lambda v: seen.update(value=v, callback=threading.get_ident()))
    qtbot.waitUntil(lambda: "value" in seen, timeout=2000)
    assert seen["worker"] != gui and seen["callback"] == gui and seen["value"] == 42
    assert progress == [(0.5, "half way")]
    qtbot.waitUntil(lambda: op not in ops.active(), timeout=2000)


def test_writes_commit_in_order(qtbot: Any, ops: OpRunner) -> None:
    order: list[int] = []
    for i in range(20):
        ops.write(lambda i=i: order.append(i))
    ops.drain()
    assert order == list(range(20))


def test_failures_reach_the_error_signal_or_the_callback(qtbot: Any, ops: OpRunner) -> None:
    def boom() -> None:
        raise ValueError("nope")

    with qtbot.waitSignal(ops.error, timeout=2000) as blocker:
        ops.run(boom, label="testing")
    assert isinstance(blocker.args[0], ValueError) and blocker.args[1] == "testing"
    caught: list[BaseException] = []
    ops.run(boom, on_failure=caught.append)
    qtbot.waitUntil(lambda: bool(caught), timeout=2000)


def test_cancel_reaches_the_work(qtbot: Any, ops: OpRunner) -> None:
    started = threading.Event()
    result: list[str] = []

    def work(op: Any) -> str:
        started.set()
        op.token.wait(5)
        return "cancelled" if op.cancelled else "finished"

    op = ops.run(work, pass_op=True, cancellable=True, visible=True, on_success=result.append)
    started.wait(2)
    ops.cancel_all()
    qtbot.waitUntil(lambda: result == ["cancelled"], timeout=2000)
    del op


def test_inline_runs_synchronously(ops: OpRunner) -> None:
    got: list[int] = []
    with ops.inline():
        ops.run(lambda: 7, on_success=got.append)
    assert got == [7]


def test_refresher_coalesces_requests(qtbot: Any, ops: OpRunner) -> None:
    gate = threading.Event()
    loads: list[int] = []
    applied: list[int] = []

    def load() -> int:
        gate.wait(2)
        loads.append(1)
        return len(loads)

    r = Refresher(ops, load, applied.append)
    for _ in range(10):
        r.request()
    gate.set()
    qtbot.waitUntil(lambda: not r.busy, timeout=3000)
    assert len(loads) == 2  # the first, then one more for the nine that arrived meanwhile
    assert applied == [1, 2]


def test_back_to_back_reloads_are_spaced_and_a_quiet_one_starts_at_once(qtbot: Any, ops: OpRunner) -> None:
    starts: list[float] = []
    r = Refresher(ops, lambda: starts.append(time.monotonic()), lambda _v: None, spacing_s=0.3)
    asked = time.monotonic()
    r.request()
    qtbot.waitUntil(lambda: not r.busy, timeout=3000)
    r.request()  # right after the first: waits for the spacing
    assert r.busy
    qtbot.waitUntil(lambda: not r.busy, timeout=3000)
    assert len(starts) == 2
    assert starts[0] - asked < 0.25
    assert starts[1] - starts[0] >= 0.28  # Qt's coarse timers may fire up to 5 % early


def test_the_bridge_batches_events_from_any_thread(qtbot: Any) -> None:
    bus = EventBus()
    bridge = EventBridge(bus)
    batches: list[list[PlatformEvent]] = []
    bridge.batch.connect(batches.append)

    def publish() -> None:
        bus.publish(PlatformEvent(event_type="ionflux.test.ping", payload_json={"i": i}) for i in range(1000))

    worker = threading.Thread(target=publish)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 1000, timeout=3000)
    assert len(batches) <= 3
    assert [e.payload_json["i"] for b in batches for e in b] == list(range(1000))
    assert all(b.kinds(None) == {"ionflux.test"} and b.of("ionflux.test.ping") == list(b) for b in batches)
    assert all(b.of("ionflux.chat.") == [] for b in batches)
    bridge.close()
