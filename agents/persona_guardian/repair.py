"""Style repairs: the LLM rewrites off-voice text, rules fix what they can, and both must keep the meaning.

A suggestion is *accepted* only if it keeps the meaning (embedding similarity to the original at or
above ``meaning_bound``, the same numbers, no new ones), uses no banned word, and actually scores as
more in voice than the original. Rejected suggestions are still listed with the reason, so a
reviewer sees what the model tried. The rule-based repair is deterministic and conservative: it only
removes or reshapes what the fingerprint shows the persona never does (banned words, emoji,
exclamation marks, hashtags, shouting, contractions one way or the other).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ionflux.agents.llm.base import Cancelled, CancelToken, LLMProvider, Message, ProviderError, complete_json
from ionflux.agents.persona_guardian.fingerprint import Embed, Fingerprint, score
from ionflux.agents.persona_guardian.guidelines import term_hits
from ionflux.agents.persona_guardian.stylometry import features

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF]\uFE0F?")
_NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                             "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS |= {w: 10 * (i + 2) for i, w in enumerate(_TENS)}
_NUMBER_WORDS |= {"hundred": 100, "thousand": 1000, "a dozen": 12}
_EXPAND = {"can't": "cannot", "won't": "will not", "it's": "it is", "that's": "that is", "there's": "there is",
           "what's": "what is", "here's": "here is", "let's": "let us", "i'm": "I am"}
_EXPAND_SUFFIX = (("n't", " not"), ("'re", " are"), ("'ll", " will"), ("'ve", " have"), ("'d", " would"))
_CONTRACT = {"do not": "don't", "does not": "doesn't", "did not": "didn't", "is not": "isn't", "are not": "aren't",
             "cannot": "can't", "will not": "won't", "it is": "it's", "that is": "that's", "we are": "we're",
             "you are": "you're", "they are": "they're", "I am": "I'm", "we will": "we'll", "you will": "you'll",
             "we have": "we've", "let us": "let's"}


@dataclass
class Suggestion:
    """One candidate rewrite and the checks it went through."""

    text: str
    source: str  # "llm" or "rules"
    meaning_similarity: float = 0.0
    authenticity_before: float = 0.0
    authenticity_after: float = 0.0
    accepted: bool = False
    rejected_because: str | None = None
    changes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _case_like(word: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if word[:1].isupper() else replacement


def rule_repair(text: str, fp: Fingerprint) -> tuple[str, list[str]]:
    """Deterministic edits toward the persona's habits; returns the new text and what changed."""
    out, changes = text, []
    for term in term_hits(out, fp.banned):
        out = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)\s*", "", out, flags=re.IGNORECASE)
        changes.append(f"removed {term!r} (banned by the guidelines)")
    mean = fp.feature_means
    now = features(out)
    if mean["emoji_rate"] < 0.005 and _EMOJI.search(out):
        out = _EMOJI.sub("", out)
        changes.append("removed emoji (the persona does not use them)")
    if mean["exclamation_rate"] < 0.1 and "!" in out:
        out = re.sub(r"\?!+|!+\?", "?", out)
        out = re.sub(r"!+", ".", out)
        changes.append("replaced exclamation marks with full stops")
    if mean["hashtag_rate"] < 0.002 and re.search(r"(?<!\w)#\w", out):
        out = re.sub(r"(?:\s*(?<!\w)#\w+)+\s*$", "", out)
        out = re.sub(r"(?<!\w)#(\w)", r"\1", out)
        changes.append("removed hashtags")
    if mean["uppercase_rate"] < 0.06 and re.search(r"\b[A-Z]{3,}\b", out):
        out = re.sub(r"\b[A-Z]{3,}\b", lambda m: m.group(0).capitalize(), out)
        changes.append("stopped shouting (words in capitals)")
    if mean["contraction_rate"] < 0.005 and now["contraction_rate"] > 0.01:
        out = _expand(out)
        changes.append("wrote contractions out in full")
    elif mean["contraction_rate"] > 0.02 and now["contraction_rate"] < 0.005:
        for full, short in _CONTRACT.items():
            out = re.sub(rf"\b{full}\b", lambda m, s=short: _case_like(m.group(0), s), out, flags=re.IGNORECASE)
        if features(out)["contraction_rate"] > now["contraction_rate"]:
            changes.append("used contractions, as the persona does")
    return _tidy(out, text), changes


