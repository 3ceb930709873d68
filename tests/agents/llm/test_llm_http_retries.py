"""Retry policy of the remote clients against a scripted local HTTP server that records requests."""

from __future__ import annotations

import email.utils
import threading
import time

import pytest

from ionflux.agents.llm import (
    Cancelled,
    CancelToken,
    Message,
    OpenAICompatProvider,
    ProviderError,
    ProviderUnavailable,
    RetryPolicy,
)
from ionflux.agents.llm._http import retry_after_s
from ionflux.agents.llm.openai_compat import strict_compatible

FAST = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_retry_after_s=5)
HELLO = [Message("user", "hello")]
KEY = "sk-secret-value-123"


def ok_body(text: str = "Hi there") -> dict:
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}}


def client(scripted, **kwargs) -> OpenAICompatProvider:
    return OpenAICompatProvider("gpt-4o", base_url=f"{scripted.url}/v1", api_key=KEY,
                                retry=kwargs.pop("retry", FAST), **kwargs)


def test_success_sends_the_documented_request(scripted) -> None:
    scripted.reply(200, ok_body())
    result = client(scripted).chat([Message("system", "Be brief."), *HELLO], max_tokens=20, temperature=0.5,
                                   seed=11, stop=["\n\n"])
    assert (result.text, result.model, result.prompt_tokens, result.completion_tokens, result.finish_reason) == (
        "Hi there", "gpt-4o-2024-08-06", 9, 3, "stop")
    [request] = scripted.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body == {"model": "gpt-4o", "max_tokens": 20, "temperature": 0.5, "seed": 11, "stop": ["\n\n"],
                            "messages": [{"role": "system", "content": "Be brief."},
                                         {"role": "user", "content": "hello"}]}


