"""Event triggers: configurations that run when a matching event is committed on the local bus.

A trigger of type ``event`` names an ``event_type`` (shell-style patterns allowed); one of type
``event_stream`` names a Kafka topic, and while the workspace is not connected to a broker the
same events arrive on the local bus, matched by the topic's stream (see :func:`topic_matches`).
``event_filter_json`` (see :mod:`ionflux.core.filters`) narrows which events fire. The event's
payload becomes the run's input named by the trigger's ``input_key`` (default: the definition's
first JSON input).
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from ionflux.agents.dispatch import RunDispatcher
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.context import Context
from ionflux.core.filters import matches
from ionflux.core.models import AgentConfiguration, ConfigurationStatus, PlatformEvent, TriggerType, Workspace

log = logging.getLogger(__name__)

#: Which local event types feed each Kafka stream name (the last part of a topic name).
STREAM_EVENTS = {
    "events_raw": ("ionflux.shopify.*",),
    "metrics_processed": ("ionflux.performance.*",),
}


def topic_matches(topic: str, event_type: str) -> bool:
    """Whether a local event belongs on a Kafka topic like ``ionflux.shopify.workspace_{id}.events_raw``."""
    stream = topic.rsplit(".", 1)[-1]
    return any(fnmatch.fnmatchcase(event_type, p) for p in STREAM_EVENTS.get(stream, ()))


class EventTriggers:
    """Subscribes to the bus once and fires the configurations whose event triggers match."""

    def __init__(self, ctx: Context, effective_triggers: Callable[[AgentConfiguration], list[dict[str, Any]]],
                 definition_of: Callable[[str], dict[str, Any]], dispatcher: RunDispatcher) -> None:
        self.ctx = ctx
        self._effective_triggers = effective_triggers
        self._definition_of = definition_of
        self.dispatcher = dispatcher
        self._routes: list[tuple[uuid.UUID, uuid.UUID, dict[str, Any], str]] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._local = threading.local()

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """Fire nothing for what this thread commits inside (loading history, not living it)."""
        self._local.muted = True
        try:
            yield
        finally:
            self._local.muted = False

    def start(self) -> None:
        self.sync()
        self._unsubscribe = self.ctx.store.bus.subscribe("*", self.on_event)

    def stop(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None

    def sync(self) -> int:
        """Rebuild the table of (workspace, configuration, trigger, input key). Returns its size."""
        from sqlalchemy import select

        routes = []
        with self.ctx.store.read() as s:
            workspace_ids = list(s.scalars(select(Workspace.id)))
        for ws_id in workspace_ids:
            for cfg in AgentConfigs(self.ctx).list(ws_id):
                if cfg.status != ConfigurationStatus.ACTIVE:
                    continue
                try:
                    triggers = self._effective_triggers(cfg)
                except Exception:
                    continue
                definition = self._definition_of(cfg.agent_definition_id)
                for trig in triggers:
                    if trig["type"] in ("event", "event_stream") and trig.get("enabled"):
                        routes.append((ws_id, cfg.id, trig, trig.get("input_key") or _default_input(definition)))
        self._routes = routes
        return len(routes)

    def on_event(self, event: PlatformEvent) -> None:
        if getattr(self._local, "muted", False):
            return
        if getattr(event, "remote", False):
            if event.event_type.startswith("ionflux.agent.configuration."):
                self.sync()
            return  # pulled from another device: that device's agents already reacted to it
        if event.event_type.startswith("ionflux.agent.configuration."):
            self.sync()
            return
        if event.event_type.startswith("ionflux.agent.run."):
            return  # a run's own lifecycle never triggers runs (no loops)
        for ws_id, config_id, trig, input_key in self._routes:
            if event.workspace_id not in (None, ws_id) or not self._wants(trig, event.event_type):
                continue
            payload = event.payload_json
            if not matches(trig.get("event_filter_json"), payload):
                continue
            inputs = {input_key: {**payload, "event_type": event.event_type,
                                  "event_id": str(event.event_id)}} if input_key else {}
            log.info("event %s triggers configuration %s", event.event_type, config_id)
            self.dispatcher.submit(config_id, inputs, TriggerType.EVENT_API_CALL)

    @staticmethod
    def _wants(trig: dict[str, Any], event_type: str) -> bool:
        if trig["type"] == "event":
            return fnmatch.fnmatchcase(event_type, str(trig.get("event_type") or ""))
        return topic_matches(str(trig.get("kafka_topic_name") or ""), event_type)


def _default_input(definition: dict[str, Any]) -> str | None:
    inputs = definition.get("inputs_schema_json_array") or []
    json_inputs = [i for i in inputs if i.get("data_type") == "json"]
    required = [i for i in json_inputs if i.get("is_required")]
    chosen = (required or json_inputs or [None])[0]
    return chosen["key_name"] if chosen else None
