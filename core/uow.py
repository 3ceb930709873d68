"""The unit of work: every state change writes its rows and its outbox events in one transaction.

Outbox records are not written by services by hand. A ``before_flush`` hook on the unit of
work's session turns every new, changed and deleted row of a synced model into a
``PlatformEvent`` added to the same flush, so a change without its event (or an event without
its change) cannot exist: both commit together or neither does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from ionflux.core.clock import new_id, utcnow
from ionflux.core.errors import IonfluxError
from ionflux.core.hlc import HybridClock
from ionflux.core.models import (
    Base,
    CanvasBlock,
    CanvasPage,
    ChatChannel,
    ChatMessage,
    PlatformEvent,
    Prompt,
    PromptLibrary,
    PromptVersion,
    User,
    Workspace,
)
from ionflux.core.models.sync import SyncClock  # noqa: F401  (registers the sync tables)
from ionflux.core.serialize import json_value, row_to_json
from ionflux.core.sync_state import ChangeStamper

#: Fields that never leave the device in an event or an export.
PRIVATE_FIELDS: dict[type, frozenset[str]] = {User: frozenset({"password_hash"})}

SOURCE_SERVICES = {
    "user": "UserService",
    "workspace": "WorkspaceService",
    "brand": "BrandService",
    "creator": "CreatorService",
    "prompt": "PromptLibraryService",
    "agent": "AgentService",
    "playbook": "PlaybookService",
    "canvas": "CanvasService",
    "chat": "ChatService",
}

#: How a row without its own workspace_id finds its workspace: (foreign key, parent model).
_PARENTS: dict[type, tuple[str, type]] = {
    CanvasBlock: ("page_id", CanvasPage),
    ChatMessage: ("channel_id", ChatChannel),
    Prompt: ("library_id", PromptLibrary),
    PromptVersion: ("prompt_id", Prompt),
}


T = TypeVar("T", bound=Base)


class StoreSession(Session):
    """The session class of the store; its flush hook records the outbox."""


class ReadOnlySessionError(IonfluxError):
    """A write was attempted outside a unit of work."""


class UnitOfWork:
    """One transaction of domain changes, made through :attr:`session`.

    Args:
        session: The session, already inside its transaction.
        user_id: The acting user, stamped on every event.
        correlation_id: Ties the events of one user action together.
        record_outbox: False only for the sync apply path, so remote changes never echo.
        clock: The store's hybrid logical clock; when given, every entity event is stamped
            (``payload_json["hlc"]``) and its field clocks and text CRDT are recorded.

    """

    def __init__(
        self,
        session: Session,
        *,
        user_id: uuid.UUID | None,
        correlation_id: uuid.UUID | None,
        record_outbox: bool = True,
        clock: HybridClock | None = None,
    ) -> None:
        self.session = session
        self.stamper = ChangeStamper(session, clock) if clock is not None else None
        self.user_id = user_id
        self.correlation_id = correlation_id or new_id()
        self.record_outbox = record_outbox
        self.events: list[PlatformEvent] = []
        self.bulk_events: list[dict[str, Any]] = []
        self._after_commit: list[Callable[[], None]] = []
        self._workspace_cache: dict[tuple[type, Any], uuid.UUID | None] = {}
        session.info["uow"] = self

    def add(self, obj: T) -> T:
        """Stage a new row."""
        self.session.add(obj)
        return obj

    def delete(self, obj: Base) -> None:
        """Stage a row's deletion."""
        self.session.delete(obj)

    def flush(self) -> None:
        """Write staged changes now (inside the transaction), e.g. to see constraint errors early."""
        self.session.flush()

    def emit(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        workspace_id: uuid.UUID | None = None,
        source_service_name: str = "AgentService",
    ) -> PlatformEvent:
        """Record a domain event (``ionflux.agent.run.completed``...) in this transaction's outbox."""
        ev = PlatformEvent(
            event_id=new_id(),
            event_type=event_type,
            event_timestamp=utcnow(),
            source_service_name=source_service_name,
            workspace_id=workspace_id,
            user_id=self.user_id,
            correlation_id=self.correlation_id,
            payload_schema_version="v1.0",
            payload_json=payload,
        )
        if self.record_outbox:
            self.session.add(ev)
        self.events.append(ev)
        return ev

    def bulk_insert(self, model: type[Base], rows: list[dict[str, Any]], *, workspace_id: uuid.UUID | None) -> None:
        """Insert many new rows of one model with two executemany calls: the rows, then their events.

        The fast path for imports and large batches; it writes exactly what ``add`` would, but
        skips building ORM objects. ``rows`` must carry every column value (ids included).
        """
        if not rows:
            return
        self.session.execute(insert(model), rows)
        prefix = model.__event_prefix__
        if not self.record_outbox or prefix is None:
            return
        private = PRIVATE_FIELDS.get(model, frozenset())
        keys = [a.key for a in inspect(model).column_attrs if a.key not in private]
        service = SOURCE_SERVICES.get(prefix.split(".")[1], "IonfluxDesktop")
        now = utcnow()
        extras = (self.stamper.stamp_created_rows(model.__tablename__, rows) if self.stamper is not None
                  else [{} for _ in rows])
        events = [
            {
                "event_id": new_id(),
                "event_type": f"{prefix}.created",
                "event_timestamp": now,
                "source_service_name": service,
                "workspace_id": workspace_id,
                "user_id": self.user_id,
                "correlation_id": self.correlation_id,
                "payload_schema_version": "v1.0",
                "payload_json": {
                    "entity": model.__tablename__,
                    "id": str(row["id"]),
                    "op": "created",
                    "data": {k: json_value(row.get(k)) for k in keys},
                    **extra,
                },
                "sent_at": None,
            }
            for row, extra in zip(rows, extras, strict=True)
        ]
        if self.stamper is not None:
            self.stamper.finish()
        self.session.execute(insert(PlatformEvent), events)
        self.bulk_events.extend(events)

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(fn)

    def run_after_commit(self) -> None:
        for fn in self._after_commit:
            fn()

    # -- outbox recording -------------------------------------------------------------------

    def workspace_of(self, obj: Base) -> uuid.UUID | None:
        """The workspace a row belongs to, following parents where the row has no workspace_id."""
        if isinstance(obj, Workspace):
            return obj.id
        ws = getattr(obj, "workspace_id", None)
        if ws is not None or type(obj) not in _PARENTS:
            return ws
        fk, parent_model = _PARENTS[type(obj)]
        return self._workspace_by_id(parent_model, getattr(obj, fk))

    def _workspace_by_id(self, model: type, key: Any) -> uuid.UUID | None:
        cache_key = (model, key)
        if cache_key not in self._workspace_cache:
            parent = next((o for o in self.session.new if type(o) is model and o.id == key), None)
            if parent is None:
                with self.session.no_autoflush:
                    parent = self.session.get(model, key)
            self._workspace_cache[cache_key] = self.workspace_of(parent) if parent is not None else None
        return self._workspace_cache[cache_key]

    def record_changes(self, session: Session) -> None:
        """Turn pending row changes into outbox events (called from ``before_flush``)."""
        now = utcnow()
        for obj in list(session.new):
            if _prefix(obj) is None:
                continue
            _apply_python_defaults(obj)
            self._entity_event(obj, "created", row_to_json(obj, _public_keys(obj)))
        for obj in list(session.dirty):
            if _prefix(obj) is None or not session.is_modified(obj, include_collections=False):
                continue
            changed = _changed_keys(obj)
            if not changed:
                continue
            if "updated_at" in inspect(type(obj)).column_attrs and "updated_at" not in changed:
                obj.updated_at = now  # type: ignore[attr-defined]
                changed.append("updated_at")
            public = [k for k in changed if k not in PRIVATE_FIELDS.get(type(obj), ())]
            if public:
                self._entity_event(obj, "updated", row_to_json(obj, public))
        for obj in list(session.deleted):
            if _prefix(obj) is not None:
                self._entity_event(obj, "deleted", {})
        if self.stamper is not None:
            self.stamper.finish()

    def _entity_event(self, obj: Base, op: str, data: dict[str, Any]) -> None:
        prefix = _prefix(obj)
        assert prefix is not None
        key = inspect(obj).identity[0] if inspect(obj).identity else obj.id
        payload = {"entity": type(obj).__tablename__, "id": str(key), "op": op, "data": data}
        if self.stamper is not None:
            payload.update(self.stamper.stamp(type(obj).__tablename__, str(key), op, data, obj))
        domain = prefix.split(".")[1]
        self.emit(
            f"{prefix}.{op}",
            payload,
            workspace_id=self.workspace_of(obj),
            source_service_name=SOURCE_SERVICES.get(domain, "IonfluxDesktop"),
        )


def _prefix(obj: Any) -> str | None:
    return getattr(type(obj), "__event_prefix__", None)


def _public_keys(obj: Base) -> list[str]:
    private = PRIVATE_FIELDS.get(type(obj), frozenset())
    return [a.key for a in inspect(type(obj)).column_attrs if a.key not in private]


def _changed_keys(obj: Base) -> list[str]:
    state = inspect(obj)
    return [a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()]


def _apply_python_defaults(obj: Base) -> None:
    """Fill client-side column defaults now, so the 'created' event carries the real values."""
    for attr in inspect(type(obj)).column_attrs:
        col = attr.columns[0]
        default = col.default
        if default is None or getattr(obj, attr.key) is not None:
            continue
        if default.is_scalar:
            setattr(obj, attr.key, default.arg)
        elif default.is_callable:
            setattr(obj, attr.key, default.arg(None))


@event.listens_for(StoreSession, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None:
        if session.info.get("readonly") and (session.new or session.dirty or session.deleted):
            raise ReadOnlySessionError("writes must go through store.unit_of_work()")
        return
    if uow.record_outbox:
        uow.record_changes(session)
