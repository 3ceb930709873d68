"""The local store: one SQLite file, migrated on open, written only through units of work."""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ionflux.core import migrate
from ionflux.core.bus import EventBus
from ionflux.core.db import APPLICATION_ID, DB_FILENAME, check_database_file, create_sqlite_engine
from ionflux.core.errors import ConflictError, StoreError
from ionflux.core.hlc import HybridClock
from ionflux.core.models import LocalSetting, PlatformEvent
from ionflux.core.uow import StoreSession, UnitOfWork

log = logging.getLogger(__name__)


class Store:
    """The local SQLite mirror of everything the user can reach.

    Args:
        data_dir: Folder holding ``ionflux.db`` (created if missing).
        bus: Where committed events are published; a new bus if not given.

    """

    def __init__(self, data_dir: Path, bus: EventBus | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_FILENAME
        self.bus = bus or EventBus()
        #: Stamps every local change (node id and high-water mark are read from the database).
        self.clock = HybridClock()
        existed = self._prepare_file()
        self.engine: Engine = create_sqlite_engine(self.path)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._migrate(existed)
        self._read_factory = sessionmaker(self.engine, class_=StoreSession, expire_on_commit=False)
        self._write_factory = sessionmaker(self._writer, class_=StoreSession, expire_on_commit=False)
        # Writers of this process queue here rather than in SQLite's busy handler, which polls with
        # growing sleeps and lets a writer committing batch after batch starve the others.
        self._write_turn = threading.RLock()

    def _prepare_file(self) -> bool:
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise StoreError("is a file, not a folder; pass a folder as --data-dir", where=str(self.data_dir))
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data folder: {exc.strerror}", where=str(self.data_dir)) from None
        return check_database_file(self.path)

    def _migrate(self, existed: bool) -> None:
        head = migrate.head_revision()
        try:
            with self.engine.connect() as conn:
                current = migrate.current_revision(conn)
                if current == head:
                    return
                if current is not None and current not in migrate.known_revisions():
                    raise StoreError(
                        f"was written by a newer IONFLUX (schema {current}); update IONFLUX to open it",
                        where=str(self.path),
                    )
                if existed and current is not None:
                    backup = self._backup(current)
                    log.info("upgrading %s from %s to %s (backup: %s)", self.path, current, head, backup)
                migrate.upgrade(conn)
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                conn.commit()
        except OperationalError as exc:
            raise StoreError(f"cannot open the database: {exc.orig}", where=str(self.path)) from None

    def _backup(self, revision: str) -> Path:
        """Copy the database aside before a schema upgrade, with SQLite's online backup."""
        target = self.path.with_name(f"{DB_FILENAME}.before-{revision}.bak")
        src = sqlite3.connect(self.path)
        try:
            dst = sqlite3.connect(target)
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
        return target

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session; staging a write in it raises."""
        session = self._read_factory(info={"readonly": True})
        try:
            yield session
        finally:
            session.close()  # ends the transaction; unlike rollback() it leaves loaded rows usable

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold this process's write turn: for writers outside :meth:`unit_of_work` (the scheduler's job store)."""
        with self._write_turn:
            yield

    @contextmanager
    def unit_of_work(
        self,
        *,
        user_id: uuid.UUID | None = None,
        correlation_id: uuid.UUID | None = None,
        record_outbox: bool = True,
    ) -> Iterator[UnitOfWork]:
        """One write transaction: rows and their outbox events commit together or not at all.

        After commit the events go to the bus, then ``after_commit`` callbacks run.

        Raises:
            ConflictError: a uniqueness or reference rule was broken; nothing was written.

        """
        session = self._write_factory()
        uow = UnitOfWork(session, user_id=user_id, correlation_id=correlation_id, record_outbox=record_outbox,
                         clock=self.clock)
        try:
            with self._write_turn, session.begin():
                yield uow
        except IntegrityError as exc:
            raise ConflictError(_describe_integrity(exc)) from None
        finally:
            session.close()
        self.bus.publish(uow.events)
        if uow.bulk_events and self.bus.has_subscribers():
            self.bus.publish(PlatformEvent(**row) for row in uow.bulk_events)
        uow.run_after_commit()

    # -- device-local settings --------------------------------------------------------------

    def get_local(self, key: str, default: Any = None) -> Any:
        with self.read() as s:
            row = s.get(LocalSetting, key)
            return default if row is None else row.value_json

    def set_local(self, key: str, value: Any) -> None:
        """Set a device-local value; None removes it."""
        with self.unit_of_work(record_outbox=False) as uow:
            row = uow.session.get(LocalSetting, key)
            if value is None:
                if row is not None:
                    uow.delete(row)
            elif row is None:
                uow.add(LocalSetting(key=key, value_json=value))
            else:
                row.value_json = value

    def pending_outbox_count(self) -> int:
        with self.read() as s:
            return s.scalar(select(func.count()).select_from(PlatformEvent).where(PlatformEvent.sent_at.is_(None))) or 0

    def close(self) -> None:
        self.engine.dispose()


def _describe_integrity(exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "UNIQUE constraint failed" in text:
        cols = text.split("UNIQUE constraint failed:", 1)[1].strip()
        return f"already exists (unique: {cols})"
    if "FOREIGN KEY constraint failed" in text:
        return "refers to something that does not exist (or is still referenced)"
    if "CHECK constraint failed" in text:
        return f"a value is out of range ({text.split(':', 1)[-1].strip()})"
    if "NOT NULL constraint failed" in text:
        return f"a required field is missing ({text.split(':', 1)[-1].strip()})"
    return text
