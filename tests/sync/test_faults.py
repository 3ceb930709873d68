"""Fault injection: broker down or restarted empty, PostgreSQL gone, connections cut mid-batch, redelivery."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sync_support import Device, differences, outbox, replica, server_replica, wait_for
from tcp_proxy import TcpProxy

from ionflux.core.chat import Chat
from ionflux.core.models import ChatChannel
from ionflux.core.pages import Pages
from ionflux.core.workspaces import Workspaces
from ionflux.sync import server_push
from ionflux.sync import server_tables as st
from ionflux.sync.backend import drop_roles, init_database
from ionflux.sync.broker import Broker
from ionflux.sync.kafka_io import KafkaUnavailableError
from ionflux.sync.push_process import BackendUnavailableError
from ionflux.sync.worker import SyncWorker


@dataclass
class Rig:
    broker: Broker
    proxy: TcpProxy
    url: str
    a: Device
    b: Device

    def workspace(self) -> uuid.UUID:
        return Workspaces(self.a.ctx).resolve("Demo Workspace", self.a.user_id).id

    def server(self) -> dict:
        engine = create_engine(self.url)
        with engine.connect() as conn:
            snap = server_replica(conn)
        engine.dispose()
        return snap

    def converged(self) -> None:
        server = self.server()
        for d in (self.a, self.b):
            mine = replica(d.store)
            assert mine == server, "\n".join(differences(mine, server))


@pytest.fixture
def rig(postgres_db: str, demo_template, tmp_path: Path) -> Iterator[Rig]:  # type: ignore[no-untyped-def]
    """Two devices whose PostgreSQL goes through a proxy the test controls, on a broker of their own."""
    broker = Broker().start()
    init_database(postgres_db)
    proxy = TcpProxy(make_url(postgres_db).port or 5432).start()
    via_proxy = make_url(postgres_db).set(port=proxy.port).render_as_string(hide_password=False)
    a = Device(tmp_path / "a", via_proxy, broker.bootstrap, demo_template[0])
    a.login()
    b = Device(tmp_path / "b", via_proxy, broker.bootstrap)
    b.login()
    a.sync()
    b.sync()
    yield Rig(broker, proxy, postgres_db, a, b)
    a.close()
    b.close()
    proxy.stop()
    broker.stop()
    drop_roles(postgres_db)


def _log_count(url: str, event_ids: list[str]) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        logged = conn.execute(select(func.count()).select_from(st.changes)
                              .where(st.changes.c.event_id.in_(event_ids))).scalar()
        received = conn.execute(select(func.count()).select_from(st.received)
                                .where(st.received.c.event_id.in_(event_ids))).scalar()
    engine.dispose()
    return logged, received


def test_broker_down_keeps_changes_queued_and_restarted_empty_broker_drains_them(rig: Rig) -> None:
    rig.broker.stop()
    page = Pages(rig.a.ctx).create(rig.workspace(), "Written while Kafka is down")
    with pytest.raises(KafkaUnavailableError):
        rig.a.sync()
    assert rig.a.store.pending_outbox_count() == 1  # the database has it, but it is not marked sent
    rig.b.sync()  # PostgreSQL alone serves the other device
    assert Pages(rig.b.ctx).get(page.id).title == "Written while Kafka is down"
    rig.broker.start()  # back, and empty: no topics, no offsets
    rig.a.sync()
    assert rig.a.store.pending_outbox_count() == 0
    assert _log_count(rig.url, [str(outbox(rig.a.store)[-1].event_id)]) == (1, 1)
    rig.converged()


def test_workers_carry_on_after_the_broker_restarts_empty(rig: Rig) -> None:
    workers = [SyncWorker(d.store, d.secrets, poll_interval=1.0, max_backoff=1.0) for d in (rig.a, rig.b)]
    for w in workers:
        w.start()
    try:
        wait_for(lambda: all(w.status().state == "online" for w in workers))
        rig.broker.restart()
        page = Pages(rig.a.ctx).create(rig.workspace(), "After the restart")
        wait_for(lambda: Pages(rig.b.ctx).list(rig.workspace()) and any(
            p.id == page.id for p in Pages(rig.b.ctx).list(rig.workspace())), timeout=40)
        wait_for(lambda: rig.a.store.pending_outbox_count() == 0, timeout=40)
    finally:
        for w in workers:
            w.stop()
    rig.converged()


def test_postgres_down_then_back_drains_the_queue_without_a_new_write(rig: Rig) -> None:
    worker = SyncWorker(rig.a.store, rig.a.secrets, poll_interval=0.5, max_backoff=1.0)
    worker.start()
    try:
        wait_for(lambda: worker.status().state == "online")
        rig.proxy.cut()
        Pages(rig.a.ctx).create(rig.workspace(), "Offline page")
        wait_for(lambda: worker.status().state == "offline", timeout=30)
        assert worker.status().pending == 1 and worker.status().last_error
        rig.proxy.heal()
        wait_for(lambda: worker.status().state == "online" and rig.a.store.pending_outbox_count() == 0, timeout=30)
    finally:
        worker.stop()
    rig.b.sync()
    rig.converged()


def test_a_connection_cut_mid_batch_loses_nothing_and_applies_nothing_twice(rig: Rig) -> None:
    chan = Chat(rig.a.ctx).channels(rig.workspace())[0]
    Chat(rig.a.ctx).post_many(chan.id, [f"message {i} " + "x" * 200 for i in range(1500)])
    events = [str(e.event_id) for e in outbox(rig.a.store, unsent_only=True)]
    rig.proxy.cut_after(150_000)
    with pytest.raises(OperationalError):
        rig.a.sync()
    rig.proxy.heal()
    rig.a.sync()
    assert _log_count(rig.url, events) == (len(events), len(events))
    rig.b.sync()
    rig.converged()


def test_a_batch_pushed_twice_gets_the_same_sequence_numbers(rig: Rig) -> None:
    Pages(rig.a.ctx).create(rig.workspace(), "Pushed twice")
    events = outbox(rig.a.store, unsent_only=True)
    engine = create_engine(rig.url)
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('ionflux.user_id', :u, true)"), {"u": str(rig.a.user_id)})
    rig.a.sync()  # the real push
    from ionflux.sync.remote import load_profile, user_engine

    profile = load_profile(rig.a.store)
    user = user_engine(profile, rig.a.secrets.get(profile.secret_ref))
    with user.begin() as conn:
        again = server_push.push(conn, rig.a.user_id, events)  # as if the device crashed before marking it sent
    user.dispose()
    engine.dispose()
    assert all(o.startswith("duplicate") for o in again.outcomes.values())
    assert _log_count(rig.url, [str(e.event_id) for e in events]) == (1, 1)
    assert [e.event_id for e in again.entries] == [e.event_id for e in events]
    rig.b.sync()
    rig.converged()


def test_redelivered_and_reordered_kafka_records_apply_once(rig: Rig) -> None:
    from kafka import KafkaConsumer, KafkaProducer

    worker = SyncWorker(rig.b.store, rig.b.secrets, poll_interval=0.5)
    worker.start()
    try:
        wait_for(lambda: worker._consumer is not None and worker._consumer.assignment(), timeout=30)
        ws = rig.workspace()
        for i in range(5):
            Pages(rig.a.ctx).create(ws, f"page {i}")
        Chat(rig.a.ctx).create_channel(ws, "redelivery")
        rig.a.sync()
        wait_for(lambda: len(Pages(rig.b.ctx).list(ws)) == 6, timeout=30)
        consumer = KafkaConsumer(bootstrap_servers=rig.broker.bootstrap, auto_offset_reset="earliest",
                                 consumer_timeout_ms=3000)
        consumer.subscribe(pattern=f"^ionflux\\..*\\.workspace_{ws}\\..*")
        records = list(consumer)
        consumer.close()
        assert records
        producer = KafkaProducer(bootstrap_servers=rig.broker.bootstrap, acks="all")
        for rec in [*reversed(records), *records]:  # every record twice, in both orders
            producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers)
        producer.flush()
        producer.close()
        Pages(rig.a.ctx).create(ws, "after the storm")
        rig.a.sync()
        wait_for(lambda: len(Pages(rig.b.ctx).list(ws)) == 7, timeout=30)
    finally:
        worker.stop()
    with rig.b.store.read() as s:
        assert s.scalar(select(func.count()).select_from(ChatChannel).where(ChatChannel.name == "redelivery")) == 1
    assert rig.b.store.pending_outbox_count() == 0
    rig.converged()



def _backlog(rig: Rig, caplog: pytest.LogCaptureFixture, prefix: str, count: int,
             batch_size: int) -> tuple[Any, list[str]]:
    """``count`` messages waiting on device a, and a session that pushes them from a child process."""
    chan = Chat(rig.a.ctx).channels(rig.workspace())[0]
    Chat(rig.a.ctx).post_many(chan.id, [f"{prefix} {i}" for i in range(count)])
    events = [str(e.event_id) for e in outbox(rig.a.store, unsent_only=True)]
    session = rig.a.session()
    session.pusher.bulk_threshold = 100
    session.pusher.batch_size = batch_size
    caplog.set_level(logging.INFO, logger="ionflux.sync.push_process")
    return session, events


def _the_rest_goes_once(rig: Rig, events: list[str]) -> None:
    """The next sync pushes what an interrupted child push had not marked sent, each event once."""
    rig.a.sync()
    assert rig.a.store.pending_outbox_count() == 0
    assert _log_count(rig.url, events) == (len(events), len(events))
    rig.b.sync()
    rig.converged()

def test_a_large_backlog_is_pushed_from_a_child_process_with_the_same_guarantees(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    session, events = _backlog(rig, caplog, "bulk", 1200, batch_size=500)
    try:
        rig.proxy.cut()  # PostgreSQL unreachable: the child says so, the worker's offline path takes it
        with pytest.raises(BackendUnavailableError):
            session.pusher.push_all()
        rig.proxy.heal()
        rig.broker.stop()
        with pytest.raises(KafkaUnavailableError):
            session.pusher.push_all()
        assert rig.a.store.pending_outbox_count() == len(events)  # in PostgreSQL maybe, but not marked sent
        rig.broker.start()
        stats = session.pusher.push_all()
    finally:
        session.close()
    pids = {int(r.getMessage().rsplit(" ", 1)[1]) for r in caplog.records if "from process" in r.getMessage()}
    assert len(pids) == 3 and os.getpid() not in pids
    assert stats.sent == len(events) and stats.batches == 3  # the child's figures reach the caller
    assert rig.a.store.pending_outbox_count() == 0
    assert _log_count(rig.url, events) == (len(events), len(events))
    rig.b.sync()
    rig.converged()


def test_stopping_the_worker_ends_a_child_push_and_the_next_push_finishes_it(
        rig: Rig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from ionflux.sync import push
    from ionflux.sync.remote import load_state

    chan = Chat(rig.a.ctx).channels(rig.workspace())[0]
    Chat(rig.a.ctx).post_many(chan.id, [f"interrupted {i}" for i in range(3000)])
    events = [str(e.event_id) for e in outbox(rig.a.store, unsent_only=True)]
    monkeypatch.setattr(push, "BULK_PUSH", 100)
    caplog.set_level(logging.INFO, logger="ionflux.sync.push_process")
    worker = SyncWorker(rig.a.store, rig.a.secrets, poll_interval=0.5, max_backoff=1.0)
    worker.start()
    wait_for(lambda: any("from process" in r.getMessage() for r in caplog.records), timeout=30)
    thread = worker._thread
    assert thread is not None
    worker.stop()
    assert not thread.is_alive()  # not left waiting for the child
    assert load_state(rig.a.store).get("last_error") is None  # an interrupted push is not a failure
    _the_rest_goes_once(rig, events)


def test_a_push_child_killed_from_outside_loses_nothing_and_the_next_push_finishes_it(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    """SIGKILL from outside (the OOM killer, a user's kill -9) half-way through a child push."""
    import signal
    import threading

    from ionflux.core.errors import IonfluxError

    session, events = _backlog(rig, caplog, "killed", 6000, batch_size=200)
    failure: list[BaseException] = []

    def push() -> None:
        try:
            session.pusher.push_all()
        except BaseException as exc:
            failure.append(exc)

    pusher = threading.Thread(target=push)
    try:
        pusher.start()
        wait_for(lambda: rig.a.store.pending_outbox_count() < len(events), timeout=60)  # batches are landing
        pid = next(int(r.getMessage().rsplit(" ", 1)[1]) for r in caplog.records if "from process" in r.getMessage())
        os.kill(pid, signal.SIGKILL)
        pusher.join(60)
        assert not pusher.is_alive()
    finally:
        session.close()
    left = rig.a.store.pending_outbox_count()
    assert 0 < left < len(events), "the kill should land half-way through the push"
    assert len(failure) == 1 and isinstance(failure[0], IonfluxError)
    assert "push process stopped (exit code -9)" in str(failure[0])
    _the_rest_goes_once(rig, events)


def test_a_device_gone_silent_mid_push_does_not_hold_the_workspace_for_the_others(
        rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wi-Fi lost inside a push transaction: no FIN reaches PostgreSQL, so the backend must end it itself."""
    from ionflux.sync import remote

    monkeypatch.setattr(remote, "IDLE_IN_TRANSACTION_MS", 2000)
    ws = rig.workspace()
    profile = remote.load_profile(rig.a.store)
    assert profile is not None
    engine = remote.user_engine(profile, remote.password_for(profile, rig.a.secrets))
    conn = engine.connect()
    try:
        conn.execute(text("SELECT * FROM ionflux_sync.lock_heads(CAST(:ws AS uuid[]))"), {"ws": [ws]})
        rig.proxy.silence()  # device a is gone mid-transaction, holding the workspace's push lock
        page = Pages(rig.b.ctx).create(ws, "Written while a holds the lock")
        rig.b.sync()  # without the timeout: waits 60 s on the lock, then fails on the statement timeout
        rig.a.sync()
        assert Pages(rig.a.ctx).get(page.id).title == "Written while a holds the lock"
    finally:
        conn.invalidate()
        conn.close()
        engine.dispose()
    rig.converged()
