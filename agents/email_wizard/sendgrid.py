"""SendGrid v3 Mail Send (``POST /v3/mail/send``) over httpx: request bodies, their checks, and the client.

Bodies follow the documented shape: one message (``from``, ``subject``, ``content`` with text/plain
first, ``categories``, ``custom_args``) and up to 1,000 ``personalizations``, each with one ``to``,
its own ``subject``, ``substitutions`` (``-first_name-``), ``custom_args`` and ``send_at``.
:func:`body_problems` checks the documented limits before anything is sent (the dry run shows the
same problems a real send would meet).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: The most personalizations (and recipients) one request may carry.
MAX_PERSONALIZATIONS = 1000
MAX_CATEGORIES = 10
MAX_CUSTOM_ARGS_BYTES = 10_000
MAX_SEND_AHEAD_S = 72 * 3600
_NAME_FORBIDDEN = re.compile(r"[;,\"]")


@dataclass(frozen=True)
class Recipient:
    """One personalization: who, their subject, substitutions, tracking arguments and when."""

    key: str
    email: str
    name: str | None
    subject: str
    substitutions: dict[str, str] = field(default_factory=dict)
    custom_args: dict[str, str] = field(default_factory=dict)
    send_at: int | None = None  # Unix seconds; None sends now

    def personalization(self) -> dict[str, Any]:
        to: dict[str, str] = {"email": self.email}
        if self.name:
            to["name"] = _NAME_FORBIDDEN.sub(" ", self.name).strip()
        out: dict[str, Any] = {"to": [to], "subject": self.subject}
        if self.substitutions:
            out["substitutions"] = dict(self.substitutions)
        if self.custom_args:
            out["custom_args"] = dict(self.custom_args)
        if self.send_at is not None:
            out["send_at"] = int(self.send_at)
        return out


@dataclass(frozen=True)
class Message:
    """What every recipient of a batch shares."""

    from_email: str
    from_name: str | None
    subject: str
    text: str
    html: str
    categories: tuple[str, ...] = ()
    custom_args: dict[str, str] = field(default_factory=dict)
    reply_to: str | None = None
    asm_group_id: int | None = None


def build_bodies(message: Message, recipients: Sequence[Recipient]) -> list[tuple[list[Recipient], dict[str, Any]]]:
    """Request bodies of at most :data:`MAX_PERSONALIZATIONS` recipients each, with the recipients of each."""
    out = []
    for start in range(0, len(recipients), MAX_PERSONALIZATIONS):
        chunk = list(recipients[start:start + MAX_PERSONALIZATIONS])
        sender: dict[str, str] = {"email": message.from_email}
        if message.from_name:
            sender["name"] = message.from_name
        body: dict[str, Any] = {
            "personalizations": [r.personalization() for r in chunk],
            "from": sender,
            "subject": message.subject,
            "content": [{"type": "text/plain", "value": message.text}, {"type": "text/html", "value": message.html}],
        }
        if message.reply_to:
            body["reply_to"] = {"email": message.reply_to}
        if message.categories:
            body["categories"] = list(message.categories)
        if message.custom_args:
            body["custom_args"] = dict(message.custom_args)
        if message.asm_group_id is not None:
            body["asm"] = {"group_id": int(message.asm_group_id)}
        else:  # marketing mail must carry an unsubscribe link; SendGrid adds one
            body["tracking_settings"] = {"subscription_tracking": {"enable": True}}
        out.append((chunk, body))
    return out


def body_problems(body: Mapping[str, Any], now: datetime | None = None) -> list[str]:
    """The documented rules a Mail Send body breaks (empty when it is fine)."""
    problems: list[str] = []
    pers = body.get("personalizations")
    if not isinstance(pers, list) or not pers:
        return ["personalizations: at least one is required"]
    if len(pers) > MAX_PERSONALIZATIONS:
        problems.append(f"personalizations: {len(pers)} given, the limit is {MAX_PERSONALIZATIONS}")
    seen: set[str] = set()
    for i, p in enumerate(pers):
        to = p.get("to") if isinstance(p, Mapping) else None
        if not isinstance(to, list) or not to or not all(isinstance(t, Mapping) and t.get("email") for t in to):
            problems.append(f"personalizations.{i}.to: needs at least one {{email}}")
            continue
        for t in to:
            address = str(t["email"]).lower()
            if address in seen:
                problems.append(f"personalizations.{i}.to: {address} appears more than once")
            seen.add(address)
            if _NAME_FORBIDDEN.search(str(t.get("name") or "")):
                problems.append(f"personalizations.{i}.to.name: may not contain ; or ,")
        if not (p.get("subject") or body.get("subject")):
            problems.append(f"personalizations.{i}.subject: a subject is required")
        if "send_at" in p and now is not None and not 0 <= int(p["send_at"]) - now.timestamp() <= MAX_SEND_AHEAD_S:
            problems.append(f"personalizations.{i}.send_at: must be within the next 72 hours")
    sender = body.get("from")
    if not isinstance(sender, Mapping) or not sender.get("email") or not str(sender["email"]).isascii():
        problems.append("from.email: an ASCII sender address is required")
    content = body.get("content")
    if not isinstance(content, list) or not content or any(not c.get("value") for c in content):
        problems.append("content: at least one non-empty value is required")
    elif any(c.get("type") == "text/plain" for c in content) and content[0].get("type") != "text/plain":
        problems.append("content: text/plain must come first")
    cats = body.get("categories") or []
    if len(cats) > MAX_CATEGORIES or any(not str(c).isascii() or len(str(c)) > 255 for c in cats):
        problems.append("categories: at most 10 ASCII categories of up to 255 characters")
    args = [body.get("custom_args") or {}] + [p.get("custom_args") or {} for p in pers if isinstance(p, Mapping)]
    if any(not all(isinstance(v, str) for v in a.values()) for a in args):
        problems.append("custom_args: values must be strings")
    if max(len(json.dumps(a)) for a in args) >= MAX_CUSTOM_ARGS_BYTES:
        problems.append("custom_args: must be under 10000 bytes")
    return problems


def error_fields(payload: Any) -> list[tuple[str | None, str]]:
    """(field, message) pairs of a SendGrid error body ``{"errors": [{"field", "message"}]}``."""
    errors = payload.get("errors") if isinstance(payload, Mapping) else None
    if not isinstance(errors, list):
        return []
    return [(e.get("field"), str(e.get("message") or "")) for e in errors if isinstance(e, Mapping)]


def personalization_index(field_name: str | None) -> int | None:
    """The index in ``personalizations.3.to.0.email``, when an error names one recipient."""
    match = re.match(r"^personalizations\.(\d+)\b", field_name or "")
    return int(match.group(1)) if match else None
