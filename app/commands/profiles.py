"""Brand and creator commands: list, show (as YAML), and save an edited YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError


def _service(app: App, kind: str) -> Any:
    return app.brands if kind == "brand" else app.creators


def _register(kind: str) -> None:
    """The same three commands for brands and creators (they differ only in their fields)."""
    plural = f"{kind}s"

    def list_(app: App, *, workspace: str | None = None, archived: bool = False) -> Output:
        rows = [{"name": p.name, "status": p.status.value} for p in
                _service(app, kind).list(app.workspace(workspace).id, include_archived=archived)]
        text = "\n".join(f"{r['name']}{'  (archived)' if r['status'] != 'active' else ''}" for r in rows)
        return Output(text or f"No {plural}.", rows)

    def show(app: App, name: str, *, workspace: str | None = None) -> Output:
        service = _service(app, kind)
        obj = service.find(app.workspace(workspace).id, name)
        return Output(service.to_yaml(obj))

    def save(app: App, name: str, file: Path, *, workspace: str | None = None) -> Output:
        service = _service(app, kind)
        obj = service.find(app.workspace(workspace).id, name)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(f"cannot be read: {exc.strerror}", where=str(file)) from None
        saved = service.save_yaml(obj.id, text, str(file))
        return Output(f"Saved {kind} {saved.name}.")

    list_.__doc__ = f"""List a workspace's {plural} (active ones, or all with --archived).

    Args:
        workspace: The workspace's name (optional when you have only one).
        archived: Include archived {plural}.
    """
    show.__doc__ = f"""Print a {kind} as YAML (the form the window's editor and `{kind} save` use).

    Args:
        name: The {kind}'s name.
        workspace: The workspace's name (optional when you have only one).
    """
    save.__doc__ = f"""Apply an edited YAML file to a {kind}; an invalid file changes nothing and names its line.

    Args:
        name: The {kind}'s current name.
        file: The YAML file (as `{kind} show` prints it).
        workspace: The workspace's name (optional when you have only one).
    """
    registry.command(f"{kind}.list", title=f"List {plural}", json_output=True)(list_)
    registry.command(f"{kind}.show", title=f"Show {kind}")(show)
    registry.command(f"{kind}.save", title=f"Save {kind} YAML")(save)


_register("brand")
_register("creator")
