"""Initial sync of a workspace: a consistent read of the backend's rows, clocks and documents.

One REPEATABLE READ transaction gives rows and the log head as of the same instant; the device
inserts them in one unit of work (no outbox) and sets its cursor to that head, so the change log
takes over exactly where the snapshot ends. Documents are copied as CRDT state, never rebuilt
from their text.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Engine, insert, or_, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ionflux.core.clock import utcnow
from ionflux.core.models import AgentDefinition, PlatformEvent, User
from ionflux.core.models.sync import SyncClock, SyncCursor, SyncDoc
from ionflux.core.store import Store
from ionflux.core.sync_state import ensure_node, persist_high
from ionflux.sync import server_tables as st
from ionflux.sync.apply import CursorMovedError
from ionflux.sync.entities import LOCAL_DEFAULTS, MODELS, ORDER, SELF_REFS, columns, parents_first, workspace_rows


def read_snapshot(engine: Engine, workspace_id: uuid.UUID) -> dict[str, Any]:
    """Everything a device needs to hold ``workspace_id``, as of one instant."""
    with engine.connect() as conn:
        conn.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        try:
            return _read(conn, workspace_id)
        finally:
            conn.rollback()


def _read(conn: Connection, ws: uuid.UUID) -> dict[str, Any]:
    head = conn.execute(text("SELECT head FROM ionflux_sync.heads_of(CAST(:ws AS uuid[]))"), {"ws": [ws]}).scalar()
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in ORDER:
        name = model.__tablename__
        if name == "users":
            q = select(User.__table__)
        elif name == "agent_definitions":
            continue
        else:
            q = workspace_rows(name, ws)
        keep = [c for c in columns(name) if c not in LOCAL_DEFAULTS.get(name, {})]
        tables[name] = [{k: r[k] for k in keep} for r in conn.execute(q).mappings()]
    wanted = {r["agent_definition_id"] for r in tables["agent_configurations"]}
    tables["agent_definitions"] = [dict(r) for r in conn.execute(
        select(AgentDefinition.__table__).where(AgentDefinition.id.in_(wanted))).mappings()]
    user_ids = [str(u["id"]) for u in tables["users"]]
    c = st.clocks.c
    clocks = [dict(r) for r in conn.execute(select(st.clocks).where(or_(
        c.workspace_id == ws, (c.entity == "users") & c.row_id.in_(user_ids)))).mappings()]
    docs = [dict(r) for r in conn.execute(select(st.docs).where(st.docs.c.workspace_id == ws)).mappings()]
    return {"head": head or 0, "tables": tables, "clocks": clocks, "docs": docs}


def apply_snapshot(store: Store, workspace_id: uuid.UUID, snap: dict[str, Any]) -> int:
    """Insert a snapshot into a store that does not hold the workspace yet. Returns the rows inserted.

    Raises:
        CursorMovedError: another process loaded the workspace meanwhile (nothing was written).

    """
    count = 0
    with store.unit_of_work(record_outbox=False) as uow:
        s = uow.session
        ensure_node(s, store.clock)
        cursor = s.get(SyncCursor, workspace_id)
        if cursor is not None and cursor.seq is not None:
            raise CursorMovedError(f"workspace {workspace_id} is already loaded")
        tables = snap["tables"]
        kept_users: set[str] = set()
        for name in MODELS:
            rows = tables.get(name) or []
            if name in ("users", "agent_definitions"):
                t = MODELS[name].__table__
                have = {str(i) for i in s.execute(select(t.c.id).where(t.c.id.in_([r["id"] for r in rows])))
                        .scalars()}
                rows = [r for r in rows if str(r["id"]) not in have]
                if name == "users":
                    kept_users = have
            if name in SELF_REFS:
                rows = parents_first(rows, SELF_REFS[name])
            if rows:
                s.execute(insert(MODELS[name].__table__), [{**LOCAL_DEFAULTS.get(name, {}), **r} for r in rows])
                count += len(rows)
        clocks = [r for r in snap["clocks"] if not (r["entity"] == "users" and r["row_id"] in kept_users)]
        if clocks:
            stmt = sqlite_insert(SyncClock.__table__)
            s.execute(stmt.on_conflict_do_update(index_elements=["entity", "row_id"], set_={
                k: stmt.excluded[k] for k in ("base_hlc", "fields_json", "deleted_hlc", "shadow_json")}),
                [{k: r[k] for k in ("entity", "row_id", "base_hlc", "fields_json", "deleted_hlc", "shadow_json")}
                 for r in clocks])
            for r in clocks:
                store.clock.observe(max(r["base_hlc"], r["deleted_hlc"] or "", *(r["fields_json"] or {}).values()))
        if snap["docs"]:
            stmt = sqlite_insert(SyncDoc.__table__)
            s.execute(stmt.on_conflict_do_update(index_elements=["entity", "row_id", "field"],
                                                 set_={"state": stmt.excluded.state}),
                      [{"entity": r["entity"], "row_id": r["row_id"], "field": r["field"], "state": bytes(r["state"])}
                       for r in snap["docs"]])
        _refresh_users(s, kept_users, tables.get("users") or [], snap["clocks"])
        persist_high(s, store.clock)
        if cursor is None:
            uow.add(SyncCursor(workspace_id=workspace_id, seq=snap["head"]))
        else:
            cursor.seq, cursor.updated_at = snap["head"], utcnow()
        uow.events.append(_loaded_event(workspace_id, count))
    return count


def _refresh_users(session: Any, ids: set[str], rows: list[dict[str, Any]], clocks: list[dict[str, Any]]) -> None:
    """Users this device already holds take the backend's values and clocks, then its own unpushed edits again."""
    from ionflux.core.serialize import json_value
    from ionflux.sync.apply import adopt_server_state
    from ionflux.sync.merge import Clock, RowState

    by_id = {str(r["id"]): r for r in rows}
    clock_of = {r["row_id"]: r for r in clocks if r["entity"] == "users"}
    for uid in ids:
        row, c = by_id.get(uid), clock_of.get(uid)
        if row is None or c is None:
            continue
        state = RowState({k: json_value(v) for k, v in row.items()},
                         Clock(c["base_hlc"], dict(c["fields_json"] or {}), c["deleted_hlc"], c["shadow_json"]))
        adopt_server_state(session, ("users", uid), state, replay_unsent=True)


def _loaded_event(workspace_id: uuid.UUID, rows: int) -> PlatformEvent:
    from ionflux.core.clock import new_id

    ev = PlatformEvent(event_id=new_id(), event_type="ionflux.sync.workspace.loaded", event_timestamp=utcnow(),
                       source_service_name="SyncService", workspace_id=workspace_id, user_id=None,
                       correlation_id=None, payload_schema_version="v1.0",
                       payload_json={"workspace_id": str(workspace_id), "rows": rows})
    ev.remote = True  # type: ignore[attr-defined]
    return ev
