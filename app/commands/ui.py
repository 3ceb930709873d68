"""Commands of the window (palette, view, canvas) and of the chat dock (/ask, /schedule, /help), plus key bindings.

Window commands are ``gui_only``: their functions act on the open window, so the palette, the
menus, the shortcuts sheet and the key bindings all come from this one declaration.
"""

from __future__ import annotations

from typing import Any

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError
from ionflux.core.settings import KEYBINDINGS_KEY


def _window(app: App) -> Any:
    from ionflux.ui.actions import window_for

    return window_for(app)


def _canvas(app: App) -> Any:
    return _window(app).canvas_pane


# -- chat dock -------------------------------------------------------------------------------------


@registry.command("chat.ask", title="Ask the local model", cli="ask", slash="/ask")
def ask(app: App, question: str, *, max_tokens: int = 200) -> Output:
    """Ask the local model a question; in the chat dock the answer streams into a thread.

    Args:
        question: What to ask.
        max_tokens: The longest answer, in tokens.
    """
    from ionflux.agents.llm.base import Message
    from ionflux.ui.chat.ask import ASK_SYSTEM_PROMPT

    stream = app.router.local().stream([Message("system", ASK_SYSTEM_PROMPT), Message("user", question)],
                                       max_tokens=max_tokens, temperature=0.3)
    parts = []
    for piece in stream:
        parts.append(piece)
        print(piece, end="", flush=True)  # streamed as it is written
    print()
    answer = "".join(parts).strip()
    return Output("", {"answer": answer})


