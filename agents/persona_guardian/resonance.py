"""Predicted audience resonance: a stated heuristic, because no engagement data is available to learn from.

IONFLUX has no likes, shares or comments of past posts to train on, so this is not a trained model
and says so in its output. It combines signals that the marketing literature commonly associates
with engagement, with fixed weights that are assumptions:

* authenticity (0.40): content in the voice the audience followed is assumed to land with it;
* readability (0.20): Flesch reading ease, full marks from 60 (plain conversational text) up;
* a hook (0.15): the text opens with a question or speaks to the reader ("you");
* a call to action (0.15): it asks the reader to do something (comment, shop, join, try, tell us);
* length (0.10): 40-400 characters suits social posts; longer texts are gently penalised.
"""

from __future__ import annotations

import re
from typing import Any

from ionflux.agents.persona_guardian.stylometry import reading_ease

WEIGHTS = {"authenticity": 0.40, "readability": 0.20, "hook": 0.15, "call_to_action": 0.15, "length": 0.10}
_CTA = re.compile(r"\b(?:comment|tell (?:me|us)|shop|join|try|sign up|subscribe|share|tag|grab|book|visit|"
                  r"follow|link in bio|dm|reply|vote|come|check out|register|order)\b", re.IGNORECASE)
_FIRST_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n")


def _readability(text: str) -> float:
    return max(0.0, min(1.0, 1.0 - (60 - reading_ease(text)) / 50))


def _length(text: str) -> float:
    n = len(text.strip())
    if 40 <= n <= 400:
        return 1.0
    return max(0.0, n / 40) if n < 40 else max(0.2, 1.0 - (n - 400) / 2000)


def resonance(text: str, authenticity: float | None) -> tuple[float, dict[str, Any]]:
    """The predicted resonance (0..1) and what it is based on, stated honestly."""
    first = _FIRST_SENTENCE.split(text.strip(), maxsplit=1)[0]
    signals = {
        "authenticity": authenticity if authenticity is not None else 0.5,
        "readability": _readability(text),
        "hook": 1.0 if "?" in first or re.search(r"\byou(?:r)?\b", first, re.IGNORECASE) else 0.0,
        "call_to_action": 1.0 if _CTA.search(text) else 0.0,
        "length": _length(text),
    }
    value = sum(WEIGHTS[k] * v for k, v in signals.items())
    basis = {
        "method": "heuristic",
        "trained_on_engagement_data": False,
        "caveat": "No engagement history (likes, shares, comments) was available, so this is a rule of thumb "
                  "with assumed weights, not a prediction learned from this audience.",
        "signals": {k: {"value": round(v, 3), "weight": WEIGHTS[k]} for k, v in signals.items()},
        "reading_ease": round(reading_ease(text), 1),
    }
    if authenticity is None:
        basis["note"] = "authenticity unknown (no persona samples); counted as 0.5"
    return round(value, 4), basis
