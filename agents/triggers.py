"""All automatic triggers of one process, started and stopped together: schedules, events, webhooks."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from ionflux.agents.dispatch import RunDispatcher
from ionflux.agents.event_triggers import EventTriggers
from ionflux.agents.http_listener import HttpListener
from ionflux.agents.runtime import AgentRuntime
from ionflux.agents.scheduler import AgentScheduler
from ionflux.agents.webhooks import AgentWebhooks
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.errors import IonfluxError
from ionflux.core.models import AgentConfiguration, ConfigurationStatus
from ionflux.core.secrets import SecretStore

log = logging.getLogger(__name__)


class TriggerService:
    """Owns the dispatcher, the scheduler, the event subscriptions and (optionally) the webhook listener.

    Args:
        runtime: Runs what the triggers fire.
        secrets_store: For webhook secrets.
        schedules: Start the scheduler.
        webhook_port: Start the loopback HTTP listener on this port (None: no listener; 0: any port).
    """

    def __init__(self, runtime: AgentRuntime, secrets_store: SecretStore, *, schedules: bool = True,
                 webhook_port: int | None = None) -> None:
        self.runtime = runtime
        self.dispatcher = RunDispatcher(runtime)
        self.scheduler = AgentScheduler(runtime.ctx, self._triggers_of, self.dispatcher) if schedules else None
        self.events = EventTriggers(runtime.ctx, self._triggers_of,
                                    lambda def_id: runtime.registry.get(def_id).definition, self.dispatcher)
        self.webhooks = AgentWebhooks(secrets_store, self._has_webhook, self.dispatcher)
        self.listener = HttpListener(webhook_port) if webhook_port is not None else None
        if self.listener is not None:
            self.webhooks.mount(self.listener)

    def _triggers_of(self, config: AgentConfiguration) -> list[dict[str, Any]]:
        return self.runtime.effective_config(config, require_inputs=False).triggers

    def _has_webhook(self, config_id: uuid.UUID, suffix: str) -> bool:
        try:
            config = AgentConfigs(self.runtime.ctx).get(config_id)
        except IonfluxError:
            return False
        if config.status != ConfigurationStatus.ACTIVE:
            return False
        return any(t["type"] == "webhook" and t.get("enabled") and (t.get("webhook_path_suffix") or "") == suffix
                   for t in self._triggers_of(config))

    def start(self) -> None:
        self.events.start()
        if self.scheduler is not None:
            self.scheduler.start()
        if self.listener is not None:
            self.listener.start()
            log.info("webhook listener on %s/hooks/", self.listener.url)

    def refresh(self) -> None:
        """Re-read configurations (after one was added, edited or removed)."""
        self.events.sync()
        if self.scheduler is not None:
            self.scheduler.sync()

    def stop(self) -> None:
        self.events.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.listener is not None:
            self.listener.stop()
        self.dispatcher.shutdown(wait=False)
