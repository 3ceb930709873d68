"""What the digest tells the merchant to look at: rules over the figures, and an optional LLM summary of them.

The rules decide; the language model only rephrases their findings in a couple of sentences, and
its answer is dropped when it cites a number that is not in the findings (a small model invents
figures) or is empty or too long.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ionflux.agents.llm.base import Cancelled, CancelToken, LLMProvider, Message, ProviderError, complete_json
from ionflux.agents.revenue_tracker.totals import Totals, drivers

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string", "minLength": 20, "maxLength": 200}},
    "required": ["summary"],
    "additionalProperties": False,
}


def findings(today: dict[str, Totals], baseline: dict[str, Totals], losses: Sequence[dict[str, Any]],
             gaps: Sequence[dict[str, Any]]) -> list[str]:
    """Plain-language findings, most important first, each backed by a figure of the digest."""
    out: list[str] = []
    for cur, t in today.items():
        pct, base = t.margin_pct(), baseline.get(cur)
        base_pct = base.margin_pct() if base is not None else None
        if pct is not None and base_pct is not None and pct != base_pct:
            way = "down" if pct < base_pct else "up"
            out.append(f"{cur} margin {pct}% is {way} from {base_pct}% over the previous 7 days.")
        elif pct is not None:
            out.append(f"{cur} margin is {pct}% on {t.orders} order(s).")
        if base is not None:
            for d in drivers(t, base)[:2]:
                if Decimal(d["change_points"]) >= 1:
                    label = d["component"].replace("_", " ")
                    out.append(f"{cur} {label} rose to {d['share_pct']}% of revenue from {d['baseline_share_pct']}%. "
                               f"{d['suggested_action']}")
        discount_share = t.share("discounts")
        if discount_share is not None and discount_share >= 20:
            out.append(f"{cur} discounts took {discount_share}% of gross revenue.")
    if losses:
        worst = losses[0]
        label = worst["name"] or worst["order_id"]
        out.append(f"{len(losses)} order(s) lost money in the last 7 days; the worst, {label}, "
                   f"lost {worst['currency']} {worst['contribution'].lstrip('-')}.")
    if gaps:
        out.append(f"Costs are missing for {len(gaps)} product/currency pair(s) (first: {gaps[0]['problem']}); "
                   "add them to manual_cost_inputs so margins are not overstated.")
    return out


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".").lstrip("-").rstrip("0").rstrip(".") or "0" for n in _NUMBER.findall(text)}


def check_summary(summary: str, facts: Sequence[str]) -> str | None:
    """Why an LLM summary is unusable (None when it is fine): every number must come from the facts."""
    text = summary.strip()
    if len(text) < 20:
        return "too short"
    if "{{" in text or "http" in text:
        return "contains a placeholder or a link"
    invented = _numbers(text) - _numbers(" ".join(facts))
    if invented:
        return f"cites numbers that are not in the figures: {', '.join(sorted(invented)[:3])}"
    return None


def llm_summary(provider: LLMProvider, facts: Sequence[str], *, cancel: CancelToken | None = None,
                max_tokens: int = 80) -> tuple[str | None, str]:
    """A two-sentence summary of the findings, or (None, why it was not used)."""
    if not facts:
        return None, "nothing to summarise"
    messages = [
        Message("system", "You are a shop's financial analyst. Summarise the findings for the owner in at most two "
                          "short sentences. Use only numbers that appear in the findings."),
        Message("user", "Findings:\n" + "\n".join(f"- {f}" for f in facts)),
    ]
    try:
        reply = complete_json(provider, messages, SUMMARY_SCHEMA, retries=0, max_tokens=max_tokens,
                              temperature=0.2, seed=7, cancel=cancel)
    except Cancelled:
        raise
    except ProviderError as exc:
        return None, f"the language model gave no usable answer ({exc.one_line()})"
    problem = check_summary(reply["summary"], facts)
    if problem:
        return None, f"the language model's summary was dropped: {problem}"
    return reply["summary"].strip(), "written by the language model"
