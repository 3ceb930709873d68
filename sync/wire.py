"""The wire format: the seed's PlatformEvent envelope, checked in full before anything is applied.

An entity change carries ``payload_json = {entity, id, op, data, hlc[, crdt]}``; anything else
with a valid envelope is a domain event (``ionflux.agent.run.completed``...), which is relayed
but changes no row. Topics follow the seed: ``ionflux.<domain>.workspace_<id>.<stream>``.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.core.hlc import is_stamp
from ionflux.core.serialize import row_from_json
from ionflux.core.uow import PRIVATE_FIELDS
from ionflux.sync.entities import MODELS, decode_id

SUPPORTED_VERSIONS = frozenset({"v1.0"})
OPS = frozenset({"created", "updated", "deleted"})
#: Topic domains created for every workspace (one per event_type family of the data model).
DOMAINS = ("user", "workspace", "brand", "creator", "prompt", "agent", "playbook", "canvas", "chat", "shopify")
#: The stream part of a domain's topic; the Shopify feed is the one the sales sentinel reads.
STREAMS = {"shopify": "events_raw"}
DEFAULT_STREAM = "events"
_PRIVATE = {m.__tablename__: cols for m, cols in PRIVATE_FIELDS.items()}
_ENVELOPE_KEYS = ("event_id", "event_type", "event_timestamp", "source_service_name", "workspace_id", "user_id",
                  "correlation_id", "payload_schema_version", "payload_json")


class WireError(IonfluxError):
    """An event that must not be applied (malformed, unknown version, forged...): it is quarantined."""


@dataclass(frozen=True)
class Event:
    """A valid envelope. ``entity`` is None for a domain event that changes no row."""

    event_id: uuid.UUID
    event_type: str
    workspace_id: uuid.UUID | None
    user_id: uuid.UUID | None
    envelope: dict[str, Any]
    entity: str | None = None
    row_id: str = ""
    op: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    hlc: str = ""
    crdt: dict[str, bytes] = field(default_factory=dict)
    encoded: bytes | None = field(default=None, compare=False)  # the envelope's bytes, when already at hand

    @property
    def key(self) -> tuple[str, str]:
        assert self.entity is not None
        return (self.entity, self.row_id)


def encode(envelope: dict[str, Any]) -> bytes:
    """The bytes of an envelope on Kafka: compact UTF-8 JSON, fields in the seed's order."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def parse(raw: bytes | str | dict[str, Any], *, trusted: bool = False, encoded: bytes | None = None) -> Event:
    """Check an envelope completely and return it as an :class:`Event`.

    ``trusted`` (this device's own outbox) skips decoding every column value; the shape, the
    stamp and the ids are still checked. ``encoded`` is kept with the event (its wire bytes).

    Raises:
        WireError: what is wrong with it, in one line (the event is then quarantined).

    """
    try:
        doc = json.loads(raw) if isinstance(raw, bytes | str) else raw
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise WireError("not a JSON object")
    missing = [k for k in _ENVELOPE_KEYS if k not in doc]
    if missing:
        raise WireError(f"missing {', '.join(missing)}")
    version = doc["payload_schema_version"]
    if version not in SUPPORTED_VERSIONS:
        raise WireError(f"unknown payload_schema_version {version!r}")
    event_type = doc["event_type"]
    if not isinstance(event_type, str) or not event_type.startswith("ionflux.") or event_type.count(".") < 2:
        raise WireError(f"bad event_type {event_type!r}")
    try:
        if not trusted:
            datetime.fromisoformat(str(doc["event_timestamp"]))
    except ValueError:
        raise WireError(f"bad event_timestamp {doc['event_timestamp']!r}") from None
    event_id = _uuid(doc["event_id"], "event_id", required=True)
    assert event_id is not None
    ws = _uuid(doc["workspace_id"], "workspace_id")
    user = _uuid(doc["user_id"], "user_id")
    if not trusted:
        _uuid(doc["correlation_id"], "correlation_id")
    payload = doc["payload_json"]
    if not isinstance(payload, dict):
        raise WireError("payload_json is not an object")
    if "entity" not in payload:
        return Event(event_id, event_type, ws, user, doc, encoded=encoded)
    event = _entity_event(doc, event_id, event_type, ws, user, payload, trusted)
    if encoded is not None:
        object.__setattr__(event, "encoded", encoded)
    return event


def _entity_event(doc: dict[str, Any], event_id: uuid.UUID, event_type: str, ws: uuid.UUID | None,
                  user: uuid.UUID | None, payload: dict[str, Any], trusted: bool) -> Event:
    entity, op, row_id, data, hlc = (payload.get(k) for k in ("entity", "op", "id", "data", "hlc"))
    if entity not in MODELS:
        raise WireError(f"unknown entity {entity!r}")
    if op not in OPS:
        raise WireError(f"unknown op {op!r}")
    if not event_type.endswith("." + op):
        raise WireError(f"event_type {event_type} does not match op {op}")
    if not isinstance(row_id, str) or not isinstance(data, dict):
        raise WireError("payload needs a text id and a data object")
    if not is_stamp(hlc):
        raise WireError(f"bad or missing hlc {hlc!r}")
    private = set(data) & _PRIVATE.get(entity, frozenset())
    if private:
        raise WireError(f"carries private fields {sorted(private)}")
    if op == "created" and str(data.get("id")) != row_id:
        raise WireError("created data does not carry its own id")
    try:
        if not trusted:
            decode_id(entity, row_id)
            row_from_json(MODELS[entity], data, where=entity)
    except ValidationError as exc:
        raise WireError(exc.one_line()) from None
    crdt: dict[str, bytes] = {}
    raw_crdt = payload.get("crdt") or {}
    if not isinstance(raw_crdt, dict):
        raise WireError("crdt is not an object")
    for key, value in raw_crdt.items():
        try:
            crdt[str(key)] = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            raise WireError(f"crdt.{key} is not base64") from None
    return Event(event_id, event_type, ws, user, doc, entity, row_id, op, data, hlc, crdt)


def _uuid(value: Any, name: str, *, required: bool = False) -> uuid.UUID | None:
    if value is None and not required:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise WireError(f"{name} {value!r} is not a UUID") from None


def domain(event_type: str) -> str:
    """The topic domain of an event type: ``ionflux.canvas.block.updated`` -> ``canvas``."""
    return event_type.split(".")[1]


def topic(domain_name: str, workspace_id: uuid.UUID) -> str:
    """``ionflux.<domain>.workspace_<id>.<stream>`` (the seed's naming)."""
    return f"ionflux.{domain_name}.workspace_{workspace_id}.{STREAMS.get(domain_name, DEFAULT_STREAM)}"


def workspace_topics(workspace_id: uuid.UUID) -> list[str]:
    return [topic(d, workspace_id) for d in DOMAINS]


def topic_workspace(name: str) -> uuid.UUID | None:
    """The workspace a topic belongs to, or None when the name does not follow the scheme."""
    parts = name.split(".")
    if len(parts) != 4 or parts[0] != "ionflux" or not parts[2].startswith("workspace_"):
        return None
    try:
        return uuid.UUID(parts[2].removeprefix("workspace_"))
    except ValueError:
        return None
