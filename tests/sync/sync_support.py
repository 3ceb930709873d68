"""Helpers for the sync tests: replica snapshots to compare, outbox reading, a log-passing harness."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from ionflux.core.crdt_text import render
from ionflux.core.models import PlatformEvent
from ionflux.core.models.sync import SyncClock, SyncDoc
from ionflux.core.store import Store
from ionflux.sync import server_tables as st
from ionflux.sync.apply import apply_events
from ionflux.sync.entities import LOCAL_DEFAULTS, MODELS, columns
from ionflux.sync.merge import Clock
from ionflux.sync.wire import Event, parse

IGNORED = {"users": {"password_hash"}}


def outbox(store: Store, *, unsent_only: bool = False) -> list[Event]:
    with store.read() as s:
        q = select(PlatformEvent).order_by(PlatformEvent.seq)
        if unsent_only:
            q = q.where(PlatformEvent.sent_at.is_(None))
        return [parse(e.envelope()) for e in s.scalars(q)]


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def rows(conn: Any, tables: list[str] | None = None, workspace_ids: set[uuid.UUID] | None = None) -> dict[str, Any]:
    """Every synced row as {table: {id: {column: value}}} (decoded values, Decimals normalised)."""
    out: dict[str, Any] = {}
    for table in tables or list(MODELS):
        if table == "agent_definitions":
            continue
        t = MODELS[table].__table__
        got = {}
        for r in conn.execute(select(t)).mappings():
            got[str(r["id"])] = {c: _norm(r[c]) for c in columns(table) if c not in LOCAL_DEFAULTS.get(table, {})}
        out[table] = got
    return out


def effective_clocks(conn: Any, live: dict[str, Any], *, server: bool = False) -> dict[tuple[str, str], Any]:
    """The clock of every field of every live row, plus the tombstones: what must agree on every replica."""
    table = st.clocks if server else SyncClock.__table__
    out: dict[tuple[str, str], Any] = {}
    for r in conn.execute(select(table)).mappings():
        clock = Clock(r["base_hlc"], dict(r["fields_json"] or {}), r["deleted_hlc"], None)
        row = live.get(r["entity"], {}).get(r["row_id"])
        if row is not None:
            out[(r["entity"], r["row_id"])] = {c: clock.of(c) for c in row}
        elif r["deleted_hlc"]:
            out[(r["entity"], r["row_id"])] = ("deleted", r["deleted_hlc"])
    return out


def texts(conn: Any, *, server: bool = False) -> dict[tuple[str, str], str]:
    table = st.docs if server else SyncDoc.__table__
    return {(r["entity"], r["row_id"]): render(bytes(r["state"])) for r in conn.execute(select(table)).mappings()}


def replica(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        live = rows(conn)
        return {"rows": live, "clocks": effective_clocks(conn, live)}


def server_replica(conn: Connection) -> dict[str, Any]:
    live = rows(conn)
    return {"rows": live, "clocks": effective_clocks(conn, live, server=True)}


class LogHarness:
    """A stand-in for the backend's change log: events appended in push order, applied by every device."""

    def __init__(self) -> None:
        self.log: list[Event] = []
        self.pushed: dict[int, int] = {}
        self.applied: dict[int, int] = {}

    def push(self, store: Store) -> None:
        events = outbox(store)
        done = self.pushed.get(id(store), 0)
        self.log.extend(events[done:])
        self.pushed[id(store)] = len(events)

    def pull(self, store: Store) -> None:
        start = self.applied.get(id(store), 0)
        result = apply_events(store, self.log[start:])
        assert result.deferred is None, result.results[-1].reason
        self.applied[id(store)] = len(self.log)


class Device:
    """One device in a test: its own data folder and store, signed in to the test backend.

    Args:
        path: The data folder.
        kafka: The broker's bootstrap address.
        postgres: The backend's URL (the administrator's, as `backend dev` hands out).
        template: A database file to start from (a seeded demo), or None for an empty device.

    """

    def __init__(self, path: Any, postgres: str, kafka: str, template: Any = None) -> None:
        import shutil

        import keyring

        from ionflux.core.secrets import SecretStore

        path.mkdir(parents=True, exist_ok=True)
        if template is not None:
            shutil.copyfile(template, path / "ionflux.db")
        self.path = path
        self.postgres = postgres
        self.kafka = kafka
        self.store = Store(path)
        self.secrets = SecretStore(keyring.get_keyring())
        self.user_id: uuid.UUID | None = None

    @property
    def ctx(self) -> Any:
        from ionflux.core.context import Context

        return Context(self.store, self.user_id)

    def login(self, email: str = "demo@ionflux.ai", password: str = "demo") -> Any:
        from ionflux.sync.accounts import login

        result = login(self.store, self.secrets, self.postgres, self.kafka, email, password)
        self.user_id = result.profile.user
        return result

    def session(self, *, use_kafka: bool = True) -> Any:
        from ionflux.sync.session import SyncSession

        return SyncSession.open(self.store, self.secrets, use_kafka=use_kafka)

    def sync(self, *, use_kafka: bool = True) -> Any:
        session = self.session(use_kafka=use_kafka)
        try:
            return session.sync_now(timeout=120)
        finally:
            session.close()

    def close(self) -> None:
        self.store.close()


def differences(a: Any, b: Any, path: str = "", limit: int = 12) -> list[str]:
    """Where two replica snapshots differ (for readable assertion messages)."""
    out: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                out.extend(differences(a.get(k), b.get(k), f"{path}/{k}", limit))
            if len(out) >= limit:
                break
    else:
        out.append(f"{path}: {a!r} != {b!r}")
    return out[:limit]


def wait_for(predicate: Any, timeout: float = 20.0, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {getattr(predicate, '__name__', predicate)}")
        time.sleep(interval)
