"""Canvas pages: a nested tree per workspace, with move and archive."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.models import CanvasPage, PageStatus
from ionflux.core.page_tree import tree_order
from ionflux.core.workspaces import require_member


class Pages:
    """The page tree of a workspace."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, workspace_id: uuid.UUID, title: str, *, parent_id: uuid.UUID | None = None,
               icon_url: str | None = None) -> CanvasPage:
        page_title = v.name(title, "title")
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            if parent_id is not None:
                self._in_workspace(uow.session, parent_id, workspace_id, "parent")
            page = uow.add(CanvasPage(workspace_id=workspace_id, title=page_title, parent_page_id=parent_id,
                                      icon_url=v.url(icon_url, "icon_url", required=False)))
        return page

    def rename(self, page_id: uuid.UUID, title: str) -> CanvasPage:
        with self.ctx.write() as uow:
            page = self._get(uow.session, page_id)
            page.title = v.name(title, "title")
        return page

    def move(self, page_id: uuid.UUID, new_parent_id: uuid.UUID | None) -> CanvasPage:
        """Put a page under another (or at the top level); a page cannot go under itself."""
        with self.ctx.write() as uow:
            page = self._get(uow.session, page_id)
            if new_parent_id is not None:
                parent = self._in_workspace(uow.session, new_parent_id, page.workspace_id, "parent")
                cursor: CanvasPage | None = parent
                while cursor is not None:
                    if cursor.id == page.id:
                        raise ValidationError(f"{page.title!r} cannot be moved under itself or its own sub-page",
                                              where="parent")
                    cursor = uow.session.get(CanvasPage, cursor.parent_page_id) if cursor.parent_page_id else None
            page.parent_page_id = new_parent_id
        return page

    def reorder(self, page_id: uuid.UUID, parent_id: uuid.UUID | None, index: int) -> CanvasPage:
        """Move a page under ``parent_id`` (None: top level) to position ``index`` among its siblings."""
        page = self.move(page_id, parent_id)
        siblings = [p for p, _ in self.tree(page.workspace_id, include_archived=True)
                    if p.parent_page_id == parent_id and p.id != page_id]
        index = max(0, min(index, len(siblings)))
        with self.ctx.write() as uow:
            ordered = [*siblings[:index], page, *siblings[index:]]
            for position, sibling in enumerate(ordered):
                row = uow.session.get(CanvasPage, sibling.id)
                if row.sort_index != float(position):
                    row.sort_index = float(position)
        return self.get(page_id)

    def set_status(self, page_id: uuid.UUID, status: str | PageStatus, *, with_children: bool = True) -> CanvasPage:
        """Archive or restore a page (and, by default, everything under it)."""
        new_status = v.enum_value(PageStatus, status, "status")
        with self.ctx.write() as uow:
            page = self._get(uow.session, page_id)
            targets = [page]
            if with_children:
                rows = list(uow.session.scalars(select(CanvasPage).where(CanvasPage.workspace_id == page.workspace_id)))
                targets = [page, *_descendants(page.id, rows)]
            for p in targets:
                p.status = new_status
        return page

    def archive(self, page_id: uuid.UUID) -> CanvasPage:
        return self.set_status(page_id, PageStatus.ARCHIVED)

    def restore(self, page_id: uuid.UUID) -> CanvasPage:
        return self.set_status(page_id, PageStatus.ACTIVE)

    def delete(self, page_id: uuid.UUID) -> None:
        """Delete a page and its blocks; its sub-pages move up to the top level."""
        with self.ctx.write() as uow:
            page = self._get(uow.session, page_id)
            for child in uow.session.scalars(select(CanvasPage).where(CanvasPage.parent_page_id == page.id)):
                child.parent_page_id = None
            uow.delete(page)

    def list(self, workspace_id: uuid.UUID, *, include_archived: bool = False) -> list[CanvasPage]:
        """Pages in tree order (depth first, siblings by title)."""
        with self.ctx.store.read() as s:
            rows = list(s.scalars(select(CanvasPage).where(CanvasPage.workspace_id == workspace_id)))
        if not include_archived:
            rows = [p for p in rows if p.status != PageStatus.ARCHIVED]
        return [p for p, _depth in tree_order(rows)]

    def tree(self, workspace_id: uuid.UUID, *, include_archived: bool = False) -> list[tuple[CanvasPage, int]]:
        """(page, depth) pairs in tree order."""
        with self.ctx.store.read() as s:
            rows = list(s.scalars(select(CanvasPage).where(CanvasPage.workspace_id == workspace_id)))
        if not include_archived:
            rows = [p for p in rows if p.status != PageStatus.ARCHIVED]
        return tree_order(rows)

    def get(self, page_id: uuid.UUID) -> CanvasPage:
        with self.ctx.store.read() as s:
            return self._get(s, page_id)

    def find(self, workspace_id: uuid.UUID, title: str) -> CanvasPage:
        """The page titled ``title``; an error if there is none or several."""
        with self.ctx.store.read() as s:
            found = list(s.scalars(select(CanvasPage).where(CanvasPage.workspace_id == workspace_id,
                                                            CanvasPage.title == title)))
        if not found:
            raise NotFoundError(f"no page titled {title!r}", where="page")
        if len(found) > 1:
            raise ValidationError(f"several pages are titled {title!r}; rename one or use its id", where="page")
        return found[0]

    def _get(self, session: Any, page_id: uuid.UUID) -> CanvasPage:
        page = session.get(CanvasPage, page_id)
        if page is None:
            raise NotFoundError(f"no page with id {page_id}", where="page")
        require_member(session, page.workspace_id, self.ctx.user_id)
        return page

    def _in_workspace(self, session: Any, page_id: uuid.UUID, workspace_id: uuid.UUID, where: str) -> CanvasPage:
        page = session.get(CanvasPage, page_id)
        if page is None or page.workspace_id != workspace_id:
            raise NotFoundError(f"no page with id {page_id} in this workspace", where=where)
        return page


def _descendants(page_id: uuid.UUID, rows: list[CanvasPage]) -> list[CanvasPage]:
    children: dict[uuid.UUID | None, list[CanvasPage]] = {}
    for p in rows:
        children.setdefault(p.parent_page_id, []).append(p)
    out: list[CanvasPage] = []
    stack = list(children.get(page_id, []))
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p.id, []))
    return out
