"""Synthetic but realistic chat text: a Zipf-distributed vocabulary, like natural language.

Real chat search queries hit words of very different frequencies; a tiny vocabulary would make
every word match most messages and misrepresent search cost. Word frequencies here follow
Zipf's law (exponent ~1.05) over 20,000 words: common function words, a domain vocabulary, then
generated words.
"""

from __future__ import annotations

import bisect
import itertools
import random

STOPWORDS = ("the of and to a in is it you that he was for on are with as i his they be at one have this from or "
             "had by not word but what some we can out other were all there when up use your how said an each "
             "she which do their time if will way about many then them write would like so these her long make "
             "thing see him two has look more day could go come did number sound no most people my over know").split()
DOMAIN = ("order checkout revenue launch campaign creator brand email discount bundle holiday shipping refund "
          "customer cart conversion anomaly alert traffic video persona margin inventory product price sale promo "
          "influencer tiktok shopify sentinel report weekly daily team review budget forecast growth retention "
          "churn segment cohort funnel landing page banner copy subject line open click reply").split()
_SYLLABLES = [a + b for a in "b c d f g k l m n p r s t v z br cl dr fl gr pl st tr".split()
              for b in "a e i o u ai ea io ou".split()]


def vocabulary(size: int = 20_000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = list(dict.fromkeys(STOPWORDS + DOMAIN))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class ZipfText:
    """Sentences of words drawn with Zipf frequencies."""

    def __init__(self, seed: int = 1, size: int = 20_000, exponent: float = 1.05) -> None:
        self.words = vocabulary(size)
        weights = [1 / (rank + 1) ** exponent for rank in range(len(self.words))]
        self._cum = list(itertools.accumulate(weights))
        self._rng = random.Random(seed)

    def word(self) -> str:
        return self.words[bisect.bisect_left(self._cum, self._rng.random() * self._cum[-1])]

    def sentence(self, lo: int = 6, hi: int = 20) -> str:
        return " ".join(self.word() for _ in range(self._rng.randint(lo, hi))).capitalize() + "."

    def query(self) -> str:
        """A query like people type: 1–3 content words (no function words), frequency-weighted."""
        words: list[str] = []
        while len(words) < self._rng.choice((1, 1, 2, 2, 3)):
            w = self.word()
            if w not in STOPWORDS:
                words.append(w)
        return " ".join(words)
