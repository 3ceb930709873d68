"""/ask: a question answered by the local model, streamed piece by piece (plain Python, no Qt)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the LLM package (and httpx) load on first use, not with the window
    from ionflux.agents.llm.base import CancelToken, Message

ASK_SYSTEM_PROMPT = ("You are IONFLUX's assistant for brands and creators. Answer briefly and concretely, "
                     "in a few sentences or a short list.")
MAX_ASK_TOKENS = 160
#: A small local model can loop; an answer whose last words already appeared this many times is cut there.
LOOP_REPEATS = 3
LOOP_WINDOW = 24


def stream_answer(provider: Any, question: str, on_piece: Callable[[str], None], *, cancel: CancelToken | None = None,
                  max_tokens: int = MAX_ASK_TOKENS, history: Sequence[Message] = (), seed: int | None = None) -> str:
    """Stream the model's answer to ``question``; ``on_piece`` gets each piece as it arrives. Returns the answer."""
    from ionflux.agents.llm.base import Message

    messages = [Message("system", ASK_SYSTEM_PROMPT), *history, Message("user", question)]
    parts: list[str] = []
    with provider.stream(messages, max_tokens=max_tokens, temperature=0.3, seed=seed, cancel=cancel) as stream:
        for piece in stream:
            parts.append(piece)
            on_piece(piece)
            if looping("".join(parts)):
                break
    return trim_loop("".join(parts)).strip()


def looping(text: str) -> bool:
    """Whether the text's last words have already been said ``LOOP_REPEATS`` times (a degenerate loop)."""
    tail = text[-LOOP_WINDOW:]
    return len(text) > 3 * LOOP_WINDOW and len(tail.strip()) >= LOOP_WINDOW // 2 and text.count(tail) >= LOOP_REPEATS


def trim_loop(text: str) -> str:
    """Cut a looping answer after the first repetition of its loop, ending at a sentence or list item."""
    if not looping(text):
        return text
    tail = text[-LOOP_WINDOW:]
    cut = text.find(tail) + len(tail)
    end = max(text.rfind(". ", 0, cut), text.rfind("\n", 0, cut))
    return text[:end + 1] if end > 0 else text[:cut]
