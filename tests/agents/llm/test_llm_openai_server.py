"""OpenAICompatProvider against a real OpenAI-compatible server: llama-cpp-python's, serving SmolLM2."""

from __future__ import annotations

import json
from collections.abc import Iterator

import jsonschema
import pytest

from ionflux.agents.llm import (
    LLMProvider,
    Message,
    OpenAICompatProvider,
    ProviderUnavailable,
    RetryPolicy,
    complete_json,
)
from ionflux.agents.llm.base import with_json_instruction

CATS = [Message("system", "You are a concise assistant."), Message("user", "Write one sentence about cats.")]
SCHEMA = {
    "type": "object",
    "properties": {"summary": {"type": "string"}, "severity": {"type": "string", "enum": ["low", "medium", "high"]}},
    "required": ["summary", "severity"],
}


@pytest.fixture(scope="module")
def client(llama_server: str, llama_server_key: str) -> Iterator[OpenAICompatProvider]:
    # llama-cpp-python's server takes the schema as {"type": "json_object", "schema": ...}
    provider = OpenAICompatProvider("smollm2", base_url=llama_server, api_key=llama_server_key, json_mode="json_object",
                                    timeout_s=60)
    yield provider
    provider.close()


def test_chat_returns_text_and_usage(client: OpenAICompatProvider) -> None:
    assert isinstance(client, LLMProvider)
    result = client.chat(CATS, max_tokens=30, temperature=0, seed=1)
    assert result.text.strip()
    assert result.provider == "openai"
    assert result.prompt_tokens and result.prompt_tokens > 10
    assert 0 < (result.completion_tokens or 0) <= 30
    assert result.finish_reason in ("stop", "length")


def test_stream_matches_chat(client: OpenAICompatProvider) -> None:
    stream = client.stream(CATS, max_tokens=30, temperature=0, seed=1)
    pieces = list(stream)
    assert len(pieces) > 1
    assert stream.completion is not None
    assert "".join(pieces) == stream.completion.text
    assert stream.completion.text == client.chat(CATS, max_tokens=30, temperature=0, seed=1).text
    assert stream.completion.finish_reason in ("stop", "length")


def test_json_schema_output_is_constrained(client: OpenAICompatProvider) -> None:
    prompt = [Message("user", "Checkout errors jumped to 12% and sales fell 40% in an hour. Summarize.")]
    raw = client.chat(with_json_instruction(prompt, SCHEMA), max_tokens=150, temperature=0.2, seed=3,
                      json_schema=SCHEMA)
    jsonschema.validate(json.loads(raw.text), SCHEMA)
    assert complete_json(client, prompt, SCHEMA, seed=4, max_tokens=100)["severity"] in ("low", "medium", "high")


def test_stop_sequences_are_sent(client: OpenAICompatProvider) -> None:
    result = client.chat([Message("user", "Count from 1 to 20, separated by commas.")], max_tokens=60,
                         temperature=0, stop=["5"])
    assert "5" not in result.text


def test_wrong_api_key_is_unavailable_without_retry(llama_server: str) -> None:
    provider = OpenAICompatProvider("smollm2", base_url=llama_server, api_key="sk-wrong",
                                    retry=RetryPolicy(attempts=3, base_delay_s=5))
    with pytest.raises(ProviderUnavailable, match="401") as info:
        provider.chat(CATS, max_tokens=4)
    assert "sk-wrong" not in str(info.value)
    provider.close()
