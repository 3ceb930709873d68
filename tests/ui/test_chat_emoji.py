"""Reactions on a desktop with and without an emoji font."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from ionflux.ui.chat import emoji
from ionflux.ui.chat.messages import QUICK_REACTIONS, MessageDelegate
from ionflux.ui.chat.model import MessageView
from ionflux.ui.theme import load_theme

pytestmark = pytest.mark.gui


@pytest.fixture
def emoji_font(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set whether the desktop can draw emoji (this machine's answer is whatever fonts it has)."""
    def have(answer: bool) -> None:
        monkeypatch.setattr(emoji, "can_draw_emoji", lambda: answer)
    return have


def test_every_quick_reaction_has_a_short_name_made_of_glyphs_a_plain_font_has(qtbot: Any) -> None:
    from ionflux.ui.qt import QFont, QRawFont

    dejavu = QRawFont.fromFont(QFont("DejaVu Sans"))
    for e in QUICK_REACTIONS:
        assert all(dejavu.supportsCharacter(ord(ch)) for ch in emoji.SHORT_NAMES[e]), e


def test_a_plain_font_is_not_taken_for_an_emoji_font(qtbot: Any) -> None:
    assert emoji.emoji_family(["DejaVu Sans", "DejaVu Serif"]) is None


@pytest.mark.parametrize(("has_font", "shown"), [(False, "tada 2"), (True, "🎉 2")])
def test_a_reaction_chip_shows_the_emoji_only_where_a_font_can_draw_it(
        qtbot: Any, emoji_font: Any, has_font: bool, shown: str) -> None:
    emoji_font(has_font)
    delegate = MessageDelegate(load_theme("dark"))
    m = MessageView(uuid.uuid4(), "Ada", "user", "markdown", "launch!", datetime.now(UTC),
                    reactions=(("🎉", 2, False),))
    (chip, stored), = delegate.layout(m, 400, None).chips
    assert stored == "🎉"  # what a click toggles is still the emoji itself
    assert chip.width() == delegate._fm(12).horizontalAdvance(shown) + 18



@pytest.mark.parametrize(("reaction", "name"), [
    ("🚀", "rocket"), ("👍🏽", "thumbs up sign"), ("🇫🇷", "flag FR"), ("👨\u200d👩\u200d👧", "man woman girl"),
    ("😂", "face with tears…"), ("❤️", "♥"), ("❤", "♥"), ("⏰", "alarm clock"), ("‼️", "double exclamat…"),
    ("1️⃣", "keycap 1"), ("ok", "ok"),
])
def test_any_reaction_from_another_device_gets_a_name_without_an_emoji_font(
        qtbot: Any, emoji_font: Any, reaction: str, name: str) -> None:
    emoji_font(False)
    assert emoji.reaction_label(reaction) == name
    emoji_font(True)
    assert emoji.reaction_label(reaction) == reaction
