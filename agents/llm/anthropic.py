"""Client for Anthropic's Messages API (``POST /v1/messages``), plain and streamed."""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Sequence
from typing import Any

import httpx

from ionflux.agents.llm._http import RetryPolicy, iter_sse, make_client, send
from ionflux.agents.llm.base import (
    CancelToken,
    Completion,
    CompletionStream,
    Message,
    ProviderError,
    ProviderUnavailable,
    with_json_instruction,
)

API_VERSION = "2023-06-01"
_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}
_BUSY_ERRORS = {"overloaded_error", "rate_limit_error", "api_error"}


class AnthropicProvider:
    """Chat with Claude models.

    The API has no constrained decoding and no seed: ``json_schema`` becomes an instruction in
    the system prompt (use :func:`~ionflux.agents.llm.base.complete_json` to validate and
    retry), and ``seed`` is ignored. There is no embeddings endpoint either.

    Args:
        model: A model id such as ``claude-3-haiku-20240307``.
        api_key: Sent as ``x-api-key``; the caller reads it from the OS keyring. Never logged.
        base_url: API root without ``/v1``.
        timeout_s: Read timeout per request; connect_timeout_s fails fast when offline.
        retry: Backoff policy for 429/5xx/529 and connection errors.

    """

    name = "anthropic"

    def __init__(self, model: str, *, api_key: str, base_url: str = "https://api.anthropic.com",
                 timeout_s: float = 120.0, connect_timeout_s: float = 5.0, retry: RetryPolicy | None = None,
                 client: httpx.Client | None = None) -> None:
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._headers = {"x-api-key": api_key, "anthropic-version": API_VERSION,
                         "content-type": "application/json"}
        self._client = client or make_client(timeout_s, connect_timeout_s)

    def __repr__(self) -> str:
        return f"AnthropicProvider(model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    @property
    def _where(self) -> str:
        return f"{self.name}:{self.model}"

    def _body(self, messages: Sequence[Message], max_tokens: int, temperature: float,
              json_schema: dict[str, Any] | None, stop: list[str] | None) -> dict[str, Any]:
        if json_schema is not None:
            messages = with_json_instruction(messages, json_schema)
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        turns = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
        if not turns:
            raise ProviderError("a conversation needs at least one user message", where=self._where)
        body: dict[str, Any] = {"model": self.model, "max_tokens": max_tokens, "messages": turns,
                                "temperature": temperature}
        if system:
            body["system"] = system
        if stop:
            body["stop_sequences"] = stop
        return body

    def chat(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
             seed: int | None = None, json_schema: dict[str, Any] | None = None,
             stop: list[str] | None = None, cancel: CancelToken | None = None) -> Completion:
        if cancel is not None:
            cancel.raise_if_cancelled(self._where)
        started = time.perf_counter()
        response = send(self._client, f"{self.base_url}/v1/messages", headers=self._headers,
                        body=self._body(messages, max_tokens, temperature, json_schema, stop),
                        policy=self.retry, where=self._where, cancel=cancel)
        try:
            data = response.json()
            text = "".join(block.get("text", "") for block in data["content"] if block.get("type") == "text")
            usage = data.get("usage") or {}
            stop_reason = data.get("stop_reason") or "end_turn"
            return Completion(text=text, model=data.get("model") or self.model, provider=self.name,
                              prompt_tokens=usage.get("input_tokens"), completion_tokens=usage.get("output_tokens"),
                              latency_s=time.perf_counter() - started,
                              finish_reason=_FINISH.get(stop_reason, stop_reason))
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(f"unexpected reply shape from {self.base_url}: {exc!r}", where=self._where) from exc

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
               seed: int | None = None, json_schema: dict[str, Any] | None = None,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> CompletionStream:
        body = self._body(messages, max_tokens, temperature, json_schema, stop)
        body["stream"] = True
        return CompletionStream(self._stream(body, cancel))

    def _stream(self, body: dict[str, Any], cancel: CancelToken | None) -> Generator[str, None, Completion]:
        if cancel is not None:
            cancel.raise_if_cancelled(self._where)
        started = time.perf_counter()
        response = send(self._client, f"{self.base_url}/v1/messages", headers=self._headers, body=body,
                        policy=self.retry, where=self._where, stream=True, cancel=cancel)
        pieces: list[str] = []
        model, stop_reason = self.model, "end_turn"
        prompt_tokens: int | None = None
        output_tokens: int | None = None
        try:
            for event, data in iter_sse(response):
                if cancel is not None:
                    cancel.raise_if_cancelled(self._where)
                payload = json.loads(data)
                kind = payload.get("type", event)
                if kind == "message_start":
                    message = payload.get("message") or {}
                    model = message.get("model") or model
                    prompt_tokens = (message.get("usage") or {}).get("input_tokens")
                elif kind == "content_block_delta":
                    text = (payload.get("delta") or {}).get("text")
                    if text:
                        pieces.append(text)
                        yield text
                elif kind == "message_delta":
                    stop_reason = (payload.get("delta") or {}).get("stop_reason") or stop_reason
                    output_tokens = (payload.get("usage") or {}).get("output_tokens", output_tokens)
                elif kind == "message_stop":
                    break
                elif kind == "error":
                    error = payload.get("error") or {}
                    error_cls = ProviderUnavailable if error.get("type") in _BUSY_ERRORS else ProviderError
                    raise error_cls(f"stream failed ({error.get('type')}): {error.get('message')}", where=self._where)
        except httpx.TransportError as exc:
            raise ProviderUnavailable(f"stream from {self.base_url} broke: {exc}", where=self._where) from exc
        except json.JSONDecodeError as exc:
            raise ProviderError(f"unreadable stream event from {self.base_url}: {exc}", where=self._where) from exc
        finally:
            response.close()
        return Completion(text="".join(pieces), model=model, provider=self.name, prompt_tokens=prompt_tokens,
                          completion_tokens=output_tokens, latency_s=time.perf_counter() - started,
                          finish_reason=_FINISH.get(stop_reason, stop_reason))

    def embed(self, texts: list[str]) -> list[list[float]]:
        raise ProviderError("Anthropic has no embeddings API; use the memory module's embedder",
                            where=self._where)
