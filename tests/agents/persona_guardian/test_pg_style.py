"""Stylometric features, guideline parsing and the resonance heuristic, on texts worked out by hand."""

from __future__ import annotations

import math

import pytest

from ionflux.agents.persona_guardian.guidelines import banned_terms, term_hits
from ionflux.agents.persona_guardian.resonance import WEIGHTS, resonance
from ionflux.agents.persona_guardian.stylometry import FEATURES, features, mattr, reading_ease, sentences, syllables


def test_features_of_a_chatty_text_by_hand() -> None:
    f = features("Hey! I love you. Don't go?")
    # 6 words in 3 sentences; letters 17, of which H, I, D are capitals
    assert f["sentence_length"] == 2.0 and f["word_length"] == 3.0 and f["vocabulary_richness"] == 1.0
    assert f["exclamation_rate"] == pytest.approx(1 / 3) and f["question_rate"] == pytest.approx(1 / 3)
    assert f["contraction_rate"] == pytest.approx(1 / 6) and f["first_person_rate"] == pytest.approx(1 / 6)
    assert f["second_person_rate"] == pytest.approx(1 / 6) and f["uppercase_rate"] == pytest.approx(3 / 17)
    # formality signal: (0 long + 0 nominal − 2·1 contraction − 1 first − 1 second − 2·1 slang − 0 − 1 "!") / 6
    assert f["formality"] == pytest.approx(0.5 + 0.5 * math.tanh(3 * -7 / 6))
    assert set(f) == set(FEATURES)


def test_features_of_a_formal_text() -> None:
    f = features("The Maison is pleased to announce the presentation of its collection, crafted with consideration.")
    assert f["sentence_length"] == 14 and f["comma_rate"] == pytest.approx(1 / 14)
    assert f["contraction_rate"] == 0 and f["emoji_rate"] == 0 and f["formality"] > 0.9


def test_emoji_hashtags_and_numbers_are_counted_per_word() -> None:
    f = features("Sale today 🛍️✨ 20% off #slowfashion #eco")
    # words: Sale, today, off, slowfashion, eco → 5 (the number is not a word)
    assert f["emoji_rate"] == pytest.approx(2 / 5) and f["hashtag_rate"] == pytest.approx(2 / 5)
    assert f["digit_rate"] == pytest.approx(1 / 5)


def test_vocabulary_richness_is_length_robust() -> None:
    assert mattr(["a", "b", "a", "b"]) == 0.5
    long_text = ("the quick brown fox jumps over the lazy dog " * 20).split()
    assert mattr(long_text) == pytest.approx(8 / 25, abs=0.05)  # a repeated sentence stays poor however long


def test_sentences_syllables_and_reading_ease() -> None:
    assert sentences("One. Two! Three?") == 3 and sentences("no punctuation at all") == 1
    assert sentences("Line one\nLine two") == 2
    assert [syllables(w) for w in ("cat", "make", "reading", "beautiful")] == [1, 1, 2, 3]
    assert reading_ease("The cat sat on the mat.") > 100 > reading_ease(
        "Institutional sustainability considerations necessitate comprehensive organisational transformation.")


def test_banned_terms_from_guidelines() -> None:
    text = ('Warm and upbeat. Avoid: cheap, deal, "limited time only". Never say synthetic or fast fashion. '
            "Don't use words like hurry and act now.")
    assert banned_terms(text, ["Guys"]) == ["cheap", "deal", "limited time only", "synthetic", "fast fashion", "hurry",
                                            "act now", "guys"]
    assert banned_terms("Use emoji sparingly.") == []
    assert term_hits("A cheaply made, CHEAP jacket. Not fast-fashion, fast fashion!", ["cheap", "fast fashion"]) == \
        ["cheap", "fast fashion"]
    assert term_hits("cheapest", ["cheap"]) == []


def test_resonance_states_its_basis() -> None:
    value, basis = resonance("Have you tried the new jacket? It is soft and warm. Shop now and tell us!", 0.8)
    assert basis["method"] == "heuristic" and basis["trained_on_engagement_data"] is False
    assert "No engagement history" in basis["caveat"]
    signals = {k: v["value"] for k, v in basis["signals"].items()}
    assert signals == {"authenticity": 0.8, "readability": 1.0, "hook": 1.0, "call_to_action": 1.0, "length": 1.0}
    assert value == pytest.approx(0.4 * 0.8 + sum(WEIGHTS.values()) - 0.4)
    flat, _ = resonance("The collection is available.", None)
    assert flat < value


def test_resonance_without_authenticity_says_so() -> None:
    _, basis = resonance("Shop the new jacket today, you will love it.", None)
    assert basis["signals"]["authenticity"]["value"] == 0.5 and "authenticity unknown" in basis["note"]
