"""Commands about the data folder as a whole: init, demo seed, export and import."""

from __future__ import annotations

from pathlib import Path

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output


@registry.command("data.init", title="Initialise data folder", cli="init")
def init(app: App) -> Output:
    """Create (or upgrade) the local database in the data folder and load the agent definitions."""
    from ionflux.core.definitions import sync_definitions

    changed = sync_definitions(app.ctx)
    return Output(f"IONFLUX data folder ready: {app.data_dir} ({changed} agent definitions updated)",
                  {"data_dir": str(app.data_dir), "definitions_updated": changed})


@registry.command("data.seed_demo", title="Seed the demo workspace", cli="seed-demo")
def seed_demo_command(app: App) -> Output:
    """Create the demo user and Demo Workspace (idempotent: running it twice adds nothing)."""
    from ionflux.core.demo import seed_demo

    result = seed_demo(app.ctx)
    app.reset_user()
    if result.created:
        made = ", ".join(_count(n, k.replace("_", " ")) for k, n in result.created.items())
        text = f"Demo Workspace ready ({made}). Sign in as demo@ionflux.ai."
    else:
        text = "Demo Workspace already complete; nothing to add."
    return Output(text, {"created": result.created, "workspace_id": str(result.workspace_id)})


@registry.command("data.export", title="Export workspace", cli="export")
def export(app: App, file: Path, *, workspace: str | None = None) -> Output:
    """Write every row of a workspace to one JSON file (secrets and password hashes are never included).

    Args:
        file: The JSON file to write.
        workspace: The workspace's name (optional when you have only one).

    """
    from ionflux.core.exchange import write_export

    ws = app.workspace(workspace)
    rows = write_export(app.ctx, ws.id, file)
    return Output(f"Exported {ws.name!r} ({rows} rows) to {file}", {"workspace": ws.name, "rows": rows,
                                                                     "file": str(file)})


@registry.command("data.import", title="Import workspace", cli="import")
def import_(app: App, file: Path) -> Output:
    """Add a workspace from an export file, all or nothing.

    Args:
        file: A JSON file written by `ionflux export`.

    """
    from ionflux.core.exchange import import_workspace, read_export

    doc = read_export(file)
    ws = import_workspace(app.ctx, doc, source=str(file))
    app.reset_user()
    return Output(f"Imported workspace {ws.name!r}", {"workspace": ws.name, "workspace_id": str(ws.id)})


def _count(n: int, plural: str) -> str:
    """``1 brand``, ``2 brands``, ``1 prompt library`` (the demo's kinds are all regular plurals)."""
    if n != 1:
        return f"{n} {plural}"
    return f"{n} {plural[:-3] + 'y' if plural.endswith('ies') else plural.removesuffix('s')}"
