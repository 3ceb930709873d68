"""Which committed events deserve an alert (a toast and a tray notification), and what it says."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ionflux.core.models import PlatformEvent


ALERT_CHANNEL = "alerts"
_QUIET_TRIGGERS = {"manual_ui", "manual_command"}  # the user started these and sees them in the window


def alert_for(event: PlatformEvent, channel_names: Mapping[uuid.UUID, str]) -> tuple[str, str] | None:
    """(title, body) when ``event`` should raise an alert, else None."""
    kind = event.event_type
    payload = event.payload_json or {}
    if kind == "ionflux.agent.run.failed" and payload.get("trigger_type") not in _QUIET_TRIGGERS:
        return (f"{payload.get('agent_configuration_name', 'An agent')} failed",
                str(payload.get("error_message_text") or payload.get("status") or ""))
    if kind.endswith(".anomaly_detected") or ".alert" in kind:
        body = payload.get("summary") or payload.get("title") or payload.get("message") or kind
        return "Alert", str(body)[:300]
    if kind == "ionflux.chat.message.created":
        data = payload.get("data") or {}
        if data.get("sender_type") not in ("agent", "system"):  # people's messages never alert: skip the lookup
            return None
        try:
            channel = channel_names.get(uuid.UUID(str(data.get("channel_id"))))
        except ValueError:
            return None
        if channel == ALERT_CHANNEL:
            body = (data.get("content_json") or {}).get("text_body") or "New alert"
            return f"#{ALERT_CHANNEL}", str(body)[:300]
    return None
