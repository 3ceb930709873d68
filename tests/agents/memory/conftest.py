"""Shared fixtures of the vector-memory tests: one real model per session, stores in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ionflux.agents.memory import Embedder, MemoryStore


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real packaged model, loaded once: loading costs ~0.5 s per instance."""
    model = Embedder()
    model.load()
    return model


@pytest.fixture
def memory_path(tmp_path: Path) -> Path:
    return tmp_path / "memory"


@pytest.fixture
def memory_store(memory_path: Path, embedder: Embedder) -> Iterator[MemoryStore]:
    with MemoryStore(memory_path, embedder=embedder) as opened:
        yield opened
