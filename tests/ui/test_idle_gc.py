"""The window's garbage collection: young generations stay automatic, full ones wait for an idle moment."""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

import pytest

from ionflux.ui import idle_gc
from ionflux.ui.idle_gc import IdleCollector

pytestmark = pytest.mark.gui


@pytest.fixture
def collector(qtbot: Any) -> Any:
    busy = {"now": False}
    c = IdleCollector(busy=lambda: busy["now"])
    c.busy_flag = busy  # type: ignore[attr-defined]
    before = gc.get_threshold()
    c.start()
    yield c
    c.stop()
    gc.unfreeze()
    assert gc.get_threshold() == before


def test_starting_runs_no_full_collection(qtbot: Any) -> None:
    """Start-up's objects are frozen as they are: a full collection then would freeze the window instead."""
    generations: list[int] = []
    gc.callbacks.append(lambda phase, info: generations.append(info["generation"]) if phase == "start" else None)
    c = IdleCollector()
    try:
        c.start()
        assert gc.get_freeze_count() > 0
    finally:
        gc.callbacks.pop()
        c.stop()
        gc.unfreeze()
    assert 2 not in generations


def idle_for_long(c: IdleCollector) -> None:
    c.last_input = time.monotonic() - idle_gc.IDLE_S - 1
    c.last_full = time.monotonic() - idle_gc.FULL_EVERY_S - 1


def test_young_collections_stay_automatic_and_full_ones_never_run_on_their_own(collector: IdleCollector) -> None:
    assert gc.isenabled()
    young, middle, full = gc.get_threshold()
    assert young > 0 and middle > 0
    assert full >= idle_gc.NEVER
    here = threading.get_ident()
    generations: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and threading.get_ident() == here:
            generations.append(info["generation"])

    # Rounds, not one: while another thread's collection runs (its finalizers may release the
    # GIL, e.g. to close a socket) no thread starts one, so a single short burst can see none.
    gc.callbacks.append(seen)
    try:
        deadline = time.monotonic() + 20
        while not (0 in generations and 1 in generations) and time.monotonic() < deadline:
            junk = []
            for _ in range(200_000):  # cycles: only the collector frees them
                a: list[Any] = []
                a.append(a)
                junk.append(a)
                if len(junk) > 100:
                    junk.clear()
    finally:
        gc.callbacks.remove(seen)
    assert 0 in generations and 1 in generations
    assert 2 not in generations


def test_a_full_collection_waits_for_the_user_and_the_background_work(collector: IdleCollector) -> None:
    idle_for_long(collector)
    collector.busy_flag["now"] = True  # type: ignore[attr-defined]
    collector.tick()
    assert collector.full_collections == 0
    collector.busy_flag["now"] = False  # type: ignore[attr-defined]
    collector.touch()  # the user typed
    collector.tick()
    assert collector.full_collections == 0
    idle_for_long(collector)
    collector.tick()
    assert collector.full_collections == 1
    collector.tick()  # not again right away
    assert collector.full_collections == 1


def test_an_overdue_full_collection_waits_only_for_the_user(collector: IdleCollector) -> None:
    idle_for_long(collector)
    collector.last_full = time.monotonic() - idle_gc.OVERDUE_S - 1
    collector.busy_flag["now"] = True  # type: ignore[attr-defined]
    collector.tick()
    assert collector.full_collections == 1


def test_typing_counts_as_input(qtbot: Any, collector: IdleCollector) -> None:
    from ionflux.ui.qt import QLineEdit

    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    collector.last_input = 0.0
    qtbot.keyClicks(edit, "hello")
    assert time.monotonic() - collector.last_input < 5
