"""Device settings commands."""

from __future__ import annotations

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.settings import SPEC


@registry.command("settings.list", title="Show settings", json_output=True)
def settings_list(app: App) -> Output:
    """Show this device's settings with their values."""
    values = app.settings.values()
    text = "\n".join(f"{s.key:32} {values[s.key]!r:40} {s.help}" for s in SPEC)
    return Output(text, values)


@registry.command("settings.set", title="Change a setting")
def settings_set(app: App, key: str, value: str) -> Output:
    """Change one device setting (see `ionflux settings list`).

    Args:
        key: The setting, e.g. llm.remote_enabled.
        value: Its new value.
    """
    stored = app.settings.set(key, value)
    return Output(f"{key} = {stored!r}")
