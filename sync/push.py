"""Draining the outbox: PostgreSQL first (merge + change log), then Kafka, then mark sent.

A batch is marked sent only after the backend committed it *and* Kafka acknowledged every log
entry. A crash anywhere in between (kill -9 included) just means the batch is pushed again: the
backend recognises the event ids and hands back the same sequence numbers, and consumers drop
what they already applied, so nothing is lost and nothing is applied twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, update

from ionflux.core.clock import utcnow
from ionflux.core.models import PlatformEvent
from ionflux.core.models.sync import SyncCursor, SyncDeadLetter
from ionflux.core.store import Store
from ionflux.sync import server_push
from ionflux.sync.apply import adopt_server_state
from ionflux.sync.kafka_io import Message, Producer
from ionflux.sync.legacy import stamp_legacy
from ionflux.sync.wire import Event, WireError, domain, encode, parse, topic

log = logging.getLogger(__name__)

#: Above this many pending events the push runs in a child process (``push_process``), where the Kafka
#: records are produced from a grandchild (``kafka_process``).
BULK_PUSH = 10_000


@dataclass
class PushStats:
    """What pushing did, for status lines and tests."""

    sent: int = 0
    refused: int = 0
    batches: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


class Pusher:
    """Pushes one device's outbox for the signed-in user.

    Args:
        store: The device's store.
        engine: The backend, logged in as the user's role.
        producer: The Kafka producer (None: PostgreSQL only, e.g. while testing without a broker).
        user_id: The signed-in user.
        batch_size: Outbox events per transaction.

    """

    def __init__(self, store: Store, engine: Engine, producer: Producer | None, user_id: uuid.UUID,
                 batch_size: int = 5000) -> None:
        self.store = store
        self.engine = engine
        self.producer = producer
        self.user_id = user_id
        self.batch_size = batch_size
        self.bulk_threshold = BULK_PUSH
        #: Runs a push of more than ``bulk_threshold`` events elsewhere (``push_process.ChildPush``); None: here.
        self.in_child: Callable[[Pusher, PushStats], PushStats] | None = None

    def pending(self) -> int:
        return self.store.pending_outbox_count()

    def push_all(self, stats: PushStats | None = None) -> PushStats:
        """Push batches until the outbox is empty.

        A two-stage pipeline: a helper thread reads batch N+1 and merges it into PostgreSQL while
        this thread hands batch N to Kafka. Each batch is marked sent only once both have
        acknowledged it, in outbox order; a failure stops the run and what was not marked is
        simply pushed again next time.
        """
        stats = stats or PushStats()
        backlog = (self.in_child is not None or self.producer is not None) and self.pending() > self.bulk_threshold
        if backlog and self.in_child is not None:
            return self.in_child(self, stats)
        waiting: _Batch | None = None
        producer: Any = self.producer
        bulk = None
        if producer is not None and backlog:
            from ionflux.sync.kafka_process import ProcessProducer

            producer = bulk = ProcessProducer(self.producer.bootstrap)  # type: ignore[union-attr]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ionflux-push") as pool:
            ahead = pool.submit(self._prepare, 0)
            try:
                while True:
                    batch = ahead.result()
                    if batch is None:
                        break
                    ahead = pool.submit(self._prepare, batch.last_seq)
                    self._produce(batch, producer)
                    if waiting is not None:
                        self._finish(waiting, stats)
                    waiting = batch
                if waiting is not None:
                    self._finish(waiting, stats)
                    waiting = None
            finally:
                if waiting is not None and waiting.acks is not None:
                    waiting.acks.abandon()
                if not ahead.done():
                    ahead.cancel()
                    wait([ahead])  # never leave a PostgreSQL transaction running behind our back
                if bulk is not None:
                    bulk.close()
        return stats

    def push_batch(self, stats: PushStats | None = None) -> int:
        """Push only the oldest unsent batch; returns how many outbox events it settled (0: drained)."""
        stats = stats or PushStats()
        batch = self._prepare(0)
        if batch is None:
            return 0
        self._produce(batch, self.producer)
        self._finish(batch, stats)
        return len(batch.seqs)

    def _prepare(self, after: int) -> _Batch | None:
        batch = self._read(after)
        if batch is not None:
            self._to_postgres(batch)
        return batch

    def _produce(self, batch: _Batch, producer: Any) -> None:
        if producer is not None:
            batch.acks = producer.send_async([_message(e) for e in batch.result.entries])

    def _read(self, after: int) -> _Batch | None:
        raw = self._fetch(after)
        if any('"hlc"' not in r[9] and '"entity"' in r[9] for r in raw):  # written before sync existed
            stamp_legacy(self.store, [r[0] for r in raw])
            raw = self._fetch(after)
        if not raw:
            return None
        batch = _Batch(seqs=[r[0] for r in raw], envelopes={r[0]: _envelope(r) for r in raw})
        for row in raw:
            seq = row[0]
            try:
                event = parse(batch.envelopes[seq], trusted=True, encoded=_encoded(row, batch.envelopes[seq]))
            except WireError as exc:
                batch.broken[seq] = exc.one_line()
                continue
            batch.events.append(event)
            batch.by_event[event.event_id] = seq
        return batch

    def _fetch(self, after: int) -> list[Any]:
        """The next unsent outbox rows as stored (no per-column conversion: this is the hot loop of a push)."""
        with self.store.engine.connect() as conn:
            return list(conn.exec_driver_sql(
                "SELECT seq, event_id, event_type, event_timestamp, source_service_name, workspace_id, user_id, "
                "correlation_id, payload_schema_version, payload_json FROM platform_events "
                "WHERE sent_at IS NULL AND seq > ? ORDER BY seq LIMIT ?", (after, self.batch_size)).all())

    def _to_postgres(self, batch: _Batch) -> None:
        with self.engine.begin() as conn:
            batch.result = server_push.push(conn, self.user_id, batch.events)

    def _finish(self, batch: _Batch, stats: PushStats) -> None:
        if batch.acks is not None:
            batch.acks.wait()
        self._settle(batch)
        stats.batches += 1
        stats.sent += len(batch.seqs)
        outcomes = batch.result.outcomes.values()
        for outcome in outcomes:
            kind = outcome.split(":")[0]
            stats.outcomes[kind] = stats.outcomes.get(kind, 0) + 1
        stats.refused += len(batch.broken) + sum(1 for o in outcomes if o.startswith(("refused", "rejected")))

    def _settle(self, batch: _Batch) -> None:
        """Mark the batch sent, keep what was refused, adopt the server's state where it decided otherwise."""
        result = batch.result
        refused = {batch.by_event[eid]: o for eid, o in result.outcomes.items()
                   if eid in batch.by_event and o.startswith(("refused", "rejected"))}
        refused.update(batch.broken)
        with self.store.unit_of_work(record_outbox=False) as uow:
            s = uow.session
            s.execute(update(PlatformEvent).where(PlatformEvent.seq >= batch.seqs[0],
                                                  PlatformEvent.seq <= batch.seqs[-1],
                                                  PlatformEvent.sent_at.is_(None)).values(sent_at=utcnow()))
            for seq, reason in refused.items():
                env = batch.envelopes[seq]
                log.warning("sync refused outbox event %s (%s): %s", env["event_id"], env["event_type"], reason)
                uow.add(SyncDeadLetter(source="push", reason=reason[:1000], event_id=env["event_id"],
                                       workspace_id=uuid.UUID(env["workspace_id"]) if env["workspace_id"] else None,
                                       raw_text=encode(env).decode()))
            for key, state in result.overwrites.items():
                adopt_server_state(s, key, state)
            self._fast_forward(s, result)

    def _fast_forward(self, s: object, result: server_push.PushResult) -> None:
        """Move cursors over this push's own log entries when nothing else came between.

        The device already holds the effect of its own changes (and of the server's decisions
        adopted above), so re-reading them from the log would only cost time.
        """
        from sqlalchemy.orm import Session

        assert isinstance(s, Session)
        seqs: dict[uuid.UUID, list[int]] = {}
        for entry in result.entries:
            seqs.setdefault(entry.workspace_id, []).append(entry.seq)
        for ws in result.new_workspaces:
            if s.get(SyncCursor, ws) is None:
                s.add(SyncCursor(workspace_id=ws, seq=0))
        s.flush()
        for ws, numbers in seqs.items():
            numbers.sort()
            contiguous = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
            if contiguous:
                s.execute(update(SyncCursor).where(SyncCursor.workspace_id == ws, SyncCursor.seq == numbers[0] - 1)
                          .values(seq=numbers[-1], updated_at=utcnow()))


