"""Revenue Tracker Lite v2 (agent_010_refactored): per-order contribution margin, dashboard, digest, alerts.

A run with ``shopify_order_payload`` (the order webhook) puts the order(s) in the ledger and the shop
store and checks the day's margin; a run without one (the daily schedule, or by hand) first takes in
orders the shop store has that the ledger lacks, then writes the digest of ``digest_date`` (default:
yesterday in the workspace's time zone). Both refresh the dashboard other agents read.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ionflux.agents.base import Agent, AgentContext
from ionflux.agents.revenue_tracker.costs import CostModel, parse_costs
from ionflux.agents.revenue_tracker.insights import findings, llm_summary
from ionflux.agents.revenue_tracker.ledger import IngestReport, Ledger, check_payload
from ionflux.agents.revenue_tracker.margin import OrderMargin
from ionflux.agents.revenue_tracker.queries import DASHBOARD_KEY, state_ledger
from ionflux.agents.revenue_tracker.report import cost_gaps, dashboard, digest_markdown, in_days, loss_making
from ionflux.agents.revenue_tracker.totals import by_currency, margin_alerts
from ionflux.core.agent_state import AgentStates
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.core.workspaces import Workspaces

COSTS_KEY = "cost_inputs"
ALERTS_KEY = "alerts_sent"
DIGEST_KEY = "last_digest_day"
ALERT_EVENT = "ionflux.agent.revenuetracker.margin_alert"
_SEVERITY = {"warning": 1, "critical": 2}


def order_payloads(value: Any) -> list[Any]:
    """The orders in ``shopify_order_payload``: one order, ``{"order": ...}``, ``{"orders": [...]}`` or a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("orders"), list):
        return list(value["orders"])
    if isinstance(value, Mapping) and isinstance(value.get("order"), Mapping):
        return [value["order"]]
    return [value]


