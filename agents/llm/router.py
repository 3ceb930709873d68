"""Picks the provider for each purpose an agent declares, falling back to the local model with a reason."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ionflux.agents.llm.base import (
    CancelToken,
    Completion,
    CompletionStream,
    LLMProvider,
    Message,
    ProviderUnavailable,
)
from ionflux.agents.llm.local import LocalProvider, shared_local_provider
from ionflux.agents.retry import RetryPolicy

#: Model names in the seed's agent definitions that are not API model ids.
DEFAULT_ALIASES = {"claude-3-haiku": "claude-3-haiku-20240307", "gpt-4o-vision": "gpt-4o"}
_DEFAULTS: dict[str, Any] = {
    "remote_enabled": False,
    "openai_base_url": "https://api.openai.com/v1",
    "openai_api_key_secret_ref": "openai_api_key",
    "openai_json_mode": "json_schema",
    "anthropic_base_url": "https://api.anthropic.com",
    "anthropic_api_key_secret_ref": "anthropic_api_key",
    "local_model_path": None,
    "local_n_ctx": 4096,
    "local_n_threads": None,
    "local_chat_format": None,
    "request_timeout_s": 120.0,
}


@dataclass
class Route:
    """The provider an agent should call for one purpose, and why it is not the one asked for.

    Attributes:
        purpose: The purpose from the agent definition (``"root cause analysis"``).
        provider: What to call. For remote routes it switches itself to the local model if a
            call finds the remote one unavailable, and then sets ``fallback_reason``.
        requested: ``"provider:model"`` as the agent definition asked, ``"local"`` if it named none.
        fallback_reason: None when the requested provider answers; otherwise one line for the run log.

    """

    purpose: str
    provider: LLMProvider
    requested: str
    fallback_reason: str | None = None

    @property
    def model(self) -> str:
        return self.provider.model


class FallbackProvider:
    """A remote provider that answers from the local model once the remote one is unavailable.

    The switch happens on the first :class:`ProviderUnavailable` (network down, key refused,
    still overloaded after retries) and sticks, so a run does not wait on a dead host twice.
    A stream can switch only before its first piece.
    """

    def __init__(self, primary: LLMProvider, fallback: LLMProvider, on_fallback: Callable[[str], None]) -> None:
        self.primary, self.fallback = primary, fallback
        self.fallback_reason: str | None = None
        self._on_fallback = on_fallback

    @property
    def active(self) -> LLMProvider:
        return self.primary if self.fallback_reason is None else self.fallback

    @property
    def name(self) -> str:
        return self.active.name

    @property
    def model(self) -> str:
        return self.active.model

    def _switch(self, exc: ProviderUnavailable) -> None:
        self.fallback_reason = f"{self.primary.name}:{self.primary.model} unavailable ({exc.message}); " \
                               f"using the local model"
        self._on_fallback(self.fallback_reason)

    def chat(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
             seed: int | None = None, json_schema: dict[str, Any] | None = None,
             stop: list[str] | None = None, cancel: CancelToken | None = None) -> Completion:
        options = {"max_tokens": max_tokens, "temperature": temperature, "seed": seed, "json_schema": json_schema,
                   "stop": stop, "cancel": cancel}
        if self.fallback_reason is None:
            try:
                return self.primary.chat(messages, **options)
            except ProviderUnavailable as exc:
                self._switch(exc)
        return self.fallback.chat(messages, **options)

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
               seed: int | None = None, json_schema: dict[str, Any] | None = None,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> CompletionStream:
        options = {"max_tokens": max_tokens, "temperature": temperature, "seed": seed, "json_schema": json_schema,
                   "stop": stop, "cancel": cancel}
        return CompletionStream(self._stream(messages, options))

    def _stream(self, messages: Sequence[Message], options: dict[str, Any]) -> Generator[str, None, Completion]:
        if self.fallback_reason is None:
            primary = self.primary.stream(messages, **options)
            try:
                first = next(primary)
            except StopIteration as done:
                return done.value
            except ProviderUnavailable as exc:
                self._switch(exc)
            else:
                yield first
                return (yield from primary)
        return (yield from self.fallback.stream(messages, **options))

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.active.embed(texts)


class LLMRouter:
    """Turns an agent's ``llm_models_used_array`` into providers, honouring settings and keys.

    The local model is used when remote models are disabled (the default: nothing leaves the
    machine unless the user opts in), when the API key is missing, when the provider's host
    does not accept a TCP connection within ``probe_timeout_s``, or when a remote call later
    fails as unavailable. Every such route carries the reason.

    Args:
        settings: App settings; only the ``"llm"`` mapping is read (keys in ``_DEFAULTS`` plus
            an optional ``model_aliases`` mapping).
        get_secret: Resolves a secret reference to its value or None (e.g.
            ``SecretStore.get_optional``); values are handed to clients and never logged.
        probe_timeout_s: Connect timeout of the reachability check.
        probe_ttl_s: How long a reachability verdict is reused.
        retry: Backoff policy given to remote clients.

    """

    def __init__(self, settings: Mapping[str, Any], get_secret: Callable[[str], str | None], *,
                 probe_timeout_s: float = 1.0, probe_ttl_s: float = 30.0, retry: RetryPolicy | None = None) -> None:
        self.config = {**_DEFAULTS, **dict(settings.get("llm") or {})}
        self.aliases = {**DEFAULT_ALIASES, **dict(self.config.get("model_aliases") or {})}
        self._get_secret = get_secret
        self.probe_timeout_s, self.probe_ttl_s = probe_timeout_s, probe_ttl_s
        self.retry = retry
        self._probes: dict[tuple[str, int], tuple[float, str | None]] = {}
        self._remotes: dict[tuple[str, str, str, str], LLMProvider] = {}
        self._lock = threading.Lock()

    def local(self) -> LocalProvider:
        """Return the shared local provider (one warm model per file for the whole app)."""
        return shared_local_provider(self.config["local_model_path"], n_ctx=int(self.config["local_n_ctx"]),
                                     n_threads=self.config["local_n_threads"],
                                     chat_format=self.config["local_chat_format"])

    def routes(self, models_used: Sequence[Mapping[str, Any]] | None) -> dict[str, Route]:
        """Route every purpose the agent definition lists."""
        return {str(e.get("purpose") or ""): self.route(models_used, e.get("purpose")) for e in models_used or []}

    def route(self, models_used: Sequence[Mapping[str, Any]] | None, purpose: str | None = None) -> Route:
        """Route ``purpose`` (to the first listed model when no entry has that purpose)."""
        entries = list(models_used or [])
        if not entries:
            return Route(purpose or "", self.local(), "local")
        wanted = (purpose or "").strip().lower()
        entry = next((e for e in entries if str(e.get("purpose", "")).strip().lower() == wanted), entries[0])
        kind = str(entry.get("provider", "")).strip().lower()
        model = self.aliases.get(str(entry.get("model_name", "")), str(entry.get("model_name", "")))
        requested = f"{kind}:{entry.get('model_name', '')}"
        used_purpose = purpose or str(entry.get("purpose", ""))

        def local(reason: str) -> Route:
            return Route(used_purpose, self.local(), requested, reason)

        if kind not in ("openai", "anthropic"):
            return local(f"provider {kind!r} is not supported; using the local model")
        if not self.config["remote_enabled"]:
            return local("remote models are turned off (llm.remote_enabled is false); using the local model")
        ref = self.config[f"{kind}_api_key_secret_ref"]
        try:
            key = self._get_secret(ref) if ref else None
        except Exception as exc:  # any keyring failure means "no usable key", and is said so
            return local(f"cannot read the {kind} API key ({exc}); using the local model")
        if not key:
            return local(f"no {kind} API key (secret {ref!r} is empty); store it with `ionflux secret set {ref}` "
                         "to use it; using the local model")
        base_url = str(self.config[f"{kind}_base_url"])
        unreachable = self.check_reachable(base_url)
        if unreachable:
            return local(f"{unreachable}; using the local model")
        route = Route(used_purpose, self.local(), requested)
        route.provider = FallbackProvider(self._remote(kind, model, base_url, key), route.provider,
                                          on_fallback=lambda reason: self._fell_back(route, base_url, reason))
        return route

    def _remote(self, kind: str, model: str, base_url: str, key: str) -> LLMProvider:
        """Return the client for this provider, model, host and key, reusing its connection pool."""
        with self._lock:
            cached = self._remotes.get((kind, model, base_url, key))
            if cached is None:
                cached = self._remotes[(kind, model, base_url, key)] = self._new_remote(kind, model, base_url, key)
            return cached

    def _new_remote(self, kind: str, model: str, base_url: str, key: str) -> LLMProvider:
        limits = {"timeout_s": float(self.config["request_timeout_s"]),
                  "connect_timeout_s": self.probe_timeout_s * 3, "retry": self.retry}
        if kind == "openai":
            from ionflux.agents.llm.openai_compat import OpenAICompatProvider  # httpx only when remote is used

            return OpenAICompatProvider(model, base_url=base_url, api_key=key,
                                        json_mode=self.config["openai_json_mode"], **limits)
        from ionflux.agents.llm.anthropic import AnthropicProvider

        return AnthropicProvider(model, api_key=key, base_url=base_url, **limits)

    def _fell_back(self, route: Route, base_url: str, reason: str) -> None:
        route.fallback_reason = reason
        with self._lock:
            self._probes[_host_port(base_url)] = (time.monotonic(), reason)

    def check_reachable(self, base_url: str) -> str | None:
        """None if ``base_url``'s host accepts a TCP connection, else why not (cached ``probe_ttl_s``)."""
        key = _host_port(base_url)
        with self._lock:
            cached = self._probes.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.probe_ttl_s:
            return cached[1]
        try:
            with socket.create_connection(key, timeout=self.probe_timeout_s):
                reason = None
        except TimeoutError:
            reason = f"cannot reach {key[0]}:{key[1]} (no answer within {self.probe_timeout_s:g} s)"
        except OSError as exc:
            reason = f"cannot reach {key[0]}:{key[1]} ({exc.strerror or type(exc).__name__})"
        with self._lock:
            self._probes[key] = (time.monotonic(), reason)
        return reason


def _host_port(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)

