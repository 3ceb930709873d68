"""The backend half of a push, run in one PostgreSQL transaction as the device's own role.

For a batch of outbox events, in commit order: skip those already received (by event id: a
re-push after a crash changes nothing and gets the same sequence numbers back), refuse forged or
unreachable ones, merge the rest into the data tables, and append every accepted change to its
workspace's change log with the next sequence numbers. Heads are locked first, so the log of a
workspace is written by one push at a time and sequence numbers commit in order, without gaps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Uuid, any_, cast, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from ionflux.core.clock import new_id, utcnow
from ionflux.core.hlc import MAX_DRIFT_MS, make
from ionflux.core.serialize import json_value
from ionflux.sync import server_tables as st
from ionflux.sync.engine import DROPPED, REJECTED, Engine
from ionflux.sync.merge import Merged, RowState
from ionflux.sync.state_io import json_insert, server_io
from ionflux.sync.wire import Event, encode

_SYNTHETIC = uuid.UUID("6f1d1c2e-9a3b-4c55-8f67-1a2b3c4d5e6f")


@dataclass
class LogEntry:
    """One change-log record: what devices apply, and what goes to Kafka (``encoded``: its bytes there)."""

    workspace_id: uuid.UUID
    seq: int
    event_id: uuid.UUID
    envelope: dict[str, Any]
    encoded: bytes | None = None

    def value(self) -> bytes:
        if self.encoded is None:
            self.encoded = encode(self.envelope)
        return self.encoded


@dataclass
class PushResult:
    """The server's answer for a batch."""

    outcomes: dict[uuid.UUID, str] = field(default_factory=dict)  # event id -> outcome (+ ": reason")
    entries: list[LogEntry] = field(default_factory=list)  # to produce (new ones and re-pushed ones)
    overwrites: dict[tuple[str, str], RowState] = field(default_factory=dict)  # server state the origin adopts
    new_workspaces: set[uuid.UUID] = field(default_factory=set)


def push(conn: Connection, me: uuid.UUID, events: list[Event]) -> PushResult:
    """Apply ``events`` (outbox order) for user ``me``; see the module docstring."""
    result = PushResult()
    ids = [e.event_id for e in events]
    seen = dict(conn.execute(select(st.received.c.event_id, st.received.c.outcome)
                             .where(st.received.c.event_id == any_(cast(ids, ARRAY(Uuid))))).all())
    again = [*seen, *_member_entry_ids(conn, [e for e in events if e.event_id in seen])]
    for row in conn.execute(select(st.changes).where(st.changes.c.event_id == any_(cast(again, ARRAY(Uuid))))
                            .order_by(st.changes.c.workspace_id, st.changes.c.seq)).mappings():
        result.entries.append(LogEntry(row["workspace_id"], row["seq"], row["event_id"], row["envelope"]))
    for event_id, outcome in seen.items():
        result.outcomes[event_id] = "duplicate: " + outcome
    now_ms = int(conn.execute(text("SELECT extract(epoch FROM clock_timestamp()) * 1000")).scalar())
    reach = set(conn.execute(text("SELECT unnest(ionflux_sync.my_workspaces())")).scalars())
    created = {uuid.UUID(e.row_id) for e in events if e.entity == "workspaces" and e.op == "created"}
    everywhere = reach | created
    limit = make(now_ms + MAX_DRIFT_MS, 99_999, "f" * 16)  # the highest stamp still accepted
    fresh: list[Event] = []
    definitions: list[Event] = []
    for e in events:
        if e.event_id in seen:
            continue
        refusal = _refusal(e, me, limit, everywhere)
        if refusal:
            result.outcomes[e.event_id] = "refused: " + refusal
            if e.entity and (e.workspace_id in reach or e.entity == "users"):
                result.overwrites[e.key] = RowState()  # the device goes back to what everyone else holds
        elif e.entity == "agent_definitions":
            definitions.append(e)  # they ship with the app: added where missing, never changed by devices
            result.outcomes[e.event_id] = "noop: agent definitions ship with the app"
        else:
            fresh.append(e)
    _add_definitions(conn, definitions)
    touched = {e.workspace_id for e in fresh if e.workspace_id} | (reach if any(
        e.entity == "users" for e in fresh) else set())
    if touched:
        conn.execute(text("SELECT * FROM ionflux_sync.lock_heads(CAST(:ws AS uuid[]))"), {"ws": sorted(touched)})
    merged = Engine(server_io(conn), batch_size=5000).apply(fresh)
    pending: dict[uuid.UUID, list[tuple[uuid.UUID, dict[str, Any], bytes | None]]] = {}
    for event, m in zip(fresh, merged, strict=True):
        outcome = m.outcome + (f": {m.reason}" if m.reason else "")
        result.outcomes[event.event_id] = outcome
        if m.outcome in (REJECTED, DROPPED):
            if m.outcome == REJECTED and event.entity:
                result.overwrites[event.key] = RowState()
            continue
        if m.reason.startswith("rewritten") and event.entity:
            result.overwrites[event.key] = RowState()
        for ws in _targets(event, reach | created):
            for extra in _member_entries(conn, event, m, ws):
                pending.setdefault(ws, []).append(extra)
            pending.setdefault(ws, []).append((event.event_id, event.envelope, event.encoded))
    result.new_workspaces = created & {uuid.UUID(e.row_id) for e, m in zip(fresh, merged, strict=True)
                                       if e.entity == "workspaces" and m.outcome not in (REJECTED, DROPPED)}
    _append(conn, me, pending, result)
    receipts = [{"event_id": str(e.event_id), "pushed_by": str(me), "outcome": result.outcomes[e.event_id][:500]}
                for e in events if e.event_id not in seen]
    if receipts:
        json_insert(conn, st.received, receipts)
    if result.overwrites:
        loaded = server_io(conn).load(result.overwrites)
        result.overwrites = {k: loaded.get(k, RowState()) for k in result.overwrites
                             if k[0] != "users" or (k in loaded and loaded[k].data is not None)}
    return result