class RevenueTracker(Agent):
    """Turns orders into contribution margins and tells the merchant where the profit went."""

    definition_id = "agent_010_refactored"

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        states = AgentStates(ctx.store)
        tz_name = self._timezone(ctx)
        tz = zoneinfo.ZoneInfo(tz_name)
        problems: list[dict[str, str]] = []
        costs = self._costs(inputs, ctx, states, problems)
        keep_days = int(inputs.get("ledger_retention_days") or 400)
        ledger = state_ledger(ctx.store, ctx.config_id, oldest=utcnow().date() - timedelta(days=keep_days))
        payloads = order_payloads(inputs.get("shopify_order_payload"))
        report = IngestReport()
        ctx.progress(0.1, f"checking {len(payloads)} order(s)" if payloads else "reading the shop's orders")
        taken = self._ingest(payloads, ledger, costs, report, ctx) if payloads else self._backfill(ledger, costs,
                                                                                                 report, ctx, tz)
        ledger.prune(keep_days, utcnow().date())
        ledger.flush()
        today = utcnow().astimezone(tz).date()
        digest_day = self._digest_day(inputs, today) if not payloads else None
        latest = max((m.placed_at.astimezone(tz).date() for m in taken), default=today) if payloads else today
        as_of = digest_day or latest
        margins = ledger.entries(as_of - timedelta(days=38), as_of + timedelta(days=1))
        ctx.progress(0.5, f"{len(margins)} order(s) in the last 5 weeks")
        board = {**dashboard(margins, as_of, tz, tz_name, costs), "generated_at": utcnow().isoformat(),
                 "ingest": report.to_json(), "input_problems": problems,
                 "orders": [m.to_json() for m in taken[-20:]]}
        states.set(ctx.config_id, DASHBOARD_KEY, board)
        alert_days = sorted({m.placed_at.astimezone(tz).date() for m in taken}) if payloads else [as_of]
        alerts = self._alerts(inputs, margins, alert_days, tz, states, ctx)
        digest = None
        if digest_day is not None:
            ctx.progress(0.7, f"writing the digest of {digest_day}")
            digest = self._digest(inputs, ctx, margins, digest_day, tz, tz_name, costs, alerts)
            states.set(ctx.config_id, DIGEST_KEY, digest_day.isoformat())
        ctx.kpis.update({"orders_accepted": len(report.accepted), "orders_updated": len(report.updated),
                         "orders_rejected": len(report.rejected), "orders_duplicate": len(report.duplicates),
                         "alerts": len(alerts)})
        alert_payload = None
        if alerts:
            alert_payload = {"generated_at": board["generated_at"], "alerts": alerts, "target_agent": "agent_007",
                             "message": "; ".join(f"{a['currency']} {a['day']}: {a['reasons'][0]}" for a in alerts)}
            ctx.emit(ALERT_EVENT, {"alerts": alerts})
        return {"profitability_dashboard_data_json": board, "profitability_digest_markdown": digest,
                "actionable_alert_payload": alert_payload}

    def preview(self, outputs: Mapping[str, Any]) -> str:
        board = outputs.get("profitability_dashboard_data_json") or {}
        parts = []
        for order in (board.get("orders") or [])[-1:]:
            margin = f"{order['margin_pct']}%" if order["margin_pct"] is not None else "—"
            parts.append(f"order {order['name'] or order['order_id']}: contribution {order['currency']} "
                         f"{order['contribution']} ({margin})")
        for cur, block in (board.get("currencies") or {}).items():
            t = block["today"]
            margin = f"{t['margin_pct']}%" if t["margin_pct"] is not None else "—"
            parts.append(f"{cur} {board.get('as_of')}: {t['orders']} order(s), margin {margin}")
        rejected = len((board.get("ingest") or {}).get("rejected") or [])
        if rejected:
            parts.append(f"{rejected} payload(s) refused")
        if outputs.get("actionable_alert_payload"):
            parts.append("ALERT: " + outputs["actionable_alert_payload"]["message"])
        return "; ".join(parts)[:500] or "no orders yet"

    # -- steps -------------------------------------------------------------------------------

    @staticmethod
    def _timezone(ctx: AgentContext) -> str:
        try:
            settings = Workspaces(ctx.store).get(ctx.workspace_id).settings_json or {}
            name = str(settings.get("default_timezone") or "UTC")
            zoneinfo.ZoneInfo(name)
            return name
        except (IonfluxError, zoneinfo.ZoneInfoNotFoundError, ValueError):
            return "UTC"

    @staticmethod
    def _costs(inputs: Mapping[str, Any], ctx: AgentContext, states: AgentStates,
               problems: list[dict[str, str]]) -> CostModel:
        """The cost model from this run's inputs (then remembered), else the last good one, else empty."""
        given = {"manual_cost_inputs": inputs.get("manual_cost_inputs"), "payment_fees": inputs.get("payment_fees")}
        if any(v is not None for v in given.values()):
            try:
                model = parse_costs(given["manual_cost_inputs"], given["payment_fees"])
                states.set(ctx.config_id, COSTS_KEY, given)
                return model
            except ValidationError as exc:
                problems.append({"where": exc.where or "manual_cost_inputs", "reason": exc.message,
                                 "effect": "the last valid cost inputs were used instead"})
                ctx.log.warning("cost inputs refused: %s", exc.one_line())
        stored = states.get(ctx.config_id, COSTS_KEY)
        if stored:
            return parse_costs(stored.get("manual_cost_inputs"), stored.get("payment_fees"))
        return CostModel()

    @staticmethod
    def _ingest(payloads: list[Any], ledger: Ledger, costs: CostModel, report: IngestReport,
                ctx: AgentContext) -> list[OrderMargin]:
        shop, taken = Commerce(ctx.store), []
        for payload in payloads:
            ctx.cancel.raise_if_cancelled("revenue tracker")
            margin = ledger.ingest(payload, costs, report)
            if margin is None:
                continue
            taken.append(margin)
            try:  # the shop store gets the order too, so other agents (segmentation...) see it
                shop.upsert_order(ctx.workspace_id, payload)
            except IonfluxError as exc:
                ctx.log.warning("order %s not copied to the shop store: %s", margin.order_id, exc.one_line())
        return taken

    @staticmethod
    def _backfill(ledger: Ledger, costs: CostModel, report: IngestReport, ctx: AgentContext,
                  tz: zoneinfo.ZoneInfo) -> list[OrderMargin]:
        """Take in the shop store's recent orders the ledger does not hold yet (synced by another path)."""
        since = utcnow() - timedelta(days=40)
        taken = []
        for row in Commerce(ctx.store).orders(ctx.workspace_id, since=since):
            if row.shop_order_id in ledger:
                continue
            raw = row.raw_json or {}
            try:
                values = check_payload(raw) if raw else None
            except ValidationError as exc:
                report.rejected.append({"order_id": row.shop_order_id, "where": exc.where or "order",
                                        "reason": exc.message})
                continue
            if values is not None:
                margin = ledger.ingest_values(values, costs, report, updated_at=str(raw.get("updated_at") or ""))
                if margin is not None:
                    taken.append(margin)
        return taken

    @staticmethod
    def _digest_day(inputs: Mapping[str, Any], today: date) -> date:
        text = inputs.get("digest_date")
        if not text:
            return today - timedelta(days=1)
        try:
            return date.fromisoformat(str(text))
        except ValueError:
            raise ValidationError(f"{text!r} is not a date like 2024-11-02", where="digest_date") from None

    @staticmethod
    def _alerts(inputs: Mapping[str, Any], margins: list[OrderMargin], days: list[date], tz: zoneinfo.ZoneInfo,
                states: AgentStates, ctx: AgentContext) -> list[dict[str, Any]]:
        """New margin alerts for ``days``: each (day, currency) alerts once, and again only if it gets worse."""
        sent = dict(states.get(ctx.config_id, ALERTS_KEY) or {})
        fresh = []
        for day in days:
            found = margin_alerts(
                day, by_currency(in_days(margins, tz, day, day)),
                by_currency(in_days(margins, tz, day - timedelta(days=7), day - timedelta(days=1))),
                floor_pct=Decimal(str(inputs.get("margin_alert_floor_percent", 20))),
                drop_points=Decimal(str(inputs.get("margin_alert_drop_points", 10))),
                min_orders=int(inputs.get("alert_min_orders", 5)))
            for alert in found:
                key = f"{alert['day']}:{alert['currency']}"
                if _SEVERITY[alert["severity"]] > sent.get(key, 0):
                    sent[key] = _SEVERITY[alert["severity"]]
                    fresh.append(alert)
        if fresh:
            cutoff = (utcnow().date() - timedelta(days=60)).isoformat()
            states.set(ctx.config_id, ALERTS_KEY, {k: v for k, v in sent.items() if k[:10] >= cutoff})
        return fresh

    @staticmethod
    def _digest(inputs: Mapping[str, Any], ctx: AgentContext, margins: list[OrderMargin], day: date,
                tz: zoneinfo.ZoneInfo, tz_name: str, costs: CostModel, alerts: list[dict[str, Any]]) -> str:
        today = by_currency(in_days(margins, tz, day, day))
        base = by_currency(in_days(margins, tz, day - timedelta(days=7), day - timedelta(days=1)))
        week = in_days(margins, tz, day - timedelta(days=6), day)
        facts = findings(today, base, loss_making(week), cost_gaps(week))
        narrative = None
        if facts and inputs.get("llm_insights", True):
            narrative, why = llm_summary(ctx.llm("actionable suggestions"), facts, cancel=ctx.cancel)
            ctx.log.info("digest summary: %s", why)
            ctx.kpis["digest_summary"] = why
        return digest_markdown(day, tz_name, margins, tz, costs, alerts, facts, narrative)
