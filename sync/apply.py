"""The device side of merging: remote changes applied through the store's own unit of work.

The unit of work is opened with ``record_outbox=False``, so nothing applied here is pushed back
(no echo). The workspace cursor moves in the same transaction as the rows (compare-and-set, so a
second process applying the same range cannot apply it twice), and the applied events are
published on the store's bus after commit, marked ``remote = True``, for views to refresh.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ionflux.core.clock import utcnow
from ionflux.core.models import PlatformEvent
from ionflux.core.models.sync import SyncCursor, SyncDeadLetter
from ionflux.core.store import Store
from ionflux.core.sync_state import ensure_node, persist_high
from ionflux.sync.engine import DROPPED, NOOP, REJECTED, Engine, diff_states
from ionflux.sync.merge import Merged, RowState
from ionflux.sync.state_io import local_io
from ionflux.sync.wire import Event, parse


class CursorMovedError(Exception):
    """Another process applied this range first; nothing was written."""


@dataclass
class Applied:
    """What one :func:`apply_events` call did."""

    results: list[Merged] = field(default_factory=list)
    deferred: Event | None = None  # the change refused locally (applying stopped before it)

    @property
    def count(self) -> int:
        return len(self.results) - (1 if self.deferred else 0)


def apply_events(store: Store, events: list[Event], *, workspace_id: uuid.UUID | None = None,
                 seqs: list[int] | None = None, expect_cursor: int | None = None, end_seq: int | None = None,
                 dead_letters: list[tuple[int, SyncDeadLetter]] | None = None) -> Applied:
    """Merge ``events`` (in order) into the store; with ``workspace_id``, advance its cursor too.

    Args:
        store: The device's store.
        events: Changes in the order to apply them (server sequence order).
        workspace_id: The workspace whose log these are (None: no cursor to move).
        seqs: The sequence number of each event (with ``workspace_id``).
        expect_cursor: The cursor value the range starts after (compare-and-set).
        end_seq: Where the cursor ends when everything applied (default: the last of ``seqs``).
        dead_letters: (sequence number, record) of log entries refused while reading this range,
            written in the same transaction so a crash cannot record them twice or lose them.

    Raises:
        CursorMovedError: the cursor was not at ``expect_cursor``.

    """
    out = Applied()
    with store.unit_of_work(record_outbox=False) as uow:
        s = uow.session
        ensure_node(s, store.clock)
        if workspace_id is not None:
            current = s.scalar(select(SyncCursor.seq).where(SyncCursor.workspace_id == workspace_id))
            if current != expect_cursor:
                raise CursorMovedError(f"cursor of {workspace_id} is at {current}, not {expect_cursor}")
        out.results = Engine(local_io(s)).apply(events, stop_on_reject=True)
        if out.results and out.results[-1].outcome == REJECTED:
            out.deferred = events[len(out.results) - 1]
        applied = events[:out.count]
        for event in applied:
            if event.hlc:
                store.clock.observe(event.hlc)
        persist_high(s, store.clock)
        if workspace_id is not None:
            if out.deferred is not None and seqs:
                new_cursor = seqs[out.count] - 1
            else:
                new_cursor = end_seq if end_seq is not None else (seqs[-1] if seqs else expect_cursor)
            for seq, letter in dead_letters or []:
                if seq <= (new_cursor or 0):
                    uow.add(letter)
            if new_cursor != expect_cursor:
                s.execute(update(SyncCursor).where(SyncCursor.workspace_id == workspace_id)
                          .values(seq=new_cursor, updated_at=utcnow()))
        for event, result in zip(applied, out.results, strict=False):
            if result.outcome not in (NOOP, DROPPED) or event.entity is None:
                uow.events.append(_bus_event(event))
    return out


def adopt_server_state(session: Session, key: tuple[str, str], state: RowState, *,
                       replay_unsent: bool = False) -> None:
    """Make one local row the backend's (after it refused or rewrote this device's change).

    With ``replay_unsent``, this device's changes of the row that are still in the outbox are
    merged again on top, as the backend will merge them when they are pushed (a rebase).
    """
    io = local_io(session)
    original = io.load([key]).get(key) or RowState()
    io.write(diff_states({key: original}, {key: state}, {}))
    if replay_unsent:
        events = [parse(e.envelope()) for e in session.scalars(
            select(PlatformEvent).where(PlatformEvent.sent_at.is_(None)).order_by(PlatformEvent.seq))
            if (e.payload_json or {}).get("entity") == key[0] and (e.payload_json or {}).get("id") == key[1]]
        if events:
            Engine(io).apply(events)


def set_cursor(store: Store, workspace_id: uuid.UUID, seq: int | None) -> None:
    """Create or move a workspace cursor (None: the workspace needs a snapshot)."""
    with store.unit_of_work(record_outbox=False) as uow:
        row = uow.session.get(SyncCursor, workspace_id)
        if row is None:
            uow.add(SyncCursor(workspace_id=workspace_id, seq=seq))
        else:
            row.seq, row.updated_at = seq, utcnow()


def cursors(store: Store) -> dict[uuid.UUID, int | None]:
    with store.read() as s:
        return {r.workspace_id: r.seq for r in s.scalars(select(SyncCursor))}


def quarantine(store: Store, source: str, reason: str, *, raw: str | None, workspace_id: uuid.UUID | None = None,
               event_id: str | None = None) -> None:
    """Keep refused input in the dead-letter table (never applied; inspect with ``sync status``)."""
    with store.unit_of_work(record_outbox=False) as uow:
        uow.add(SyncDeadLetter(source=source, reason=reason[:1000], workspace_id=workspace_id, event_id=event_id,
                               raw_text=raw))


def _bus_event(event: Event) -> PlatformEvent:
    env = event.envelope
    ev = PlatformEvent(
        event_id=event.event_id, event_type=event.event_type,
        event_timestamp=datetime.fromisoformat(env["event_timestamp"]),
        source_service_name=env["source_service_name"], workspace_id=event.workspace_id, user_id=event.user_id,
        correlation_id=uuid.UUID(env["correlation_id"]) if env.get("correlation_id") else None,
        payload_schema_version=env["payload_schema_version"], payload_json=env["payload_json"])
    ev.remote = True  # type: ignore[attr-defined]  (not a column: tells subscribers it came from sync)
    return ev
