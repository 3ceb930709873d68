"""Block bodies: one module per block type, each drawing, and editing, its part of a card.

A body is plain Python over its item (not a widget), so a page of 2,000 blocks costs 2,000
cheap objects; real widgets appear only while something is being edited.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ionflux.ui.qt import QColor, QFont, QPainter, QPointF, QRectF, Qt, QTextDocument

if TYPE_CHECKING:
    from ionflux.ui.canvas.item import BlockItem
    from ionflux.ui.canvas.model import BlockState
    from ionflux.ui.canvas.scene import CanvasScene
    from ionflux.ui.theme import Theme


class BlockContent:
    """Base of every block body. Positions are relative to the item's body rectangle."""

    label = "block"

    def __init__(self, item: BlockItem) -> None:
        self._item = weakref.ref(item)  # no cycle with the item: a closed page is freed at once, not by the GC

    @property
    def item(self) -> BlockItem:
        item = self._item()
        assert item is not None, "the block's item is gone"
        return item

    @property
    def state(self) -> BlockState:
        return self.item.state

    @property
    def content(self) -> dict[str, Any]:
        return self.item.state.content

    @property
    def theme(self) -> Theme:
        return self.item.theme

    def scene(self) -> CanvasScene:
        return self.item.canvas()

    def type_label(self) -> str:
        return self.label

    def reset(self) -> None:
        """Forget caches (the content or size changed)."""

    def paint(self, p: QPainter, rect: QRectF) -> None:
        raise NotImplementedError

    def press(self, pos: QPointF, event: Any) -> bool:
        """A left press on the body; True keeps the mouse (no block move)."""
        return False

    def drag(self, pos: QPointF, event: Any) -> None:
        """The mouse moved while this body holds it."""

    def release(self, pos: QPointF, event: Any) -> None:
        """The button was released while this body holds it."""

    def double_click(self, pos: QPointF | None) -> bool:
        """Open an editor; True when one opened."""
        return False

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        return None

    def edit(self) -> bool:
        """Open the main editor from the keyboard (Enter on a selected block)."""
        return self.double_click(None)

    def menu(self) -> list[tuple[str, Callable[[], None]]]:
        """Extra entries for the block's context menu (keyboard paths to what the mouse does)."""
        return []

    # -- helpers ---------------------------------------------------------------------------------

    def body_to_item(self, rect: QRectF) -> QRectF:
        return rect.translated(self.item.body_rect().topLeft())

    def muted(self, p: QPainter, rect: QRectF, text: str, flags: Any = None) -> None:
        p.setPen(QColor(self.theme.muted))
        p.drawText(rect, flags if flags is not None else Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                   text)


def markdown_document(markdown: str, width: float, theme: Theme, font: QFont | None = None) -> QTextDocument:
    """A QTextDocument of ``markdown`` styled for the theme (cache it: building one costs ~1 ms)."""
    doc = QTextDocument()
    if font is not None:
        doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setDefaultStyleSheet(
        f"* {{ color: {theme.text}; }} h1 {{ font-size: 18px; }} h2 {{ font-size: 15px; }} "
        f"a {{ color: {theme.accent}; }} code {{ background: {theme.hover}; }} "
        f"blockquote {{ color: {theme.muted}; }}")
    doc.setMarkdown(markdown)
    doc.setTextWidth(max(20.0, width))
    return doc


@dataclass(frozen=True)
class BlockKind:
    """A block type as the picker offers it."""

    type: str
    title: str
    description: str
    size: tuple[int, int]
    content: dict[str, Any]
    needs: str | None = None  # "url", "image" or "agent": what the picker asks before creating it


KINDS: tuple[BlockKind, ...] = (
    BlockKind("text", "Text", "Markdown notes, edited in place", (360, 200),
              {"title_text": "Note", "markdown_text": "Double-click to write **markdown**."}),
    BlockKind("agent_snippet", "Agent snippet", "An agent's last result, with a Run button", (340, 210), {},
              needs="agent"),
    BlockKind("table_view", "Table", "Sortable rows with editable cells", (460, 220),
              {"title_text": "Table", "json_data_to_display": {"columns": ["Item", "Owner", "Status"],
                                                               "rows": [["", "", ""], ["", "", ""]]}}),
    BlockKind("kanban_board", "Kanban board", "Columns of cards; drag cards between them", (600, 300),
              {"title_text": "Board", "json_data_to_display": {"columns": [
                  {"id": "todo", "title": "To do", "cards": []}, {"id": "doing", "title": "Doing", "cards": []},
                  {"id": "done", "title": "Done", "cards": []}]}}),
    BlockKind("json_display", "JSON", "Structured data as a collapsible tree", (360, 240),
              {"title_text": "JSON", "json_data_to_display": {"example": {"items": [1, 2, 3], "ok": True}}}),
    BlockKind("image", "Image", "A picture from a file or a URL", (360, 260), {"title_text": "Image"},
              needs="image"),
    BlockKind("embed_panel", "Embed", "A link to a web page, as a card", (360, 170), {"title_text": "Link"},
              needs="url"),
    BlockKind("video", "Video", "A video link with a play card", (380, 250), {"title_text": "Video"}, needs="url"),
)
KIND_BY_TYPE = {k.type: k for k in KINDS}


_BODIES: dict[str, type[BlockContent]] = {}


def content_for(block_type: str) -> type[BlockContent]:
    """The body class of a block type."""
    if not _BODIES:
        _BODIES.update(_bodies())
    return _BODIES[block_type]


def _bodies() -> dict[str, type[BlockContent]]:
    from ionflux.ui.canvas.blocks import (
        agent_snippet,
        embed,
        image,
        json_display,
        kanban,
        table_view,
        text,
        video,
    )

    return {
        "text": text.TextContent, "agent_snippet": agent_snippet.SnippetContent,
        "json_display": json_display.JsonContent, "table_view": table_view.TableContent,
        "kanban_board": kanban.KanbanContent, "image": image.ImageContent, "embed_panel": embed.EmbedContent,
        "video": video.VideoContent,
    }