def _add_definitions(conn: Connection, events: list[Event]) -> None:
    from sqlalchemy.dialects.postgresql import insert

    from ionflux.core.models import AgentDefinition
    from ionflux.core.serialize import row_from_json

    rows = [row_from_json(AgentDefinition, e.data, where="agent_definitions") for e in events if e.op == "created"]
    if rows:
        conn.execute(insert(AgentDefinition.__table__).on_conflict_do_nothing(), rows)


def _refusal(e: Event, me: uuid.UUID, limit: str, reach: set[uuid.UUID]) -> str:
    if e.user_id is not None and e.user_id != me:
        return f"user id {e.user_id} is not the signed-in user"
    if e.hlc > limit:  # fixed-width stamps: text order is time order
        return "its clock is too far ahead of the backend's (fix this device's clock)"
    if e.workspace_id is not None and e.workspace_id not in reach:
        return f"workspace {e.workspace_id} is not reachable by this user"
    if e.entity == "users" and e.row_id != str(me):
        return "a device may only change its own user's row"
    return ""


def _targets(event: Event, reach: set[uuid.UUID]) -> list[uuid.UUID]:
    if event.entity == "users":
        return sorted(reach)
    if event.entity == "agent_definitions" or event.workspace_id is None:
        return []
    return [event.workspace_id]


def _member_entries(conn: Connection, event: Event, m: Merged,
                    ws: uuid.UUID) -> list[tuple[uuid.UUID, dict, bytes | None]]:
    """Before a workspace's creation (or a membership change) in its log: its members' user rows.

    Devices insert rows in log order, so the users a workspace refers to must come first.
    """
    if event.entity != "workspaces" or m.state.data is None or not (
            event.op == "created" or {"member_user_ids_array", "owner_user_id"} & set(event.data)):
        return []
    data = m.state.data
    members = sorted({data["owner_user_id"], *(data.get("member_user_ids_array") or [])})
    from ionflux.core.models import User

    rows = conn.execute(select(User.__table__).where(User.__table__.c.id.in_(members))).mappings().all()
    clocks = dict(conn.execute(select(st.clocks.c.row_id, st.clocks.c.base_hlc).where(
        st.clocks.c.entity == "users", st.clocks.c.row_id.in_(members))).all())
    out = []
    for row in rows:
        uid = str(row["id"])
        body = {k: json_value(v) for k, v in row.items() if k != "password_hash"}
        envelope = {
            "event_id": str(uuid.uuid5(_SYNTHETIC, f"{event.event_id}:{uid}")),
            "event_type": "ionflux.user.created", "event_timestamp": utcnow().isoformat(),
            "source_service_name": "UserService", "workspace_id": None, "user_id": event.envelope["user_id"],
            "correlation_id": str(new_id()), "payload_schema_version": "v1.0",
            "payload_json": {"entity": "users", "id": uid, "op": "created", "data": body,
                             "hlc": clocks.get(uid) or make(0, 0, "0" * 16)},
        }
        out.append((uuid.UUID(envelope["event_id"]), envelope, None))
    return out


def _member_entry_ids(conn: Connection, seen: list[Event]) -> list[uuid.UUID]:
    """Ids of the user rows a re-pushed workspace change put in the log (so Kafka gets them again too)."""
    from ionflux.core.models import Workspace

    by_ws = {uuid.UUID(e.row_id): e for e in seen if e.entity == "workspaces"}
    if not by_ws:
        return []
    t = Workspace.__table__
    rows = conn.execute(select(t.c.id, t.c.owner_user_id, t.c.member_user_ids_array)
                        .where(t.c.id.in_(list(by_ws)))).all()
    return [uuid.uuid5(_SYNTHETIC, f"{by_ws[ws].event_id}:{member}")
            for ws, owner, members in rows for member in {owner, *(members or [])}]


def _append(conn: Connection, me: uuid.UUID,
            pending: dict[uuid.UUID, list[tuple[uuid.UUID, dict, bytes | None]]], result: PushResult) -> None:
    """Number the entries of each workspace and write them; each envelope is encoded once, for both PG and Kafka."""
    parts: list[str] = []
    for ws in sorted(pending):
        items = pending[ws]
        head = conn.execute(text("SELECT ionflux_sync.advance_head(:ws, :n)"), {"ws": ws, "n": len(items)}).scalar()
        for i, (event_id, envelope, encoded) in enumerate(items):
            entry = LogEntry(ws, head - len(items) + 1 + i, event_id, envelope, encoded)
            text_value = entry.value().decode()
            parts.append(f'{{"workspace_id":"{ws}","seq":{entry.seq},"event_id":"{event_id}",'
                         f'"pushed_by":"{me}","envelope":{text_value}}}')
            result.entries.append(entry)
    for i in range(0, len(parts), 5000):
        conn.execute(text("INSERT INTO ionflux_sync.changes (workspace_id, seq, event_id, pushed_by, envelope) "
                          "SELECT workspace_id, seq, event_id, pushed_by, envelope FROM jsonb_populate_recordset("
                          "NULL::ionflux_sync.changes, CAST(:rows AS jsonb))"),
                     {"rows": "[" + ",".join(parts[i:i + 5000]) + "]"})

