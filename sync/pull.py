"""Pulling: discover the user's workspaces, load new ones by snapshot, then follow each change log.

The change log in PostgreSQL is the one source of applied changes: Kafka records only say "there
is more" and are checked against it (an event id or author that does not match the log is
quarantined as forged). So a gap, a broker outage or a broker that lost its topics all end the
same way: the missing range is read from the log by sequence number, however old it is.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, text

from ionflux.core.models import AgentDefinition, Workspace
from ionflux.core.models.sync import SyncDeadLetter
from ionflux.core.store import Store
from ionflux.sync import server_tables as st
from ionflux.sync.apply import apply_events, cursors, set_cursor
from ionflux.sync.snapshot import apply_snapshot, read_snapshot
from ionflux.sync.wire import Event, WireError, encode, parse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """What a Kafka record says about one log entry (checked against the log before anything applies)."""

    workspace_id: uuid.UUID
    seq: int
    event_id: uuid.UUID
    user_id: uuid.UUID | None
    raw: str


@dataclass
class PullStats:
    applied: int = 0
    snapshots: int = 0
    quarantined: int = 0
    deferred: dict[uuid.UUID, int] = field(default_factory=dict)  # workspace -> seq refused locally


class Puller:
    """Brings one device up to date with the backend, for the signed-in user.

    Args:
        store: The device's store.
        engine: The backend, logged in as the user's role.
        batch_size: Log entries read and applied per transaction.

    """

    def __init__(self, store: Store, engine: Engine, batch_size: int = 2000) -> None:
        self.store = store
        self.engine = engine
        self.batch_size = batch_size
        self.reachable: list[uuid.UUID] = []

    def discover(self) -> list[uuid.UUID]:
        """The workspaces the user may reach; a cursor is made for each one new to this device."""
        with self.engine.connect() as conn:
            reachable = list(conn.execute(select(Workspace.id)).scalars())
        known = cursors(self.store)
        with self.store.read() as s:
            held = set(s.scalars(select(Workspace.id).where(Workspace.id.in_(reachable))))
        for ws in reachable:
            if ws not in known:
                set_cursor(self.store, ws, 0 if ws in held else None)
        self.reachable = reachable  # a workspace the user left stays on the device, no longer synced
        return reachable

    def heads(self, workspace_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not workspace_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT workspace_id, head FROM ionflux_sync.heads_of(CAST(:ws AS uuid[]))"),
                                {"ws": workspace_ids}).all()
        return {r[0]: r[1] for r in rows}

    def behind(self) -> dict[uuid.UUID, int]:
        """Reachable workspaces whose log has entries this device has not applied: workspace -> entries missing."""
        mine = {ws: seq for ws, seq in cursors(self.store).items() if ws in set(self.reachable or self.discover())}
        heads = self.heads(list(mine))
        return {ws: heads.get(ws, 0) - (seq or 0) for ws, seq in mine.items()
                if seq is None or heads.get(ws, 0) > seq}

    def pull_all(self, stats: PullStats | None = None) -> PullStats:
        """Discover workspaces, load new ones and apply every log entry up to each head."""
        stats = stats or PullStats()
        for ws in self.discover():
            self.pull(ws, stats=stats)
        return stats

    def pull(self, ws: uuid.UUID, *, claims: list[Claim] | None = None, stats: PullStats | None = None) -> PullStats:
        """Apply workspace ``ws``'s log from this device's cursor to the head (or load it first)."""
        stats = stats or PullStats()
        by_seq = {c.seq: c for c in claims or []}
        while True:
            cursor = cursors(self.store).get(ws, 0)
            if cursor is None:
                snap = read_snapshot(self.engine, ws)
                apply_snapshot(self.store, ws, snap)
                stats.snapshots += 1
                continue
            with self.engine.connect() as conn:
                rows = conn.execute(select(st.changes.c.seq, st.changes.c.event_id, st.changes.c.pushed_by,
                                           st.changes.c.envelope)
                                    .where(st.changes.c.workspace_id == ws, st.changes.c.seq > cursor)
                                    .order_by(st.changes.c.seq).limit(self.batch_size)).all()
                head = self._head(conn, ws)
            if not rows:
                if head < cursor:  # never report "up to date" against a log that went backwards
                    from ionflux.sync.backend import BackendError

                    raise BackendError(f"the backend's log of workspace {ws} ends at {head}, before this device's "
                                       f"position {cursor}: was the backend reset? Sign in again to reload it",
                                       where="sync")
                self._reject_claims(ws, by_seq, head, stats)
                return stats
            events, seqs, dead = self._check(ws, rows, by_seq)
            self._ensure_definitions(events)
            result = apply_events(self.store, events, workspace_id=ws, seqs=seqs, expect_cursor=cursor,
                                  end_seq=rows[-1][0], dead_letters=dead)
            stats.applied += result.count
            stats.quarantined += len(dead)
            if result.deferred is not None:
                stats.deferred[ws] = seqs[result.count]
                return stats

    def skip(self, ws: uuid.UUID, seq: int, reason: str) -> None:
        """Quarantine log entry ``seq`` (a change this device cannot apply even after pushing) and move past it."""
        with self.engine.connect() as conn:
            row = conn.execute(select(st.changes.c.envelope).where(st.changes.c.workspace_id == ws,
                                                                   st.changes.c.seq == seq)).first()
        letter = SyncDeadLetter(source="postgres", reason=reason, workspace_id=ws, raw_text=encode(row[0]).decode()
                                if row else None)
        apply_events(self.store, [], workspace_id=ws, seqs=[], expect_cursor=seq - 1, end_seq=seq,
                     dead_letters=[(seq, letter)])

    def _head(self, conn: object, ws: uuid.UUID) -> int:
        from sqlalchemy import Connection

        assert isinstance(conn, Connection)
        return conn.execute(text("SELECT head FROM ionflux_sync.heads_of(CAST(:ws AS uuid[]))"),
                            {"ws": [ws]}).scalar() or 0

    def _check(self, ws: uuid.UUID, rows: list, by_seq: dict[int, Claim]) -> tuple[list[Event], list[int], list]:
        events: list[Event] = []
        seqs: list[int] = []
        dead: list[tuple[int, SyncDeadLetter]] = []
        for seq, event_id, pushed_by, envelope in rows:
            claim = by_seq.pop(seq, None)
            if claim is not None and (claim.event_id != event_id or claim.user_id not in (None, pushed_by)):
                dead.append((seq, SyncDeadLetter(source="kafka", reason="does not match the change log (forged?)",
                                                 workspace_id=ws, event_id=str(claim.event_id), raw_text=claim.raw)))
            try:
                event = parse(envelope)
                if event.user_id not in (None, pushed_by):
                    raise WireError(f"user id {event.user_id} is not the user who pushed it ({pushed_by})")
                if event.workspace_id not in (None, ws):
                    raise WireError(f"belongs to workspace {event.workspace_id}")
            except WireError as exc:
                log.warning("sync quarantined log entry %s/%s: %s", ws, seq, exc.one_line())
                dead.append((seq, SyncDeadLetter(source="postgres", reason=exc.one_line(), workspace_id=ws,
                                                 event_id=str(event_id), raw_text=encode(envelope).decode())))
                continue
            events.append(event)
            seqs.append(seq)
        return events, seqs, dead

    def _reject_claims(self, ws: uuid.UUID, by_seq: dict[int, Claim], head: int, stats: PullStats) -> None:
        """Kafka records numbered past the log's head describe changes the backend never accepted."""
        from ionflux.sync.apply import quarantine

        for claim in by_seq.values():
            if claim.seq > head:
                quarantine(self.store, "kafka", f"sequence number {claim.seq} is beyond the change log ({head})",
                           raw=claim.raw, workspace_id=ws, event_id=str(claim.event_id))
                stats.quarantined += 1
        by_seq.clear()

    def _ensure_definitions(self, events: list[Event]) -> None:
        """Copy agent definitions that incoming configurations refer to and this device lacks."""
        wanted = {e.data["agent_definition_id"] for e in events
                  if e.entity == "agent_configurations" and e.data.get("agent_definition_id")}
        if not wanted:
            return
        with self.store.read() as s:
            wanted -= set(s.scalars(select(AgentDefinition.id).where(AgentDefinition.id.in_(wanted))))
        if not wanted:
            return
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(select(AgentDefinition.__table__)
                                                  .where(AgentDefinition.id.in_(wanted))).mappings()]
        if rows:
            from sqlalchemy import insert

            with self.store.unit_of_work(record_outbox=False) as uow:
                uow.session.execute(insert(AgentDefinition.__table__), rows)
