"""Playbooks: event-triggered, multi-step workflows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.enums import PlaybookRunStatus, PlaybookStatus
from ionflux.core.models.base import Base, created_column, enum_type, id_column, updated_column
from ionflux.core.types import JSONDoc


class Playbook(Base):
    __tablename__ = "playbooks"
    __event_prefix__ = "ionflux.playbook"
    __table_args__ = (Index("idx_playbooks_workspace_id", "workspace_id"),)

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description_text: Mapped[str | None] = mapped_column(Text)
    trigger_event_schema_json: Mapped[dict[str, Any]] = mapped_column(JSONDoc, nullable=False)
    target_audience_segment_id: Mapped[str | None] = mapped_column(Text)
    steps_json_array: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, nullable=False)
    status: Mapped[PlaybookStatus] = mapped_column(
        enum_type(PlaybookStatus), nullable=False, default=PlaybookStatus.DRAFT
    )
    performance_metrics_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class PlaybookRun(Base):
    """One execution of a playbook for one triggering event: where it is, what each step did."""

    __tablename__ = "playbook_runs"
    __event_prefix__ = "ionflux.playbook.run"
    __table_args__ = (
        Index("idx_playbook_runs_playbook_id", "playbook_id"),
        UniqueConstraint("playbook_id", "trigger_event_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    playbook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playbooks.id", ondelete="CASCADE"), nullable=False)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    trigger_event_id: Mapped[str] = mapped_column(Text, nullable=False)
    trigger_event_type: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[PlaybookRunStatus] = mapped_column(enum_type(PlaybookRunStatus), nullable=False,
                                                      default=PlaybookRunStatus.RUNNING)
    current_step_id: Mapped[str | None] = mapped_column(Text)
    resume_at: Mapped[datetime | None] = mapped_column()
    context_json: Mapped[dict[str, Any]] = mapped_column(JSONDoc, nullable=False)
    history_json: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, nullable=False)
    converted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    error_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()
