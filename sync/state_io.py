"""Reading and writing rows, clocks and documents of one replica for the merge engine.

:class:`LocalIO` works on a device's SQLite store (inside a unit of work that records no
outbox); :class:`ServerIO` on the backend's PostgreSQL (as the device's own role, so row-level
security applies to every statement, and rows are locked ``FOR UPDATE`` while merged).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, Text, any_, bindparam, cast, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ionflux.core.models.sync import SyncClock, SyncDoc
from ionflux.core.serialize import json_value, row_from_json
from ionflux.sync import server_tables as st
from ionflux.sync.engine import Key, RowRefusedError, WriteBatch
from ionflux.sync.entities import LOCAL_DEFAULTS, MODELS, columns, decode_id
from ionflux.sync.merge import Clock, RowState


class SqlIO:
    """The engine's view of one database (see :class:`ionflux.sync.engine.StateIO`).

    Args:
        conn: A session (SQLite store) or connection (PostgreSQL), inside its transaction.
        clocks: The clock table. docs: The document table.
        server: True on the backend (locks rows, keeps workspace ids, checks row counts).

    """

    def __init__(self, conn: Session | Connection, clocks: Table, docs: Table, *, server: bool) -> None:
        self.conn = conn
        self.clocks = clocks
        self.docs = docs
        self.server = server
        self._insert = postgresql.insert if server else sqlite.insert

    @contextmanager
    def savepoint(self) -> Iterator[Any]:
        with self.conn.begin_nested() as sp:
            yield sp

    def load(self, keys: Iterable[Key]) -> dict[Key, RowState]:
        by_table: dict[str, list[str]] = defaultdict(list)
        for table, row_id in keys:
            by_table[table].append(row_id)
        out: dict[Key, RowState] = {}
        for table, ids in by_table.items():
            t = MODELS[table].__table__
            q = select(t).where(self._among(t.c.id, self._keys(table, ids)))
            if self.server:
                q = q.with_for_update()
            names = [n for n in columns(table) if n in t.c]
            for row in self.conn.execute(q).mappings():
                data = {n: json_value(row[n]) for n in names if n not in LOCAL_DEFAULTS.get(table, {})}
                out[(table, str(row["id"]))] = RowState(data=data)
            c = self.clocks.c
            for row in self.conn.execute(select(self.clocks).where(c.entity == table,
                                                                    self._among(c.row_id, ids))).mappings():
                state = out.setdefault((table, row["row_id"]), RowState())
                state.clock = Clock(row["base_hlc"], dict(row["fields_json"] or {}), row["deleted_hlc"],
                                    row["shadow_json"])
            d = self.docs.c
            for row in self.conn.execute(select(self.docs).where(d.entity == table,
                                                                  self._among(d.row_id, ids))).mappings():
                out.setdefault((table, row["row_id"]), RowState()).docs[row["field"]] = bytes(row["state"])
        return out

    def existing(self, table: str, ids: set[str]) -> set[str]:
        t = MODELS[table].__table__
        found = self.conn.execute(select(t.c.id).where(self._among(t.c.id, self._keys(table, list(ids)))))
        return {str(i) for i in found.scalars()}

    def _keys(self, table: str, ids: list[str]) -> list[Any]:
        """Ids as the query needs them: text on PostgreSQL (cast there), decoded values on SQLite."""
        return list(ids) if self.server else [decode_id(table, i) for i in ids]

    def _among(self, col: Any, values: list[Any]) -> Any:
        """``col IN values``: one text-array parameter cast by PostgreSQL (thousands of binds are slow to build)."""
        if self.server:
            return col == any_(cast(bindparam(None, [str(v) for v in values], type_=ARRAY(Text)), ARRAY(col.type)))
        return col.in_(values)

    def write(self, batch: WriteBatch) -> None:
        for table in batch.insert_tables():
            model = MODELS[table]
            if self.server:
                json_insert(self.conn, model.__table__, batch.inserts[table])
                continue
            rows = [{**LOCAL_DEFAULTS.get(table, {}), **row_from_json(model, r, where=table)}
                    for r in batch.inserts[table]]
            self.conn.execute(insert(model.__table__), rows)
        for table, changes in batch.updates.items():
            self._update(table, changes)
        for table, row_id in batch.deletes:
            t = MODELS[table].__table__
            res = self.conn.execute(delete(t).where(t.c.id == decode_id(table, row_id)))
            if self.server and res.rowcount != 1:
                raise RowRefusedError(f"{table} {row_id} cannot be deleted by this user")
        if batch.clocks:
            self._upsert(self.clocks, ["entity", "row_id"], [
                {"entity": k[0], "row_id": k[1], "base_hlc": c.base, "fields_json": c.fields or None,
                 "deleted_hlc": c.deleted, "shadow_json": c.shadow,
                 **({"workspace_id": str(ws) if ws else None} if self.server else {})}
                for k, c, ws in batch.clocks])
        if batch.docs:
            self._upsert(self.docs, ["entity", "row_id", "field"], [
                {"entity": k[0], "row_id": k[1], "field": f, "state": "\\x" + s.hex() if self.server else s,
                 **({"workspace_id": str(ws) if ws else None} if self.server else {})} for k, f, s, ws in batch.docs])

    def _update(self, table: str, changes: list[tuple[str, dict[str, Any]]]) -> None:
        model = MODELS[table]
        t = model.__table__
        groups: dict[tuple[str, ...], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for row_id, values in changes:
            groups[tuple(sorted(values))].append((row_id, values))
        if self.server:
            for cols, items in groups.items():
                json_update(self.conn, t, cols, [{**v, "id": rid} for rid, v in items])
            return
        keep = {c.key: c for c in t.columns if c.onupdate is not None}  # never let "onupdate" restamp a merge
        for cols, items in groups.items():
            params = [{"_pk": decode_id(table, rid), **{f"v_{k}": v for k, v in row_from_json(
                model, values, where=table).items()}} for rid, values in items]
            values: dict[str, Any] = {k: col for k, col in keep.items() if k not in cols}
            values.update({c: bindparam(f"v_{c}") for c in cols})
            self.conn.execute(update(t).where(t.c.id == bindparam("_pk")).values(values), params)

    def _upsert(self, table: Table, pk: list[str], rows: list[dict[str, Any]]) -> None:
        if self.server:
            json_insert(self.conn, table, rows, conflict=pk)
            return
        stmt = self._insert(table)
        self.conn.execute(stmt.on_conflict_do_update(
            index_elements=pk, set_={c: stmt.excluded[c] for c in rows[0] if c not in pk}), rows)


def json_insert(conn: Any, table: Table, rows: list[dict[str, Any]], *, conflict: list[str] | None = None) -> None:
    """Insert (or upsert) JSON-form rows with one statement per chunk, typed by PostgreSQL itself.

    ``jsonb_populate_recordset`` turns the JSON into the table's row type on the server: no bind
    parameter per value (cheap to send, cheap to build) and row security evaluated per statement.
    """
    cols = list(rows[0])
    names = ", ".join(f'"{c}"' for c in cols)
    sql = (f"INSERT INTO {table.fullname} ({names}) SELECT {names} FROM "
           f"jsonb_populate_recordset(NULL::{table.fullname}, CAST(:rows AS jsonb))")
    if conflict:
        sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in cols if c not in conflict)
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {sets}"
    for chunk in _chunks(rows, 5000):
        conn.execute(text(sql), {"rows": json.dumps(chunk, default=str)})


def json_update(conn: Any, table: Table, cols: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Update columns ``cols`` of JSON-form rows (each with its ``id``); refuse if any row was not reachable."""
    sets = ", ".join(f'"{c}" = v."{c}"' for c in cols)
    sql = (f"UPDATE {table.fullname} AS t SET {sets} FROM jsonb_populate_recordset(NULL::{table.fullname}, "
           f"CAST(:rows AS jsonb)) AS v WHERE t.id = v.id RETURNING t.id")
    for chunk in _chunks(rows, 5000):
        done = conn.execute(text(sql), {"rows": json.dumps(chunk, default=str)}).all()
        if len(done) != len(chunk):
            missing = {str(r["id"]) for r in chunk} - {str(r[0]) for r in done}
            raise RowRefusedError(f"{table.name} {sorted(missing)[:3]} cannot be changed by this user")


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def local_io(session: Session) -> SqlIO:
    return SqlIO(session, SyncClock.__table__, SyncDoc.__table__, server=False)


def server_io(conn: Connection) -> SqlIO:
    return SqlIO(conn, st.clocks, st.docs, server=True)
