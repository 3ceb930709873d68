"""Outbound messages: WhatsApp Cloud API (template and text) and Slack incoming webhooks (briefs).

Both are dry runs unless asked otherwise: a dry run returns exactly the request that would be
sent (minus credentials), so playbooks and demos can show what would happen without sending.
Real sends go over httpx with the shared retry policy (429 honours Retry-After).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from ionflux.agents.integrations.http import IntegrationError, call
from ionflux.agents.retry import RetryPolicy
from ionflux.core.errors import ValidationError

GRAPH_VERSION = "v21.0"
_E164 = re.compile(r"^\+?[1-9]\d{6,14}$")


@dataclass
class SendResult:
    """What happened to one message: sent (with the provider's id) or described (dry run)."""

    channel: str
    to: str
    dry_run: bool
    request: dict[str, Any]
    provider_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def e164(number: str) -> str:
    """A phone number as WhatsApp wants it (digits, country code first)."""
    cleaned = re.sub(r"[\s().-]", "", number or "")
    if not _E164.match(cleaned):
        raise ValidationError(f"{number!r} is not a phone number in international form like +15551234567",
                              where="to")
    return cleaned.lstrip("+")


class WhatsAppClient:
    """WhatsApp Cloud API: ``POST /{phone-number-id}/messages``.

    Args:
        phone_number_id: The sending number's id in Meta's API.
        access_token: Bearer token (from the keyring); None allows dry runs only.
        base_url: Override of ``https://graph.facebook.com/<version>`` (tests use a local server).
    """

    def __init__(self, phone_number_id: str, access_token: str | None, *, base_url: str | None = None,
                 policy: RetryPolicy | None = None, timeout_s: float = 20.0) -> None:
        self.url = f"{(base_url or 'https://graph.facebook.com').rstrip('/')}/{GRAPH_VERSION}/{phone_number_id}/messages"
        self.token = access_token
        self.policy = policy or RetryPolicy()
        self.timeout_s = timeout_s

    def template(self, to: str, name: str, *, language: str = "en_US", body_params: list[str] | None = None,
                 dry_run: bool = True) -> SendResult:
        template: dict[str, Any] = {"name": name, "language": {"code": language}}
        if body_params:
            template["components"] = [{"type": "body",
                                        "parameters": [{"type": "text", "text": str(p)} for p in body_params]}]
        return self._send({"messaging_product": "whatsapp", "to": e164(to), "type": "template",
                           "template": template}, dry_run)

    def text(self, to: str, body: str, *, preview_url: bool = False, dry_run: bool = True) -> SendResult:
        if not body or len(body) > 4096:
            raise ValidationError("a WhatsApp text needs 1 to 4096 characters", where="body")
        return self._send({"messaging_product": "whatsapp", "recipient_type": "individual", "to": e164(to),
                           "type": "text", "text": {"preview_url": preview_url, "body": body}}, dry_run)

    def _send(self, payload: dict[str, Any], dry_run: bool) -> SendResult:
        result = SendResult("whatsapp", payload["to"], dry_run or not self.token, payload)
        if result.dry_run:
            return result
        with httpx.Client(timeout=self.timeout_s) as client:
            response = call(client, "POST", self.url, json=payload, where="whatsapp", policy=self.policy,
                            headers={"Authorization": f"Bearer {self.token}"})
        body = response.json()
        messages = body.get("messages") or []
        if not messages:
            raise IntegrationError(f"unexpected reply: {body}", where="whatsapp")
        result.provider_id = messages[0].get("id")
        result.details = {"contacts": body.get("contacts")}
        return result


class SlackWebhook:
    """A Slack incoming webhook: ``POST`` a JSON message (text + blocks) to the hook URL."""

    def __init__(self, url: str | None, *, policy: RetryPolicy | None = None, timeout_s: float = 20.0) -> None:
        self.url = url
        self.policy = policy or RetryPolicy()
        self.timeout_s = timeout_s

    def brief(self, title: str, markdown: str, *, fields: dict[str, str] | None = None,
              dry_run: bool = True) -> SendResult:
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": markdown[:3000]}},
        ]
        if fields:
            blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"}
                                                         for k, v in list(fields.items())[:10]]})
        payload = {"text": f"{title}: {markdown}"[:3000], "blocks": blocks}
        result = SendResult("slack", "incoming-webhook", dry_run or not self.url, payload)
        if result.dry_run:
            return result
        assert self.url is not None
        with httpx.Client(timeout=self.timeout_s) as client:
            response = call(client, "POST", self.url, json=payload, where="slack", policy=self.policy)
        if response.text.strip() not in ("ok", ""):
            raise IntegrationError(f"unexpected reply: {response.text[:200]}", where="slack")
        return result
