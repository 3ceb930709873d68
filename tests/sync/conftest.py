"""Sync fixtures: a real tansu broker per session, a fresh backend database per test, devices."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

with warnings.catch_warnings():  # kafka-python 3 still uses importlib.resources' legacy API when imported
    warnings.simplefilter("ignore", DeprecationWarning)
    import kafka.admin
    import kafka.consumer
    import kafka.producer  # noqa: F401

from sync_support import Device

from ionflux.sync.backend import BackendInfo, drop_roles, init_database
from ionflux.sync.broker import Broker


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    """A tansu broker on a free port, shared by the session (tests that restart it use their own)."""
    b = Broker().start()
    yield b
    b.stop()


@dataclass
class Backend:
    url: str
    kafka: str
    info: BackendInfo


@pytest.fixture
def backend(postgres_db: str, broker: Broker) -> Iterator[Backend]:
    """A freshly initialised backend database (its roles are dropped afterwards)."""
    info = init_database(postgres_db)
    yield Backend(postgres_db, broker.bootstrap, info)
    drop_roles(postgres_db)


@pytest.fixture
def devices(backend: Backend, demo_template, tmp_path: Path) -> Iterator[dict[str, Device]]:  # type: ignore[no-untyped-def]
    """Device "a" holds the seeded demo and is signed in; "b" and "c" are empty and signed in."""
    made: dict[str, Device] = {}
    made["a"] = Device(tmp_path / "a", backend.url, backend.kafka, demo_template[0])
    made["a"].login()
    for name in ("b", "c"):
        made[name] = Device(tmp_path / name, backend.url, backend.kafka)
        made[name].login()
    yield made
    for d in made.values():
        d.close()


def pytest_configure(config: pytest.Config) -> None:
    # kafka-python 3 still calls importlib.resources' legacy API on import; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore:.*is deprecated. Use files\\(\\) instead:DeprecationWarning")
