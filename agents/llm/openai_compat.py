"""Client for OpenAI-compatible Chat Completions servers: OpenAI itself, llama.cpp servers, Ollama."""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Sequence
from typing import Any, Literal

import httpx

from ionflux.agents.llm._http import RetryPolicy, iter_sse, make_client, send
from ionflux.agents.llm.base import (
    CancelToken,
    Completion,
    CompletionStream,
    Message,
    ProviderError,
    ProviderUnavailable,
)

JsonMode = Literal["json_schema", "json_object"]


def strict_compatible(schema: Any) -> bool:
    """Tell whether OpenAI's strict structured outputs accept ``schema`` (closed objects, all keys required).

    Strict mode guarantees the shape but rejects other schemas with a 400, so it is only
    requested when it will be accepted.
    """
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False or set(schema.get("required", [])) != set(props):
                return False
        return all(strict_compatible(v) for k, v in schema.items() if k not in ("enum", "const", "default"))
    if isinstance(schema, list):
        return all(strict_compatible(v) for v in schema)
    return True


class OpenAICompatProvider:
    """Chat through ``POST {base_url}/chat/completions``.

    Args:
        model: The server's model id (``gpt-4o``; llama.cpp servers accept any).
        base_url: API root including ``/v1``, e.g. ``http://127.0.0.1:8080/v1``.
        api_key: Sent as a Bearer token. The caller reads it from the OS keyring; it is kept
            only in request headers, never in messages, logs or ``repr``.
        json_mode: How ``json_schema`` is sent: ``"json_schema"`` is OpenAI's structured output
            format (also llama.cpp's ``llama-server`` and Ollama); ``"json_object"`` is the
            ``{"type": "json_object", "schema": ...}`` form that llama-cpp-python's server needs.
        timeout_s: Read timeout per request; connect_timeout_s fails fast when offline.
        retry: Backoff policy for 429/5xx/connection errors.
        embedding_model: Model id for :meth:`embed`; None means embeddings are not offered.
        name: Reported as ``Completion.provider``.

    """

    def __init__(self, model: str, *, base_url: str = "https://api.openai.com/v1", api_key: str | None = None,
                 json_mode: JsonMode = "json_schema", timeout_s: float = 120.0, connect_timeout_s: float = 5.0,
                 retry: RetryPolicy | None = None, embedding_model: str | None = None,
                 name: str = "openai", client: httpx.Client | None = None) -> None:
        self.model = model
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.json_mode = json_mode
        self.retry = retry or RetryPolicy()
        self.embedding_model = embedding_model
        self._headers = {"content-type": "application/json", "accept": "application/json"}
        if api_key:
            self._headers["authorization"] = f"Bearer {api_key}"
        self._client = client or make_client(timeout_s, connect_timeout_s)

    def __repr__(self) -> str:
        return f"OpenAICompatProvider(model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    @property
    def _where(self) -> str:
        return f"{self.name}:{self.model}"

    def _body(self, messages: Sequence[Message], max_tokens: int, temperature: float, seed: int | None,
              json_schema: dict[str, Any] | None, stop: list[str] | None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "max_tokens": max_tokens, "temperature": temperature,
                                "messages": [{"role": m.role, "content": m.content} for m in messages]}
        if seed is not None:
            body["seed"] = seed
        if stop:
            body["stop"] = stop
        if json_schema is not None:
            if self.json_mode == "json_object":
                body["response_format"] = {"type": "json_object", "schema": json_schema}
            else:
                body["response_format"] = {"type": "json_schema", "json_schema": {
                    "name": "response", "schema": json_schema, "strict": strict_compatible(json_schema)}}
        return body

    def chat(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
             seed: int | None = None, json_schema: dict[str, Any] | None = None,
             stop: list[str] | None = None, cancel: CancelToken | None = None) -> Completion:
        if cancel is not None:
            cancel.raise_if_cancelled(self._where)
        started = time.perf_counter()
        response = send(self._client, f"{self.base_url}/chat/completions", headers=self._headers,
                        body=self._body(messages, max_tokens, temperature, seed, json_schema, stop),
                        policy=self.retry, where=self._where, cancel=cancel)
        try:
            data = response.json()
            choice = data["choices"][0]
            usage = data.get("usage") or {}
            return Completion(text=choice["message"].get("content") or "", model=data.get("model") or self.model,
                              provider=self.name, prompt_tokens=usage.get("prompt_tokens"),
                              completion_tokens=usage.get("completion_tokens"),
                              latency_s=time.perf_counter() - started,
                              finish_reason=choice.get("finish_reason") or "stop")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ProviderError(f"unexpected reply shape from {self.base_url}: {exc!r}", where=self._where) from exc

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
               seed: int | None = None, json_schema: dict[str, Any] | None = None,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> CompletionStream:
        """Stream over SSE. Token counts are None when the server sends no usage chunk."""
        body = self._body(messages, max_tokens, temperature, seed, json_schema, stop)
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
        return CompletionStream(self._stream(body, cancel))

    def _stream(self, body: dict[str, Any], cancel: CancelToken | None) -> Generator[str, None, Completion]:
        if cancel is not None:
            cancel.raise_if_cancelled(self._where)
        started = time.perf_counter()
        response = send(self._client, f"{self.base_url}/chat/completions", headers=self._headers, body=body,
                        policy=self.retry, where=self._where, stream=True, cancel=cancel)
        pieces: list[str] = []
        model, finish, usage = self.model, "stop", {}
        try:
            for _event, data in iter_sse(response):
                if cancel is not None:
                    cancel.raise_if_cancelled(self._where)
                if data.strip() == "[DONE]":
                    break
                chunk = json.loads(data)
                if "error" in chunk:
                    raise ProviderError(f"server error mid-stream: {chunk['error']}", where=self._where)
                model = chunk.get("model") or model
                usage = chunk.get("usage") or usage
                for choice in chunk.get("choices") or []:
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        pieces.append(text)
                        yield text
                    finish = choice.get("finish_reason") or finish
        except httpx.TransportError as exc:
            raise ProviderUnavailable(f"stream from {self.base_url} broke: {exc}", where=self._where) from exc
        except json.JSONDecodeError as exc:
            raise ProviderError(f"unreadable stream event from {self.base_url}: {exc}", where=self._where) from exc
        finally:
            response.close()
        return Completion(text="".join(pieces), model=model, provider=self.name,
                          prompt_tokens=usage.get("prompt_tokens"), completion_tokens=usage.get("completion_tokens"),
                          latency_s=time.perf_counter() - started, finish_reason=finish)

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed with ``POST {base_url}/embeddings`` using ``embedding_model``."""
        if not self.embedding_model:
            raise ProviderError("no embedding model configured for this provider; use the memory module's "
                                "embedder or pass embedding_model", where=self._where)
        response = send(self._client, f"{self.base_url}/embeddings", headers=self._headers,
                        body={"model": self.embedding_model, "input": texts}, policy=self.retry, where=self._where)
        rows = sorted(response.json()["data"], key=lambda row: row["index"])
        return [list(map(float, row["embedding"])) for row in rows]
