"""From planned sends to SendGrid batches: copy per segment and step, request bodies, the send or its dry run.

The SendGrid key comes from the keyring by reference (``sendgrid_api_key_secret_ref`` in the
inputs or the workspace settings, else the one ``generic_secrets_config_json`` entry named like
``*sendgrid*``), through the run's ``secrets`` accessor; without one, the run is a dry run and the
report says why. A dry run builds and checks exactly the bodies a real send would post.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ionflux.agents.base import AgentContext
from ionflux.agents.email_wizard.copywriter import FIRST_NAME_TAG, Campaign, Copy, brief, finish, write_copy
from ionflux.agents.email_wizard.drip import Planned, record_send
from ionflux.agents.email_wizard.mailer import BatchOutcome, SendGridAuthError, SendGridClient
from ionflux.agents.email_wizard.report import SendReport
from ionflux.agents.email_wizard.sendgrid import Message, Recipient, body_problems, build_bodies
from ionflux.agents.persona_guardian.guidelines import banned_terms
from ionflux.core.agent_state import AgentStates

COPY_KEY = "copy_cache"


def sendgrid_key(inputs: Mapping[str, Any], settings: Mapping[str, Any],
                 secrets: Callable[[str], str | None] | None) -> tuple[str | None, str]:
    """The SendGrid API key, or None and why not."""
    ref = inputs.get("sendgrid_api_key_secret_ref") or settings.get("sendgrid_api_key_secret_ref")
    if not ref:
        generic = settings.get("generic_secrets_config_json") or {}
        named = {k: v for k, v in generic.items() if "sendgrid" in k.lower()}
        ref = next(iter(named.values())) if len(named) == 1 else None
    if not ref:
        return None, "no SendGrid key reference: set sendgrid_api_key_secret_ref"
    if secrets is None:
        return None, "this build gives agents no keyring access, so no SendGrid key"
    value = secrets(str(ref))
    if not value:
        return None, f"no secret stored for {ref!r}; add it with `ionflux secret set {ref}`"
    return value, f"SendGrid key from {ref!r}"


class Dispatcher:
    """Writes the copy and sends (or describes) each (segment, step) group of planned emails."""

    def __init__(self, ctx: AgentContext, inputs: Mapping[str, Any], campaign: Campaign, brand: Any,
                 report: SendReport, states: AgentStates, now: datetime, api_key: str | None, base_url: str) -> None:
        self.ctx, self.inputs, self.campaign, self.report, self.states, self.now = ctx, inputs, campaign, report, \
            states, now
        self.voice = (getattr(brand, "brand_voice_guidelines_text", None) or "").strip()
        self.banned = banned_terms(self.voice, inputs.get("banned_words") or [])
        self.client = SendGridClient(api_key, base_url=base_url, cancel=ctx.cancel) if api_key else None
        self.llm_budget = int(inputs.get("max_llm_copies", 3))
        self.cache: dict[str, Any] = dict(states.get(ctx.config_id, COPY_KEY) or {})
        self.new_suppressions: set[str] = set()
        self.auth_error: str | None = None

    def run(self, planned: list[tuple[Planned, Any]], history: dict[str, Any], broadcast: bool) -> int:
        """Send every group; updates ``history`` for accepted sends. Returns how many were accepted."""
        groups: dict[tuple[str, str], list[tuple[Planned, Any]]] = {}
        for item in planned:
            groups.setdefault((item[0].segment, item[0].step.key), []).append(item)
        accepted = 0
        for n, ((segment, step_key), items) in enumerate(sorted(groups.items())):
            self.ctx.progress(0.3 + 0.6 * n / max(1, len(groups)), f"{segment}/{step_key}: {len(items)} email(s)")
            copy = self._copy(segment, items[0][0])
            text, html = finish(copy, self.campaign, items[0][0].step)
            message = Message(from_email=str(self.inputs.get("sender_email") or ""),
                              from_name=self.inputs.get("sender_name") or self.campaign.brand_name,
                              subject=copy.subject, text=text, html=html,
                              categories=("ionflux", "email_wizard", f"segment:{segment}", f"step:{step_key}"[:255]),
                              custom_args={"ionflux_run": str(self.ctx.run_id), "campaign": self.campaign.name[:100]},
                              asm_group_id=int(self.inputs["unsubscribe_group_id"])
                              if self.inputs.get("unsubscribe_group_id") is not None else None)
            by_key = {p.key: (p, m) for p, m in items}
            recipients = [self._recipient(p, m, copy.subject) for p, m in items]
            for chunk, body in build_bodies(message, recipients):
                accepted += self._send(chunk, body, by_key, history, broadcast, segment, step_key)
        self.states.set(self.ctx.config_id, COPY_KEY, self.cache)
        if self.client is not None:
            self.client.close()
        return accepted

    def _recipient(self, planned: Planned, member: Any, subject: str) -> Recipient:
        later = planned.send_at > self.now + timedelta(minutes=1)
        return Recipient(key=planned.key, email=member.email, name=member.first_name, subject=subject,
                         substitutions={FIRST_NAME_TAG: member.first_name or "there"},
                         custom_args={"customer": planned.key[:100], "segment": planned.segment,
                                      "step": planned.step.key[:100]},
                         send_at=int(planned.send_at.timestamp()) if later else None)

    def _copy(self, segment: str, planned: Planned) -> Copy:
        c = self.campaign
        ident = json.dumps([c.name, c.product_name, c.key_benefits, c.call_to_action, c.prompt_name, c.brand_name,
                            segment, planned.step.key, self.voice], sort_keys=True)
        key = hashlib.blake2b(ident.encode(), digest_size=12).hexdigest()
        cached = self.cache.get(key)
        if cached:
            copy = Copy(**cached)
        else:
            text, note = brief(self.ctx.render_prompt, c, segment, planned.step)
            provider = None
            if self.llm_budget > 0:
                self.llm_budget -= 1
                provider = self.ctx.llm("creative copy")
            copy = write_copy(provider, text, self.voice, c, segment, planned.step, self.banned,
                              cancel=self.ctx.cancel, max_tokens=int(self.inputs.get("copy_max_tokens", 150)))
            if note:
                copy = Copy(copy.subject, copy.body, copy.source, f"{note}; {copy.note or ''}".rstrip("; "))
            if copy.source == "llm" or provider is not None:  # keep what the model decided, good or not
                self.cache[key] = copy.__dict__
        self.report.copy.append({"segment": segment, "step": planned.step.key, "subject": copy.subject,
                                 "source": copy.source, "note": copy.note})
        return copy

    def _send(self, chunk: list[Recipient], body: dict[str, Any], by_key: Mapping[str, tuple[Planned, Any]],
              history: dict[str, Any], broadcast: bool, segment: str, step_key: str) -> int:
        problems = body_problems(body, self.now)
        if problems:
            self.report.problems.append({"where": f"{segment}/{step_key}", "reason": "; ".join(problems[:3]),
                                         "effect": "SendGrid would refuse this batch" if self.client is None
                                         else "the batch was not sent"})
        if self.client is None:
            for r in chunk:
                self.report.outcome(by_key[r.key][0], r.email, "would_send")
            self.report.batches.append({"segment": segment, "step": step_key, "recipients": len(chunk),
                                        "status": "dry_run", "request_bytes": len(json.dumps(body))})
            return 0
        if problems or self.auth_error:
            for r in chunk:
                self.report.outcome(by_key[r.key][0], r.email, "invalid", error=self.auth_error or problems[0])
            return 0
        try:
            outcome = self.client.send(chunk, body)
        except SendGridAuthError as exc:
            self.auth_error = exc.one_line()
            self.report.problems.append({"where": "sendgrid", "reason": self.auth_error, "effect": "nothing more sent"})
            outcome = BatchOutcome(chunk, "failed", error=self.auth_error)
        for r, why in outcome.dropped:
            self.report.outcome(by_key[r.key][0], r.email, "failed", error=f"SendGrid refused the address: {why}")
            self.new_suppressions.add(r.email.lower())
        for r in outcome.recipients:
            planned = by_key[r.key][0]
            if outcome.status == "accepted":
                history[r.key] = record_send(history.get(r.key), planned, broadcast=broadcast)
                self.report.outcome(planned, r.email, "accepted", message_id=outcome.message_id)
            else:
                self.report.outcome(planned, r.email, outcome.status, error=outcome.error)
        self.report.batches.append({"segment": segment, "step": step_key, **outcome.to_json()})
        return len(outcome.recipients) if outcome.status == "accepted" else 0
