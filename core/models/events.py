"""The PlatformEvent envelope, stored as the local outbox, and device-local settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.clock import new_id, utcnow
from ionflux.core.models.base import Base
from ionflux.core.types import JSONDoc


class PlatformEvent(Base):
    """One event of the seed's PlatformEvent schema, written in the transaction of its change.

    The row is the outbox: ``seq`` is the commit order the sync worker drains in, and
    ``sent_at`` stays empty until every destination has acknowledged the event.
    """

    __tablename__ = "platform_events"
    __table_args__ = (
        Index("idx_platform_events_pending", "sent_at", "seq"),
        Index("idx_platform_events_workspace_id", "workspace_id"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True, nullable=False, default=new_id)
    event_type: Mapped[str] = mapped_column(Text, nullable=False)
    event_timestamp: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    source_service_name: Mapped[str] = mapped_column(Text, nullable=False)
    workspace_id: Mapped[uuid.UUID | None] = mapped_column()
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    correlation_id: Mapped[uuid.UUID | None] = mapped_column()
    payload_schema_version: Mapped[str] = mapped_column(Text, nullable=False, default="v1.0")
    payload_json: Mapped[dict[str, Any]] = mapped_column(JSONDoc, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column()

    def envelope(self) -> dict[str, Any]:
        """The event as the seed's PlatformEvent JSON (what goes on the wire)."""
        return {
            "event_id": str(self.event_id),
            "event_type": self.event_type,
            "event_timestamp": self.event_timestamp.isoformat(),
            "source_service_name": self.source_service_name,
            "workspace_id": str(self.workspace_id) if self.workspace_id else None,
            "user_id": str(self.user_id) if self.user_id else None,
            "correlation_id": str(self.correlation_id) if self.correlation_id else None,
            "payload_schema_version": self.payload_schema_version,
            "payload_json": self.payload_json,
        }


class LocalSetting(Base):
    """Device-local key/value state (current user, device id). Never synced or exported."""

    __tablename__ = "local_settings"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value_json: Mapped[Any] = mapped_column(JSONDoc)
