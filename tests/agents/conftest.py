"""Fixtures for agent tests: a test agent (real LLM calls), a registry and a runtime on the demo store."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from echo_agent import TEST_DEFINITION, EchoAgent

from ionflux.agents.registry import AgentRegistry
from ionflux.agents.runtime import AgentRuntime
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.context import Context


@pytest.fixture
def registry() -> AgentRegistry:
    reg = AgentRegistry()
    reg.add(dict(TEST_DEFINITION), EchoAgent)
    return reg


@pytest.fixture
def runtime(demo: Context, registry: AgentRegistry, tmp_path: Path) -> AgentRuntime:
    from ionflux.agents.llm.router import LLMRouter
    from ionflux.agents.memory.store import MemoryStore
    from ionflux.core.definitions import sync_definitions

    sync_definitions(Context(demo.store), registry.definitions())
    memory: dict[str, MemoryStore] = {}

    def memory_factory() -> MemoryStore:
        if "m" not in memory:
            memory["m"] = MemoryStore(tmp_path / "memory")
        return memory["m"]

    return AgentRuntime(demo, registry, LLMRouter({}, lambda ref: None), memory_factory, tmp_path / "run-logs")


@pytest.fixture
def echo_config(demo: Context, demo_ws: uuid.UUID, runtime: AgentRuntime) -> uuid.UUID:
    return AgentConfigs(demo).create(demo_ws, "test_echo", "Echo", "inputs:\n  topic: launch\n").id

