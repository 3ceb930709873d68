"""Fuzzy matching for the command palette: letters in order, rewarded for word starts and runs."""

from __future__ import annotations


def score(query: str, text: str) -> float | None:
    """How well ``query`` matches ``text`` (higher is better), or None when it does not.

    Every query character must appear in order (case-insensitive). Consecutive matches and
    matches at word starts score more; a match at the very start and shorter texts win ties.
    """
    q = query.lower().replace(" ", "")
    if not q:
        return 0.0
    t = text.lower()
    # a plain substring is the best kind of match
    sub = t.find(query.lower().strip())
    if sub >= 0:
        start_bonus = 12.0 if sub == 0 else (6.0 if not t[sub - 1].isalnum() else 0.0)
        return 100.0 + start_bonus + 10.0 * len(q) - 0.1 * len(t)
    total, prev, i = 0.0, -2, 0
    for ch in q:
        i = t.find(ch, i)
        if i < 0:
            return None
        bonus = 1.0
        if i == prev + 1:
            bonus += 3.0
        if i == 0 or not t[i - 1].isalnum():
            bonus += 4.0
        total += bonus
        prev = i
        i += 1
    return total - 0.05 * len(t)
