"""LLM providers behind one interface: the local llama.cpp model, OpenAI-compatible and Anthropic APIs.

Names are imported on first use (PEP 562), so ``from ionflux.agents.llm.base import Message`` does
not pull in httpx and the remote clients: the window starts faster.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "RetryPolicy": "_http",
    "AnthropicProvider": "anthropic",
    "Cancelled": "base",
    "CancelToken": "base",
    "Completion": "base",
    "CompletionStream": "base",
    "InvalidJSONOutput": "base",
    "LLMProvider": "base",
    "Message": "base",
    "ModelNotFoundError": "base",
    "ProviderError": "base",
    "ProviderUnavailable": "base",
    "complete_json": "base",
    "LocalProvider": "local",
    "default_model_path": "local",
    "shared_local_provider": "local",
    "OpenAICompatProvider": "openai_compat",
    "FallbackProvider": "router",
    "LLMRouter": "router",
    "Route": "router",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'ionflux.agents.llm' has no attribute {name!r}")
    return getattr(importlib.import_module(f"ionflux.agents.llm.{_WHERE[name]}"), name)
