"""The canvas pane: page header, toolbar, the board and its block picker; every edit is an undo command."""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.core.geometry import Geometry
from ionflux.ui.canvas.blocks import KIND_BY_TYPE
from ionflux.ui.canvas.clipboard import clipboard_blocks, copy_blocks, duplicated, pasted
from ionflux.ui.canvas.item import BlockItem, snap
from ionflux.ui.canvas.media import MediaCache
from ionflux.ui.canvas.model import BlockState, CanvasViewModel
from ionflux.ui.canvas.picker import BlockPicker
from ionflux.ui.canvas.scene import CanvasScene
from ionflux.ui.canvas.undo import ContentCommand, CreateCommand, DeleteCommand, GeometryCommand, ZCommand
from ionflux.ui.canvas.view import CanvasView
from ionflux.ui.qt import QHBoxLayout, QLabel, QMenu, QPoint, QUndoStack, QVBoxLayout, QWidget, Signal
from ionflux.ui.theme import Theme

NUDGE = 8


class CanvasPane(QWidget):
    """The centre of the window.

    Signals:
        run_requested(uuid.UUID): run an agent configuration (from a snippet).
        cancel_requested(uuid.UUID): stop a configuration's run.
        drafts_changed(dict): text typed in block editors but not yet saved, by block id.
        problem(str): a message for a toast.
    """

    run_requested = Signal(object)
    cancel_requested = Signal(object)
    drafts_changed = Signal(dict)
    problem = Signal(str)

    def __init__(self, vm: CanvasViewModel, undo: QUndoStack, theme: Theme, media: MediaCache | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm, self.undo, self.theme = vm, undo, theme
        self.agents: list[tuple[uuid.UUID, str]] = []
        self.scene = CanvasScene(theme, media, self)
        self.view = CanvasView(self.scene, theme, self)
        self.title = QLabel("", self)
        self.title.setObjectName("PageTitle")
        self.meta = QLabel("", self)
        self.meta.setObjectName("PageMeta")
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.toolbar.setSpacing(2)
        header = QWidget(self)
        header.setObjectName("PageHeader")
        head = QHBoxLayout(header)
        head.setContentsMargins(20, 12, 14, 8)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.title)
        names.addWidget(self.meta)
        head.addLayout(names, 1)
        head.addLayout(self.toolbar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.view, 1)
        self.picker = BlockPicker(theme, self)
        self.picker.chosen.connect(self._create_chosen)

        vm.page_opened.connect(self._page_opened)
        vm.block_added.connect(lambda s: (self.scene.add_block(s), self._update_meta()))
        vm.block_changed.connect(self.scene.change_block)
        vm.block_removed.connect(lambda bid: (self.scene.remove_block(bid), self._update_meta()))
        vm.snippet_changed.connect(self.scene.set_snippet)
        vm.failed.connect(lambda exc: self.problem.emit(getattr(exc, "one_line", lambda: str(exc))()))
        self.scene.geometry_edited.connect(self._geometry_edited)
        self.scene.content_edited.connect(self._content_edited)
        self.scene.run_requested.connect(self.run_requested.emit)
        self.scene.cancel_requested.connect(self.cancel_requested.emit)
        self.scene.draft_changed.connect(self._draft)
        self.scene.problem.connect(self.problem.emit)
        self.view.zoom_changed.connect(lambda _z: self._update_meta())
        self.view.context_menu.connect(self._context_menu)

    # -- page ------------------------------------------------------------------------------------

    def _page_opened(self, page_id: uuid.UUID | None, title: str, blocks: list[BlockState]) -> None:
        self.title.setText(title or "No page")
        self.scene.set_blocks(blocks)
        self.view.go_home()
        self._update_meta()

    def _update_meta(self) -> None:
        n = len(self.scene.items_by_id)
        self.meta.setText(f"{n} block{'s' if n != 1 else ''}  ·  {round(self.view.zoom * 100)}%  ·  "
                          "press / to add a block")

    def add_tool(self, widget: QWidget) -> None:
        self.toolbar.addWidget(widget)

    # -- edits from the scene -----------------------------------------------------------------

    def _geometry_edited(self, before: dict[uuid.UUID, Geometry], after: dict[uuid.UUID, Geometry]) -> None:
        resized = any((b.width, b.height) != (after[k].width, after[k].height) for k, b in before.items())
        self.undo.push(GeometryCommand(self.vm, before, after, "Resize" if resized else "Move"))

    def _content_edited(self, block_id: uuid.UUID, before: dict[str, Any], after: dict[str, Any]) -> None:
        self.undo.push(ContentCommand(self.vm, block_id, before, after))

    def _draft(self, block_id: uuid.UUID, text: str | None) -> None:
        if text is None:
            self.scene.drafts.pop(block_id, None)
        else:
            self.scene.drafts[block_id] = text
        self.drafts_changed.emit({str(k): v for k, v in self.scene.drafts.items()})

    # -- commands (the registry's canvas.* commands call these) -------------------------------

    def open_picker(self) -> None:
        if self.vm.page_id is None:
            self.problem.emit("Open a page first")
            return
        self.picker.open(self.agents)

    def _create_chosen(self, block_type: str, extra: object) -> None:
        kind = KIND_BY_TYPE[block_type]
        content = dict(kind.content)
        if kind.needs == "agent":
            content["agent_configuration_id"] = str(extra)
            content["title_text"] = next((n for c, n in self.agents if c == extra), "Agent")
        elif kind.needs == "image":
            content["image_url" if "://" in str(extra) else "file_path"] = str(extra)
        elif kind.needs == "url":
            content["video_url" if block_type == "video" else "embed_url"] = str(extra)
        self.create_block(block_type, content)

    def create_block(self, block_type: str, content: dict[str, Any]) -> BlockState:
        """Add a block in the middle of the view (undoable); a text block opens its editor."""
        w, h = KIND_BY_TYPE[block_type].size
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        where = Geometry(snap(centre.x() - w / 2), snap(centre.y() - h / 2), w, h)
        state = self.vm.new_state(block_type, content, where)
        self.undo.push(CreateCommand(self.vm, [state], f"Add {KIND_BY_TYPE[block_type].title.lower()}"))
        self.scene.select([state.id])
        item = self.scene.items_by_id.get(state.id)
        if item is not None and block_type == "text":
            item.content.edit()
        return state

    def delete_selected(self) -> None:
        states = self.scene.selected_states()
        if states:
            self.undo.push(DeleteCommand(self.vm, states, "Delete" if len(states) == 1 else f"Delete {len(states)}"))

    def duplicate_selected(self) -> None:
        states = self.scene.selected_states()
        if states:
            copies = duplicated(states, self._top_z())
            self.undo.push(CreateCommand(self.vm, copies, "Duplicate"))
            self.scene.select([c.id for c in copies])

    def copy_selected(self) -> None:
        states = self.scene.selected_states()
        if states:
            copy_blocks(states)

    def cut_selected(self) -> None:
        self.copy_selected()
        self.delete_selected()

    def paste(self) -> None:
        snaps = clipboard_blocks()
        if not snaps or self.vm.page_id is None:
            return
        states = pasted(snaps, self.vm.page_id, self._top_z())
        self.undo.push(CreateCommand(self.vm, states, "Paste"))
        self.scene.select([s.id for s in states])

    def _top_z(self) -> int:
        return max((s.z for s in self.vm.blocks.values()), default=0)

    def restack(self, front: bool) -> None:
        states = self.scene.selected_states()
        if not states:
            return
        zs = [s.z for s in self.vm.blocks.values()]
        if front:
            after = {s.id: max(zs) + 1 + i for i, s in enumerate(states)}
        else:
            after = {s.id: min(zs) - len(states) + i for i, s in enumerate(states)}
        self.undo.push(ZCommand(self.vm, {s.id: s.z for s in states}, after,
                                "Bring to front" if front else "Send to back"))

    def nudge(self, dx: int, dy: int, dw: int = 0, dh: int = 0) -> None:
        """Move (or resize) the selection by the keyboard, one grid step at a time."""
        items = self.scene.selected_blocks()
        if not items:
            return
        before = {i.block_id: i.geometry() for i in items}
        after = {bid: Geometry(g.x + dx, g.y + dy, max(120, g.width + dw), max(80, g.height + dh))
                 for bid, g in before.items()}
        self.undo.push(GeometryCommand(self.vm, before, after, "Resize" if dw or dh else "Move", nudge=True))

    def select_all(self) -> None:
        self.scene.select(list(self.scene.items_by_id))

    def select_next(self, step: int = 1) -> None:
        """Tab through blocks in reading order (top to bottom, left to right)."""
        items = sorted(self.scene.block_items(), key=lambda i: (i.pos().y(), i.pos().x()))
        if not items:
            return
        current = self.scene.selected_blocks()
        index = items.index(current[0]) + step if current else 0
        target = items[index % len(items)]
        self.scene.select([target.block_id])
        self.view.ensureVisible(target, 40, 40)

    def edit_selected(self) -> None:
        selected = self.scene.selected_blocks()
        if selected:
            selected[0].content.edit()

    def run_selected(self) -> None:
        for item in self.scene.selected_blocks():
            if item.state.type == "agent_snippet":
                item.content.run()  # type: ignore[attr-defined]

    def _context_menu(self, item: BlockItem | None) -> None:
        menu = QMenu(self)
        if item is not None:
            menu.addAction("Edit", item.content.edit)
            if item.state.type == "agent_snippet":
                menu.addAction("Run", item.content.run)  # type: ignore[attr-defined]
            menu.addAction("Duplicate", self.duplicate_selected)
            menu.addAction("Copy", self.copy_selected)
            menu.addAction("Bring to front", lambda: self.restack(True))
            menu.addAction("Send to back", lambda: self.restack(False))
            extra = item.content.menu()
            if extra:
                menu.addSeparator()
                for label, callback in extra:
                    menu.addAction(label, callback)
            menu.addSeparator()
            menu.addAction("Delete", self.delete_selected)
        else:
            menu.addAction("Add block…", self.open_picker)
            menu.addAction("Paste", self.paste)
            menu.addAction("Fit to content", self.view.fit)
        pos = self.view.mapFromGlobal(self.cursor().pos())
        if not self.view.rect().contains(pos):
            pos = QPoint(self.view.width() // 2, self.view.height() // 3)
        menu.popup(self.view.mapToGlobal(pos))
