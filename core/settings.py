"""Device settings: declared once with types, defaults and help; stored locally, never synced.

Workspace-wide preferences live in the workspace's ``settings_json``; these are about this
machine (which local model file, whether remote LLMs may be used, the webhook port...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ionflux.core.errors import ValidationError

if TYPE_CHECKING:
    from ionflux.core.store import Store

SETTINGS_KEY = "device_settings"
#: Device-local keys (``store.set_local``) of the window's choices: the theme (``"dark"``/``"light"``) and the
#: user's key bindings (``{command_id: "Ctrl+P" | ""}``), read by the window and the ``keybind`` command.
THEME_KEY = "ui.theme"
KEYBINDINGS_KEY = "ui.keybindings"
#: The device's current user (set by seed-demo and login).
CURRENT_USER_KEY = "current_user_id"
#: The window's unsent texts, by section (``chat``: by channel id, ``blocks``: by block id).
DRAFT_SECTIONS = ("chat", "blocks")
THEMES = ("dark", "light")


def draft_key(section: str) -> str:
    """The device-local key of one section's drafts."""
    return f"ui.drafts.{section}"


def choose_theme(chosen: Any, profile_info: dict[str, Any] | None) -> str:
    """The theme chosen on this device, else the user's profile preference, else dark."""
    if chosen in THEMES:
        return str(chosen)
    theme = ((profile_info or {}).get("user_preferences_json") or {}).get("theme")
    return str(theme) if theme in THEMES else "dark"


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    help: str


SPEC: tuple[Setting, ...] = (
    Setting("llm.remote_enabled", bool, False, "Allow remote LLM providers (OpenAI, Anthropic) when a key is stored"),
    Setting("llm.local_model_path", str, "", "A GGUF file to use instead of the bundled SmolLM2 model"),
    Setting("llm.local_n_ctx", int, 4096, "Context length of the local model"),
    Setting("llm.local_n_threads", int, 0, "CPU threads for the local model (0: all cores but one, for the window)"),
    Setting("llm.preload_local_model", bool, True,
            "Load the local model in the background a moment after the window opens (the first answer is quicker "
            "and loading never competes with the window's work)"),
    Setting("llm.openai_base_url", str, "https://api.openai.com/v1", "OpenAI-compatible API base URL"),
    Setting("llm.openai_api_key_secret_ref", str, "openai_api_key", "Keyring reference of the OpenAI key"),
    Setting("llm.anthropic_base_url", str, "https://api.anthropic.com", "Anthropic API base URL"),
    Setting("llm.anthropic_api_key_secret_ref", str, "anthropic_api_key", "Keyring reference of the Anthropic key"),
    Setting("llm.request_timeout_s", float, 120.0, "Timeout of one remote LLM request, in seconds"),
    Setting("webhooks.enabled", bool, False, "Listen for agent webhooks on 127.0.0.1"),
    Setting("webhooks.port", int, 8787, "Port of the webhook listener (127.0.0.1 only)"),
    Setting("scheduler.enabled", bool, True, "Run scheduled agent triggers while IONFLUX is open"),
    Setting("whatsapp.phone_number_id", str, "", "WhatsApp Cloud API sending number id (empty: dry runs only)"),
    Setting("whatsapp.access_token_secret_ref", str, "whatsapp_access_token",
            "Keyring reference of the WhatsApp token"),
    Setting("slack.webhook_url_secret_ref", str, "slack_webhook_url", "Keyring reference of a Slack incoming webhook"),
)
_BY_KEY = {s.key: s for s in SPEC}


def _convert(setting: Setting, value: Any) -> Any:
    if setting.type is bool and isinstance(value, str):
        if value.lower() not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            raise ValidationError(f"{value!r} is not true or false", where=setting.key)
        return value.lower() in ("true", "yes", "1", "on")
    try:
        converted = setting.type(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a valid {setting.type.__name__}", where=setting.key) from None
    if setting.type is bool and not isinstance(value, bool):
        raise ValidationError(f"{value!r} is not true or false", where=setting.key)
    return converted


class DeviceSettings:
    """Read and change device settings."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def values(self) -> dict[str, Any]:
        stored = self.store.get_local(SETTINGS_KEY, {}) or {}
        return {s.key: stored.get(s.key, s.default) for s in SPEC}

    def get(self, key: str) -> Any:
        if key not in _BY_KEY:
            raise ValidationError(f"unknown setting (known: {', '.join(_BY_KEY)})", where=key)
        return self.values()[key]

    def set(self, key: str, value: Any) -> Any:
        if key not in _BY_KEY:
            raise ValidationError(f"unknown setting (known: {', '.join(_BY_KEY)})", where=key)
        converted = _convert(_BY_KEY[key], value)
        stored = dict(self.store.get_local(SETTINGS_KEY, {}) or {})
        stored[key] = converted
        self.store.set_local(SETTINGS_KEY, stored)
        return converted

    def nested(self) -> dict[str, Any]:
        """The settings as nested mappings (``{"llm": {"remote_enabled": False, ...}}``)."""
        out: dict[str, Any] = {}
        for key, value in self.values().items():
            head, _, tail = key.partition(".")
            out.setdefault(head, {})[tail] = value
        llm = out["llm"]
        if not llm.get("local_model_path"):
            llm["local_model_path"] = None
        if not llm.get("local_n_threads"):
            llm["local_n_threads"] = max(1, (os.cpu_count() or 2) - 1)
        return out
