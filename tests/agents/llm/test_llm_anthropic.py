"""AnthropicProvider against a local server that checks the documented Messages API shapes."""

from __future__ import annotations

import pytest

from ionflux.agents.llm import (
    AnthropicProvider,
    InvalidJSONOutput,
    LLMProvider,
    Message,
    ProviderError,
    ProviderUnavailable,
    RetryPolicy,
    complete_json,
)
from ionflux.agents.llm.base import JSON_INSTRUCTION

KEY = "sk-ant-test-key"
FAST = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05)
CONVO = [Message("system", "You write tight copy."), Message("user", "Name a colour."),
         Message("assistant", "Teal."), Message("user", "Another one.")]
SCHEMA = {"type": "object", "properties": {"summary": {"type": "string"},
                                           "severity": {"type": "string", "enum": ["low", "medium", "high"]}},
          "required": ["summary", "severity"]}


def message_body(text: str, stop_reason: str = "end_turn") -> dict:
    return {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-3-haiku-20240307",
            "content": [{"type": "text", "text": text}], "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": 21, "output_tokens": 4}}


def provider(scripted) -> AnthropicProvider:
    return AnthropicProvider("claude-3-haiku-20240307", api_key=KEY, base_url=scripted.url, retry=FAST)


def assert_documented_request(request, *, stream: bool = False) -> None:
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["content-type"] == "application/json"
    assert "authorization" not in request.headers
    body = request.body
    assert body["model"] == "claude-3-haiku-20240307"
    assert isinstance(body["max_tokens"], int)
    assert all(m["role"] in ("user", "assistant") for m in body["messages"])
    assert body["messages"][0]["role"] == "user"
    assert body.get("stream", False) is stream


def test_chat_sends_the_documented_request_and_reads_the_reply(scripted) -> None:
    scripted.reply(200, message_body("Coral."))
    client = provider(scripted)
    assert isinstance(client, LLMProvider)
    result = client.chat(CONVO, max_tokens=50, temperature=0.3, stop=["\n"], seed=5)
    [request] = scripted.requests
    assert_documented_request(request)
    assert request.body == {"model": "claude-3-haiku-20240307", "max_tokens": 50, "temperature": 0.3,
                            "system": "You write tight copy.", "stop_sequences": ["\n"],
                            "messages": [{"role": "user", "content": "Name a colour."},
                                         {"role": "assistant", "content": "Teal."},
                                         {"role": "user", "content": "Another one."}]}
    assert (result.text, result.provider, result.model, result.prompt_tokens, result.completion_tokens,
            result.finish_reason) == ("Coral.", "anthropic", "claude-3-haiku-20240307", 21, 4, "stop")


def test_max_tokens_stop_maps_to_length(scripted) -> None:
    scripted.reply(200, message_body("Once upon", "max_tokens"))
    assert provider(scripted).chat(CONVO[1:2], max_tokens=2).finish_reason == "length"
    assert "system" not in scripted.requests[0].body


def test_stream_reads_the_documented_events(scripted) -> None:
    ev = scripted.event
    scripted.reply(200, sse=[
        ev("message_start", {"type": "message_start", "message": {
            "id": "msg_01", "type": "message", "role": "assistant", "content": [], "model": "claude-3-haiku-20240307",
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 25, "output_tokens": 1}}}),
        ev("content_block_start", {"type": "content_block_start", "index": 0,
                                   "content_block": {"type": "text", "text": ""}}),
        ev("ping", {"type": "ping"}),
        ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                   "delta": {"type": "text_delta", "text": "Deep"}}),
        ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                   "delta": {"type": "text_delta", "text": " plum."}}),
        ev("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ev("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                             "usage": {"output_tokens": 3}}),
        ev("message_stop", {"type": "message_stop"}),
    ])
    stream = provider(scripted).stream(CONVO, max_tokens=20)
    assert list(stream) == ["Deep", " plum."]
    assert stream.completion is not None
    assert (stream.completion.text, stream.completion.prompt_tokens, stream.completion.completion_tokens,
            stream.completion.finish_reason) == ("Deep plum.", 25, 3, "stop")
    assert_documented_request(scripted.requests[0], stream=True)


def test_overloaded_529_is_retried(scripted) -> None:
    scripted.reply(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    scripted.reply(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "Slow"}},
                   {"retry-after": "0"})
    scripted.reply(200, message_body("Ok."))
    assert provider(scripted).chat(CONVO).text == "Ok."
    assert len(scripted.requests) == 3


def test_invalid_request_is_not_retried(scripted) -> None:
    scripted.reply(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                    "message": "max_tokens: field required"}}, default=True)
    with pytest.raises(ProviderError, match="max_tokens: field required") as info:
        provider(scripted).chat(CONVO)
    assert info.value.status == 400 and len(scripted.requests) == 1


def test_error_event_mid_stream_is_unavailable(scripted) -> None:
    scripted.reply(200, sse=[scripted.event("error", {"type": "error", "error": {
        "type": "overloaded_error", "message": "Overloaded"}})])
    with pytest.raises(ProviderUnavailable, match="Overloaded"):
        list(provider(scripted).stream(CONVO))


def test_complete_json_instructs_then_corrects(scripted) -> None:
    scripted.reply(200, message_body("Sure! Here it is: {severity: high}"))
    scripted.reply(200, message_body('```json\n{"summary": "Checkout broke", "severity": "high"}\n```'))
    value = complete_json(provider(scripted), CONVO[:2], SCHEMA)
    assert value == {"summary": "Checkout broke", "severity": "high"}
    first, second = (r.body for r in scripted.requests)
    assert JSON_INSTRUCTION in first["system"] and '"severity"' in first["system"]
    assert first["system"].count(JSON_INSTRUCTION) == 1
    assert second["messages"][-2] == {"role": "assistant", "content": "Sure! Here it is: {severity: high}"}
    assert "invalid" in second["messages"][-1]["content"]


def test_complete_json_gives_up_with_one_clear_line(scripted) -> None:
    scripted.reply(200, message_body('{"summary": "x", "severity": "catastrophic"}'), default=True)
    with pytest.raises(InvalidJSONOutput) as info:
        complete_json(provider(scripted), CONVO[:2], SCHEMA, retries=1)
    assert len(scripted.requests) == 2
    message = str(info.value)
    assert "\n" not in message and "2 attempts" in message and "severity" in message


def test_embed_is_not_offered(scripted) -> None:
    with pytest.raises(ProviderError, match="no embeddings"):
        provider(scripted).embed(["x"])
