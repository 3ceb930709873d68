"""Users and the workspaces they own or belong to."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.enums import WorkspaceStatus
from ionflux.core.models.base import Base, created_column, enum_type, id_column, updated_column
from ionflux.core.types import JSONDoc, UUIDArray


class User(Base):
    __tablename__ = "users"
    __event_prefix__ = "ionflux.user"

    id: Mapped[uuid.UUID] = id_column()
    email: Mapped[str] = mapped_column(Text, unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    profile_info_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    stripe_customer_id: Mapped[str | None] = mapped_column(Text)
    payment_provider_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Workspace(Base):
    __tablename__ = "workspaces"
    __event_prefix__ = "ionflux.workspace"
    __table_args__ = (
        UniqueConstraint("owner_user_id", "name"),
        Index("idx_workspaces_owner_user_id", "owner_user_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    name: Mapped[str] = mapped_column(Text, nullable=False)
    owner_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    member_user_ids_array: Mapped[list[uuid.UUID] | None] = mapped_column(UUIDArray)
    settings_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    status: Mapped[WorkspaceStatus] = mapped_column(
        enum_type(WorkspaceStatus), nullable=False, default=WorkspaceStatus.ACTIVE
    )
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()

    def member_ids(self) -> set[uuid.UUID]:
        """Everyone who may reach this workspace: the owner and the listed members."""
        return {self.owner_user_id, *(self.member_user_ids_array or [])}
