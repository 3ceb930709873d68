"""Outbox events written before sync existed (schema < 0005) get their HLC stamp just before their first push.

Such events carry no ``hlc`` and their rows have no field clocks or text documents. This device
is necessarily their only holder (nothing synced before), so stamping them now, in outbox
order, and creating the documents from its own text is sound: every other replica will receive
those documents rather than build its own.
"""

from __future__ import annotations

from sqlalchemy import select

from ionflux.core.models import PlatformEvent
from ionflux.core.store import Store
from ionflux.core.sync_state import ChangeStamper
from ionflux.sync.entities import MODELS, decode_id


def needs_stamp(row: PlatformEvent) -> bool:
    payload = row.payload_json or {}
    return "entity" in payload and "hlc" not in payload and payload.get("entity") in MODELS


def stamp_legacy(store: Store, seqs: list[int]) -> None:
    """Stamp those of the outbox events ``seqs`` that need it, recording clocks and documents as a live edit would."""
    with store.unit_of_work(record_outbox=False) as uow:
        s = uow.session
        stamper = ChangeStamper(s, store.clock)
        for row in s.scalars(select(PlatformEvent).where(PlatformEvent.seq.in_(seqs)).order_by(PlatformEvent.seq)):
            if not needs_stamp(row):
                continue
            payload = dict(row.payload_json)
            model = MODELS[payload["entity"]]
            obj = s.get(model, decode_id(payload["entity"], payload["id"]))
            if obj is None:  # deleted since: its last values are unknown, the tombstone has none
                obj = model(id=decode_id(payload["entity"], payload["id"]))
            payload.update(stamper.stamp(payload["entity"], payload["id"], payload["op"], payload["data"], obj))
            row.payload_json = payload
        stamper.finish()
