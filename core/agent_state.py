"""Working state an agent keeps between runs, per configuration (device-local, JSON values)."""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.core.context import Context
from ionflux.core.models import AgentState


class AgentStates:
    """Get and set an agent configuration's state values by key."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def get(self, config_id: uuid.UUID, key: str, default: Any = None) -> Any:
        with self.ctx.store.read() as s:
            row = s.get(AgentState, (config_id, key))
            return default if row is None else row.value_json

    def set(self, config_id: uuid.UUID, key: str, value: Any) -> None:
        with self.ctx.store.unit_of_work(user_id=self.ctx.user_id) as uow:
            row = uow.session.get(AgentState, (config_id, key))
            if row is None:
                uow.add(AgentState(agent_configuration_id=config_id, key=key, value_json=value))
            else:
                row.value_json = value
