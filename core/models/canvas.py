"""Canvas pages (nested) and the free-form blocks placed on them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.enums import BlockType, PageStatus
from ionflux.core.models.base import Base, created_column, enum_type, id_column, updated_column
from ionflux.core.types import JSONDoc


class CanvasPage(Base):
    __tablename__ = "canvas_pages"
    __event_prefix__ = "ionflux.canvas.page"
    __table_args__ = (Index("idx_canvas_pages_workspace_id", "workspace_id"),)

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    parent_page_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("canvas_pages.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(Text, nullable=False)
    icon_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[PageStatus] = mapped_column(enum_type(PageStatus), nullable=False, default=PageStatus.ACTIVE)
    #: Order among siblings (not in the seed; added so the sidebar's drag-to-reorder is kept).
    sort_index: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class CanvasBlock(Base):
    __tablename__ = "canvas_blocks"
    __event_prefix__ = "ionflux.canvas.block"
    __table_args__ = (Index("idx_canvas_blocks_page_id", "page_id"),)

    id: Mapped[uuid.UUID] = id_column()
    page_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("canvas_pages.id", ondelete="CASCADE"), nullable=False)
    type: Mapped[BlockType] = mapped_column(enum_type(BlockType), nullable=False)
    content_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    position_x: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    position_y: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    width: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    height: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    z_index: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()
