"""Fingerprints and authenticity on a labelled set of three voices (the lighter version of the benchmark)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ionflux.agents.memory.embedder import default_embedder
from ionflux.agents.persona_guardian.fingerprint import Fingerprint, build, score, score_many

VOICES: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "persona_voices.json").read_text())["voices"]
EMBED = default_embedder().embed


def roc_auc(positives: list[float], negatives: list[float]) -> float:
    pos, neg = np.asarray(positives)[:, None], np.asarray(negatives)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


@pytest.fixture(scope="module")
def fingerprints() -> dict[str, Fingerprint]:
    return {name: build(name, v["texts"][:8], EMBED) for name, v in VOICES.items()}


def test_in_voice_texts_score_above_out_of_voice_ones(fingerprints: dict[str, Fingerprint]) -> None:
    held_out = {name: v["texts"][24:] for name, v in VOICES.items()}  # 12 per voice the fingerprints never saw
    for name, fp in fingerprints.items():
        pos = [s.authenticity for s in score_many(fp, held_out[name], EMBED)]
        neg = [s.authenticity for other, texts in held_out.items() if other != name
               for s in score_many(fp, texts, EMBED)]
        assert roc_auc(pos, neg) >= 0.9, name
        assert np.mean(pos) > 0.55 > np.mean(neg), name


def test_reasons_name_what_is_off(fingerprints: dict[str, Fingerprint]) -> None:
    fp = fingerprints["atelier_verre_maison"]
    text = "OMG guys this jacket is SO cute 😍😍 grab yours now!!! #obsessed"
    result = score(fp, text, EMBED([text])[0])
    assert result.authenticity < 0.3
    signals = [r["signal"] for r in result.reasons]
    assert {"emoji_rate", "exclamation_rate", "formality"} <= set(signals)
    assert result.reasons == sorted(result.reasons, key=lambda r: r["effect"])  # largest effect first
    emoji = next(r for r in result.reasons if r["signal"] == "emoji_rate")
    assert emoji["persona_mean"] == 0 and emoji["z"] > 2 and "emoji" in emoji["text"]


def test_banned_words_cut_the_score() -> None:
    texts = VOICES["maya_eco_creator"]["texts"][:8]
    plain, strict = build("m", texts, EMBED), build("m", texts, EMBED, banned=["obsessed"])
    text = "Okay I'm obsessed with the new linen shirt 😍 Comfy and breezy, you need it!"
    vector = EMBED([text])[0]
    a, b = score(plain, text, vector), score(strict, text, vector)
    assert b.banned_hits == ["obsessed"] and b.authenticity == pytest.approx(a.authenticity * 0.7, abs=1e-3)
    assert b.reasons[0]["signal"] == "banned_word"


def test_few_samples_score_meaning_only_and_say_so() -> None:
    fp = build("tiny", VOICES["dev_gear_reviewer"]["texts"][:2], EMBED)
    text = VOICES["dev_gear_reviewer"]["texts"][30]
    result = score(fp, text, EMBED([text])[0])
    assert result.style_score is None and any("style not scored" in r["text"] for r in result.reasons)
    assert 0 <= result.authenticity <= 1


def test_fingerprints_round_trip_and_need_a_sample(fingerprints: dict[str, Fingerprint]) -> None:
    fp = fingerprints["dev_gear_reviewer"]
    again = Fingerprint.from_json(json.loads(json.dumps(fp.to_json())))
    assert again.feature_means == fp.feature_means and len(again.centroid) == 384
    assert abs(np.linalg.norm(again.centroid) - 1) < 1e-4 and -1 < again.loo_mean < 1
    with pytest.raises(ValueError, match="at least one sample"):
        build("empty", ["  "], EMBED)
