"""The persona fingerprint (embedding centroid + style statistics) and the authenticity score it gives a text.

Authenticity blends two signals, each turned into 0..1 against what the persona's own samples do:

* meaning and register: cosine similarity of the text's embedding to the samples' centroid, in units
  of the spread the samples themselves show when each is left out of the centroid in turn
  (so a persona whose samples vary widely is judged more loosely);
* style: how far each stylometric feature is from the samples' mean, in standard deviations (with a
  floor per feature, so a few similar samples do not make every new text look foreign), combined
  as a Gaussian likelihood: exp(-mean(z²)/2), each z² capped at 16 so one wild feature cannot zero it.

Banned words then cut the score (×0.7 each). Every part that moved the score is returned as a
reason, largest effect first, so the number can be argued with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ionflux.agents.persona_guardian.guidelines import term_hits
from ionflux.agents.persona_guardian.stylometry import FEATURES, LABELS, features

Embed = Callable[[Sequence[str]], np.ndarray]
#: Weight of the embedding and style signals. Style leads: the embedding model mostly encodes topic,
#: and a persona's voice shows in how it writes more than in what it writes about.
EMBEDDING_WEIGHT = 0.4
STYLE_WEIGHT = 0.6
BANNED_FACTOR = 0.7
MIN_STYLE_SAMPLES = 3
_SPREAD_FLOOR = 0.04


@dataclass
class Fingerprint:
    """What a persona's voice looks like, from its sample texts and guidelines."""

    persona_id: str
    centroid: list[float]
    loo_mean: float  # mean similarity of a sample to the centroid of the others
    loo_std: float
    feature_means: dict[str, float]
    feature_stds: dict[str, float]
    banned: list[str] = field(default_factory=list)
    samples: int = 0
    version: int = 1

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "centroid": [round(float(x), 6) for x in self.centroid]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(**data)


@dataclass(frozen=True)
class Score:
    """A text's authenticity against a fingerprint, its parts and the reasons."""

    authenticity: float
    embedding_similarity: float
    embedding_score: float
    style_score: float | None
    banned_hits: list[str]
    reasons: list[dict[str, Any]]
    features: dict[str, float]


def build(persona_id: str, samples: Sequence[str], embed: Embed, banned: Sequence[str] = ()) -> Fingerprint:
    """A fingerprint from sample texts written in the persona's voice (at least one).

    Raises:
        ValueError: no sample text.
    """
    texts = [s for s in samples if s and s.strip()]
    if not texts:
        raise ValueError("a persona fingerprint needs at least one sample text")
    vectors = np.asarray(embed(texts), dtype=np.float64)
    total = vectors.sum(axis=0)
    centroid = total / max(np.linalg.norm(total), 1e-12)
    if len(texts) > 1:
        others = total[None, :] - vectors
        others /= np.maximum(np.linalg.norm(others, axis=1, keepdims=True), 1e-12)
        loo = (vectors * others).sum(axis=1)
        loo_mean, loo_std = float(loo.mean()), float(loo.std())
    else:
        loo_mean, loo_std = 0.5, 0.15  # one sample says little about its spread: judge loosely
    rows = [features(t) for t in texts]
    means = {f: float(np.mean([r[f] for r in rows])) for f in FEATURES}
    stds = {f: float(np.std([r[f] for r in rows])) for f in FEATURES}
    return Fingerprint(persona_id, centroid.tolist(), loo_mean, loo_std, means, stds, list(banned), len(texts))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def feature_z(fp: Fingerprint, name: str, value: float) -> float:
    spread = max(fp.feature_stds[name], FEATURES[name])
    return (value - fp.feature_means[name]) / spread


def score(fp: Fingerprint, text: str, vector: np.ndarray) -> Score:
    """Authenticity of ``text`` (whose embedding is ``vector``) against ``fp``, with reasons."""
    sim = float(np.dot(np.asarray(fp.centroid), np.asarray(vector, dtype=np.float64)))
    spread = max(fp.loo_std, _SPREAD_FLOOR)
    emb_z = (sim - fp.loo_mean) / spread
    emb_score = _sigmoid(1.7 * (emb_z + 1.5))
    feats = features(text)
    reasons: list[dict[str, Any]] = []
    style = None
    if fp.samples >= MIN_STYLE_SAMPLES:
        zs = {f: feature_z(fp, f, feats[f]) for f in FEATURES}
        squares = {f: min(z * z, 16.0) for f, z in zs.items()}
        style = math.exp(-0.5 * sum(squares.values()) / len(squares))
        total = sum(squares.values()) or 1.0
        for f, z in sorted(zs.items(), key=lambda kv: -abs(kv[1])):
            if abs(z) < 2:
                break
            label, unit = LABELS[f]
            share = (1 - style) * squares[f] / total  # this feature's part of what style lost
            reasons.append({"signal": f, "observed": round(feats[f], 3), "persona_mean": round(fp.feature_means[f], 3),
                            "persona_spread": round(max(fp.feature_stds[f], FEATURES[f]), 3), "z": round(z, 1),
                            "effect": round(-share * STYLE_WEIGHT, 3),
                            "text": f"{label} {feats[f]:.2f} ({unit}) against the persona's usual "
                                    f"{fp.feature_means[f]:.2f}: {abs(z):.1f} spreads {'above' if z > 0 else 'below'}"})
    weight = EMBEDDING_WEIGHT + (STYLE_WEIGHT if style is not None else 0.0)
    blended = (EMBEDDING_WEIGHT * emb_score + (STYLE_WEIGHT * style if style is not None else 0.0)) / weight
    hits = term_hits(text, fp.banned)
    final = blended * BANNED_FACTOR ** len(hits)
    reasons.insert(0, {"signal": "meaning_and_register", "observed": round(sim, 3),
                       "persona_mean": round(fp.loo_mean, 3), "persona_spread": round(spread, 3), "z": round(emb_z, 1),
                       "effect": round((emb_score - 1) * EMBEDDING_WEIGHT / weight, 3),
                       "text": f"{'close to' if emb_z > -1 else 'far from'} the persona's samples in meaning and "
                               f"register: similarity {sim:.2f}, the samples' own is {fp.loo_mean:.2f} ± {spread:.2f}"})
    for term in hits:
        reasons.insert(0, {"signal": "banned_word", "observed": term, "effect": round(-(1 - BANNED_FACTOR), 3),
                           "text": f"uses {term!r}, which the voice guidelines rule out"})
    if style is None:
        reasons.append({"signal": "style", "effect": 0.0, "text": f"style not scored: the persona has "
                        f"{fp.samples} sample text(s), {MIN_STYLE_SAMPLES} are needed"})
    reasons.sort(key=lambda r: r["effect"])
    return Score(round(min(1.0, max(0.0, final)), 4), sim, emb_score, style, hits, reasons, feats)


def score_many(fp: Fingerprint, texts: Sequence[str], embed: Embed) -> list[Score]:
    """Score several texts with one embedding batch."""
    vectors = embed(list(texts))
    return [score(fp, t, v) for t, v in zip(texts, vectors, strict=True)]
