"""LLMRouter: remote when allowed, keyed and reachable; otherwise the shared local model, with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from ionflux.agents.llm import LLMRouter, LocalProvider, Message, ModelNotFoundError, RetryPolicy

# the seed's email_wizard stack_details_json.llm_models_used_array
EMAIL_WIZARD = [{"provider": "openai", "model_name": "gpt-4o", "purpose": "creative copy"},
                {"provider": "anthropic", "model_name": "claude-3-haiku", "purpose": "backup/variation"}]
HELLO = [Message("user", "Say hello.")]
FAST = RetryPolicy(attempts=2, base_delay_s=0.01, max_delay_s=0.02)


def settings(**llm: Any) -> dict[str, Any]:
    return {"llm": {"remote_enabled": True, **llm}}


def keys(**values: str):
    return lambda ref: values.get(ref)


def openai_reply(text: str) -> dict:
    return {"model": "gpt-4o", "choices": [{"message": {"role": "assistant", "content": text},
                                            "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 4, "completion_tokens": 2}}


def test_remote_disabled_falls_back_with_reason(local: LocalProvider) -> None:
    router = LLMRouter({"llm": {}}, keys(openai_api_key="sk-1"))
    route = router.route(EMAIL_WIZARD, "creative copy")
    assert route.provider is local
    assert route.requested == "openai:gpt-4o" and route.purpose == "creative copy"
    assert "llm.remote_enabled" in (route.fallback_reason or "")


def test_missing_key_falls_back_with_reason(local: LocalProvider) -> None:
    route = LLMRouter(settings(), keys()).route(EMAIL_WIZARD, "creative copy")
    assert route.provider is local
    assert "no openai API key" in (route.fallback_reason or "")
    assert "openai_api_key" in (route.fallback_reason or "")


def test_unreadable_keyring_falls_back_with_reason(local: LocalProvider) -> None:
    def broken(ref: str) -> str | None:
        raise RuntimeError("keyring locked")

    route = LLMRouter(settings(), broken).route(EMAIL_WIZARD, "creative copy")
    assert route.provider is local and "keyring locked" in (route.fallback_reason or "")


def test_unreachable_server_falls_back_with_reason(local: LocalProvider, closed_port: int) -> None:
    router = LLMRouter(settings(openai_base_url=f"http://127.0.0.1:{closed_port}/v1"), keys(openai_api_key="sk-1"))
    route = router.route(EMAIL_WIZARD, "creative copy")
    assert route.provider is local
    assert f"cannot reach 127.0.0.1:{closed_port}" in (route.fallback_reason or "")
    answer = route.provider.chat(HELLO, max_tokens=8, temperature=0)
    assert answer.provider == "local" and answer.text


def test_remote_chosen_when_key_exists_and_server_answers(scripted) -> None:
    scripted.reply(200, openai_reply("Hello from remote"))
    router = LLMRouter(settings(openai_base_url=f"{scripted.url}/v1", openai_api_key_secret_ref="keyring:oa"),
                       keys(**{"keyring:oa": "sk-live"}))
    route = router.route(EMAIL_WIZARD, "creative copy")
    assert route.fallback_reason is None
    assert (route.provider.name, route.model) == ("openai", "gpt-4o")
    answer = route.provider.chat(HELLO, max_tokens=8)
    assert (answer.provider, answer.text) == ("openai", "Hello from remote")
    assert scripted.requests[0].headers["authorization"] == "Bearer sk-live"


def test_purpose_picks_anthropic_and_maps_the_seed_model_name(scripted) -> None:
    scripted.reply(200, {"type": "message", "model": "claude-3-haiku-20240307", "stop_reason": "end_turn",
                         "content": [{"type": "text", "text": "Variation"}],
                         "usage": {"input_tokens": 3, "output_tokens": 1}})
    router = LLMRouter(settings(anthropic_base_url=scripted.url), keys(anthropic_api_key="sk-ant"))
    route = router.route(EMAIL_WIZARD, "backup/variation")
    assert route.provider.name == "anthropic" and route.model == "claude-3-haiku-20240307"
    assert route.provider.chat(HELLO).text == "Variation"
    assert scripted.requests[0].body["model"] == "claude-3-haiku-20240307"
    assert set(router.routes(EMAIL_WIZARD)) == {"creative copy", "backup/variation"}


def test_first_failed_call_switches_to_local_and_remembers(scripted, local: LocalProvider) -> None:
    scripted.reply(503, {"error": {"message": "upstream down"}}, default=True)
    router = LLMRouter(settings(openai_base_url=f"{scripted.url}/v1"), keys(openai_api_key="sk-1"), retry=FAST)
    route = router.route(EMAIL_WIZARD, "creative copy")
    assert route.fallback_reason is None
    answer = route.provider.chat(HELLO, max_tokens=8, temperature=0)
    assert answer.provider == "local"
    assert "upstream down" in (route.fallback_reason or "") and "openai:gpt-4o" in route.fallback_reason
    assert len(scripted.requests) == FAST.attempts
    again = router.route(EMAIL_WIZARD, "creative copy")  # the host is known to be down now
    assert again.provider is local and "upstream down" in (again.fallback_reason or "")


def test_stream_falls_back_before_the_first_piece(scripted, local: LocalProvider) -> None:
    scripted.reply(503, {"error": {"message": "maintenance"}}, default=True)
    router = LLMRouter(settings(openai_base_url=f"{scripted.url}/v1"), keys(openai_api_key="sk-1"), retry=FAST)
    route = router.route(EMAIL_WIZARD, "creative copy")
    stream = route.provider.stream(HELLO, max_tokens=8, temperature=0)
    text = "".join(stream)
    assert stream.completion is not None and stream.completion.provider == "local"
    assert text == stream.completion.text
    assert "maintenance" in (route.fallback_reason or "")


def test_no_models_listed_means_local_without_a_fallback(local: LocalProvider) -> None:
    route = LLMRouter(settings(), keys()).route([], "anything")
    assert route.provider is local and route.fallback_reason is None and route.requested == "local"


def test_unknown_provider_and_unknown_purpose(local: LocalProvider) -> None:
    router = LLMRouter(settings(), keys())
    route = router.route([{"provider": "google", "model_name": "gemini", "purpose": "x"}], "x")
    assert route.provider is local and "'google' is not supported" in (route.fallback_reason or "")
    first = router.route(EMAIL_WIZARD, "no such purpose")
    assert first.requested == "openai:gpt-4o"


def test_local_model_is_shared_across_routers(local: LocalProvider) -> None:
    assert LLMRouter({}, keys()).local() is LLMRouter(settings(), keys()).local() is local


def test_missing_local_model_path_surfaces_on_use(tmp_path) -> None:
    router = LLMRouter({"llm": {"local_model_path": str(tmp_path / "gone.gguf")}}, keys())
    route = router.route(EMAIL_WIZARD, "creative copy")
    with pytest.raises(ModelNotFoundError, match=r"gone\.gguf"):
        route.provider.chat(HELLO)
