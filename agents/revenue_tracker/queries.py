"""What other agents and views read from the Revenue Tracker: its dashboard and its ledger, by workspace."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from ionflux.agents.revenue_tracker.ledger import Ledger
from ionflux.agents.revenue_tracker.margin import OrderMargin
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.agent_state import AgentStates
from ionflux.core.context import Context

DEFINITION_ID = "agent_010_refactored"
DASHBOARD_KEY = "dashboard"


def state_ledger(ctx: Context, config_id: uuid.UUID, oldest: date | None = None) -> Ledger:
    """The ledger of one configuration, over its agent state (``oldest``: the retention's first day)."""
    states = AgentStates(ctx)
    return Ledger(lambda key: states.get(config_id, key), lambda key, value: states.set(config_id, key, value),
                  oldest=oldest)


def tracker_configs(ctx: Context, workspace_id: uuid.UUID) -> list[uuid.UUID]:
    """The workspace's Revenue Tracker configurations, oldest name first."""
    return [c.id for c in AgentConfigs(ctx).list(workspace_id) if c.agent_definition_id == DEFINITION_ID]


def latest_dashboard(ctx: Context, workspace_id: uuid.UUID) -> dict[str, Any] | None:
    """The most recent profitability dashboard of the workspace (None before the tracker has run)."""
    states = AgentStates(ctx)
    found = [states.get(cid, DASHBOARD_KEY) for cid in tracker_configs(ctx, workspace_id)]
    found = [d for d in found if d]
    return max(found, key=lambda d: d.get("generated_at") or "") if found else None


def order_margins(ctx: Context, config_id: uuid.UUID, first: date, last: date) -> list[OrderMargin]:
    """Per-order margins placed on the UTC days ``first``..``last`` (see :class:`OrderMargin`)."""
    return state_ledger(ctx, config_id).entries(first, last)
