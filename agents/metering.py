"""Wraps an LLM provider to count calls, tokens and models into a run's KPIs, and to honour cancel."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any

from ionflux.agents.llm.base import CancelToken, Completion, CompletionStream, LLMProvider, Message


class MeteredProvider:
    """The provider an agent sees: same interface, with usage recorded into ``kpis``."""

    def __init__(self, inner: LLMProvider, kpis: dict[str, Any], cancel: CancelToken,
                 after_call: Callable[[], None] | None = None, on_token: Callable[[str], None] | None = None) -> None:
        self.inner = inner
        self.kpis = kpis
        self.cancel_token = cancel
        self._after_call = after_call
        self._on_token = on_token

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str:
        return self.inner.model

    def _record(self, c: Completion) -> None:
        self.kpis["llm_calls"] = self.kpis.get("llm_calls", 0) + 1
        self.kpis["prompt_tokens"] = self.kpis.get("prompt_tokens", 0) + (c.prompt_tokens or 0)
        self.kpis["completion_tokens"] = self.kpis.get("completion_tokens", 0) + (c.completion_tokens or 0)
        self.kpis["llm_latency_ms"] = round(self.kpis.get("llm_latency_ms", 0) + c.latency_s * 1000, 1)
        label = f"{c.provider}:{c.model}"
        if label not in self.kpis.setdefault("models", []):
            self.kpis["models"].append(label)
        if self._after_call is not None:
            self._after_call()

    def chat(self, messages: Sequence[Message], **options: Any) -> Completion:
        """Same as the provider's chat; when someone watches the run, generated as a stream for them."""
        if self._on_token is not None:
            return self.stream(messages, **options).collect()
        options.setdefault("cancel", self.cancel_token)
        completion = self.inner.chat(messages, **options)
        self._record(completion)
        return completion

    def stream(self, messages: Sequence[Message], **options: Any) -> CompletionStream:
        options.setdefault("cancel", self.cancel_token)
        inner = self.inner.stream(messages, **options)

        def pieces() -> Generator[str, None, Completion]:
            for piece in inner:
                if self._on_token is not None:
                    self._on_token(piece)
                yield piece
            assert inner.completion is not None
            self._record(inner.completion)
            return inner.completion

        return CompletionStream(pieces())

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed(texts)
