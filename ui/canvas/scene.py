"""The canvas scene: one item per block, kept in step with the view-model; edits leave as signals."""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.ui.canvas.item import BlockItem
from ionflux.ui.canvas.media import MediaCache
from ionflux.ui.canvas.model import BlockState, SnippetInfo
from ionflux.ui.qt import QGraphicsScene, QObject, QRectF, Signal
from ionflux.ui.theme import Theme


class CanvasScene(QGraphicsScene):
    """Holds the open page's block items.

    Signals:
        geometry_edited(dict, dict): blocks moved or resized: {id: Geometry} before and after.
        content_edited(uuid.UUID, dict, dict): a block's content before and after an in-place edit.
        run_requested(uuid.UUID): an agent snippet's Run button (the configuration id).
        cancel_requested(uuid.UUID): an agent snippet's Stop button.
        editing_started(uuid.UUID), editing_finished(uuid.UUID): an inline editor opened / closed.
        draft_changed(uuid.UUID, object): text typed in a block editor (None when it is saved or dropped).
        problem(str): something the user should know (e.g. invalid JSON typed).
    """

    geometry_edited = Signal(object, object)
    content_edited = Signal(object, object, object)
    run_requested = Signal(object)
    cancel_requested = Signal(object)
    editing_started = Signal(object)
    editing_finished = Signal(object)
    draft_changed = Signal(object, object)
    problem = Signal(str)

    def __init__(self, theme: Theme, media: MediaCache | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.media = media
        self.items_by_id: dict[uuid.UUID, BlockItem] = {}
        self.snippets: dict[uuid.UUID, SnippetInfo] = {}
        self.drafts: dict[uuid.UUID, str] = {}
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        if media is not None:
            media.ready.connect(self._media_ready)

    def draft_for(self, block_id: uuid.UUID) -> str | None:
        return self.drafts.get(block_id)

    # -- following the view-model --------------------------------------------------------------

    def set_blocks(self, blocks: list[BlockState]) -> None:
        """Show a page's blocks (replaces everything)."""
        for item in self.items_by_id.values():
            item.close_editor()
        self.clear()
        self.items_by_id = {}
        for state in blocks:
            self._add(state)
        self._grow()

    def add_block(self, state: BlockState) -> BlockItem:
        item = self._add(state)
        self._grow()
        return item

    def _add(self, state: BlockState) -> BlockItem:
        item = BlockItem(state, self.theme)
        self.addItem(item)
        self.items_by_id[state.id] = item
        return item

    def change_block(self, state: BlockState) -> None:
        item = self.items_by_id.get(state.id)
        if item is None:
            self.add_block(state)
        elif item.editor is None or item.state.content == state.content:
            item.apply(state)

    def remove_block(self, block_id: uuid.UUID) -> None:
        item = self.items_by_id.pop(block_id, None)
        if item is not None:
            item.close_editor()
            self.removeItem(item)

    def set_snippet(self, info: SnippetInfo) -> None:
        self.snippets[info.config_id] = info
        for item in self.items_by_id.values():
            if item.state.type == "agent_snippet" and item.state.content.get("agent_configuration_id") == \
                    str(info.config_id):
                item.update()

    def _media_ready(self, source: str) -> None:
        for item in self.items_by_id.values():
            c = item.state.content
            if source in (c.get("image_url"), c.get("file_path"), c.get("embed_url"), c.get("video_url")) or \
                    (item.state.type == "video" and source.startswith("https://img.youtube.com")):
                item.update()

    def _grow(self) -> None:
        bounds = self.itemsBoundingRect().adjusted(-400, -400, 800, 600)
        self.setSceneRect(bounds.united(QRectF(-200, -200, 2400, 1600)))

    # -- selection helpers ---------------------------------------------------------------------

    def selected_blocks(self) -> list[BlockItem]:
        return [i for i in self.selectedItems() if isinstance(i, BlockItem)]

    def selected_states(self) -> list[BlockState]:
        return sorted((i.state for i in self.selected_blocks()), key=lambda s: s.z)

    def block_items(self) -> list[BlockItem]:
        return list(self.items_by_id.values())

    def select(self, ids: Any) -> None:
        self.clearSelection()
        for bid in ids:
            item = self.items_by_id.get(bid)
            if item is not None:
                item.setSelected(True)
