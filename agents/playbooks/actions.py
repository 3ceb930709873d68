"""What each playbook step type does: WhatsApp, email, CRM tag, or running an agent.

Every action returns a JSON-able output that branch conditions can test. External sends are dry
runs unless the step's ``action_config_json`` says ``dry_run: false`` *and* credentials exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ionflux.agents.integrations.messaging import SendResult, WhatsAppClient
from ionflux.agents.playbooks.templates import render
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.models import ConfigurationStatus, TriggerType


class EmailSender(Protocol):
    def __call__(self, to: str, subject: str, body: str, *, dry_run: bool) -> SendResult: ...


def describe_email(to: str, subject: str, body: str, *, dry_run: bool) -> SendResult:
    """The email a step would send (used when no email provider is configured: always a dry run)."""
    return SendResult("email", to, True, {"to": to, "subject": subject, "body": body})


@dataclass
class Channels:
    """How actions reach the outside world (injected, so tests and demos choose)."""

    whatsapp: WhatsAppClient
    email: EmailSender = describe_email
    run_agent: Callable[..., Any] | None = None


def _recipient(context: Mapping[str, Any], *keys: str) -> str | None:
    event = context.get("event") or {}
    for key in keys:
        value = render("{{" + key + "}}", {"event": event})
        if value:
            return str(value)
    return None


def send_whatsapp(cfg: Mapping[str, Any], context: Mapping[str, Any], channels: Channels) -> dict[str, Any]:
    to = render(cfg.get("to_template") or "", context) or _recipient(
        context, "event.phone", "event.customer.phone", "event.shipping_address.phone", "event.billing_address.phone")
    if not to:
        return {"sent": False, "skipped": "no phone number for this customer"}
    dry = bool(cfg.get("dry_run", True))
    if cfg.get("whatsapp_template_name"):
        params = [str(render(p, context)) for p in cfg.get("template_params", [])]
        result = channels.whatsapp.template(to, cfg["whatsapp_template_name"], body_params=params, dry_run=dry)
    else:
        body = render(cfg.get("message_body_template_text") or "", context)
        result = channels.whatsapp.text(to, body, dry_run=dry)
    return {"sent": not result.dry_run, "dry_run": result.dry_run, "to": result.to, "request": result.request,
            "provider_id": result.provider_id}


def send_email(cfg: Mapping[str, Any], context: Mapping[str, Any], channels: Channels) -> dict[str, Any]:
    to = render(cfg.get("to_template") or "", context) or _recipient(context, "event.email", "event.customer.email")
    if not to:
        return {"sent": False, "skipped": "no email address for this customer"}
    subject = render(cfg.get("subject_template_text") or "A note from us", context)
    body = render(cfg.get("body_template_text") or cfg.get("message_body_template_text") or "", context)
    result = channels.email(to, subject, body, dry_run=bool(cfg.get("dry_run", True)))
    return {"sent": not result.dry_run, "dry_run": result.dry_run, "to": to, "subject": subject,
            "provider_id": result.provider_id}


def update_crm_tag(cfg: Mapping[str, Any], context: Mapping[str, Any], ctx: Context,
                   workspace_id: uuid.UUID) -> dict[str, Any]:
    tag = render(cfg.get("tag") or cfg.get("crm_tag") or "", context)
    if not tag:
        raise ValidationError("update_crm_tag needs a tag", where="action_config_json.tag")
    email = _recipient(context, "event.email", "event.customer.email")
    customer_id = _recipient(context, "event.customer.id")
    customer = Commerce(ctx).tag_customer(workspace_id, tag, email=email, shop_customer_id=customer_id)
    return {"tagged": customer is not None, "tag": tag, "customer": email or customer_id}


def trigger_agent(cfg: Mapping[str, Any], context: Mapping[str, Any], ctx: Context, workspace_id: uuid.UUID,
                  channels: Channels) -> dict[str, Any]:
    definition_id = cfg.get("target_agent_definition_id")
    configs = [c for c in AgentConfigs(ctx).list(workspace_id)
               if c.agent_definition_id == definition_id and c.status == ConfigurationStatus.ACTIVE]
    if not configs:
        raise NotFoundError(f"no active configuration of agent {definition_id!r} in this workspace",
                            where="action_config_json.target_agent_definition_id")
    if channels.run_agent is None:
        raise ValidationError("agents cannot be run from here", where="trigger_agent")
    inputs = render(cfg.get("input_params_mapping_json") or {}, context)
    result = channels.run_agent(configs[0].id, inputs, trigger_type=TriggerType.EVENT_API_CALL)
    return {"run_id": str(result.run.run_id), "status": result.run.status.value,
            "output_preview_text": result.run.output_preview_text}
