"""Every IONFLUX command, registered once in :data:`registry` (see ``ionflux.core.commands``)."""

from __future__ import annotations

from ionflux.core.commands import CommandRegistry

registry = CommandRegistry()


def load_all() -> CommandRegistry:
    """Import every command module (each registers its commands on import) and return the registry."""
    from ionflux.app.commands import (  # noqa: F401
        agents,
        backend,
        chat,
        data,
        pages,
        platform,
        playbooks,
        profiles,
        prompts,
        screenshot,
        search,
        secrets,
        sentinel,
        settings,
        sync,
        ui,
        users,
        workspaces,
    )

    return registry