def _tidy(text: str, original: str) -> str:
    """Spaces and punctuation left over by removals, and the capital the original started with."""
    out = re.sub(r"\s+([,.;:?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    out = re.sub(r"\.{2,}", ".", re.sub(r",\s*(?=[,.;:?])", "", out))
    out = re.sub(r"^[\s,;:]+", "", out)
    if original[:1].isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out


def _expand(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower().replace("’", "'")
        if lower in _EXPAND:
            return _case_like(word, _EXPAND[lower])
        for suffix, full in _EXPAND_SUFFIX:
            if lower.endswith(suffix):
                return word[: len(word) - len(suffix)] + full
        return word

    return re.sub(r"\b\w+['’]\w+\b", one, text)


def numbers(text: str) -> set[str]:
    """The numbers a text states, spelled-out ones included ("two" and "2" are the same fact)."""
    lowered = re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", lambda m: str(_NUMBER_WORDS[m.group(1)]),
                     text.lower())
    lowered = re.sub(r"\b(\d+) (\d)\b", lambda m: str(int(m.group(1)) + int(m.group(2))), lowered)  # twenty two
    return {n.replace(",", "") for n in _NUMBER.findall(lowered)}


def check(original: str, candidate: Suggestion, fp: Fingerprint, embed: Embed, before: float,
          meaning_bound: float) -> Suggestion:
    """Score a candidate and accept it only if it keeps the meaning and sounds more like the persona."""
    vectors = embed([original, candidate.text])
    candidate.meaning_similarity = float(np.dot(vectors[0], vectors[1]))
    candidate.authenticity_before = before
    candidate.authenticity_after = score(fp, candidate.text, vectors[1]).authenticity
    ratio = len(candidate.text) / max(1, len(original))
    if not candidate.text.strip() or candidate.text.strip() == original.strip():
        candidate.rejected_because = "no change"
    elif numbers(candidate.text) != numbers(original):
        candidate.rejected_because = "numbers changed (facts must stay as written)"
    elif candidate.meaning_similarity < meaning_bound:
        candidate.rejected_because = (f"meaning drifted: similarity {candidate.meaning_similarity:.2f} is below "
                                      f"{meaning_bound:.2f}")
    elif not 0.4 <= ratio <= 2.5:
        candidate.rejected_because = f"length changed too much ({ratio:.1f}× the original)"
    elif term_hits(candidate.text, fp.banned):
        candidate.rejected_because = "uses a banned word"
    elif candidate.authenticity_after <= before + 0.02:
        candidate.rejected_because = (f"not more in voice ({candidate.authenticity_after:.2f} vs "
                                      f"{before:.2f} before)")
    candidate.accepted = candidate.rejected_because is None
    return candidate


def llm_rewrite(provider: LLMProvider, text: str, guidelines: str, examples: Sequence[str], *,
                max_tokens: int = 160, cancel: CancelToken | None = None) -> tuple[str | None, str | None]:
    """The model's rewrite in the persona's voice, or (None, why not)."""
    shots = "\n".join(f"- {e}" for e in examples[:2])
    schema = {"type": "object", "additionalProperties": False, "required": ["rewrite"],
              "properties": {"rewrite": {"type": "string", "minLength": 10, "maxLength": max(60, 2 * len(text))}}}
    voice = guidelines or "see the examples"
    system = (f"You rewrite texts in one author's voice. Voice guidelines: {voice}. Examples of the voice:\n{shots}\n"
              "Keep the meaning and every fact and number; do not add claims.")
    messages = [Message("system", system), Message("user", f"Rewrite in this voice:\n{text}")]
    try:
        reply = complete_json(provider, messages, schema, retries=0, max_tokens=max_tokens, temperature=0.3, seed=5,
                              cancel=cancel)
    except Cancelled:
        raise
    except ProviderError as exc:
        return None, f"the language model gave no usable answer ({exc.one_line()})"
    return reply["rewrite"].strip(), None
