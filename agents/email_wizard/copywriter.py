"""Email copy per segment and step: the prompt library's brief, the brand's voice, the LLM, a template fallback.

The brief comes from the workspace's prompt (``Exciting Product Promotion`` by default) filled with
the campaign and the segment's audience; the LLM writes a subject and a body in the brand's voice as
schema-checked JSON. Its answer is used only if it passes :func:`check_copy` (right length, names the
product, no placeholders, links, shouting, repetition or banned words); otherwise a template written
for the step's theme is used, and the report says why.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ionflux.agents.email_wizard.drip import Step
from ionflux.agents.email_wizard.rfm import SEGMENTS
from ionflux.agents.llm.base import Cancelled, CancelToken, LLMProvider, Message, ProviderError, complete_json
from ionflux.agents.persona_guardian.guidelines import term_hits
from ionflux.core.errors import IonfluxError, ValidationError

COPY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"subject": {"type": "string", "minLength": 8, "maxLength": 70},
                   "body": {"type": "string", "minLength": 60, "maxLength": 500}},
    "required": ["subject", "body"],
    "additionalProperties": False,
}
FIRST_NAME_TAG = "-first_name-"  # a SendGrid substitution tag, filled per recipient
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\[[A-Z][A-Za-z ]+\]|<[A-Za-z ]+>|%[a-z_]+%")
_LINK = re.compile(r"https?://|www\.|\S+@\S+\.\w+", re.IGNORECASE)


@dataclass(frozen=True)
class Campaign:
    """What the emails promote; ``call_to_action`` (if set) replaces each step's own."""

    name: str
    product_name: str
    key_benefits: str
    call_to_action: str | None
    url: str | None
    prompt_name: str
    brand_name: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None, brand_name: str, where: str = "campaign") -> Campaign:
        data = dict(data or {})
        for key, value in data.items():
            if value is not None and not isinstance(value, str):
                raise ValidationError("must be text", where=f"{where}.{key}")
        url = data.get("call_to_action_url")
        if url and not re.match(r"^https?://\S+$", url):
            raise ValidationError(f"{url!r} is not an http(s) URL", where=f"{where}.call_to_action_url")
        return cls(name=data.get("name") or "drip", product_name=data.get("product_name") or "our latest collection",
                   key_benefits=data.get("key_benefits") or "", call_to_action=data.get("call_to_action"),
                   url=url, prompt_name=data.get("prompt_name") or "Exciting Product Promotion",
                   brand_name=data.get("brand_name") or brand_name)


@dataclass(frozen=True)
class Copy:
    subject: str
    body: str
    source: str  # "llm" or "template"
    note: str | None = None


def brief(render_prompt: Callable[[str, Mapping[str, Any]], str], campaign: Campaign, segment: str,
          step: Step) -> tuple[str, str | None]:
    """The prompt library's brief for this segment and step, or a built-in one and the reason."""
    variables = {"product_name": campaign.product_name, "key_benefits": campaign.key_benefits or "its quality",
                 "target_audience": SEGMENTS.get(segment, segment), "call_to_action": campaign.call_to_action
                 or step.cta}
    note = None
    try:
        text = render_prompt(campaign.prompt_name, variables)
    except IonfluxError as exc:
        note = f"prompt {campaign.prompt_name!r} not usable ({exc.one_line()}); used the built-in brief"
        text = (f"Write a marketing email about {campaign.product_name} for {variables['target_audience']}. "
                f"Benefits: {variables['key_benefits']}. Call to action: {variables['call_to_action']}.")
    return f"{text}\nThis email's theme: {step.theme}.", note


