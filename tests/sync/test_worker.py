"""The background worker: local edits go out on commit, remote ones arrive through Kafka, status is reported."""

from __future__ import annotations

import threading

from sync_support import replica, wait_for

from ionflux.core.pages import Pages
from ionflux.core.workspaces import Workspaces
from ionflux.sync.worker import SyncWorker


def test_an_edit_on_one_device_reaches_the_other_through_the_worker(devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices["a"], devices["b"]
    a.sync()
    b.sync()
    ws = Workspaces(a.ctx).resolve("Demo Workspace", a.user_id).id
    seen: list[str] = []
    arrived = threading.Event()

    def on_event(ev) -> None:  # type: ignore[no-untyped-def]
        if getattr(ev, "remote", False) and ev.event_type == "ionflux.canvas.page.created":
            seen.append(ev.payload_json["data"]["title"])
            arrived.set()

    b.store.bus.subscribe("ionflux.canvas.*", on_event)
    statuses = []
    workers = [SyncWorker(a.store, a.secrets, poll_interval=30), SyncWorker(b.store, b.secrets, poll_interval=30,
                                                                         on_status=statuses.append)]
    for w in workers:
        w.start()
    try:
        wait_for(lambda: all(w.status().state == "online" for w in workers))
        wait_for(lambda: workers[1]._consumer is not None and workers[1]._consumer.assignment())
        Pages(a.ctx).create(ws, "Pushed by the worker")
        assert arrived.wait(15), "the page never reached device b"
        assert seen == ["Pushed by the worker"]
        wait_for(lambda: workers[0].status().pending == 0)  # marked sent once Kafka acknowledged
        assert any(s.state == "online" for s in statuses)
    finally:
        for w in workers:
            w.stop()
    assert replica(a.store) == replica(b.store)


def test_a_device_that_is_not_signed_in_reports_it(tmp_path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    import keyring

    from ionflux.core.secrets import SecretStore
    from ionflux.core.store import Store

    store = Store(tmp_path / "lonely")
    worker = SyncWorker(store, SecretStore(keyring.get_keyring()), poll_interval=0.2)
    worker.start()
    try:
        wait_for(lambda: worker.status().state == "signed out")
        assert worker.status().line() == "signed out"
    finally:
        worker.stop()
        store.close()
