"""Canvas blocks: create, edit, place, stack, duplicate and delete, each as one undoable change."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from ionflux.core import validation as v
from ionflux.core.block_content import validate_content
from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.geometry import COORD_LIMIT, Geometry
from ionflux.core.models import AgentConfiguration, BlockType, CanvasBlock, CanvasPage, Workspace
from ionflux.core.serialize import row_to_json
from ionflux.core.workspaces import require_member


class Blocks:
    """The blocks on canvas pages."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, page_id: uuid.UUID, block_type: str | BlockType, content: dict[str, Any] | None = None, *,
               geometry: Geometry | None = None, z_index: int | None = None,
               block_id: uuid.UUID | None = None) -> CanvasBlock:
        btype = v.enum_value(BlockType, block_type, "type")
        body = validate_content(btype, content)
        geo = (geometry or Geometry(0, 0, 320, 200)).checked()
        with self.ctx.write() as uow:
            page = self._page(uow.session, page_id)
            self._check_snippet(uow.session, btype, body, page.workspace_id)
            if z_index is None:
                top = uow.session.scalar(select(func.max(CanvasBlock.z_index)).where(CanvasBlock.page_id == page_id))
                z_index = (top if top is not None else -1) + 1
            block = uow.add(CanvasBlock(id=block_id, page_id=page.id, type=btype, content_json=body,
                                        position_x=geo.x, position_y=geo.y, width=geo.width, height=geo.height,
                                        z_index=v.integer(z_index, "z_index")))
        return block

    def update_content(self, block_id: uuid.UUID, content: dict[str, Any]) -> CanvasBlock:
        with self.ctx.write() as uow:
            block = self._get(uow.session, block_id)
            body = validate_content(block.type, content)
            page = uow.session.get(CanvasPage, block.page_id)
            self._check_snippet(uow.session, block.type, body, page.workspace_id)
            block.content_json = body
        return block

    def set_geometry(self, changes: dict[uuid.UUID, Geometry]) -> list[CanvasBlock]:
        """Move and/or resize several blocks in one change (a multi-selection drag)."""
        checked = {bid: geo.checked() for bid, geo in changes.items()}
        with self.ctx.write() as uow:
            out = []
            for bid, geo in checked.items():
                block = self._get(uow.session, bid)
                block.position_x, block.position_y, block.width, block.height = geo.x, geo.y, geo.width, geo.height
                out.append(block)
        return out

    def move(self, block_id: uuid.UUID, x: int, y: int) -> CanvasBlock:
        block = self.get(block_id)
        return self.set_geometry({block_id: Geometry(x, y, block.width, block.height)})[0]

    def resize(self, block_id: uuid.UUID, width: int, height: int) -> CanvasBlock:
        block = self.get(block_id)
        return self.set_geometry({block_id: Geometry(block.position_x, block.position_y, width, height)})[0]

    def set_z(self, block_id: uuid.UUID, z_index: int) -> CanvasBlock:
        with self.ctx.write() as uow:
            block = self._get(uow.session, block_id)
            block.z_index = v.integer(z_index, "z_index", lo=-COORD_LIMIT, hi=COORD_LIMIT)
        return block

    def bring_to_front(self, block_id: uuid.UUID) -> CanvasBlock:
        block = self.get(block_id)
        with self.ctx.store.read() as s:
            top = s.scalar(select(func.max(CanvasBlock.z_index)).where(CanvasBlock.page_id == block.page_id)) or 0
        return block if block.z_index == top else self.set_z(block_id, top + 1)

    def send_to_back(self, block_id: uuid.UUID) -> CanvasBlock:
        block = self.get(block_id)
        with self.ctx.store.read() as s:
            low = s.scalar(select(func.min(CanvasBlock.z_index)).where(CanvasBlock.page_id == block.page_id)) or 0
        return block if block.z_index == low else self.set_z(block_id, low - 1)

    def duplicate(self, block_ids: list[uuid.UUID], *, to_page_id: uuid.UUID | None = None,
                  offset: tuple[int, int] = (24, 24)) -> list[CanvasBlock]:
        """Copy blocks (to the same page, or paste onto another), shifted by ``offset``."""
        with self.ctx.write() as uow:
            out = []
            for bid in block_ids:
                src = self._get(uow.session, bid)
                target = self._page(uow.session, to_page_id or src.page_id)
                src_page = uow.session.get(CanvasPage, src.page_id)
                if target.workspace_id != src_page.workspace_id and src.type == BlockType.AGENT_SNIPPET:
                    raise ValidationError("an agent snippet can only be pasted inside its own workspace",
                                          where="paste")
                data = row_to_json(src, ["content_json"])
                out.append(uow.add(CanvasBlock(
                    page_id=target.id, type=src.type, content_json=data["content_json"],
                    position_x=src.position_x + offset[0], position_y=src.position_y + offset[1],
                    width=src.width, height=src.height, z_index=src.z_index + 1)))
        return out

    def delete(self, block_ids: list[uuid.UUID]) -> None:
        with self.ctx.write() as uow:
            for bid in block_ids:
                uow.delete(self._get(uow.session, bid))

    def restore(self, snapshot: dict[str, Any]) -> CanvasBlock:
        """Re-create a deleted block from its ``row_to_json`` snapshot (undo of delete)."""
        geo = Geometry(snapshot["position_x"], snapshot["position_y"], snapshot["width"], snapshot["height"])
        return self.create(uuid.UUID(snapshot["page_id"]), snapshot["type"], snapshot["content_json"],
                           geometry=geo, z_index=snapshot["z_index"], block_id=uuid.UUID(snapshot["id"]))

    def list(self, page_id: uuid.UUID) -> list[CanvasBlock]:
        with self.ctx.store.read() as s:
            self._page(s, page_id)
            return list(s.scalars(select(CanvasBlock).where(CanvasBlock.page_id == page_id)
                                  .order_by(CanvasBlock.z_index, CanvasBlock.id)))

    def get(self, block_id: uuid.UUID) -> CanvasBlock:
        with self.ctx.store.read() as s:
            return self._get(s, block_id)

    def _get(self, session: Any, block_id: uuid.UUID) -> CanvasBlock:
        """The block, its page and workspace loaded in one query (this is the hot path of every edit)."""
        row = session.execute(
            select(CanvasBlock, CanvasPage, Workspace)
            .join(CanvasPage, CanvasBlock.page_id == CanvasPage.id)
            .join(Workspace, CanvasPage.workspace_id == Workspace.id)
            .where(CanvasBlock.id == block_id)
        ).first()
        if row is None:
            raise NotFoundError(f"no block with id {block_id}", where="block")
        block, page, _ws = row
        require_member(session, page.workspace_id, self.ctx.user_id)  # workspace is in the identity map now
        return block

    def _page(self, session: Any, page_id: uuid.UUID) -> CanvasPage:
        page = session.get(CanvasPage, page_id)
        if page is None:
            raise NotFoundError(f"no page with id {page_id}", where="page")
        require_member(session, page.workspace_id, self.ctx.user_id)
        return page

    def _check_snippet(self, session: Any, btype: BlockType, body: dict[str, Any], workspace_id: uuid.UUID) -> None:
        if btype != BlockType.AGENT_SNIPPET:
            return
        config = session.get(AgentConfiguration, uuid.UUID(body["agent_configuration_id"]))
        if config is None or config.workspace_id != workspace_id:
            raise NotFoundError("no agent configuration with that id in this workspace",
                                where="content_json.agent_configuration_id")
