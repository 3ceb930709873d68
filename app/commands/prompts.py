"""Prompt library commands: list, show (as YAML), and save an edited YAML file as a new version."""

from __future__ import annotations

from pathlib import Path

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError


@registry.command("prompt.list", title="List prompts", json_output=True)
def prompt_list(app: App, *, workspace: str | None = None) -> Output:
    """List the prompts of a workspace's libraries, with their version.

    Args:
        workspace: The workspace's name (optional when you have only one).
    """
    ws = app.workspace(workspace)
    rows = [{"library": lib.name, "name": p.name, "version": p.version}
            for lib in app.prompts.libraries(ws.id) for p in app.prompts.list(lib.id)]
    text = "\n".join(f"{r['library']} / {r['name']}  (v{r['version']})" for r in rows)
    return Output(text or "No prompts.", rows)


@registry.command("prompt.show", title="Show prompt")
def prompt_show(app: App, name: str, *, library: str | None = None, workspace: str | None = None) -> Output:
    """Print a prompt as YAML (the form the window's editor and `prompt save` use).

    Args:
        name: The prompt's name.
        library: Its library (needed when two libraries have a prompt of that name).
        workspace: The workspace's name (optional when you have only one).
    """
    prompt = app.prompts.find(app.workspace(workspace).id, name, library)
    return Output(app.prompts.to_yaml(prompt))


@registry.command("prompt.save", title="Save prompt YAML")
def prompt_save(app: App, name: str, file: Path, *, library: str | None = None,
                workspace: str | None = None) -> Output:
    """Apply an edited YAML file to a prompt as its next version; an invalid file changes nothing.

    Args:
        name: The prompt's current name.
        file: The YAML file (as `prompt show` prints it).
        library: Its library (needed when two libraries have a prompt of that name).
        workspace: The workspace's name (optional when you have only one).
    """
    prompt = app.prompts.find(app.workspace(workspace).id, name, library)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror}", where=str(file)) from None
    saved = app.prompts.save_yaml(prompt.id, text, str(file))
    changed = saved.version != prompt.version
    return Output(f"Saved prompt {saved.name} as version {saved.version}." if changed else
                  f"Prompt {saved.name} is unchanged (version {saved.version}).")
