"""Canvas page commands."""

from __future__ import annotations

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output


@registry.command("page.list", title="List pages", json_output=True)
def page_list(app: App, *, workspace: str | None = None) -> Output:
    """List a workspace's pages as a tree.

    Args:
        workspace: The workspace's name (optional when you have only one).

    """
    ws = app.workspace(workspace)
    tree = app.pages.tree(ws.id)
    data = [{"id": str(p.id), "title": p.title, "depth": d,
             "parent_id": str(p.parent_page_id) if p.parent_page_id else None} for p, d in tree]
    text = "\n".join("  " * d + p.title for p, d in tree) if tree else "No pages yet."
    return Output(text, data)


@registry.command("page.create", title="New page", keys="Ctrl+N", slash="/page")
def page_create(app: App, title: str, *, workspace: str | None = None, parent: str | None = None) -> Output:
    """Create a page, optionally under another.

    Args:
        title: The new page's title.
        workspace: The workspace's name (optional when you have only one).
        parent: Title of the page to nest it under.

    """
    ws = app.workspace(workspace)
    parent_id = app.pages.find(ws.id, parent).id if parent else None
    page = app.pages.create(ws.id, title, parent_id=parent_id)
    where = f" under {parent!r}" if parent else ""
    return Output(f"Created page {page.title!r}{where}", {"id": str(page.id), "title": page.title})
