"""Bad input on the wire is quarantined, logged and never applied, and the consumer keeps going."""

from __future__ import annotations

import copy
import json
import uuid

from kafka import KafkaProducer
from sqlalchemy import select
from sync_support import outbox, replica, wait_for

from ionflux.core.models import CanvasPage
from ionflux.core.models.sync import SyncDeadLetter
from ionflux.core.pages import Pages
from ionflux.core.workspaces import Workspaces
from ionflux.sync.kafka_io import SEQ_HEADER
from ionflux.sync.wire import encode, topic
from ionflux.sync.worker import SyncWorker


def _letters(store) -> list[SyncDeadLetter]:  # type: ignore[no-untyped-def]
    with store.read() as s:
        return list(s.scalars(select(SyncDeadLetter).order_by(SyncDeadLetter.id)))


def test_malformed_unknown_foreign_and_forged_records_are_quarantined(devices, broker, caplog) -> None:  # type: ignore[no-untyped-def]
    a, b = devices["a"], devices["b"]
    a.sync()
    b.sync()
    ws = Workspaces(a.ctx).resolve("Demo Workspace", a.user_id).id
    Pages(a.ctx).create(ws, "template page")
    real = outbox(a.store, unsent_only=True)[-1].envelope
    a.sync()
    worker = SyncWorker(b.store, b.secrets, poll_interval=30)
    worker.start()
    try:
        wait_for(lambda: worker._consumer is not None and worker._consumer.assignment(), timeout=30)
        wait_for(lambda: any(p.title == "template page" for p in Pages(b.ctx).list(ws)))
        canvas = topic("canvas", ws)
        unknown = dict(copy.deepcopy(real), payload_schema_version="v9.9", event_id=str(uuid.uuid4()))
        foreign = dict(copy.deepcopy(real), workspace_id=str(uuid.uuid4()), event_id=str(uuid.uuid4()))
        forged = copy.deepcopy(real)
        forged_page = str(uuid.uuid4())
        forged.update(event_id=str(uuid.uuid4()), user_id=str(uuid.uuid4()))
        forged["payload_json"]["id"] = forged_page
        forged["payload_json"]["data"].update(id=forged_page, title="forged page")
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        with b.store.read() as s:
            from ionflux.core.models.sync import SyncCursor

            cursor = s.get(SyncCursor, ws).seq
        for value, seq in ((b"{not json", b"7"), (encode(unknown), b"8"), (encode(foreign), b"9"),
                           (encode(forged), str(cursor + 1).encode()), (encode(real), b"not-a-number")):
            producer.send(canvas, key=b"k", value=value, headers=[(SEQ_HEADER, seq)])
        producer.flush()
        producer.close()
        wait_for(lambda: len(_letters(b.store)) >= 5, timeout=30)
        Pages(a.ctx).create(ws, "still flowing")
        a.sync()
        wait_for(lambda: any(p.title == "still flowing" for p in Pages(b.ctx).list(ws)), timeout=30)
    finally:
        worker.stop()
    reasons = " | ".join(d.reason for d in _letters(b.store))
    for expected in ("not JSON", "unknown payload_schema_version", "does not hold", "beyond the change log",
                     "seq header"):
        assert expected in reasons, reasons
    with b.store.read() as s:
        assert s.get(CanvasPage, uuid.UUID(forged_page)) is None
        assert s.scalar(select(CanvasPage).where(CanvasPage.title == "forged page")) is None
    assert "quarantined" in caplog.text
    assert replica(a.store) == replica(b.store)
    assert all(d.raw_text for d in _letters(b.store))
    json.loads(_letters(b.store)[1].raw_text)  # the raw record is kept for inspection


def test_a_forged_author_on_a_real_sequence_number_is_quarantined(devices) -> None:  # type: ignore[no-untyped-def]
    from ionflux.sync.pull import Claim

    a, b = devices["a"], devices["b"]
    a.sync()
    b.sync()
    ws = Workspaces(a.ctx).resolve("Demo Workspace", a.user_id).id
    Pages(a.ctx).create(ws, "authentic")
    event = outbox(a.store, unsent_only=True)[-1]
    a.sync()
    session = b.session(use_kafka=False)
    try:
        with b.store.read() as s:
            from ionflux.core.models.sync import SyncCursor

            cursor = s.get(SyncCursor, ws).seq
        claim = Claim(ws, cursor + 1, event.event_id, uuid.uuid4(), "{}")  # right event, wrong author
        session.puller.pull(ws, claims=[claim])
    finally:
        session.close()
    assert [d.reason for d in _letters(b.store)] == ["does not match the change log (forged?)"]
    assert any(p.title == "authentic" for p in Pages(b.ctx).list(ws))  # the log's own record still applies