def test_429_waits_for_retry_after_then_succeeds(scripted) -> None:
    scripted.reply(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": "1"})
    scripted.reply(200, ok_body())
    started = time.monotonic()
    assert client(scripted).chat(HELLO).text == "Hi there"
    assert time.monotonic() - started >= 0.9  # the server's Retry-After, not the 10 ms backoff
    assert len(scripted.requests) == 2


def test_retry_after_beyond_the_cap_fails_at_once(scripted) -> None:
    scripted.reply(429, {"error": {"message": "Slow down"}}, {"Retry-After": "3600"})
    with pytest.raises(ProviderUnavailable, match="3600"):
        client(scripted).chat(HELLO)
    assert len(scripted.requests) == 1


def test_retry_after_parses_seconds_and_http_dates() -> None:
    now = 1_700_000_000.0
    assert retry_after_s("7", now) == 7
    assert retry_after_s(email.utils.formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert retry_after_s(email.utils.formatdate(now - 30, usegmt=True), now) == 0
    assert retry_after_s("soon", now) is None and retry_after_s(None) is None


def test_503_then_success_is_retried(scripted) -> None:
    scripted.reply(503, {"error": {"message": "overloaded"}})
    scripted.reply(200, ok_body("second time lucky"))
    assert client(scripted).chat(HELLO).text == "second time lucky"
    assert len(scripted.requests) == 2


def test_persistent_5xx_gives_up_as_unavailable(scripted) -> None:
    scripted.reply(502, "<html>bad gateway</html>", default=True)
    with pytest.raises(ProviderUnavailable, match="3 attempts"):
        client(scripted).chat(HELLO)
    assert len(scripted.requests) == FAST.attempts


def test_400_is_not_retried_and_carries_the_server_message(scripted) -> None:
    scripted.reply(400, {"error": {"message": "Invalid value for 'max_tokens'", "type": "invalid_request_error"}},
                   default=True)
    with pytest.raises(ProviderError) as info:
        client(scripted).chat(HELLO)
    assert not isinstance(info.value, ProviderUnavailable)
    assert info.value.status == 400
    assert "Invalid value for 'max_tokens'" in str(info.value)
    assert "\n" not in str(info.value)
    assert len(scripted.requests) == 1


def test_401_is_unavailable_and_never_shows_the_key(scripted) -> None:
    scripted.reply(401, {"error": {"message": "Incorrect API key provided"}}, default=True)
    provider = client(scripted)
    with pytest.raises(ProviderUnavailable) as info:
        provider.chat(HELLO)
    assert len(scripted.requests) == 1
    assert KEY not in str(info.value) and KEY not in repr(provider)


def test_connection_refused_is_unavailable(closed_port: int) -> None:
    provider = OpenAICompatProvider("gpt-4o", base_url=f"http://127.0.0.1:{closed_port}/v1", api_key=KEY, retry=FAST)
    with pytest.raises(ProviderUnavailable, match="cannot reach"):
        provider.chat(HELLO)
    with pytest.raises(ProviderUnavailable):
        list(provider.stream(HELLO))


def test_cancel_interrupts_the_wait_between_retries(scripted) -> None:
    scripted.reply(503, {"error": {"message": "busy"}}, default=True)
    token = CancelToken()
    provider = client(scripted, retry=RetryPolicy(attempts=5, base_delay_s=30))
    threading.Timer(0.2, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        provider.chat(HELLO, cancel=token)
    assert time.monotonic() - started < 10


def test_stream_parses_sse_and_usage(scripted) -> None:
    def chunk(content: str | None, finish: str | None = None, usage: dict | None = None) -> dict:
        choices = [] if usage else [{"index": 0, "delta": {} if content is None else {"content": content},
                                     "finish_reason": finish}]
        return {"id": "c1", "object": "chat.completion.chunk", "model": "gpt-4o", "choices": choices, "usage": usage}

    events = [": keep-alive comment\n\n", scripted.event(None, chunk("Hel")), scripted.event(None, chunk("lo")),
              scripted.event(None, chunk(None, "length")),
              scripted.event(None, chunk(None, usage={"prompt_tokens": 5, "completion_tokens": 2})),
              "data: [DONE]\n\n"]
    scripted.reply(200, sse=events)
    stream = client(scripted).stream(HELLO, max_tokens=2)
    assert list(stream) == ["Hel", "lo"]
    assert stream.completion is not None
    assert (stream.completion.text, stream.completion.prompt_tokens, stream.completion.completion_tokens,
            stream.completion.finish_reason) == ("Hello", 5, 2, "length")
    body = scripted.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_stream_retries_a_429_before_the_first_byte(scripted) -> None:
    scripted.reply(429, {"error": {"message": "later"}}, {"Retry-After": "0"})
    scripted.reply(200, sse=[scripted.event(None, {"choices": [{"delta": {"content": "ok"}}]}), "data: [DONE]\n\n"])
    assert "".join(client(scripted).stream(HELLO)) == "ok"
    assert len(scripted.requests) == 2


def test_json_schema_request_uses_structured_outputs(scripted) -> None:
    strict = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"],
              "additionalProperties": False}
    loose = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    scripted.reply(200, ok_body('{"a": "x"}'), default=True)
    provider = client(scripted)
    provider.chat(HELLO, json_schema=strict)
    provider.chat(HELLO, json_schema=loose)
    first, second = (r.body["response_format"] for r in scripted.requests)
    assert first == {"type": "json_schema", "json_schema": {"name": "response", "schema": strict, "strict": True}}
    assert second["json_schema"]["strict"] is False
    assert strict_compatible(strict) and not strict_compatible(loose)


def test_embed_posts_to_embeddings(scripted) -> None:
    scripted.reply(200, {"data": [{"index": 1, "embedding": [0.0, 1.0]}, {"index": 0, "embedding": [1.0, 0.0]}]})
    provider = client(scripted, embedding_model="text-embedding-3-small")
    assert provider.embed(["a", "b"]) == [[1.0, 0.0], [0.0, 1.0]]
    assert scripted.requests[0].path == "/v1/embeddings"
    assert scripted.requests[0].body == {"model": "text-embedding-3-small", "input": ["a", "b"]}
    with pytest.raises(ProviderError, match="embedding model"):
        client(scripted).embed(["a"])
