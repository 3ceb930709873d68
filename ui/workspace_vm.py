"""View-model of the main window: the open workspace, its page tree, channels, page and channel.

Plain Python with psygnal signals, so it is tested without a screen; widgets subscribe and
render. Store events arrive through :meth:`on_event` (the window forwards them on the GUI thread).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from psygnal import Signal

from ionflux.core.models import CanvasBlock, ChatMessage, PlatformEvent
from ionflux.ui.services import Services


@dataclass(frozen=True)
class PageNode:
    id: uuid.UUID
    title: str
    depth: int
    parent_id: uuid.UUID | None


@dataclass(frozen=True)
class ChannelItem:
    id: uuid.UUID
    name: str
    type: str
    unread: int


@dataclass(frozen=True)
class BlockView:
    id: uuid.UUID
    type: str
    title: str
    text: str
    x: int
    y: int
    width: int
    height: int
    z: int


@dataclass(frozen=True)
class MessageView:
    id: uuid.UUID
    sender: str
    sender_type: str
    text: str
    created_at: datetime
    replies: int


class WorkspaceViewModel:
    """State behind the main window.

    Signals:
        workspace_changed(str): the workspace name, after :meth:`load`.
        pages_changed(list[PageNode]): the page tree, in tree order.
        channels_changed(list[ChannelItem]): the visible channels.
        page_opened(str, list[BlockView]): title and blocks of the open page.
        messages_changed(str, list[MessageView]): name and messages of the open channel.
    """

    workspace_changed = Signal(str)
    pages_changed = Signal(list)
    channels_changed = Signal(list)
    page_opened = Signal(str, list)
    messages_changed = Signal(str, list)

    def __init__(self, services: Services) -> None:
        self.services = services
        self.workspace_id: uuid.UUID | None = None
        self.workspace_name = ""
        self.pages: list[PageNode] = []
        self.channels: list[ChannelItem] = []
        self.page_id: uuid.UUID | None = None
        self.channel_id: uuid.UUID | None = None

    def workspace_names(self) -> list[str]:
        return [w.name for w in self.services.workspaces.list(self.services.user_id)]

    def load(self, workspace_name: str | None = None) -> None:
        """Open a workspace (the only one, or the first, when no name is given)."""
        rows = self.services.workspaces.list(self.services.user_id)
        if not rows:
            self.workspace_id, self.workspace_name = None, ""
            self.workspace_changed.emit("")
            self.pages_changed.emit([])
            self.channels_changed.emit([])
            return
        ws = next((w for w in rows if w.name == workspace_name), rows[0])
        self.workspace_id, self.workspace_name = ws.id, ws.name
        self.workspace_changed.emit(ws.name)
        self.reload_pages()
        self.reload_channels()
        if self.pages:
            self.open_page(self.pages[0].id)
        general = next((c for c in self.channels if c.name == "general"), self.channels[0] if self.channels else None)
        if general is not None:
            self.open_channel(general.id)

    def reload_pages(self) -> None:
        assert self.workspace_id is not None
        tree = self.services.pages.tree(self.workspace_id)
        self.pages = [PageNode(p.id, p.title, d, p.parent_page_id) for p, d in tree]
        self.pages_changed.emit(self.pages)

    def reload_channels(self) -> None:
        assert self.workspace_id is not None
        me = self.services.user_id
        chans = self.services.chat.channels(self.workspace_id)
        self.channels = [ChannelItem(c.id, c.name, c.type.value,
                                     self.services.chat.unread_count(c.id, me) if me else 0) for c in chans]
        self.channels_changed.emit(self.channels)

    def open_page(self, page_id: uuid.UUID) -> None:
        page = self.services.pages.get(page_id)
        self.page_id = page.id
        self.page_opened.emit(page.title, [_block_view(b) for b in self.services.blocks.list(page.id)])

    def open_channel(self, channel_id: uuid.UUID) -> None:
        self.channel_id = channel_id
        self._emit_messages()

    def _emit_messages(self) -> None:
        if self.channel_id is None:
            return
        chan = next((c for c in self.channels if c.id == self.channel_id), None)
        names = {u.id: (u.name or u.email) for u in self.services.users.list()}
        counts = self.services.chat.thread_counts(self.channel_id)
        msgs = [_message_view(m, names, counts) for m in self.services.chat.messages(self.channel_id)]
        self.messages_changed.emit(chan.name if chan else "", msgs)

    def on_event(self, event: PlatformEvent) -> None:
        """Refresh what a committed change touched."""
        if self.workspace_id is None or event.workspace_id not in (None, self.workspace_id):
            return
        kind = event.event_type
        if kind.startswith("ionflux.canvas.page."):
            self.reload_pages()
        elif kind.startswith("ionflux.canvas.block.") and self.page_id is not None:
            self.open_page(self.page_id)
        elif kind.startswith("ionflux.chat.channel."):
            self.reload_channels()
        elif kind.startswith("ionflux.chat.message."):
            self._emit_messages()


def _block_view(b: CanvasBlock) -> BlockView:
    c = b.content_json or {}
    text = c.get("markdown_text") or ""
    if not text and b.type.value in ("embed_panel", "video", "image"):
        text = c.get("embed_url") or c.get("video_url") or c.get("image_url") or c.get("file_path") or ""
    if not text and isinstance(c.get("json_data_to_display"), dict):
        cols = c["json_data_to_display"].get("columns") or []
        text = " · ".join((col.get("title") if isinstance(col, dict) else str(col)) or "" for col in cols)
    return BlockView(b.id, b.type.value, c.get("title_text") or b.type.value.replace("_", " ").title(), text,
                     b.position_x, b.position_y, b.width, b.height, b.z_index)


def _message_view(m: ChatMessage, names: dict[uuid.UUID, str], counts: dict[uuid.UUID, int]) -> MessageView:
    text = m.content_json.get("text_body") or m.content_type.value.replace("_", " ")
    sender = names.get(m.sender_id, m.sender_type.value) if m.sender_type.value == "user" else (
        "IONFLUX" if m.sender_type.value == "system" else names.get(m.sender_id, "agent"))
    return MessageView(m.id, sender, m.sender_type.value, text, m.created_at, counts.get(m.id, 0))
