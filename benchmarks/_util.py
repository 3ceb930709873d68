"""Small timing helpers shared by the benchmarks (medians and percentiles, printed plainly)."""

from __future__ import annotations

import statistics
import uuid
from pathlib import Path

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: benchmarks sign in to a throwaway backend without touching the OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.d: dict[tuple[str, str], str] = {}

    def get_password(self, s: str, u: str) -> str | None:
        return self.d.get((s, u))

    def set_password(self, s: str, u: str, p: str) -> None:
        self.d[(s, u)] = p

    def delete_password(self, s: str, u: str) -> None:
        self.d.pop((s, u), None)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"p50 {statistics.median(ms):.3f} ms · p95 {pct(ms, 95):.3f} ms · p99 {pct(ms, 99):.3f} ms "
            f"· n={len(ms)}")


class SyncBackend:
    """A throwaway sync backend: a new database on the machine's PostgreSQL and a tansu broker started here.

    Secrets (the devices' sign-in tokens) go to a :class:`MemoryKeyring`, never the OS keychain.
    """

    ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"

    def __init__(self) -> None:
        import keyring

        from ionflux.core.secrets import SecretStore

        keyring.set_keyring(MemoryKeyring())
        self.secrets = SecretStore(keyring.get_keyring())
        self.name = f"ionflux_bench_{uuid.uuid4().hex[:8]}"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"
        self.broker = None
        self._created = self._initialised = False

    def start(self) -> SyncBackend:
        import psycopg

        from ionflux.sync.backend import init_database
        from ionflux.sync.broker import Broker

        with psycopg.connect(self.ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self._created = True
        self.broker = Broker().start()
        init_database(self.url)
        self._initialised = True
        return self

    @property
    def bootstrap(self) -> str:
        assert self.broker is not None
        return self.broker.bootstrap

    def sign_in(self, folder: Path, *, push: bool = True) -> None:
        """Sign the demo user in on the device in ``folder``; push its state so only later changes are pending."""
        from ionflux.core.store import Store
        from ionflux.sync.accounts import login
        from ionflux.sync.session import SyncSession

        store = Store(folder)
        login(store, self.secrets, self.url, self.bootstrap, "demo@ionflux.ai", "demo")
        if push:
            session = SyncSession.open(store, self.secrets)
            session.sync_now()
            session.close()
        store.close()

    def stop(self) -> None:
        import psycopg

        from ionflux.sync.backend import drop_roles

        if self.broker is not None:
            self.broker.stop()
        if self._initialised:
            drop_roles(self.url)
        if self._created:
            with psycopg.connect(self.ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
