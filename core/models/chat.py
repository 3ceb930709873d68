"""Chat dock channels (the seed's ChatDockChannel) and their messages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.clock import utcnow
from ionflux.core.enums import ChannelType, MessageContentType, SenderType
from ionflux.core.models.base import Base, created_column, enum_type, id_column, updated_column
from ionflux.core.types import JSONDoc, UUIDArray


class ChatChannel(Base):
    __tablename__ = "chat_channels"
    __event_prefix__ = "ionflux.chat.channel"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        Index("idx_chat_channels_workspace_id", "workspace_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    type: Mapped[ChannelType] = mapped_column(enum_type(ChannelType), nullable=False, default=ChannelType.PUBLIC)
    description_text: Mapped[str | None] = mapped_column(Text)
    member_user_ids_array: Mapped[list[uuid.UUID] | None] = mapped_column(UUIDArray)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __event_prefix__ = "ionflux.chat.message"
    __table_args__ = (
        Index("idx_chat_messages_channel_id", "channel_id"),
        Index("idx_chat_messages_thread_id", "thread_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    channel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chat_channels.id", ondelete="CASCADE"), nullable=False)
    sender_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    sender_type: Mapped[SenderType] = mapped_column(enum_type(SenderType), nullable=False)
    content_type: Mapped[MessageContentType] = mapped_column(
        enum_type(MessageContentType), nullable=False, default=MessageContentType.TEXT
    )
    content_json: Mapped[dict[str, Any]] = mapped_column(JSONDoc, nullable=False)
    thread_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chat_messages.id", ondelete="CASCADE"))
    reactions_json_array: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    read_by_user_ids_array: Mapped[list[uuid.UUID] | None] = mapped_column(UUIDArray)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime | None] = mapped_column(onupdate=utcnow)
