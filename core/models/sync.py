"""Sync metadata kept beside the data: field clocks, text CRDT state, pull cursors, dead letters.

None of it is synced as rows of its own; the sync module reads and writes it in the same
transactions as the rows it describes, so a crash can never separate a change from its clock.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.clock import utcnow
from ionflux.core.models.base import Base
from ionflux.core.types import JSONDoc


class SyncClock(Base):
    """The HLC of every field of one synced row, and its tombstone once deleted.

    A field's clock is ``fields_json[field]`` when present, else ``base_hlc`` (the stamp of the
    row's creation); only fields written after the creation are listed. A delete keeps the row's
    last values in ``shadow_json`` so a later re-create (undo) merges exactly as if the row had
    never left.
    """

    __tablename__ = "sync_clocks"

    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    row_id: Mapped[str] = mapped_column(Text, primary_key=True)
    base_hlc: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fields_json: Mapped[dict[str, str] | None] = mapped_column(JSONDoc)
    deleted_hlc: Mapped[str | None] = mapped_column(Text)
    shadow_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)


class SyncDoc(Base):
    """The CRDT (Yrs) state of one text field: the source of truth the rendered text comes from."""

    __tablename__ = "sync_docs"

    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    row_id: Mapped[str] = mapped_column(Text, primary_key=True)
    field: Mapped[str] = mapped_column(Text, primary_key=True)
    state: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class SyncCursor(Base):
    """How far this device has applied a workspace's server change log (None: needs a snapshot)."""

    __tablename__ = "sync_cursors"

    workspace_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class SyncDeadLetter(Base):
    """Input that was refused (malformed, forged, not ours, rejected by the backend), kept for inspection."""

    __tablename__ = "sync_dead_letters"
    __table_args__ = (
        Index("idx_sync_dead_letters_event_id", "event_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    workspace_id: Mapped[uuid.UUID | None] = mapped_column()
    event_id: Mapped[str | None] = mapped_column(Text)
    raw_text: Mapped[str | None] = mapped_column(Text)