@dataclass
class _Batch:
    """One outbox batch on its way: read, merged into PostgreSQL, produced, then settled."""

    seqs: list[int]
    envelopes: dict[int, dict[str, Any]]
    events: list[Event] = field(default_factory=list)
    broken: dict[int, str] = field(default_factory=dict)
    by_event: dict[uuid.UUID, int] = field(default_factory=dict)
    result: server_push.PushResult = field(default_factory=server_push.PushResult)
    acks: Any = None

    @property
    def last_seq(self) -> int:
        return self.seqs[-1]


def _envelope(row: Any) -> dict[str, Any]:
    """The wire envelope of a raw outbox row (what ``PlatformEvent.envelope`` gives, built without the ORM)."""
    _seq, event_id, event_type, stamp, service, ws, user, corr, version, payload = row
    return {
        "event_id": _dashed(event_id), "event_type": event_type,
        "event_timestamp": stamp.replace(" ", "T", 1) + "+00:00", "source_service_name": service,
        "workspace_id": _dashed(ws), "user_id": _dashed(user), "correlation_id": _dashed(corr),
        "payload_schema_version": version, "payload_json": json.loads(payload),
    }


def _encoded(row: Any, envelope: dict[str, Any]) -> bytes:
    """The envelope's wire bytes, reusing the payload's JSON text as stored (no second encoding)."""
    head = {k: v for k, v in envelope.items() if k != "payload_json"}
    return (json.dumps(head, separators=(",", ":"), ensure_ascii=False)[:-1] + ',"payload_json":' + row[9]
            + "}").encode()


def _dashed(hex_id: str | None) -> str | None:
    """A UUID stored by SQLite as 32 hex digits, in its usual text form."""
    if not hex_id:
        return None
    h = hex_id.replace("-", "")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _message(entry: server_push.LogEntry) -> Message:
    payload = entry.envelope.get("payload_json") or {}
    key = str(payload.get("id") or entry.event_id)
    return Message(topic(domain(entry.envelope["event_type"]), entry.workspace_id), key.encode(), entry.value(),
                   entry.seq)
