"""The search command."""

from __future__ import annotations

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output


@registry.command("search.query", title="Search", cli="search", slash="/search", json_output=True, keys="Ctrl+Shift+F")
def search(app: App, query: str, *, workspace: str | None = None, limit: int = 20) -> Output:
    """Search page titles, text blocks, chat messages and prompts, best match first.

    Args:
        query: Words to look for; the last one may be the start of a word.
        workspace: Only this workspace (default: every workspace you can reach).
        limit: How many results at most.

    """
    ws_id = app.workspace(workspace).id if workspace else None
    hits = app.search.query(query, workspace_id=ws_id, limit=limit)
    visible = {w.id for w in app.workspaces.list(app.user_id)} if app.user_id else None
    if visible is not None:
        hits = [h for h in hits if h.workspace_id in visible]
    text = "\n".join(f"{h.kind:8} {h.title or h.snippet}  — {h.context}" for h in hits) or f"No results for {query!r}."
    return Output(text, [h.to_json() for h in hits])
