"""Creator Persona Guardian v2 (agent_008_refactored): is this content in the persona's voice, and how to fix it.

With content (``content_to_analyze_text``, or a page at ``content_to_analyze_url``) a run scores its
authenticity against the persona's fingerprint with the reasons, predicts resonance (a stated
heuristic), and, when the text is off voice, suggests repairs that are checked to keep the meaning.
Without content (the weekly schedule) it writes the persona evolution report. New sample texts
(``persona_sample_texts``) rebuild the fingerprint, kept in the agent's state and in the persona's
memory namespace (samples and centroid), so other agents can retrieve in-voice examples.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ionflux.agents.base import Agent, AgentContext
from ionflux.agents.memory.embedder import default_embedder
from ionflux.agents.persona_guardian import evolution
from ionflux.agents.persona_guardian.fingerprint import Fingerprint, build, score
from ionflux.agents.persona_guardian.guidelines import banned_terms
from ionflux.agents.persona_guardian.persona import Persona, fetch_text, resolve
from ionflux.agents.persona_guardian.repair import Suggestion, check, llm_rewrite, rule_repair
from ionflux.agents.persona_guardian.resonance import resonance
from ionflux.core.agent_state import AgentStates
from ionflux.core.clock import utcnow
from ionflux.core.errors import ValidationError

MAX_SAMPLES = 200
FINGERPRINT_VERSION = 1


def _digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


class PersonaGuardian(Agent):
    """Keeps a brand's or creator's content in their own voice."""

    definition_id = "agent_008_refactored"

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        now = utcnow()
        persona = resolve(ctx.store, ctx.workspace_id, str(inputs["creator_id_or_brand_id"]),
                          inputs.get("voice_guidelines_text"))
        states = AgentStates(ctx.store)
        prefix = f"persona:{persona.persona_id}:"
        embed = default_embedder().embed
        ctx.progress(0.1, f"fingerprint of {persona.name}")
        fp, samples = self._fingerprint(inputs, ctx, states, prefix, persona, embed)
        text, source = self._content(inputs, persona)
        threshold = float(inputs.get("authenticity_threshold", 0.6))
        if text is None:
            if source:  # a URL that could not be read: say so, score nothing
                return {"authenticity_score": None, "resonance_score_predicted": None,
                        "repaired_content_suggestions_json": {"persona": persona.name, "content_source": source,
                                                              "problem": source, "suggestions": []},
                        "persona_evolution_report_md": None}
            history = states.get(ctx.config_id, prefix + "history") or []
            report = evolution.report(persona.name, fp, history, now, threshold)
            return {"authenticity_score": None, "resonance_score_predicted": None,
                    "repaired_content_suggestions_json": None, "persona_evolution_report_md": report}
        ctx.progress(0.3, "scoring the content")
        if fp is None:
            value, basis = resonance(text, None)
            return {"authenticity_score": None, "resonance_score_predicted": value,
                    "repaired_content_suggestions_json": {
                        "persona": persona.name, "content_source": source, "authenticity": None,
                        "problem": "no fingerprint: give persona_sample_texts (texts written in this voice) first",
                        "resonance": basis, "suggestions": []},
                    "persona_evolution_report_md": None}
        vector = embed([text])[0]
        result = score(fp, text, vector)
        value, basis = resonance(text, result.authenticity)
        suggestions: list[Suggestion] = []
        if result.authenticity < threshold or result.banned_hits:
            ctx.progress(0.5, "looking for repairs")
            suggestions = self._repairs(inputs, ctx, text, fp, persona, samples, result.authenticity, embed)
        states.set(ctx.config_id, prefix + "history", evolution.append(
            states.get(ctx.config_id, prefix + "history") or [], evolution.record(now, text, result), now))
        self._remember(ctx, [text], [f"content-{_digest(text)}"], [{"kind": "content", "at": now.isoformat(),
                                                                      "authenticity": result.authenticity}])
        ctx.kpis.update({"authenticity": result.authenticity, "resonance": value,
                         "repairs_accepted": sum(s.accepted for s in suggestions)})
        return {
            "authenticity_score": result.authenticity,
            "resonance_score_predicted": value,
            "repaired_content_suggestions_json": {
                "persona": persona.name, "persona_kind": persona.kind, "content_source": source,
                "authenticity": {"score": result.authenticity, "threshold": threshold,
                                 "in_voice": result.authenticity >= threshold and not result.banned_hits,
                                 "parts": {"meaning_and_register": round(result.embedding_score, 4),
                                           "style": None if result.style_score is None else
                                           round(result.style_score, 4), "banned_words": result.banned_hits},
                                 "reasons": result.reasons[:8]},
                "resonance": basis,
                "suggestions": [s.to_json() for s in sorted(suggestions, key=lambda s: (not s.accepted,
                                                                                          -s.authenticity_after))],
            },
            "persona_evolution_report_md": None,
        }

    def preview(self, outputs: Mapping[str, Any]) -> str:
        if outputs.get("persona_evolution_report_md"):
            return outputs["persona_evolution_report_md"][:500]
        details = outputs.get("repaired_content_suggestions_json") or {}
        if details.get("problem"):
            return f"{details['persona']}: {details['problem']}"[:500]
        auth = details.get("authenticity") or {}
        reasons = "; ".join(r["text"] for r in (auth.get("reasons") or []) if r["effect"] < -0.01)[:2] or \
            "nothing stands out"
        accepted = sum(1 for s in details.get("suggestions") or [] if s["accepted"])
        return (f"{details.get('persona')}: authenticity {outputs.get('authenticity_score')}, resonance "
                f"{outputs.get('resonance_score_predicted')} (heuristic). {reasons}. {accepted} repair(s).")[:500]

    # -- steps -------------------------------------------------------------------------------

    def _fingerprint(self, inputs: Mapping[str, Any], ctx: AgentContext, states: AgentStates, prefix: str,
                     persona: Persona, embed: Any) -> tuple[Fingerprint | None, list[str]]:
        """The stored fingerprint, rebuilt when samples, guidelines or banned words changed."""
        given = inputs.get("persona_sample_texts") or []
        if not isinstance(given, list):
            raise ValidationError("must be a list of texts", where="persona_sample_texts")
        for i, item in enumerate(given):
            if not isinstance(item, str):
                hint = " (quote it in YAML: a ': ' made it a mapping)" if isinstance(item, dict) else ""
                raise ValidationError(f"must be text, not {type(item).__name__}{hint}",
                                      where=f"persona_sample_texts[{i}]")
        fresh = [t.strip() for t in given if t.strip()]
        restart = inputs.get("rebuild_fingerprint") and fresh
        kept = [] if restart else states.get(ctx.config_id, prefix + "samples") or []
        samples = list(dict.fromkeys([*kept, *fresh]))[-MAX_SAMPLES:]
        banned = banned_terms(persona.guidelines, inputs.get("banned_words") or [])
        stamp = _digest(samples, banned, FINGERPRINT_VERSION)
        stored = states.get(ctx.config_id, prefix + "fingerprint")
        if stored and stored.get("stamp") == stamp and not inputs.get("rebuild_fingerprint"):
            return Fingerprint.from_json(stored["fingerprint"]), samples
        if not samples:
            return None, samples
        fp = build(persona.persona_id, samples, embed, banned)
        states.set(ctx.config_id, prefix + "samples", samples)
        states.set(ctx.config_id, prefix + "fingerprint", {"stamp": stamp, "fingerprint": fp.to_json()})
        self._remember(ctx, samples, [f"sample-{_digest(s)}" for s in samples], [{"kind": "sample"}] * len(samples))
        self._remember(ctx, [f"Centroid of {len(samples)} sample texts of {persona.name}"], ["centroid"],
                       [{"kind": "centroid", "samples": len(samples)}], np.asarray([fp.centroid]))
        ctx.log.info("fingerprint of %s rebuilt from %d sample(s)", persona.name, len(samples))
        return fp, samples

    @staticmethod
    def _remember(ctx: AgentContext, texts: Sequence[str], ids: Sequence[str], metas: Sequence[dict[str, Any]],
                  vectors: np.ndarray | None = None) -> None:
        """Write to the persona's memory namespace (skipped when the run has no memory)."""
        if ctx.memory is None:
            return
        for start in range(0, len(texts), 500):
            chunk = slice(start, start + 500)
            if vectors is None:
                ctx.memory.add(list(texts[chunk]), ids=list(ids[chunk]), metadatas=list(metas[chunk]))
            elif "embeddings" in inspect.signature(ctx.memory.add).parameters:
                ctx.memory.add(list(texts[chunk]), ids=list(ids[chunk]), metadatas=list(metas[chunk]),
                               embeddings=vectors[chunk])  # type: ignore[call-arg]
            else:
                ctx.log.info("the centroid stays in agent state: this memory API takes no precomputed vectors")

    @staticmethod
    def _content(inputs: Mapping[str, Any], persona: Persona) -> tuple[str | None, str | None]:
        """The text to check and where it came from; (None, why) when there is content but it is unusable."""
        event = inputs.get("content_event")
        if isinstance(event, Mapping) and event:
            about = event.get("creator_id_or_brand_id")
            if about and str(about).strip() not in (persona.persona_id, str(persona.profile_id)):
                return None, f"the event is about {about!r}, not {persona.persona_id!r}; nothing was scored"
            text = next((event[k] for k in ("content_to_analyze_text", "text", "content_text", "caption", "body")
                         if isinstance(event.get(k), str) and event[k].strip()), None)
            if text:
                return text.strip(), f"event {event.get('event_id') or event.get('event_type') or ''}".strip()
            url = event.get("content_to_analyze_url") or event.get("url")
            if url:
                return fetch_text(str(url))
            return None, "the content event holds no text or url"
        text = inputs.get("content_to_analyze_text")
        if isinstance(text, str) and text.strip():
            return text.strip(), "content_to_analyze_text"
        url = inputs.get("content_to_analyze_url")
        if url:
            return fetch_text(str(url))
        return None, None

    @staticmethod
    def _repairs(inputs: Mapping[str, Any], ctx: AgentContext, text: str, fp: Fingerprint, persona: Persona,
                 samples: list[str], before: float, embed: Any) -> list[Suggestion]:
        bound = float(inputs.get("meaning_similarity_min", 0.8))
        fixed, changes = rule_repair(text, fp)
        found = [check(text, Suggestion(fixed, "rules", changes=changes), fp, embed, before, bound)] if changes else []
        if inputs.get("use_llm_repair", True):
            vectors = embed(samples[:50])
            nearest = [samples[i] for i in np.argsort(-(vectors @ embed([text])[0]))[:2]]
            rewrite, why = llm_rewrite(ctx.llm("style repair variations"), text, persona.guidelines, nearest,
                                       max_tokens=int(inputs.get("max_repair_tokens", 160)), cancel=ctx.cancel)
            if rewrite is None:
                found.append(Suggestion("", "llm", rejected_because=why))
            else:
                found.append(check(text, Suggestion(rewrite, "llm"), fp, embed, before, bound))
        return found
