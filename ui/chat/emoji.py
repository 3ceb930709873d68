"""Reactions drawn as emoji where an installed font has them, as short names where none does.

A desktop without an emoji font (a minimal Linux install) draws every emoji as an empty box;
a reaction reading "tada 2" says more than "▯ 2". The quick reactions have hand-picked names;
any other (one added on a phone, say) is named from Unicode ("🚀" -> "rocket"). Stored
reactions are always the emoji itself.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from ionflux.ui.qt import QFont, QFontDatabase, QRawFont

#: What a reaction shows when no font can draw it (glyphs DejaVu Sans has, or Slack-style names).
SHORT_NAMES = {"👍": "+1", "🎉": "tada", "👀": "eyes", "✅": "✓", "❤️": "♥"}

_THUMBS_UP = 0x1F44D
#: Joiners, variation selectors and skin tones: they shape an emoji but are no part of its name.
_SILENT = {0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)}
_REGIONAL_A = 0x1F1E6
_SYMBOLS = 0x2300  # Miscellaneous Technical onwards (⌚ ⏰): where emoji (and plain fonts' gaps) begin
MAX_NAME = 16
_EMOJI_FAMILIES = ("emoji", "symbola", "joypixels")


def emoji_family(families: Iterable[str]) -> str | None:
    """The first of ``families`` that is an emoji font and can draw one, or None."""
    for family in families:
        if any(word in family.lower() for word in _EMOJI_FAMILIES) and \
                QRawFont.fromFont(QFont(family)).supportsCharacter(_THUMBS_UP):
            return family
    return None


@functools.cache
def can_draw_emoji() -> bool:
    """Whether this desktop has an emoji font (asked once: fonts do not come and go while the app runs)."""
    return emoji_family(QFontDatabase.families()) is not None


def short_name(emoji: str) -> str:
    """A few words for ``emoji`` from its Unicode name ("🚀" -> "rocket"; a flag -> "flag FR")."""
    bare = emoji.replace("\ufe0f", "")
    for known, name in SHORT_NAMES.items():
        if bare == known.replace("\ufe0f", ""):
            return name
    points = [ord(c) for c in emoji if ord(c) not in _SILENT]
    if "\ufe0f" not in emoji and "\u20e3" not in emoji and all(p < _SYMBOLS for p in points):
        return emoji  # letters and marks any text font draws (an emoji style selector says otherwise)
    if len(points) == 2 and points[1] == 0x20E3:
        return f"keycap {chr(points[0])}"
    if len(points) == 2 and all(_REGIONAL_A <= p < _REGIONAL_A + 26 for p in points):
        return "flag " + "".join(chr(ord("A") + p - _REGIONAL_A) for p in points)
    words = [unicodedata.name(chr(p), "").lower() for p in points]
    name = " ".join(w for w in words if w) or emoji
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1].rstrip() + "…"


def reaction_label(emoji: str) -> str:
    """How the reaction ``emoji`` is written on screen."""
    return emoji if can_draw_emoji() else short_name(emoji)