@registry.command("agents.schedule", title="Schedule agent", cli="schedule", slash="/schedule")
def schedule(app: App, config: str, cron: str, *, trigger: str | None = None, workspace: str | None = None) -> Output:
    """Set when an agent configuration runs by itself: its schedule trigger's cron expression.

    The configuration's YAML is rewritten (its comments are not kept).

    Args:
        config: The configuration's name.
        cron: A 5-field cron expression, e.g. "*/15 * * * *" (every 15 minutes).
        trigger: Which schedule trigger of the definition (default: its first one).
        workspace: The workspace's name (optional when you have only one).
    """
    import yaml

    ws = app.workspace(workspace)
    cfg = app.agent_configs.find(ws.id, config)
    definition = app.registry.get(cfg.agent_definition_id).definition
    schedules = [t for t in definition.get("triggers_config_json_array") or [] if t.get("type") == "schedule"]
    if trigger:
        schedules = [t for t in schedules if t["trigger_key"] == trigger]
    if not schedules:
        raise ValidationError(f"{definition['name']} has no schedule trigger{f' named {trigger!r}' if trigger else ''}",
                              where=cfg.name)
    spec = schedules[0]
    if not spec.get("is_user_overridable"):
        raise ValidationError(f"the schedule of {definition['name']} cannot be changed", where=spec["trigger_key"])
    doc = yaml.safe_load(cfg.yaml_config_text or "") or {}
    if not isinstance(doc, dict):
        raise ValidationError("the configuration's YAML is not a mapping; fix it in the editor first", where=cfg.name)
    entries = doc.setdefault("triggers", [])
    entry = next((e for e in entries if isinstance(e, dict) and e.get("trigger_definition_key") == spec["trigger_key"]),
                 None)
    if entry is None:
        entry = {"trigger_definition_key": spec["trigger_key"]}
        entries.append(entry)
    entry["enabled"] = True
    entry["cron_expression"] = cron.strip()
    app.runtime.save_yaml(cfg.id, yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return Output(f"{cfg.name} now runs on “{cron.strip()}” ({spec['trigger_key']})",
                  {"config": cfg.name, "trigger": spec["trigger_key"], "cron_expression": cron.strip()})


@registry.command("help.slash", title="Chat commands", cli=False, slash="/help")
def slash_help(app: App) -> Output:
    """List the chat dock's slash commands and what they do."""
    lines = ["**Slash commands**", ""]
    for cmd in sorted((c for c in registry if c.slash), key=lambda c: c.slash or ""):
        args = " ".join(f"<{p.name}>" for p in cmd.params if p.positional)
        if any(p.repeated for p in cmd.params):
            args += " [key=value …]"
        usage = f"{cmd.slash} {args}".strip()
        lines.append(f"- `{usage}` — {cmd.help}")
    lines += ["", "Mention an agent with **@name** to run it with your message."]
    return Output("\n".join(lines))


@registry.command("ui.keybind", title="Change a key binding", cli="keybind")
def keybind(app: App, command: str, keys: str) -> Output:
    """Bind a window command to other keys (use "none" to unbind, "default" to restore).

    Args:
        command: The command's id, e.g. palette.open (see the shortcuts sheet, Ctrl+/).
        keys: Keys like Ctrl+Shift+P, "none" or "default".
    """
    cmd = registry.get(command)
    bindings = dict(app.store.get_local(KEYBINDINGS_KEY, {}) or {})
    if keys.lower() == "default":
        bindings.pop(cmd.id, None)
        shown = cmd.keys or "no keys"
    else:
        bindings[cmd.id] = "" if keys.lower() == "none" else keys
        shown = bindings[cmd.id] or "no keys"
    app.store.set_local(KEYBINDINGS_KEY, bindings)
    return Output(f"{cmd.title} ({cmd.id}): {shown}; takes effect the next time the window opens")


# -- window ----------------------------------------------------------------------------------------


@registry.command("palette.open", title="Command palette", keys="Ctrl+K", gui_only=True)
def palette_open(app: App) -> None:
    """Search pages, blocks, messages, agents and commands."""
    _window(app).open_palette()


@registry.command("shortcuts.show", title="Keyboard shortcuts", keys="Ctrl+/", gui_only=True)
def shortcuts_show(app: App) -> None:
    """Show every command and its keys."""
    _window(app).show_shortcuts()


@registry.command("view.toggle_theme", title="Switch light/dark theme", keys="Ctrl+Shift+L", gui_only=True)
def toggle_theme(app: App) -> None:
    """Switch between the light and the dark theme (remembered on this device)."""
    _window(app).toggle_theme()


@registry.command("view.toggle_chat", title="Show/hide the chat dock", keys="Ctrl+J", gui_only=True)
def toggle_chat(app: App) -> None:
    """Show or hide the chat dock."""
    _window(app).toggle_chat()


@registry.command("view.focus_sidebar", title="Go to the sidebar", keys="Alt+1", gui_only=True)
def focus_sidebar(app: App) -> None:
    """Move the keyboard focus to the page tree."""
    _window(app).focus_area("sidebar")


@registry.command("view.focus_canvas", title="Go to the canvas", keys="Alt+2", gui_only=True)
def focus_canvas(app: App) -> None:
    """Move the keyboard focus to the canvas."""
    _window(app).focus_area("canvas")


@registry.command("view.focus_chat", title="Go to the chat composer", keys="Alt+3", gui_only=True)
def focus_chat(app: App) -> None:
    """Move the keyboard focus to the chat composer."""
    _window(app).focus_area("chat")


@registry.command("edit.undo", title="Undo", keys="Ctrl+Z", gui_only=True)
def undo(app: App) -> None:
    """Undo the last canvas edit."""
    _window(app).undo_stack.undo()


@registry.command("edit.redo", title="Redo", keys="Ctrl+Shift+Z", gui_only=True)
def redo(app: App) -> None:
    """Redo the last undone canvas edit."""
    _window(app).undo_stack.redo()


@registry.command("library.new_brand", title="New brand", keys="Ctrl+Shift+B", gui_only=True)
def new_brand(app: App) -> None:
    """Add a brand to the workspace and open it as YAML to fill in."""
    _window(app).new_profile("brand")


@registry.command("library.new_creator", title="New creator", keys="Ctrl+Shift+C", gui_only=True)
def new_creator(app: App) -> None:
    """Add a creator to the workspace and open it as YAML to fill in."""
    _window(app).new_profile("creator")


# -- canvas ----------------------------------------------------------------------------------------

_CANVAS: list[tuple[str, str, str, str, Any]] = [
    ("canvas.new_block", "Add block", "/", "Pick a block type to add to the page.", lambda c: c.open_picker()),
    ("canvas.fit", "Fit to content", "Shift+1", "Zoom so every block on the page is visible.", lambda c: c.view.fit()),
    ("canvas.zoom_in", "Zoom in", "Ctrl+=", "Zoom the canvas in.", lambda c: c.view.zoom_by(1.25)),
    ("canvas.zoom_out", "Zoom out", "Ctrl+-", "Zoom the canvas out.", lambda c: c.view.zoom_by(0.8)),
    ("canvas.zoom_reset", "Actual size", "Ctrl+0", "Zoom to 100%.", lambda c: c.view.set_zoom(1.0)),
    ("canvas.delete", "Delete blocks", "Delete", "Delete the selected blocks.", lambda c: c.delete_selected()),
    ("canvas.duplicate", "Duplicate blocks", "Ctrl+D", "Duplicate the selected blocks.",
     lambda c: c.duplicate_selected()),
    ("canvas.copy", "Copy blocks", "Ctrl+C", "Copy the selected blocks (paste them on any page).",
     lambda c: c.copy_selected()),
    ("canvas.cut", "Cut blocks", "Ctrl+X", "Cut the selected blocks.", lambda c: c.cut_selected()),
    ("canvas.paste", "Paste blocks", "Ctrl+V", "Paste copied blocks onto this page.", lambda c: c.paste()),
    ("canvas.bring_front", "Bring to front", "Ctrl+]", "Stack the selected blocks above the others.",
     lambda c: c.restack(True)),
    ("canvas.send_back", "Send to back", "Ctrl+[", "Stack the selected blocks below the others.",
     lambda c: c.restack(False)),
    ("canvas.select_all", "Select all blocks", "Ctrl+A", "Select every block on the page.", lambda c: c.select_all()),
    ("canvas.select_next", "Next block", "Tab", "Select the next block (reading order).", lambda c: c.select_next(1)),
    ("canvas.select_previous", "Previous block", "Shift+Tab", "Select the previous block.",
     lambda c: c.select_next(-1)),
    ("canvas.edit_block", "Edit block", "Return", "Open the selected block's editor.", lambda c: c.edit_selected()),
    ("canvas.run_block", "Run agent snippet", "Ctrl+R", "Run the selected agent snippets.",
     lambda c: c.run_selected()),
    ("canvas.nudge_left", "Move left", "Left", "Move the selection one grid step left.", lambda c: c.nudge(-8, 0)),
    ("canvas.nudge_right", "Move right", "Right", "Move the selection one grid step right.", lambda c: c.nudge(8, 0)),
    ("canvas.nudge_up", "Move up", "Up", "Move the selection one grid step up.", lambda c: c.nudge(0, -8)),
    ("canvas.nudge_down", "Move down", "Down", "Move the selection one grid step down.", lambda c: c.nudge(0, 8)),
    ("canvas.grow_width", "Wider", "Alt+Right", "Make the selection one grid step wider.",
     lambda c: c.nudge(0, 0, 8, 0)),
    ("canvas.shrink_width", "Narrower", "Alt+Left", "Make the selection one grid step narrower.",
     lambda c: c.nudge(0, 0, -8, 0)),
    ("canvas.grow_height", "Taller", "Alt+Down", "Make the selection one grid step taller.",
     lambda c: c.nudge(0, 0, 0, 8)),
    ("canvas.shrink_height", "Shorter", "Alt+Up", "Make the selection one grid step shorter.",
     lambda c: c.nudge(0, 0, 0, -8)),
]


def _canvas_command(command_id: str, title: str, keys: str, doc: str, act: Any) -> None:
    def run(app: App) -> None:
        act(_canvas(app))

    run.__doc__ = doc
    run.__name__ = command_id.replace(".", "_")
    registry.command(command_id, title=title, keys=keys, gui_only=True)(run)


for _spec in _CANVAS:
    _canvas_command(*_spec)
