"""Prompt libraries and their versioned prompts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.models.base import Base, created_column, id_column, updated_column
from ionflux.core.types import JSONDoc, TextArray


class PromptLibrary(Base):
    __tablename__ = "prompt_libraries"
    __event_prefix__ = "ionflux.prompt.library"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        Index("idx_prompt_libraries_workspace_id", "workspace_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class Prompt(Base):
    __tablename__ = "prompts"
    __event_prefix__ = "ionflux.prompt"
    __table_args__ = (Index("idx_prompts_library_id", "library_id"),)

    id: Mapped[uuid.UUID] = id_column()
    library_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("prompt_libraries.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(Text, nullable=False)
    prompt_text: Mapped[str] = mapped_column(Text, nullable=False)
    variables_schema_json_array: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    tags_array: Mapped[list[str] | None] = mapped_column(TextArray)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class PromptVersion(Base):
    """An earlier text of a prompt, kept so every edit can be looked back on."""

    __tablename__ = "prompt_versions"
    __event_prefix__ = "ionflux.prompt.version"
    __table_args__ = (UniqueConstraint("prompt_id", "version"),)

    id: Mapped[uuid.UUID] = id_column()
    prompt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    prompt_text: Mapped[str] = mapped_column(Text, nullable=False)
    variables_schema_json_array: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_column()
