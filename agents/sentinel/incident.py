"""An anomaly turned into an incident: expected vs observed, GMV at risk, causes, and a narrative.

The figures are computed here, deterministically; the language model only writes the narrative,
from the evidence it is given, and its text is checked: a narrative that mentions a number which
is not in the evidence is replaced by a template.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ionflux.agents.llm.base import LLMProvider, Message, ProviderError, complete_json

NARRATIVE_SCHEMA = {"type": "object", "properties": {"narrative": {"type": "string"}}, "required": ["narrative"]}
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Expectation:
    expected: float
    basis: str


def expected_value(history: Sequence[tuple[datetime, float]], at: datetime, width: timedelta) -> Expectation:
    """What the metric should have been at ``at``.

    The median of the same time of day over the past week when there is enough of it, else the
    median of the recent buckets.
    """
    week = timedelta(days=7)
    same_slot = [v for t, v in history if t < at and (at - t) % timedelta(days=1) < width and at - t <= week]
    if len(same_slot) >= 3:
        return Expectation(statistics.median(same_slot), f"median of the same time of day over {len(same_slot)} days")
    recent = [v for t, v in history if t < at][-12:]
    if recent:
        return Expectation(statistics.median(recent), f"median of the previous {len(recent)} intervals")
    return Expectation(0.0, "no history yet")


def gmv_at_risk(gmv: Sequence[tuple[datetime, float]], window: tuple[datetime, datetime], width: timedelta,
                ) -> tuple[float, float]:
    """(GMV lost inside the window, GMV at risk over the next hour if the problem persists).

    Buckets of the window without any order count as zero GMV (that is the point of a collapse).
    """
    observed_by_bucket = dict(gmv)
    lost, expected_total, observed_total = 0.0, 0.0, 0.0
    bucket = window[0]
    while bucket < window[1]:
        exp = expected_value(gmv, bucket, width).expected
        observed = observed_by_bucket.get(bucket, 0.0)
        lost += max(0.0, exp - observed)
        expected_total += exp
        observed_total += observed
        bucket += width
    if expected_total <= 0:
        return round(lost, 2), 0.0
    per_hour = expected_total / max(1e-9, (window[1] - window[0]) / timedelta(hours=1))
    shortfall = max(0.0, 1 - observed_total / expected_total)
    return round(lost, 2), round(per_hour * shortfall, 2)


def template_narrative(report: dict[str, Any]) -> str:
    obs, exp = report["observed"], report["expected"]
    direction = "dropped to" if obs < exp else "rose to"
    text = (f"{report['metric_label']} {direction} {obs:g} between {report['window']['start'][11:16]} and "
            f"{report['window']['end'][11:16]} UTC, against about {exp:g} expected ({report['expected_basis']}).")
    if report["gmv_at_risk"]["next_hour"]:
        text += f" About {report['gmv_at_risk']['next_hour']:g} {report['currency'] or ''} of GMV is at risk " \
                f"in the next hour if this continues.".replace("  ", " ")
    causes = report["probable_root_causes"]
    if causes:
        text += f" Most likely cause: {causes[0]['cause']} ({causes[0]['why']})."
    else:
        text += " No app, theme or price change was recorded around it."
    return text


def narrative(report: dict[str, Any], llm: Callable[[], LLMProvider] | None) -> tuple[str, str]:
    """(narrative, source): the LLM's text if it sticks to the evidence's numbers, else the template."""
    fallback = template_narrative(report)
    if llm is None:
        return fallback, "template"
    evidence = {k: report[k] for k in ("metric_label", "window", "observed", "expected", "gmv_at_risk",
                                       "probable_root_causes")}
    evidence["probable_root_causes"] = [{"cause": c["cause"], "at": c["at"]}
                                        for c in evidence["probable_root_causes"][:3]]
    messages = [
        Message("system", "You write short incident summaries for a shop owner. Use only the facts given. "
                          "Do not invent numbers, names or causes."),
        Message("user", f"Facts: {evidence}\nWrite two sentences: what happened and the most likely cause."),
    ]
    try:
        answer = complete_json(llm(), messages, NARRATIVE_SCHEMA, retries=1, max_tokens=160, temperature=0.2, seed=7)
    except ProviderError:
        return fallback, "template"
    text = str(answer.get("narrative", "")).strip()
    allowed = set(_NUMBER.findall(str(evidence)))
    numbers = set(_NUMBER.findall(text))
    if len(text) < 20 or not numbers <= allowed:
        return fallback, "template"
    return text, "llm"
