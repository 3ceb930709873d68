"""The one provider interface every agent talks to, its data types, errors and JSON helper."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from ionflux.core.errors import IonfluxError

Role = Literal["system", "user", "assistant"]


# --------------------------------------------------------------------------- errors


class ProviderError(IonfluxError):
    """A language-model call failed in a way the user can act on.

    Args:
        message: What went wrong and how to fix it.
        where: The provider and model (``"openai:gpt-4o"``) or settings key involved.
        status: The HTTP status of a remote reply, when there was one.

    """

    def __init__(self, message: str, *, where: str | None = None, status: int | None = None) -> None:
        self.status = status
        super().__init__(message, where=where)


class ModelNotFoundError(ProviderError):
    """The local GGUF model file is missing; the message names the path tried and the fix."""


class ProviderUnavailable(ProviderError):
    """The provider cannot be used right now: no API key, key rejected, network down, overloaded.

    The router treats this as the signal to answer from the local model instead.
    """


class InvalidJSONOutput(ProviderError):
    """The model did not produce JSON matching the requested schema, even after corrective retries."""


class Cancelled(ProviderError):
    """Generation stopped because its :class:`CancelToken` was set."""


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True, slots=True)
class Message:
    """One chat turn. Roles follow the OpenAI convention; providers translate as needed."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Completion:
    """A finished generation and what it cost, for the run log.

    Attributes:
        text: The generated text (without the stop sequence).
        model: The model that answered (a file stem for local models).
        provider: ``"local"``, ``"openai"`` or ``"anthropic"``: who actually answered.
        prompt_tokens: Tokens read, or None when the provider did not say (some servers omit
            usage on streams).
        completion_tokens: Tokens generated (end-of-turn token excluded), or None when unknown.
        latency_s: Wall time from the request to the last token; local model loading excluded.
        finish_reason: ``"stop"`` (natural end or stop sequence), ``"length"`` (hit max_tokens),
            or the provider's own word for anything else.

    """

    text: str
    model: str
    provider: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_s: float
    finish_reason: str


class CancelToken:
    """A thread-safe stop flag shared by the UI (which sets it) and a generation (which checks it).

    Providers check it between tokens or stream events and raise :class:`Cancelled`.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout_s: float) -> bool:
        """Sleep up to ``timeout_s``, waking early (and returning True) if cancelled."""
        return self._event.wait(timeout_s)

    def raise_if_cancelled(self, where: str | None = None) -> None:
        if self._event.is_set():
            raise Cancelled("generation was cancelled", where=where)


class CompletionStream(Iterator[str]):
    """Text pieces as they arrive; ``.completion`` holds the final stats once exhausted.

    Wraps a generator that yields pieces and *returns* the :class:`Completion`, so a provider
    writes one generator and callers get both the pieces and the totals. Close it (or use it
    as a context manager) when abandoning it early: that ends the request and, for the local
    model, frees the generation lock.
    """

    def __init__(self, pieces: Generator[str, None, Completion]) -> None:
        self._pieces = pieces
        self.completion: Completion | None = None

    def __iter__(self) -> CompletionStream:
        return self

    def __next__(self) -> str:
        try:
            return next(self._pieces)
        except StopIteration as stop:
            self.completion = stop.value
            raise

    def collect(self) -> Completion:
        """Drain the remaining pieces and return the final Completion."""
        for _ in self:
            pass
        assert self.completion is not None
        return self.completion

    def close(self) -> None:
        self._pieces.close()

    def __enter__(self) -> CompletionStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@runtime_checkable
class LLMProvider(Protocol):
    """What every agent calls; local, OpenAI-compatible and Anthropic providers all fit it.

    ``json_schema`` asks for output matching the schema: the local model and OpenAI-compatible
    servers constrain decoding to it, Anthropic is instructed. Use :func:`complete_json` to also
    parse, validate and retry. ``seed`` is honoured where the backend supports it (not Anthropic).
    """

    name: str
    model: str

    def chat(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
             seed: int | None = None, json_schema: dict[str, Any] | None = None,
             stop: list[str] | None = None, cancel: CancelToken | None = None) -> Completion: ...

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
               seed: int | None = None, json_schema: dict[str, Any] | None = None,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> CompletionStream: ...

    def embed(self, texts: list[str]) -> list[list[float]]: ...


# --------------------------------------------------------------------------- JSON output

JSON_INSTRUCTION = "Reply with only a JSON object, no prose and no code fences, that matches this JSON Schema:"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)


def with_json_instruction(messages: Sequence[Message], schema: dict[str, Any]) -> list[Message]:
    """``messages`` with the schema stated in the system prompt (added once, never twice).

    Constrained decoding forces the shape, but models fill fields better when told the schema,
    and providers without constraints (Anthropic) depend on it.
    """
    instruction = f"{JSON_INSTRUCTION} {json.dumps(schema, separators=(',', ':'))}"
    out = list(messages)
    if any(JSON_INSTRUCTION in m.content for m in out if m.role == "system"):
        return out
    if out and out[0].role == "system":
        out[0] = Message("system", f"{out[0].content}\n\n{instruction}")
    else:
        out.insert(0, Message("system", instruction))
    return out


def parse_json_object(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Parse ``text`` as a JSON object and validate it against ``schema``.

    Tolerates code fences and prose around one object, since instructed (unconstrained) models
    add them. Raises ValueError with a one-line reason when it cannot.
    """
    import jsonschema  # imported here: only JSON calls pay for it

    body = _FENCE.sub("", text.strip())
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        start, end = body.find("{"), body.rfind("}")
        if start < 0 or end <= start:
            raise ValueError(f"not JSON ({exc.msg} at character {exc.pos})") from None
        try:
            value = json.loads(body[start:end + 1])
        except json.JSONDecodeError as inner:
            raise ValueError(f"not JSON ({inner.msg} at character {start + inner.pos})") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    validator_cls = jsonschema.validators.validator_for(schema)
    error = jsonschema.exceptions.best_match(validator_cls(schema).iter_errors(value))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise ValueError(f"schema violation at {path}: {error.message}")
    return value


def complete_json(provider: LLMProvider, messages: Sequence[Message], schema: dict[str, Any], retries: int = 2,
                  *, max_tokens: int = 256, temperature: float = 0.2, seed: int | None = None,
                  cancel: CancelToken | None = None) -> dict[str, Any]:
    """Ask for schema-shaped JSON, validate it, and retry with a correction when it is wrong.

    Each retry shows the model its bad reply and the reason, which fixes most slips of small
    models. After ``retries`` corrections it gives up with one clear line.

    Raises:
        InvalidJSONOutput: still no valid object after ``1 + retries`` attempts.

    """
    convo = with_json_instruction(messages, schema)
    reason = "no attempt made"
    for attempt in range(retries + 1):
        result = provider.chat(convo, max_tokens=max_tokens, temperature=temperature,
                               seed=None if seed is None else seed + attempt,
                               json_schema=schema, cancel=cancel)
        try:
            return parse_json_object(result.text, schema)
        except ValueError as exc:
            reason = str(exc)
            if result.finish_reason == "length":
                reason += f" (output cut off at max_tokens={max_tokens})"
        convo = [*convo, Message("assistant", result.text),
                 Message("user", f"That reply was invalid: {reason}. {JSON_INSTRUCTION} "
                                 f"{json.dumps(schema, separators=(',', ':'))}")]
    raise InvalidJSONOutput(f"no valid JSON after {retries + 1} attempts; last problem: {reason}",
                            where=f"{provider.name}:{provider.model}")
