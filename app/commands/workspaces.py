"""Workspace commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output

if TYPE_CHECKING:
    from ionflux.core.models import Workspace


def _summary(app: App, ws: Workspace) -> dict[str, object]:
    from ionflux.core.serialize import row_to_json

    data = row_to_json(ws)
    data["pages"] = len(app.pages.list(ws.id))
    data["channels"] = [c.name for c in app.chat.channels(ws.id)]
    data["agent_configurations"] = [c.name for c in app.agent_configs.list(ws.id)]
    return data


@registry.command("workspace.list", title="List workspaces", json_output=True)
def workspace_list(app: App) -> Output:
    """List the workspaces you own or belong to."""
    rows = app.workspaces.list(app.user_id)
    data = [{"id": str(w.id), "name": w.name, "status": w.status.value} for w in rows]
    text = "\n".join(w.name for w in rows) if rows else "No workspaces yet. Try `ionflux seed-demo`."
    return Output(text, data)


@registry.command("workspace.show", title="Show workspace", json_output=True)
def workspace_show(app: App, name: str) -> Output:
    """Show a workspace: settings, members, pages, channels and agents.

    Args:
        name: The workspace's name.

    """
    ws = app.workspace(name)
    data = _summary(app, ws)
    tz = (ws.settings_json or {}).get("default_timezone", "-")
    lines = [
        ws.name,
        f"  id:        {ws.id}",
        f"  status:    {ws.status.value}",
        f"  timezone:  {tz}",
        f"  members:   {len(ws.member_ids())}",
        f"  pages:     {data['pages']}",
        f"  channels:  {', '.join('#' + c for c in data['channels']) or '-'}",  # type: ignore[union-attr]
        f"  agents:    {', '.join(data['agent_configurations']) or '-'}",  # type: ignore[arg-type]
    ]
    return Output("\n".join(lines), data)
