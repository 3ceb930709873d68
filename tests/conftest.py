"""Shared fixtures: a temporary data folder, a store, a seeded demo, an in-memory keyring."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("IONFLUX_DATA_DIR", None)

import keyring
from keyring.backend import KeyringBackend

from ionflux.core.context import Context
from ionflux.core.demo import seed_demo
from ionflux.core.store import Store


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict: the tests' stand-in for the OS keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    s = Store(data_dir)
    yield s
    s.close()


@pytest.fixture
def ctx(store: Store) -> Context:
    """The system acting (no user): for setting up data."""
    return Context(store)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, uuid.UUID]:
    """The demo seeded once per test session (Argon2 hashing is deliberately slow); tests copy it."""
    folder = tmp_path_factory.mktemp("demo-template")
    template = Store(folder)
    result = seed_demo(Context(template))
    with template.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    template.close()
    return folder / "ionflux.db", result.user_id


@pytest.fixture
def demo(data_dir: Path, demo_template: tuple[Path, uuid.UUID]) -> Iterator[Context]:
    """A store with the demo workspace seeded, acting as the demo user."""
    import shutil

    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_template[0], data_dir / "ionflux.db")
    s = Store(data_dir)
    yield Context(s, demo_template[1])
    s.close()


@pytest.fixture
def demo_ws(demo: Context) -> uuid.UUID:
    from ionflux.core.workspaces import Workspaces

    return Workspaces(demo).resolve("Demo Workspace", demo.user_id).id


@pytest.fixture
def postgres_db() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the machine's server; dropped afterwards. Yields its URL."""
    import psycopg
    from services import admin_dsn, ensure_postgres, sqlalchemy_url

    ensure_postgres()
    name = f"ionflux_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield sqlalchemy_url(name)
    finally:
        with psycopg.connect(admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def no_demo_shop(demo: Context, demo_ws: uuid.UUID) -> None:
    """The demo workspace without its seeded shop orders and customers (tests that count them exactly)."""
    from sqlalchemy import delete

    from ionflux.core.models import ShopCustomer, ShopOrder

    with demo.store.unit_of_work() as uow:
        uow.session.execute(delete(ShopOrder).where(ShopOrder.workspace_id == demo_ws))
        uow.session.execute(delete(ShopCustomer).where(ShopCustomer.workspace_id == demo_ws))
