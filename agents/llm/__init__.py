"""LLM providers behind one interface: the local llama.cpp model, OpenAI-compatible and Anthropic APIs."""

from ionflux.agents.llm._http import RetryPolicy
from ionflux.agents.llm.anthropic import AnthropicProvider
from ionflux.agents.llm.base import (
    Cancelled,
    CancelToken,
    Completion,
    CompletionStream,
    InvalidJSONOutput,
    LLMProvider,
    Message,
    ModelNotFoundError,
    ProviderError,
    ProviderUnavailable,
    complete_json,
)
from ionflux.agents.llm.local import LocalProvider, default_model_path, shared_local_provider
from ionflux.agents.llm.openai_compat import OpenAICompatProvider
from ionflux.agents.llm.router import FallbackProvider, LLMRouter, Route

__all__ = [
    "AnthropicProvider",
    "CancelToken",
    "Cancelled",
    "Completion",
    "CompletionStream",
    "FallbackProvider",
    "InvalidJSONOutput",
    "LLMProvider",
    "LLMRouter",
    "LocalProvider",
    "Message",
    "ModelNotFoundError",
    "OpenAICompatProvider",
    "ProviderError",
    "ProviderUnavailable",
    "RetryPolicy",
    "Route",
    "complete_json",
    "default_model_path",
    "shared_local_provider",
]
