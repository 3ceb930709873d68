"""Email Wizard (agent_001): RFM segments, drip sequences per segment, copy in the brand's voice, SendGrid.

Each run (every 2 hours by schedule, on the webhook, or by hand) looks at every customer: their
segment, whether they may be mailed, and which step of their segment's sequence is due, within
their time zone's waking hours and the frequency caps. Due emails get copy per segment and step and
go to SendGrid in batches, or, in a dry run (the default), are only described. ``send_report``
says what was sent or would be, and why everyone else was skipped.

``shopify_event`` (an order or customer payload) is stored in the shop store and narrows the run to
that customer; ``manual_payload`` can narrow it (``segments``, ``customers``), change the campaign
(``campaign``), add addresses to the suppression list (``suppress``), or send a one-off campaign
now (``{"mode": "broadcast", "campaign": {"name": ...}}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ionflux.agents.base import Agent, AgentContext
from ionflux.agents.email_wizard.audience import Member, build_audience
from ionflux.agents.email_wizard.copywriter import Campaign
from ionflux.agents.email_wizard.drip import Planned, Policy, Step, schedule
from ionflux.agents.email_wizard.mailer import API_BASE
from ionflux.agents.email_wizard.report import SendReport
from ionflux.agents.email_wizard.rfm import SEGMENTS
from ionflux.agents.email_wizard.sending import Dispatcher, sendgrid_key
from ionflux.core.agent_state import AgentStates
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.core.profiles import Brands
from ionflux.core.workspaces import Workspaces

HISTORY_KEY = "send_history"
SUPPRESS_KEY = "suppression_list"
EVENT = "ionflux.agent.emailwizard.campaign_sent"
_PAYLOAD_KEYS = {"mode", "segments", "customers", "campaign", "suppress"}


def read_manual_payload(payload: Any) -> dict[str, Any]:
    """The manual payload, checked (ValidationError names the field)."""
    if payload is None:
        return {}
    if not isinstance(payload, Mapping):
        raise ValidationError("must be a JSON object", where="manual_payload")
    unknown = sorted(set(payload) - _PAYLOAD_KEYS)
    if unknown:
        raise ValidationError(f"unknown key (known: {', '.join(sorted(_PAYLOAD_KEYS))})",
                              where=f"manual_payload.{unknown[0]}")
    if payload.get("mode", "drip") not in ("drip", "broadcast"):
        raise ValidationError("must be 'drip' or 'broadcast'", where="manual_payload.mode")
    for key in ("segments", "customers", "suppress"):
        value = payload.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str | int) for v in value)):
            raise ValidationError("must be a list of names or ids", where=f"manual_payload.{key}")
    unknown_segments = sorted({str(s) for s in payload.get("segments") or []} - set(SEGMENTS))
    if unknown_segments:
        raise ValidationError(f"unknown segment {unknown_segments[0]!r} (known: {', '.join(SEGMENTS)})",
                              where="manual_payload.segments")
    if payload.get("campaign") is not None and not isinstance(payload["campaign"], Mapping):
        raise ValidationError("must be a JSON object", where="manual_payload.campaign")
    if payload.get("mode") == "broadcast" and not (payload.get("campaign") or {}).get("name"):
        raise ValidationError("a broadcast needs a campaign name (it is sent once per customer)",
                              where="manual_payload.campaign.name")
    return dict(payload)


class EmailWizard(Agent):
    """Segments customers and sends each segment the right email at the right local time."""

    definition_id = "agent_001"
    #: Where the SendGrid regions live (tests point them at a local server).
    api_bases: Mapping[str, str] = {"global": API_BASE, "eu": "https://api.eu.sendgrid.com"}

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        now = utcnow()
        states = AgentStates(ctx.store)
        settings = Workspaces(ctx.store).get(ctx.workspace_id).settings_json or {}
        brand = self._brand(ctx, inputs.get("brand"))
        key, live, reason = self._mode(inputs, ctx, settings)
        report = SendReport("live" if live else "dry_run", reason, now, {})
        try:
            payload = read_manual_payload(inputs.get("manual_payload"))
            configured = inputs.get("segments")
            if configured is not None and (not isinstance(configured, list)
                                           or set(map(str, configured)) - set(SEGMENTS)):
                raise ValidationError(f"must be a list of segment names ({', '.join(SEGMENTS)})", where="segments")
            policy = self._policy(inputs, settings)
            campaign = Campaign.from_json({**(inputs.get("campaign") or {}), **(payload.get("campaign") or {})},
                                          brand.name if brand else "our shop")
        except ValidationError as exc:
            report.problems.append({"where": exc.where or "manual_payload", "reason": exc.message,
                                    "effect": "nothing was sent"})
            return {"send_report": report.to_json()}
        report.campaign = {"name": campaign.name, "product_name": campaign.product_name,
                           "prompt_name": campaign.prompt_name, "mode": payload.get("mode", "drip")}
        only = self._event_customer(inputs.get("shopify_event"), ctx, report)
        if only is False:
            return {"send_report": report.to_json()}
        suppressed = {e.lower() for e in states.get(ctx.config_id, SUPPRESS_KEY) or []}
        suppressed |= {str(e).strip().lower() for e in payload.get("suppress") or []}
        shop = Commerce(ctx.store)
        ctx.progress(0.1, "segmenting customers")
        audience = build_audience(shop.customers(ctx.workspace_id), shop.orders(ctx.workspace_id), now,
                                  new_days=int(inputs.get("new_customer_days", 30)),
                                  lost_days=int(inputs.get("lost_after_days", 180)),
                                  inactive_days=int(inputs.get("suppress_inactive_after_days", 365)),
                                  suppressed=suppressed)
        report.segments.update(m.segment for m in audience)
        wanted = {str(c).lower() for c in payload.get("customers") or []} | ({only} if only else set())
        broadcast = Step(f"campaign:{campaign.name}", 0, campaign.name, campaign.call_to_action or "Shop now") \
            if payload.get("mode") == "broadcast" else None
        history = dict(states.get(ctx.config_id, HISTORY_KEY) or {})
        planned = self._plan(audience, ctx, report, history, policy, now, broadcast=broadcast, customers=wanted,
                             segments=set(payload.get("segments") or inputs.get("segments") or []),
                             limit=int(inputs.get("max_recipients_per_run", 1000)))
        ctx.progress(0.3, f"{len(planned)} email(s) due")
        dispatcher = Dispatcher(ctx, inputs, campaign, brand, report, states, now,
                                key if live else None, self.api_bases.get(str(inputs.get("sendgrid_region") or
                                                                             "global"), API_BASE))
        accepted = dispatcher.run(planned, history, broadcast is not None)
        if live:
            states.set(ctx.config_id, HISTORY_KEY, history)
        if dispatcher.new_suppressions:
            states.set(ctx.config_id, SUPPRESS_KEY, sorted(suppressed | dispatcher.new_suppressions))
        elif payload.get("suppress"):
            states.set(ctx.config_id, SUPPRESS_KEY, sorted(suppressed))
        out = report.to_json()
        ctx.kpis.update({"emails_sent" if live else "emails_would_send": len(report.sent),
                         "emails_skipped": len(report.skipped), "emails_failed": len(report.failed)})
        if live and accepted:
            ctx.emit(EVENT, {"campaign": report.campaign, "sent": len(report.sent), "counts": out["counts"],
                             "batches": report.batches})
        return {"send_report": out}

    def preview(self, outputs: Mapping[str, Any]) -> str:
        report = outputs.get("send_report") or {}
        counts = report.get("counts") or {}
        done = counts.get("sent", counts.get("would_send", 0))
        verb = "sent" if report.get("mode") == "live" else "would send (dry run)"
        text = (f"{verb}: {done} email(s); skipped {counts.get('skipped', 0)}; failed {counts.get('failed', 0)}. "
                f"Segments: {', '.join(f'{k} {v}' for k, v in (counts.get('audience_by_segment') or {}).items())}")
        if report.get("problems"):
            text += f". Problem: {report['problems'][0]['where']}: {report['problems'][0]['reason']}"
        return text[:500]

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _policy(inputs: Mapping[str, Any], settings: Mapping[str, Any]) -> Policy:
        """The sending rules from the inputs, range-checked."""
        values = {}
        for key, default, low, high in (("quiet_hours_start", 21, 0, 23), ("quiet_hours_end", 8, 0, 23),
                                        ("max_emails_per_week", 2, 1, 50), ("min_hours_between_emails", 48, 0, 720)):
            value = inputs.get(key, default)
            if not isinstance(value, int | float) or value != int(value) or not low <= value <= high:
                raise ValidationError(f"must be a whole number from {low} to {high}", where=key)
            values[key] = int(value)
        return Policy(quiet_start=values["quiet_hours_start"], quiet_end=values["quiet_hours_end"],
                      max_per_week=values["max_emails_per_week"], min_gap_hours=values["min_hours_between_emails"],
                      default_tz=str(settings.get("default_timezone") or "UTC"))

    @staticmethod
    def _plan(audience: list[Member], ctx: AgentContext, report: SendReport, history: Mapping[str, Any],
              policy: Policy, now: datetime, *, broadcast: Step | None, customers: set[str], segments: set[str],
              limit: int) -> list[tuple[Planned, Member]]:
        """Who gets which email when; everyone else goes to the report's skipped list with the reason."""
        planned: list[tuple[Planned, Member]] = []
        for member in audience:
            ctx.cancel.raise_if_cancelled("email wizard")
            if segments and member.segment not in segments:
                continue
            if customers and not {member.key.lower(), (member.customer_id or "").lower(),
                                  (member.email or "").lower()} & customers:
                continue
            if member.suppressed:
                report.skip(member.key, member.email, member.suppressed, member.segment)
                continue
            plan, why_not = schedule(member.key, member.segment, member.timezone, history.get(member.key), now,
                                     policy, broadcast=broadcast)
            if plan is None:
                report.skip(member.key, member.email, why_not or "nothing due", member.segment)
            elif len(planned) >= limit:
                report.skip(member.key, member.email, f"run limit of {limit} recipients reached", member.segment)
            else:
                planned.append((plan, member))
        return planned

    @staticmethod
    def _mode(inputs: Mapping[str, Any], ctx: AgentContext, settings: Mapping[str, Any]
              ) -> tuple[str | None, bool, str]:
        """(SendGrid key, whether to really send, why): real sends need all of them."""
        key, why = sendgrid_key(inputs, settings, ctx.secrets)
        if ctx.dry_run:
            return key, False, "the run was started as a dry run"
        if inputs.get("dry_run", True):
            return key, False, "dry_run is on (the default); set dry_run: false to send"
        if key is None:
            return None, False, why
        if not inputs.get("sender_email"):
            return key, False, "no sender_email is configured"
        return key, True, f"real send through SendGrid ({why})"

    @staticmethod
    def _brand(ctx: AgentContext, wanted: Any) -> Any:
        brands = Brands(ctx.store).list(ctx.workspace_id)
        if wanted:
            for b in brands:
                if str(b.id) == str(wanted) or b.name.lower() == str(wanted).lower():
                    return b
        return brands[0] if brands else None

    @staticmethod
    def _event_customer(event: Any, ctx: AgentContext, report: SendReport) -> str | bool | None:
        """Store the event's order or customer; return who it is about (None: no event, False: refused)."""
        if event is None:
            return None
        is_order, data = False, event
        if isinstance(event, Mapping):
            if isinstance(event.get("order"), Mapping):
                is_order, data = True, event["order"]
            elif "total_price" in event or "line_items" in event:
                is_order = True
            elif isinstance(event.get("customer"), Mapping):
                data = event["customer"]
        shop = Commerce(ctx.store)
        try:
            if is_order:
                order, _ = shop.upsert_order(ctx.workspace_id, data)
                who = order.customer_shop_id or order.email
            else:
                customer, _ = shop.upsert_customer(ctx.workspace_id, data)
                who = customer.shop_customer_id
        except IonfluxError as exc:
            report.problems.append({"where": f"shopify_event: {exc.where or 'payload'}", "reason": exc.message,
                                    "effect": "nothing was sent"})
            return False
        if not who:
            report.problems.append({"where": "shopify_event", "reason": "names no customer", "effect": "nothing sent"})
            return False
        return str(who).lower()
