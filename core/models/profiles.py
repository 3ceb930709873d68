"""Brands and creators: the profiles a workspace markets for."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.enums import ProfileStatus
from ionflux.core.models.base import Base, created_column, enum_type, id_column, updated_column
from ionflux.core.types import JSONDoc, TextArray


class Brand(Base):
    __tablename__ = "brands"
    __event_prefix__ = "ionflux.brand"
    __table_args__ = (Index("idx_brands_workspace_id", "workspace_id"),)

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description_text: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(Text)
    target_audience_description_text: Mapped[str | None] = mapped_column(Text)
    brand_voice_guidelines_text: Mapped[str | None] = mapped_column(Text)
    visual_identity_assets_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    mood_board_urls_array: Mapped[list[str] | None] = mapped_column(TextArray)
    persona_guardian_namespace_id: Mapped[str | None] = mapped_column(Text)
    shopify_integration_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    tiktok_integration_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    status: Mapped[ProfileStatus] = mapped_column(
        enum_type(ProfileStatus), nullable=False, default=ProfileStatus.ACTIVE
    )
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Creator(Base):
    __tablename__ = "creators"
    __event_prefix__ = "ionflux.creator"
    __table_args__ = (Index("idx_creators_workspace_id", "workspace_id"),)

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    niche_tags_array: Mapped[list[str] | None] = mapped_column(TextArray)
    bio_text: Mapped[str | None] = mapped_column(Text)
    portfolio_links_array: Mapped[list[str] | None] = mapped_column(TextArray)
    audience_demographics_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    persona_guardian_namespace_id: Mapped[str | None] = mapped_column(Text)
    tiktok_integration_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    status: Mapped[ProfileStatus] = mapped_column(
        enum_type(ProfileStatus), nullable=False, default=ProfileStatus.ACTIVE
    )
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()
