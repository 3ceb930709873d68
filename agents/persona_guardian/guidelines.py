"""Reading voice guidelines: the words a brand or creator never uses, from free text or an explicit list."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: "Avoid: cheap, deal, hurry" / "never say x or y" / "don't use words like x, y" / "banned words: x; y".
_RULE = re.compile(
    r"(?:avoid(?:\s+(?:the\s+)?(?:words?|terms?|phrases?|saying|using))?(?:\s+like)?|never\s+(?:say|use|write)"
    r"(?:\s+(?:the\s+)?(?:words?|terms?|phrases?))?(?:\s+like)?|don'?t\s+(?:say|use|write)(?:\s+(?:the\s+)?"
    r"(?:words?|terms?|phrases?))?(?:\s+like)?|(?:banned|forbidden)\s+(?:words?|terms?|phrases?))\s*:?\s*"
    r"(?P<list>[^.\n]+)", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b)\s*", re.IGNORECASE)
_WORD_LIMIT = 4  # a listed item longer than this is prose, not a banned term


def banned_terms(guidelines: str | None, extra: Iterable[str] = ()) -> list[str]:
    """Lower-case terms the guidelines forbid, plus ``extra``; quotes and trailing words like "etc" dropped."""
    found: list[str] = []
    for match in _RULE.finditer(guidelines or ""):
        for item in _SPLIT.split(match.group("list")):
            term = item.strip().strip("\"'“”‘’()").strip().lower()
            if term in ("", "etc", "etc.", "and so on") or len(term.split()) > _WORD_LIMIT:
                continue
            found.append(term)
    found.extend(t.strip().lower() for t in extra if isinstance(t, str) and t.strip())
    return list(dict.fromkeys(found))


def term_hits(text: str, terms: Iterable[str]) -> list[str]:
    """The banned terms that occur in ``text`` as whole words (case-insensitive)."""
    lower = text.lower()
    return [t for t in terms if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", lower)]
