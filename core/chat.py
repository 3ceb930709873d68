"""Chat dock: channels of the seed's four types, messages with threads, reactions and read receipts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select

from ionflux.core import validation as v
from ionflux.core.clock import new_id, utcnow
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from ionflux.core.models import ChannelType, ChatChannel, ChatMessage, MessageContentType, SenderType
from ionflux.core.workspaces import require_member

CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
MAX_TEXT_CHARS = 40_000
MAX_JSON_BYTES = 256 * 1024
READ_BATCH = 500
_CONTENT_KEYS = {
    MessageContentType.TEXT: "text_body",
    MessageContentType.MARKDOWN: "text_body",
    MessageContentType.JSON_DATA: "json_payload",
    MessageContentType.INTERACTIVE_PROPOSAL: "json_payload",
    MessageContentType.FILE_ATTACHMENT: "file_details_json",
    MessageContentType.AGENT_STATUS_UPDATE: "status_update_json",
}


def message_content(content_type: MessageContentType, content: Any) -> dict[str, Any]:
    """A message's content_json, checked for its content type.

    Text and markdown take a string (``text_body``); the other types take a JSON object under
    the seed's key for that type, with an optional ``text_body`` caption.
    """
    key = _CONTENT_KEYS[content_type]
    if isinstance(content, str):
        content = {key: content} if key == "text_body" else {"text_body": content}
    body = v.json_object(content, "content_json", max_bytes=MAX_JSON_BYTES)
    unknown = set(body) - {key, "text_body"}
    if unknown:
        raise ValidationError(f"{', '.join(sorted(unknown))} does not belong in a {content_type.value} message",
                              where="content_json")
    if "text_body" in body:
        v.text(body["text_body"], "content_json.text_body", max_len=MAX_TEXT_CHARS, required=key == "text_body")
    elif key == "text_body":
        raise ValidationError("a text message needs text", where="content_json.text_body")
    if key != "text_body" and not isinstance(body.get(key), dict):
        raise ValidationError(f"a {content_type.value} message needs a JSON object", where=f"content_json.{key}")
    return body


class Chat:
    """Channels and messages of a workspace."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- channels ---------------------------------------------------------------------------

    def create_channel(self, workspace_id: uuid.UUID, name: str, *, type: str | ChannelType = ChannelType.PUBLIC,
                       description: str | None = None, members: Sequence[uuid.UUID] = ()) -> ChatChannel:
        chan_name = (name or "").strip().lstrip("#").lower()
        if not CHANNEL_NAME.match(chan_name):
            raise ValidationError(f"{name!r} is not a channel name (lowercase letters, digits, - and _; up to 80)",
                                  where="name")
        ctype = v.enum_value(ChannelType, type, "type")
        member_ids = set(members)
        if ctype in (ChannelType.PRIVATE, ChannelType.DM) and self.ctx.user_id is not None:
            member_ids.add(self.ctx.user_id)
        if ctype == ChannelType.DM and len(member_ids) != 2:
            raise ValidationError("a direct message channel has exactly two members", where="members")
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            if uow.session.scalar(select(ChatChannel.id).where(ChatChannel.workspace_id == workspace_id,
                                                               ChatChannel.name == chan_name)):
                raise ConflictError(f"channel #{chan_name} already exists", where="name")
            channel = uow.add(ChatChannel(workspace_id=workspace_id, name=chan_name, type=ctype,
                                          description_text=v.text(description, "description_text",
                                                                  max_len=2000, required=False),
                                          member_user_ids_array=sorted(member_ids) or None))
        return channel

    def channels(self, workspace_id: uuid.UUID) -> list[ChatChannel]:
        """Channels the acting user can see: all public ones, private ones they belong to."""
        with self.ctx.store.read() as s:
            rows = list(s.scalars(select(ChatChannel).where(ChatChannel.workspace_id == workspace_id)
                                  .order_by(ChatChannel.name)))
        return [c for c in rows if self._can_see(c)]

    def channel(self, workspace_id: uuid.UUID, name: str) -> ChatChannel:
        wanted = name.strip().lstrip("#").lower()
        for chan in self.channels(workspace_id):
            if chan.name == wanted:
                return chan
        raise NotFoundError(f"no channel #{wanted} in this workspace", where="--channel")

    # -- messages ---------------------------------------------------------------------------

    def post(self, channel_id: uuid.UUID, content: str | dict[str, Any], *,
             content_type: str | MessageContentType = MessageContentType.TEXT,
             thread_id: uuid.UUID | None = None, sender_type: str | SenderType = SenderType.USER,
             sender_id: uuid.UUID | None = None) -> ChatMessage:
        """Post a message (or a reply in a thread when ``thread_id`` is given)."""
        ctype = v.enum_value(MessageContentType, content_type, "content_type")
        stype = v.enum_value(SenderType, sender_type, "sender_type")
        body = message_content(ctype, content)
        sender = sender_id or self.ctx.user_id
        if sender is None:
            raise ValidationError("a message needs a sender", where="sender_id")
        with self.ctx.write() as uow:
            self._channel(uow.session, channel_id)
            if thread_id is not None:
                root = uow.session.get(ChatMessage, thread_id)
                if root is None or root.channel_id != channel_id:
                    raise NotFoundError("the thread's first message is not in this channel", where="thread_id")
                if root.thread_id is not None:
                    thread_id = root.thread_id  # replies to a reply join the same thread
            msg = uow.add(ChatMessage(channel_id=channel_id, sender_id=sender, sender_type=stype, content_type=ctype,
                                      content_json=body, thread_id=thread_id,
                                      read_by_user_ids_array=[sender] if stype == SenderType.USER else []))
        return msg

    def post_many(self, channel_id: uuid.UUID, texts: Sequence[str], *,
                  sender_type: SenderType = SenderType.USER, sender_id: uuid.UUID | None = None) -> int:
        """Post many text messages in one transaction (imports, bulk tools). Returns the count."""
        sender = sender_id or self.ctx.user_id
        if sender is None:
            raise ValidationError("a message needs a sender", where="sender_id")
        now = utcnow()
        rows = [
            {
                "id": new_id(), "channel_id": channel_id, "sender_id": sender, "sender_type": sender_type,
                "content_type": MessageContentType.TEXT, "content_json": message_content(MessageContentType.TEXT, t),
                "thread_id": None, "reactions_json_array": None, "read_by_user_ids_array": None,
                "created_at": now, "updated_at": None,
            }
            for t in texts
        ]
        with self.ctx.write() as uow:
            channel = self._channel(uow.session, channel_id)
            uow.bulk_insert(ChatMessage, rows, workspace_id=channel.workspace_id)
        return len(rows)

    def messages(self, channel_id: uuid.UUID, *, thread_id: uuid.UUID | None = None, limit: int = 200,
                 before: uuid.UUID | None = None) -> list[ChatMessage]:
        """Messages oldest first: the channel's top level, or one thread's replies."""
        with self.ctx.store.read() as s:
            self._channel(s, channel_id)
            q = select(ChatMessage).where(ChatMessage.channel_id == channel_id)
            q = q.where(ChatMessage.thread_id == thread_id) if thread_id else q.where(ChatMessage.thread_id.is_(None))
            if before is not None:
                q = q.where(ChatMessage.id < before)
            rows = list(s.scalars(q.order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc()).limit(limit)))
        return rows[::-1]

    def thread_counts(self, channel_id: uuid.UUID) -> dict[uuid.UUID, int]:
        """How many replies each thread of the channel has."""
        from sqlalchemy import func

        with self.ctx.store.read() as s:
            q = (select(ChatMessage.thread_id, func.count()).where(ChatMessage.channel_id == channel_id,
                                                                   ChatMessage.thread_id.is_not(None))
                 .group_by(ChatMessage.thread_id))
            return {tid: n for tid, n in s.execute(q)}

    def react(self, message_id: uuid.UUID, emoji: str, *, user_id: uuid.UUID | None = None) -> ChatMessage:
        """Toggle ``emoji`` by the user on a message."""
        who = user_id or self.ctx.user_id
        mark = v.text(emoji, "emoji", max_len=32)
        if who is None:
            raise ValidationError("a reaction needs a user", where="user_id")
        with self.ctx.write() as uow:
            msg = self._message(uow.session, message_id)
            reactions = [dict(r) for r in (msg.reactions_json_array or [])]
            entry = next((r for r in reactions if r.get("emoji") == mark), None)
            if entry is None:
                reactions.append({"emoji": mark, "user_ids_array": [str(who)]})
            elif str(who) in entry["user_ids_array"]:
                entry["user_ids_array"] = [u for u in entry["user_ids_array"] if u != str(who)]
                if not entry["user_ids_array"]:
                    reactions.remove(entry)
            else:
                entry["user_ids_array"] = [*entry["user_ids_array"], str(who)]
            msg.reactions_json_array = reactions
        return msg

    def mark_read(self, channel_id: uuid.UUID, *, user_id: uuid.UUID | None = None,
                  message_ids: Sequence[uuid.UUID] | None = None) -> int:
        """Mark the channel's messages read by the user (only ``message_ids`` if given). Returns how many changed.

        Only unread messages are touched, in batches of :data:`READ_BATCH` per transaction, so a
        channel with thousands of unread messages never holds the write lock for long.
        """
        who = user_id or self.ctx.user_id
        if who is None:
            raise ValidationError("a read receipt needs a user", where="user_id")
        with self.ctx.store.read() as s:
            self._channel(s, channel_id)
            q = select(ChatMessage.id).where(ChatMessage.channel_id == channel_id, unread_by(who))
            if message_ids is not None:
                q = q.where(ChatMessage.id.in_(list(message_ids)))
            unread = list(s.scalars(q))
        for start in range(0, len(unread), READ_BATCH):
            with self.ctx.write() as uow:
                for msg in uow.session.scalars(select(ChatMessage).where(
                        ChatMessage.id.in_(unread[start:start + READ_BATCH]))):
                    readers = msg.read_by_user_ids_array or []
                    if who not in readers:
                        msg.read_by_user_ids_array = [*readers, who]
        return len(unread)

    def get(self, message_id: uuid.UUID) -> ChatMessage:
        """One message (of a channel the acting user can see)."""
        with self.ctx.store.read() as s:
            return self._message(s, message_id)

    def decide(self, message_id: uuid.UUID, choice: str, *, user_id: uuid.UUID | None = None) -> ChatMessage:
        """Record the answer to an interactive proposal and emit ``ionflux.chat.proposal.decided``.

        Raises:
            ValidationError: the message is not a proposal, the choice is not one it offers, or it was
                already decided.
        """
        who = user_id or self.ctx.user_id
        with self.ctx.write() as uow:
            msg = self._message(uow.session, message_id)
            if msg.content_type != MessageContentType.INTERACTIVE_PROPOSAL:
                raise ValidationError("only an interactive proposal can be decided", where="message")
            payload = dict(msg.content_json.get("json_payload") or {})
            options = payload.get("options") or ["approve", "reject"]
            if choice not in options:
                raise ValidationError(f"{choice!r} is not one of: {', '.join(map(str, options))}", where="choice")
            if payload.get("decision"):
                raise ValidationError("this proposal was already decided", where="message")
            payload["decision"] = {"choice": choice, "user_id": str(who) if who else None,
                                   "decided_at": utcnow().isoformat()}
            msg.content_json = {**msg.content_json, "json_payload": payload}
            channel = uow.session.get(ChatChannel, msg.channel_id)
            uow.emit("ionflux.chat.proposal.decided", {"message_id": str(msg.id), "channel_id": str(msg.channel_id),
                                                       "choice": choice, "user_id": str(who) if who else None},
                     workspace_id=channel.workspace_id, source_service_name="ChatService")
        return msg

    def unread_count(self, channel_id: uuid.UUID, user_id: uuid.UUID) -> int:
        with self.ctx.store.read() as s:
            return s.scalar(select(func.count()).select_from(ChatMessage)
                            .where(ChatMessage.channel_id == channel_id, unread_by(user_id))) or 0

    def edit(self, message_id: uuid.UUID, text: str) -> ChatMessage:
        with self.ctx.write() as uow:
            msg = self._message(uow.session, message_id)
            if self.ctx.user_id is not None and msg.sender_id != self.ctx.user_id:
                raise PermissionDeniedError("only the sender may edit a message", where="message")
            msg.content_json = {**msg.content_json, **message_content(msg.content_type, text)}
        return msg

    def _can_see(self, channel: ChatChannel) -> bool:
        if channel.type in (ChannelType.PUBLIC, ChannelType.AGENT_DEDICATED) or self.ctx.user_id is None:
            return True
        return self.ctx.user_id in (channel.member_user_ids_array or [])

    def _channel(self, session: Any, channel_id: uuid.UUID) -> ChatChannel:
        channel = session.get(ChatChannel, channel_id)
        if channel is None or not self._can_see(channel):
            raise NotFoundError(f"no channel with id {channel_id}", where="channel")
        require_member(session, channel.workspace_id, self.ctx.user_id)
        return channel

    def _message(self, session: Any, message_id: uuid.UUID) -> ChatMessage:
        msg = session.get(ChatMessage, message_id)
        if msg is None:
            raise NotFoundError(f"no message with id {message_id}", where="message")
        self._channel(session, msg.channel_id)
        return msg


def unread_by(user_id: uuid.UUID) -> ColumnElement[bool]:
    """SQL: the user is not among a message's readers (counted by SQLite, not row by row in Python)."""
    readers = func.json_each(ChatMessage.read_by_user_ids_array).table_valued("value")
    return ~exists(select(1).select_from(readers).where(readers.c.value == str(user_id)))
