"""Sync metadata written with every local change: the HLC stamp, the field clocks, the text CRDT.

The unit of work calls a :class:`ChangeStamper` for each outbox event it records. Stamping here,
inside the transaction of the change, is what makes merging sound: a field's clock can never
disagree with the value it dates, and a text edit is diffed against the CRDT document as it is
at that very moment (computing it later, at push time, would erase remote words that arrived in
between). The rules match the merge in ``ionflux.sync.merge``: a create dates every field with
its stamp, an update dates the fields it changed, a delete leaves a tombstone with the row's
last values.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ionflux.core import crdt_text
from ionflux.core.hlc import HybridClock, new_node_id

DEVICE_ID_KEY = "sync.device_id"
HLC_KEY = "sync.hlc"

#: Text fields that merge as a CRDT: table -> (JSON column, key inside it), for rows where ``applies``.
TEXT_FIELDS: dict[str, tuple[str, str]] = {"canvas_blocks": ("content_json", "markdown_text")}


def text_field_applies(table: str, row: dict[str, Any] | Any) -> bool:
    """Whether ``row`` (a JSON dict or a model instance) holds CRDT text: text blocks only."""
    if table != "canvas_blocks":
        return False
    kind = row.get("type") if isinstance(row, dict) else getattr(row, "type", None)
    return getattr(kind, "value", kind) == "text"


def doc_key(table: str) -> str:
    column, key = TEXT_FIELDS[table]
    return f"{column}.{key}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def ensure_node(session: Session, clock: HybridClock) -> None:
    """Give the clock this device's node id (created once) and lift it to the persisted high-water mark."""
    if clock.node is None:
        node = _get_local(session, DEVICE_ID_KEY)
        if node is None:
            node = new_node_id()
            _set_local(session, DEVICE_ID_KEY, node)
        clock.node = node
    clock.observe(_get_local(session, HLC_KEY))


def persist_high(session: Session, clock: HybridClock) -> None:
    _set_local(session, HLC_KEY, clock.high())


def _get_local(session: Session, key: str) -> Any:
    raw = session.execute(text("SELECT value_json FROM local_settings WHERE key = :k"), {"k": key}).scalar()
    return None if raw is None else json.loads(raw)


def _set_local(session: Session, key: str, value: Any) -> None:
    session.execute(text("INSERT INTO local_settings (key, value_json) VALUES (:k, :v) "
                         "ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json"),
                    {"k": key, "v": json.dumps(value)})


class ChangeStamper:
    """Stamps the entity events of one unit of work and records their clocks and CRDT updates.

    Args:
        session: The unit of work's session (inside its transaction).
        clock: The store's hybrid logical clock.

    """

    def __init__(self, session: Session, clock: HybridClock) -> None:
        self.session = session
        self.clock = clock
        self._ready = False

    def _start(self) -> None:
        if not self._ready:
            ensure_node(self.session, self.clock)
            self._ready = True

    def stamp(self, table: str, row_id: str, op: str, data: dict[str, Any], obj: Any) -> dict[str, Any]:
        """Record one change of ``obj``; returns the extra payload fields (``hlc``, maybe ``crdt``)."""
        self._start()
        hlc = self.clock.now()
        extra: dict[str, Any] = {"hlc": hlc}
        if op == "created":
            self._exec("INSERT INTO sync_clocks (entity, row_id, base_hlc) VALUES (:e, :r, :h) "
                       "ON CONFLICT (entity, row_id) DO UPDATE SET base_hlc = excluded.base_hlc, "
                       "fields_json = NULL, shadow_json = NULL", {"e": table, "r": row_id, "h": hlc})
        elif op == "updated":
            fields = json.dumps({k: hlc for k in data})
            self._exec("INSERT INTO sync_clocks (entity, row_id, base_hlc, fields_json) VALUES (:e, :r, '', :f) "
                       "ON CONFLICT (entity, row_id) DO UPDATE SET "
                       "fields_json = json_patch(coalesce(fields_json, '{}'), excluded.fields_json)",
                       {"e": table, "r": row_id, "f": fields})
        else:
            from ionflux.core.serialize import row_to_json

            shadow = json.dumps(row_to_json(obj, [k for k in _public_keys(obj)]))
            self._exec("INSERT INTO sync_clocks (entity, row_id, base_hlc, deleted_hlc, shadow_json) "
                       "VALUES (:e, :r, '', :h, :s) ON CONFLICT (entity, row_id) DO UPDATE SET "
                       "deleted_hlc = max(coalesce(deleted_hlc, ''), excluded.deleted_hlc), "
                       "shadow_json = excluded.shadow_json", {"e": table, "r": row_id, "h": hlc, "s": shadow})
        if table in TEXT_FIELDS and op != "deleted" and text_field_applies(table, obj):
            column, key = TEXT_FIELDS[table]
            if column in data:
                update = self._edit_text(table, row_id, (data[column] or {}).get(key) or "")
                if update is not None:
                    extra["crdt"] = {doc_key(table): b64(update)}
        return extra

    def stamp_created_rows(self, table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The bulk-insert path of :meth:`stamp`: one executemany for the clocks of many new rows."""
        self._start()
        extras = [{"hlc": self.clock.now()} for _ in rows]
        self.session.execute(
            text("INSERT INTO sync_clocks (entity, row_id, base_hlc) VALUES (:e, :r, :h) "
                 "ON CONFLICT (entity, row_id) DO UPDATE SET base_hlc = excluded.base_hlc, "
                 "fields_json = NULL, shadow_json = NULL"),
            [{"e": table, "r": str(row["id"]), "h": extra["hlc"]} for row, extra in zip(rows, extras, strict=True)])
        if table in TEXT_FIELDS:
            column, key = TEXT_FIELDS[table]
            for row, extra in zip(rows, extras, strict=True):
                if text_field_applies(table, row):
                    update = self._edit_text(table, str(row["id"]), ((row.get(column) or {}).get(key)) or "")
                    if update is not None:
                        extra["crdt"] = {doc_key(table): b64(update)}
        return extras

    def finish(self) -> None:
        """Persist the clock's high-water mark (called once per flush that stamped something)."""
        if self._ready:
            persist_high(self.session, self.clock)

    def _edit_text(self, table: str, row_id: str, new_text: str) -> bytes | None:
        """Edit (or create) the row's document; returns the update to ship, or None if nothing changed."""
        key = doc_key(table)
        state = self.session.execute(
            text("SELECT state FROM sync_docs WHERE entity = :e AND row_id = :r AND field = :f"),
            {"e": table, "r": row_id, "f": key}).scalar()
        assert self.clock.node is not None
        if state is None:
            new_state = crdt_text.create(new_text, self.clock.node)
            update = new_state
        else:
            new_state, edit_update = crdt_text.edit(state, new_text, self.clock.node)
            if edit_update is None:
                return None
            update = edit_update
        self._exec("INSERT INTO sync_docs (entity, row_id, field, state) VALUES (:e, :r, :f, :s) "
                   "ON CONFLICT (entity, row_id, field) DO UPDATE SET state = excluded.state",
                   {"e": table, "r": row_id, "f": key, "s": new_state})
        return update

    def _exec(self, sql: str, params: dict[str, Any]) -> None:
        self.session.execute(text(sql), params)


def _public_keys(obj: Any) -> list[str]:
    from sqlalchemy import inspect

    from ionflux.core.uow import PRIVATE_FIELDS

    private = PRIVATE_FIELDS.get(type(obj), frozenset())
    return [a.key for a in inspect(type(obj)).column_attrs if a.key not in private]