def check_copy(subject: str, body: str, campaign: Campaign, banned: Sequence[str]) -> str | None:
    """Why generated copy is unusable, or None."""
    subject, body = subject.strip(), body.strip()
    if not 8 <= len(subject) <= 70 or len(body) < 60:
        return "subject or body too short or too long"
    both = f"{subject}\n{body}"
    if _PLACEHOLDER.search(both):
        return "contains a placeholder"
    if _LINK.search(both):
        return "contains a link or an address (links are added by the agent)"
    if campaign.product_name.lower() not in both.lower():
        return f"does not name {campaign.product_name!r}"
    letters = [c for c in subject if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        return "the subject shouts (mostly capitals)"
    words = re.findall(r"\w+", body.lower())
    trigrams = [" ".join(words[i:i + 3]) for i in range(len(words) - 2)]
    if trigrams and max(trigrams.count(t) for t in set(trigrams)) >= 3:
        return "repeats itself"
    hits = term_hits(both, banned)
    if hits:
        return f"uses words the voice guidelines ban: {', '.join(hits)}"
    return None


def template_copy(campaign: Campaign, segment: str, step: Step) -> tuple[str, str]:
    """Subject and body written for the step's theme: always usable, plain, on brand."""
    product, benefits = campaign.product_name, campaign.key_benefits
    about = f" {benefits[0].upper()}{benefits[1:]}." if benefits else ""
    openers = {
        "welcome": f"Welcome to {campaign.brand_name}, and thank you for your first order.",
        "vip_preview": "You are among our very best customers, so you get to see this first.",
        "we_miss_you": "It has been a while, and a lot has changed since your last visit.",
        "win_back": "We would love to see you again, so here is something to welcome you back.",
        "referral": "Thank you for being one of our favourite customers.",
    }
    opener = openers.get(step.key, f"We picked this for you: {step.theme}.")
    subject = f"{product}: {step.cta.lower()}" if len(product) < 50 else step.cta
    body = f"{opener}\n\nMeet {product}.{about}\n\n{campaign.call_to_action or step.cta}."
    return subject[:70], body


def write_copy(provider: LLMProvider | None, brief_text: str, voice: str, campaign: Campaign, segment: str,
               step: Step, banned: Sequence[str], *, cancel: CancelToken | None = None,
               max_tokens: int = 150) -> Copy:
    """LLM copy if usable, else the template (with why)."""
    subject, body = template_copy(campaign, segment, step)
    if provider is None:
        return Copy(subject, body, "template", "no language model call left in this run's budget")
    system = (f"You write short marketing emails for the brand {campaign.brand_name}. Voice guidelines: "
              f"{voice or 'friendly, clear and honest'}. Write plain text: no placeholders, no links, no greeting "
              f"line, no signature.")
    try:
        reply = complete_json(provider, [Message("system", system), Message("user", brief_text)], COPY_SCHEMA,
                              retries=0, max_tokens=max_tokens, temperature=0.4, seed=11, cancel=cancel)
    except Cancelled:
        raise
    except ProviderError as exc:
        return Copy(subject, body, "template", f"the language model gave no usable answer ({exc.one_line()})")
    problem = check_copy(reply["subject"], reply["body"], campaign, banned)
    if problem:
        return Copy(subject, body, "template", f"the language model's copy was dropped: {problem}")
    return Copy(reply["subject"].strip(), reply["body"].strip(), "llm")


def finish(copy: Copy, campaign: Campaign, step: Step) -> tuple[str, str]:
    """The full plain-text and HTML bodies: greeting, copy, call to action, why they get this."""
    cta = campaign.call_to_action or step.cta
    link = f"\n\n{cta}: {campaign.url}" if campaign.url else ""
    footer = (f"\n\n--\nYou receive this because you subscribed to {campaign.brand_name} emails. "
              f"The unsubscribe link is below.")
    text = f"Hi {FIRST_NAME_TAG},\n\n{copy.body}{link}{footer}"
    paragraphs = [f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in copy.body.split("\n\n") if p.strip()]
    button = f'<p><a href="{html.escape(campaign.url, quote=True)}">{html.escape(cta)}</a></p>' if campaign.url else ""
    html_body = (f"<html><body><p>Hi {FIRST_NAME_TAG},</p>{''.join(paragraphs)}{button}"
                 f"<p style=\"font-size:12px;color:#666\">{html.escape(footer.strip(' -').strip())}</p></body></html>")
    return text, html_body
