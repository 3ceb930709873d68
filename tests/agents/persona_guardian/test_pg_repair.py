"""Repairs keep the meaning or are rejected; the weekly evolution report flags drift."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ionflux.agents.llm.base import Completion
from ionflux.agents.memory.embedder import default_embedder
from ionflux.agents.persona_guardian import evolution
from ionflux.agents.persona_guardian.fingerprint import Fingerprint, build, score
from ionflux.agents.persona_guardian.repair import Suggestion, check, llm_rewrite, rule_repair

VOICES: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "persona_voices.json").read_text())["voices"]
EMBED = default_embedder().embed
NOW = datetime(2024, 11, 24, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def atelier() -> Fingerprint:
    return build("atelier", VOICES["atelier_verre_maison"]["texts"][:12], EMBED, banned=["super", "guys"])


@pytest.fixture(scope="module")
def maya() -> Fingerprint:
    return build("maya", VOICES["maya_eco_creator"]["texts"][:12], EMBED)


class ScriptedModel:
    name, model = "scripted", "fixed"

    def __init__(self, text: str) -> None:
        self.text = text

    def chat(self, messages: Any, **kw: Any) -> Completion:
        return Completion(self.text, "fixed", "scripted", 10, 10, 0.0, "stop")


def test_rules_remove_what_the_persona_never_does(atelier: Fingerprint) -> None:
    text = "Guys, our SUPER soft linen shirt is back!!! Don't miss it 😍 #linen"
    fixed, changes = rule_repair(text, atelier)
    assert fixed == "Our soft linen shirt is back. Do not miss it"
    assert changes == ["removed 'super' (banned by the guidelines)", "removed 'guys' (banned by the guidelines)",
                       "removed emoji (the persona does not use them)", "replaced exclamation marks with full stops",
                       "removed hashtags", "wrote contractions out in full"]


def test_rules_add_contractions_for_a_chatty_persona(maya: Fingerprint) -> None:
    fixed, changes = rule_repair("We are so happy. You are going to love it, it is so soft.", maya)
    assert fixed == "We're so happy. You're going to love it, it's so soft."
    assert changes == ["used contractions, as the persona does"]


def test_a_rule_repair_that_helps_is_accepted(atelier: Fingerprint) -> None:
    text = "Guys, our SUPER soft linen shirt is back!!! Don't miss it 😍 #linen"
    before = score(atelier, text, EMBED([text])[0]).authenticity
    fixed, changes = rule_repair(text, atelier)
    s = check(text, Suggestion(fixed, "rules", changes=changes), atelier, EMBED, before, 0.8)
    assert s.accepted and s.authenticity_after > before and s.meaning_similarity >= 0.8


@pytest.mark.parametrize(("rewrite", "why"), [
    ("The Maison presents its silk scarves for the winter season, 20% lower for 2 days.", "meaning drifted"),
    ("The recycled denim jacket is reduced by 30% for three days.", "numbers changed"),
    ("The recycled denim jacket is reduced by 20% for two days, guys.", "banned word"),
])
def test_rewrites_that_change_the_meaning_are_rejected(atelier: Fingerprint, rewrite: str, why: str) -> None:
    text = "OMG the recycled denim jacket is 20% off for 2 days!!"
    before = score(atelier, text, EMBED([text])[0]).authenticity
    s = check(text, Suggestion(rewrite, "llm"), atelier, EMBED, before, 0.8)
    assert not s.accepted and why in s.rejected_because


def test_spelled_out_numbers_are_the_same_facts() -> None:
    from ionflux.agents.persona_guardian.repair import numbers

    assert numbers("20% off for 2 days, 1,000 units") == numbers("twenty percent off for two days, 1000 units")
    assert numbers("twenty two pieces") == {"22"} and numbers("3 days") != numbers("three weeks and 2 days")


def test_a_faithful_rewrite_is_accepted(atelier: Fingerprint) -> None:
    text = "OMG guys the recycled denim jacket is back in black!!! 🖤"
    before = score(atelier, text, EMBED([text])[0]).authenticity
    rewrite, why = llm_rewrite(ScriptedModel(json.dumps({"rewrite": "The recycled denim jacket is now available "
                                                                     "again, in black."})),  # type: ignore[arg-type]
                               text, "formal", ["The Maison is pleased to present..."])
    assert why is None
    s = check(text, Suggestion(rewrite, "llm"), atelier, EMBED, before, 0.8)
    assert s.accepted, s.rejected_because
    assert s.to_json()["source"] == "llm" and s.to_json()["authenticity_after"] > before


def test_an_unusable_model_answer_is_reported() -> None:
    rewrite, why = llm_rewrite(ScriptedModel("sure! here you go"), "text to fix", "", [])  # type: ignore[arg-type]
    assert rewrite is None and "no usable answer" in why


def _history(fp: Fingerprint, texts: list[str], start: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, t in enumerate(texts):
        at = start + timedelta(hours=6 * i)
        out = evolution.append(out, evolution.record(at, t, score(fp, t, EMBED([t])[0])), at)
    return out


def test_the_weekly_report_flags_drift(atelier: Fingerprint) -> None:
    voice = VOICES["atelier_verre_maison"]["texts"]
    history = _history(atelier, voice[12:20], NOW - timedelta(days=20))  # in voice, weeks ago
    history += _history(atelier, VOICES["maya_eco_creator"]["texts"][12:18], NOW - timedelta(days=5))  # this week
    text = evolution.report("Atelier Verre", atelier, history, NOW, 0.6)
    assert text.startswith("# Persona evolution — Atelier Verre")
    assert "6 text(s) analysed this week, 8 in the 4 weeks before" in text
    assert "Verdict: **Off voice**." in text and "## Drift" in text and "- emoji:" in text
    assert "## Below the threshold (0.60)" in text and "Authenticity is down" in text


def test_a_consistent_week(atelier: Fingerprint) -> None:
    history = _history(atelier, VOICES["atelier_verre_maison"]["texts"][20:26], NOW - timedelta(days=3))
    text = evolution.report("Atelier Verre", atelier, history, NOW, 0.6)
    assert "Verdict: **Consistent**." in text and "## Drift" not in text


def test_reports_without_data_say_what_is_missing(atelier: Fingerprint) -> None:
    assert "No content was analysed this week" in evolution.report("A", atelier, [], NOW, 0.6)
    assert "No fingerprint yet" in evolution.report("A", None, [], NOW, 0.6)


def test_history_is_bounded(atelier: Fingerprint) -> None:
    entry = evolution.record(NOW - timedelta(days=400), "old", score(atelier, "old", EMBED(["old"])[0]))
    assert evolution.append([entry], {**entry, "at": NOW.isoformat()}, NOW) == [{**entry, "at": NOW.isoformat()}]
