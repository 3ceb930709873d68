"""View-model of the chat dock: channels, the open channel's messages, the open thread, live agent runs.

Messages stored in the chat service are append-only; what changes live (an agent run's status,
a streamed answer) is shown by *local* rows that exist only in this view-model until the final
message is stored.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from psygnal import Signal

from ionflux.ui.event_batch import EventBatch
from ionflux.ui.ops import OpRunner, Refresher
from ionflux.ui.services import Services

if TYPE_CHECKING:
    from ionflux.core.models import ChatMessage

_local_ids = itertools.count(1)
MARK_READ_EVERY_S = 3.0
DECISION_KEY = "proposal_decision"


@dataclass(frozen=True)
class ChannelItem:
    id: uuid.UUID
    name: str
    type: str
    unread: int
    description: str = ""

    @property
    def sigil(self) -> str:
        return {"public": "#", "private": "🔒", "dm": "@", "agent_dedicated": "⚙"}.get(self.type, "#")


@dataclass(frozen=True)
class MessageView:
    """One row of the message list (stored, or local: a live run, a streamed answer, a command's reply)."""

    id: Any
    sender: str
    sender_type: str
    content_type: str
    text: str
    created_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    replies: int = 0
    reactions: tuple[tuple[str, int, bool], ...] = ()
    unread: bool = False
    local: bool = False
    streaming: bool = False
    thread_id: uuid.UUID | None = None
    decision: str | None = None
    status: str | None = None
    progress: float | None = None

    @property
    def run_id(self) -> str | None:
        return self.payload.get("run_id")


def local_row(sender: str, text: str, *, sender_type: str = "system", content_type: str = "markdown",
              **extra: Any) -> MessageView:
    return MessageView(f"local-{next(_local_ids)}", sender, sender_type, content_type, text, datetime.now(UTC),
                       local=True, **extra)


class ChatViewModel:
    """State behind the chat dock.

    Signals:
        channels_changed(list[ChannelItem])
        messages_changed(str, list[MessageView]): the open channel's name and rows.
        row_changed(MessageView): one row changed in place (streaming text, run status).
        thread_changed(object, list[MessageView]): the open thread's root (None: closed) and replies.
        posted(): a message of the user was stored (the composer clears its draft).
    """

    channels_changed = Signal(list)
    messages_changed = Signal(str, list)
    row_changed = Signal(object)
    thread_changed = Signal(object, list)
    posted = Signal()

    def __init__(self, services: Services, ops: OpRunner) -> None:
        self.services = services
        self.ops = ops
        self.workspace_id: uuid.UUID | None = None
        self.channels: list[ChannelItem] = []
        self.channel_id: uuid.UUID | None = None
        self.rows: list[MessageView] = []
        self.thread_root: MessageView | None = None
        self.thread_rows: list[MessageView] = []
        self.local: dict[Any, list[MessageView]] = {}  # channel id or thread root id → local rows
        self.first_unread: Any = None
        self._pending_thread: Any = None
        self._last_read = 0.0
        self._names: dict[uuid.UUID, str] = {}
        self._channels = Refresher(ops, self._load_channels, self._apply_channels, "loading channels")
        self._messages = Refresher(ops, self._load_messages, self._apply_messages, "loading messages")
        self._thread = Refresher(ops, self._load_thread, self._apply_thread, "loading the thread")

    @property
    def channel(self) -> ChannelItem | None:
        return next((c for c in self.channels if c.id == self.channel_id), None)

    @property
    def busy(self) -> bool:
        return self._channels.busy or self._messages.busy or self._thread.busy

    # -- channels ---------------------------------------------------------------------------

    def load(self, workspace_id: uuid.UUID | None) -> None:
        self.workspace_id = workspace_id
        self.channel_id = None
        self.close_thread()
        self._channels.request()

    def _load_channels(self) -> list[ChannelItem]:
        if self.workspace_id is None:
            return []
        me = self.services.user_id
        chat = self.services.chat
        return [ChannelItem(c.id, c.name, c.type.value, chat.unread_count(c.id, me) if me else 0,
                            c.description_text or "") for c in chat.channels(self.workspace_id)]

    def _apply_channels(self, channels: list[ChannelItem]) -> None:
        self.channels = channels
        self.channels_changed.emit(channels)
        if self.channel_id is None or self.channel is None:
            first = next((c for c in channels if c.name == "general"), channels[0] if channels else None)
            if first is not None:
                self.open_channel(first.id)
            else:
                self.channel_id = None
                self.messages_changed.emit("", [])

    def open_channel(self, channel_id: uuid.UUID) -> None:
        if channel_id != self.channel_id:
            self.first_unread = None
            self.close_thread()
        self.channel_id = channel_id
        self._messages.request()

    # -- messages ---------------------------------------------------------------------------

    def _load_messages(self) -> tuple[uuid.UUID | None, list[MessageView], int]:
        channel_id = self.channel_id
        if channel_id is None:
            return None, [], 0
        s = self.services
        if not self._names:
            self._names = {u.id: (u.name or u.email) for u in s.users.list()}
            if self.workspace_id is not None:
                self._names.update({c.id: c.name for c in s.agent_configs.list(self.workspace_id)})
        counts = s.chat.thread_counts(channel_id)
        rows = [self._view(m, counts) for m in s.chat.messages(channel_id)]
        decided = {}
        for r in rows:
            if r.content_type == "interactive_proposal" and r.replies:
                decided[r.id] = _decision(s.chat.messages(channel_id, thread_id=r.id))
        rows = [replace(r, decision=decided.get(r.id)) if r.id in decided else r for r in rows]
        unread = sum(1 for r in rows if r.unread)
        return channel_id, rows, unread

    def _view(self, m: ChatMessage, counts: dict[uuid.UUID, int]) -> MessageView:
        me = self.services.user_id
        content = m.content_json or {}
        stype = m.sender_type.value
        fallback = "agent" if stype == "agent" else "someone"
        sender = "IONFLUX" if stype == "system" else self._names.get(m.sender_id, fallback)
        payload = (content.get("json_payload") or content.get("status_update_json")
                   or content.get("file_details_json") or {})
        text = content.get("text_body") or ""
        reactions = tuple((r["emoji"], len(r.get("user_ids_array", [])), str(me) in r.get("user_ids_array", []))
                          for r in m.reactions_json_array or [])
        return MessageView(m.id, sender, stype, m.content_type.value, text, m.created_at, payload,
                           counts.get(m.id, 0), reactions, bool(me and me not in (m.read_by_user_ids_array or [])),
                           thread_id=m.thread_id, status=payload.get("status") if isinstance(payload, dict) else None)

    def _apply_messages(self, loaded: tuple[uuid.UUID | None, list[MessageView], int]) -> None:
        channel_id, rows, unread = loaded
        if channel_id != self.channel_id:
            return
        if self.first_unread is None:
            self.first_unread = next((r.id for r in rows if r.unread), "none")
        stored_runs = {r.run_id for r in rows if r.run_id}
        local = [r for r in self.local.get(channel_id, []) if not (r.run_id and r.run_id in stored_runs)]
        self.local[channel_id] = local
        self.rows = sorted([*rows, *local], key=lambda r: r.created_at)
        chan = self.channel
        self.messages_changed.emit(chan.name if chan else "", self.rows)
        if unread and channel_id is not None and time.monotonic() - self._last_read > MARK_READ_EVERY_S:
            self._last_read = time.monotonic()  # at most every few seconds: each marked row is a synced change
            shown = [r.id for r in rows if r.unread]  # what the user was shown, not a burst's older messages
            self.ops.write(lambda: self.services.chat.mark_read(channel_id, message_ids=shown),
                           label="mark messages read")
        if self._pending_thread is not None and any(r.id == self._pending_thread for r in self.rows):
            self.open_thread(self._pending_thread)
        elif self.thread_root is not None:
            self._thread.request()

    def add_local(self, row: MessageView, thread_root: uuid.UUID | None = None) -> MessageView:
        """Show a row that is not stored (yet): a live run, a streamed answer, a command's reply."""
        key = thread_root or self.channel_id
        self.local.setdefault(key, []).append(row)
        if thread_root is not None:
            if self.thread_root is not None and self.thread_root.id == thread_root:
                self.thread_rows = [*self.thread_rows, row]
                self.thread_changed.emit(self.thread_root, self.thread_rows)
        elif key == self.channel_id:
            self.rows = [*self.rows, row]
            chan = self.channel
            self.messages_changed.emit(chan.name if chan else "", self.rows)
        return row

    def update_local(self, row: MessageView) -> None:
        for rows in self.local.values():
            for i, r in enumerate(rows):
                if r.id == row.id:
                    rows[i] = row
                    self._replace(self.rows, row)
                    self._replace(self.thread_rows, row)
                    self.row_changed.emit(row)
                    return

    def drop_local(self, row_id: Any) -> None:
        for key, rows in self.local.items():
            kept = [r for r in rows if r.id != row_id]
            if len(kept) != len(rows):
                self.local[key] = kept
        self.rows = [r for r in self.rows if r.id != row_id]
        self.thread_rows = [r for r in self.thread_rows if r.id != row_id]
        chan = self.channel
        self.messages_changed.emit(chan.name if chan else "", self.rows)
        if self.thread_root is not None:
            self.thread_changed.emit(self.thread_root, self.thread_rows)

    @staticmethod
    def _replace(rows: list[MessageView], row: MessageView) -> None:
        for i, r in enumerate(rows):
            if r.id == row.id:
                rows[i] = row

    # -- threads ----------------------------------------------------------------------------

    def open_thread(self, root_id: uuid.UUID) -> None:
        """Show a thread (once its first message is loaded, if it was just posted)."""
        root = next((r for r in self.rows if r.id == root_id), None)
        if root is None:
            self._pending_thread = root_id
            self._messages.request()
            return
        self._pending_thread = None
        self.thread_root = root
        self.thread_rows = list(self.local.get(root_id, []))
        self.thread_changed.emit(root, self.thread_rows)
        self._thread.request()

    def close_thread(self) -> None:
        if self.thread_root is not None:
            self.thread_root = None
            self.thread_rows = []
            self.thread_changed.emit(None, [])

    def _load_thread(self) -> tuple[Any, list[MessageView]]:
        root, channel_id = self.thread_root, self.channel_id
        if root is None or channel_id is None or root.local:
            return None, []
        return root.id, [self._view(m, {}) for m in self.services.chat.messages(channel_id, thread_id=root.id)]

    def _apply_thread(self, loaded: tuple[Any, list[MessageView]]) -> None:
        root_id, rows = loaded
        if self.thread_root is None or root_id != self.thread_root.id:
            return
        local = self.local.get(root_id, [])
        self.thread_root = next((r for r in self.rows if r.id == root_id), self.thread_root)
        self.thread_rows = sorted([*rows, *local], key=lambda r: r.created_at)
        self.thread_changed.emit(self.thread_root, self.thread_rows)

    # -- simple actions ---------------------------------------------------------------------

    def react(self, message_id: uuid.UUID, emoji: str) -> None:
        self.ops.write(lambda: self.services.chat.react(message_id, emoji), label="react")

    def decide(self, message_id: uuid.UUID, choice: str) -> None:
        """Approve or reject an interactive proposal: stored as a reply in its thread (and so an event)."""
        channel_id = self.channel_id
        if channel_id is None:
            return
        me = self._names.get(self.services.user_id, "you") if self.services.user_id else "you"
        label = "✓ Approved" if choice == "approved" else "✖ Rejected"
        body = {"json_payload": {DECISION_KEY: {"message_id": str(message_id), "choice": choice}},
                "text_body": f"{label} by {me}"}
        self.ops.write(lambda: self.services.chat.post(channel_id, body, content_type="json_data",
                                                       thread_id=message_id), label="record the decision")

    # -- events -----------------------------------------------------------------------------

    def on_events(self, events: EventBatch) -> None:
        if self.workspace_id is None:
            return
        kinds = events.kinds(self.workspace_id)
        if "ionflux.chat.channel" in kinds or "ionflux.chat.message" in kinds:
            self._channels.request()
        if "ionflux.chat.message" in kinds and self.channel_id is not None:
            self._messages.request()
        if "ionflux.agent.configuration" in kinds:
            self._names = {}


def _decision(replies: list[ChatMessage]) -> str | None:
    for m in reversed(replies):
        payload = (m.content_json or {}).get("json_payload") or {}
        if isinstance(payload, dict) and DECISION_KEY in payload:
            return str(payload[DECISION_KEY].get("choice"))
    return None
