"""Random user operations for the convergence fuzz tests (seeded, so a failing seed replays exactly)."""

from __future__ import annotations

import random
import uuid
from typing import Any

from sqlalchemy import select

from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.errors import IonfluxError
from ionflux.core.models import CanvasBlock, CanvasPage, ChatChannel
from ionflux.core.pages import Pages
from ionflux.core.serialize import row_to_json

WORDS = ["sale", "autumn", "launch", "email", "tiktok", "budget", "copy", "friday", "promo", "creator", "gmv"]


class Actor:
    """One device's user doing random things in one workspace."""

    def __init__(self, ctx: Context, workspace_id: uuid.UUID, rng: random.Random) -> None:
        self.ctx = ctx
        self.ws = workspace_id
        self.rng = rng
        self.deleted_blocks: list[dict[str, Any]] = []
        self.done: list[str] = []

    def step(self) -> None:
        ops = [(self.create_page, 3), (self.rename_page, 3), (self.toggle_page, 1), (self.delete_page, 1),
               (self.create_block, 4), (self.type_text, 8), (self.cut_text, 3), (self.move_block, 3),
               (self.delete_block, 1), (self.undo_delete, 1), (self.post, 2)]
        op = self.rng.choices([o for o, _ in ops], [w for _, w in ops])[0]
        try:
            op()
            self.done.append(op.__name__)
        except IonfluxError:
            self.done.append(op.__name__ + ":refused")

    def _pages(self) -> list[CanvasPage]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(CanvasPage).where(CanvasPage.workspace_id == self.ws).order_by(CanvasPage.id)))

    def _blocks(self) -> list[CanvasBlock]:
        pages = select(CanvasPage.id).where(CanvasPage.workspace_id == self.ws)
        with self.ctx.store.read() as s:
            return list(s.scalars(select(CanvasBlock).where(CanvasBlock.page_id.in_(pages), CanvasBlock.type == "text")
                                  .order_by(CanvasBlock.id)))

    def _word(self) -> str:
        return self.rng.choice(WORDS)

    def create_page(self) -> None:
        pages = self._pages()
        parent = self.rng.choice(pages).id if pages and self.rng.random() < 0.3 else None
        Pages(self.ctx).create(self.ws, f"{self._word()} {self.rng.randint(1, 999)}", parent_id=parent)

    def rename_page(self) -> None:
        if pages := self._pages():
            Pages(self.ctx).rename(self.rng.choice(pages).id, f"{self._word()} plan {self.rng.randint(1, 99)}")

    def toggle_page(self) -> None:
        if pages := self._pages():
            page = self.rng.choice(pages)
            Pages(self.ctx).set_status(page.id, "active" if page.status.value == "archived" else "archived",
                                       with_children=False)

    def delete_page(self) -> None:
        pages = self._pages()
        if len(pages) > 2:
            Pages(self.ctx).delete(self.rng.choice(pages).id)

    def create_block(self) -> None:
        if pages := self._pages():
            text = " ".join(self._word() for _ in range(self.rng.randint(1, 6)))
            Blocks(self.ctx).create(self.rng.choice(pages).id, "text", {"markdown_text": text},
                                    geometry=Geometry(self.rng.randint(0, 900), self.rng.randint(0, 900), 300, 120))

    def type_text(self) -> None:
        if blocks := self._blocks():
            block = self.rng.choice(blocks)
            text = block.content_json.get("markdown_text", "")
            at = self.rng.randint(0, len(text))
            new = text[:at] + " " + self._word() + text[at:]
            Blocks(self.ctx).update_content(block.id, {**block.content_json, "markdown_text": new})

    def cut_text(self) -> None:
        if blocks := self._blocks():
            block = self.rng.choice(blocks)
            text = block.content_json.get("markdown_text", "")
            if len(text) > 4:
                a = self.rng.randint(0, len(text) - 2)
                b = min(len(text), a + self.rng.randint(1, 6))
                Blocks(self.ctx).update_content(block.id, {**block.content_json, "markdown_text": text[:a] + text[b:]})

    def move_block(self) -> None:
        if blocks := self._blocks():
            Blocks(self.ctx).move(self.rng.choice(blocks).id, self.rng.randint(0, 900), self.rng.randint(0, 900))

    def delete_block(self) -> None:
        if blocks := self._blocks():
            block = self.rng.choice(blocks)
            self.deleted_blocks.append(row_to_json(block))
            Blocks(self.ctx).delete([block.id])

    def undo_delete(self) -> None:
        if self.deleted_blocks:
            Blocks(self.ctx).restore(self.deleted_blocks.pop())

    def post(self) -> None:
        with self.ctx.store.read() as s:
            chans = list(s.scalars(select(ChatChannel).where(ChatChannel.workspace_id == self.ws)
                                   .order_by(ChatChannel.id)))
        if chans:
            Chat(self.ctx).post(self.rng.choice(chans).id, " ".join(self._word() for _ in range(4)))
