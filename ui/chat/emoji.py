"""Reactions drawn as emoji where an installed font has them, as short names where none does.

A desktop without an emoji font (a minimal Linux install) draws every emoji as an empty box;
a reaction reading "tada 2" says more than "▯ 2". Stored reactions are always the emoji itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ionflux.ui.qt import QFont, QFontDatabase, QRawFont

#: What a reaction shows when no font can draw it (glyphs DejaVu Sans has, or Slack-style names).
SHORT_NAMES = {"👍": "+1", "🎉": "tada", "👀": "eyes", "✅": "✓", "❤️": "♥"}

_THUMBS_UP = 0x1F44D
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


def reaction_label(emoji: str) -> str:
    """How the reaction ``emoji`` is written on screen."""
    return emoji if can_draw_emoji() else SHORT_NAMES.get(emoji, emoji)
