"""Style features of a text: sentence length, vocabulary richness, punctuation and emoji rates, formality.

Every feature is a rate or an average, so texts of different lengths compare; vocabulary richness is
a moving-average type-token ratio (MATTR) for the same reason. Formality is a proxy for the
Heylighen-Dewaele F-score, which needs a part-of-speech tagger: long words and nominalisations
(-tion, -ment, -ity) raise it; contractions, first/second person, slang, emoji and exclamations
lower it.
"""

from __future__ import annotations

import math
import re

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF\U00002B50\U00002B55"
                    "\U0000203C\U00002049\U00002122\U00002139\U00002194-\U00002199\U0000231A\U0000231B]")
_CONTRACTION = re.compile(r"^[^\W\d_]+['’](?:s|t|re|ll|ve|m|d)$", re.IGNORECASE)
_NOMINAL = re.compile(r"(?:tion|sion|ment|ity|ness|ance|ence|ship|ism)s?$", re.IGNORECASE)
_FIRST = frozenset({"i", "me", "my", "mine", "we", "us", "our", "ours", "i'm", "i’m", "we're", "we’re", "i've",
                    "i’ve", "i'll", "i’ll", "we've", "we’ve", "i'd", "i’d"})
_SECOND = frozenset({"you", "your", "yours", "you're", "you’re", "you've", "you’ve", "you'll", "you’ll", "y'all",
                     "ya", "u"})
_SLANG = frozenset({"gonna", "wanna", "gotta", "lol", "omg", "ngl", "tbh", "btw", "lowkey", "literally", "super",
                    "awesome", "cool", "yay", "hey", "guys", "vibes", "obsessed", "bestie", "fr", "kinda", "sorta",
                    "y'all", "yall", "okay", "ok", "wow", "stuff"})
_MATTR_WINDOW = 25

#: Feature names, and the smallest spread each is judged with (so two similar samples do not make a
#: fingerprint so tight that any new text looks foreign).
FEATURES: dict[str, float] = {
    "sentence_length": 3.0,  # words per sentence
    "word_length": 0.3,  # letters per word
    "vocabulary_richness": 0.05,  # MATTR
    "exclamation_rate": 0.15,  # per sentence
    "question_rate": 0.12,  # per sentence
    "comma_rate": 0.03,  # per word
    "other_punctuation_rate": 0.02,  # ; : — – ( ) " … per word
    "emoji_rate": 0.02,  # per word
    "uppercase_rate": 0.02,  # share of letters
    "contraction_rate": 0.015,  # per word
    "first_person_rate": 0.015,
    "second_person_rate": 0.015,
    "hashtag_rate": 0.01,
    "digit_rate": 0.015,  # number tokens per word
    "formality": 0.08,  # 0 (chatty) to 1 (formal)
}
LABELS = {
    "sentence_length": ("sentence length", "words per sentence"),
    "word_length": ("word length", "letters per word"),
    "vocabulary_richness": ("vocabulary richness", "type-token ratio"),
    "exclamation_rate": ("exclamation marks", "per sentence"),
    "question_rate": ("questions", "per sentence"),
    "comma_rate": ("commas", "per word"),
    "other_punctuation_rate": ("dashes, colons and brackets", "per word"),
    "emoji_rate": ("emoji", "per word"),
    "uppercase_rate": ("capital letters", "share of letters"),
    "contraction_rate": ("contractions", "per word"),
    "first_person_rate": ("first person (I, we)", "per word"),
    "second_person_rate": ("second person (you)", "per word"),
    "hashtag_rate": ("hashtags", "per word"),
    "digit_rate": ("numbers", "per word"),
    "formality": ("formality", "0 chatty to 1 formal"),
}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> int:
    parts = [p for p in _SENTENCE_END.split(text) if _WORD.search(p)]
    return max(1, len(parts))


def mattr(tokens: list[str], window: int = _MATTR_WINDOW) -> float:
    """Moving-average type-token ratio: unique words per window, averaged (plain TTR for short texts)."""
    lower = [t.lower() for t in tokens]
    if not lower:
        return 0.0
    if len(lower) <= window:
        return len(set(lower)) / len(lower)
    ratios = [len(set(lower[i:i + window])) / window for i in range(len(lower) - window + 1)]
    return sum(ratios) / len(ratios)


def features(text: str) -> dict[str, float]:
    """The style features of one text (see :data:`FEATURES`)."""
    tokens = words(text)
    n_words = max(1, len(tokens))
    n_sent = sentences(text)
    lower = [t.lower() for t in tokens]
    letters = [c for c in text if c.isalpha()]
    emoji = len(_EMOJI.findall(text))
    exclaim = len(re.findall(r"!+", text))
    contractions = sum(1 for t in tokens if _CONTRACTION.match(t))
    first = sum(1 for t in lower if t in _FIRST)
    second = sum(1 for t in lower if t in _SECOND)
    slang = sum(1 for t in lower if t in _SLANG)
    long_words = sum(1 for t in tokens if len(t) >= 7)
    nominal = sum(1 for t in tokens if len(t) > 5 and _NOMINAL.search(t))
    signal = (long_words + 2 * nominal - 2 * contractions - first - second - 2 * slang - 2 * emoji - exclaim) / n_words
    return {
        "sentence_length": len(tokens) / n_sent,
        "word_length": sum(len(t) for t in tokens) / n_words,
        "vocabulary_richness": mattr(tokens),
        "exclamation_rate": exclaim / n_sent,
        "question_rate": len(re.findall(r"\?+", text)) / n_sent,
        "comma_rate": text.count(",") / n_words,
        "other_punctuation_rate": len(re.findall(r"[;:—–()\"“”…]|\s-\s", text)) / n_words,
        "emoji_rate": emoji / n_words,
        "uppercase_rate": sum(1 for c in letters if c.isupper()) / max(1, len(letters)),
        "contraction_rate": contractions / n_words,
        "first_person_rate": first / n_words,
        "second_person_rate": second / n_words,
        "hashtag_rate": len(re.findall(r"(?<!\w)#\w+", text)) / n_words,
        "digit_rate": len(re.findall(r"\d+(?:[.,]\d+)?", text)) / n_words,
        "formality": 0.5 + 0.5 * math.tanh(3 * signal),
    }


def syllables(word: str) -> int:
    """Vowel groups, a silent final e removed: the usual heuristic for readability formulas."""
    groups = re.findall(r"[aeiouy]+", word.lower())
    count = len(groups) - (1 if word.lower().endswith("e") and len(groups) > 1 else 0)
    return max(1, count)


def reading_ease(text: str) -> float:
    """Flesch reading ease (higher is easier; 60-80 reads as plain conversational English)."""
    tokens = words(text)
    if not tokens:
        return 0.0
    per_sentence = len(tokens) / sentences(text)
    per_word = sum(syllables(t) for t in tokens) / len(tokens)
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word
