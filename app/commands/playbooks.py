"""Playbook commands: list, show (as YAML), runs, and validate a playbook YAML file."""

from __future__ import annotations

from pathlib import Path

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError


@registry.command("playbook.list", title="List playbooks", json_output=True)
def playbook_list(app: App, *, workspace: str | None = None) -> Output:
    """List a workspace's playbooks with their status and metrics.

    Args:
        workspace: The workspace's name (optional when you have only one).
    """
    ws = app.workspace(workspace)
    rows = [{"name": p.name, "status": p.status.value, "metrics": p.performance_metrics_json}
            for p in app.playbooks.list(ws.id)]
    text = "\n".join(f"{r['name']:40} {r['status']:8} {r['metrics']}" for r in rows) or "No playbooks."
    return Output(text, rows)


@registry.command("playbook.show", title="Show playbook")
def playbook_show(app: App, name: str, *, workspace: str | None = None) -> Output:
    """Print a playbook as YAML (the form the editor and `playbook validate` use).

    Args:
        name: The playbook's name.
        workspace: The workspace's name (optional when you have only one).
    """
    from ionflux.core.playbooks import to_doc, to_yaml

    pb = app.playbooks.find(app.workspace(workspace).id, name)
    return Output(to_yaml(pb), to_doc(pb))


@registry.command("playbook.runs", title="Playbook runs", json_output=True)
def playbook_runs(app: App, name: str, *, workspace: str | None = None, limit: int = 20) -> Output:
    """Show a playbook's latest runs: status, the path taken, and whether it converted.

    Args:
        name: The playbook's name.
        workspace: The workspace's name (optional when you have only one).
        limit: How many runs.
    """
    pb = app.playbooks.find(app.workspace(workspace).id, name)
    rows = [{"id": str(r.id), "status": r.status.value, "converted": r.converted,
             "steps": [h["step_id"] for h in r.history_json], "error": r.error_text,
             "created_at": r.created_at.isoformat()} for r in app.playbooks.runs(pb.id, limit=limit)]
    text = "\n".join(f"{r['created_at'][:19]} {r['status']:9} {'converted ' if r['converted'] else ''}"
                     f"{' → '.join(r['steps'])}{'  ' + r['error'] if r['error'] else ''}" for r in rows)
    return Output(text or "No runs yet.", rows)


@registry.command("playbook.validate", title="Validate playbook YAML")
def playbook_validate(app: App, file: Path) -> Output:
    """Check a playbook YAML file (trigger, steps graph, actions) without saving it.

    Args:
        file: The YAML file.
    """
    from ionflux.core.playbooks import parse_yaml

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror}", where=str(file)) from None
    values = parse_yaml(text, str(file))
    return Output(f"{file}: valid playbook ({len(values['steps_json_array'])} steps)")
