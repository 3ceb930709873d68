"""One signed-in device talking to its backend: push, pull, and ``sync now`` until both are drained."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from ionflux.core.errors import IonfluxError
from ionflux.core.secrets import SecretStore
from ionflux.core.store import Store
from ionflux.sync.kafka_io import Producer
from ionflux.sync.pull import Puller, PullStats
from ionflux.sync.push import Pusher, PushStats
from ionflux.sync.push_process import ChildPush
from ionflux.sync.remote import Profile, check_schema, load_profile, password_for, save_state, user_engine

log = logging.getLogger(__name__)


class NotSignedInError(IonfluxError):
    """The device has no sync profile yet."""


@dataclass
class SyncReport:
    """What one ``sync now`` did."""

    push: PushStats = field(default_factory=PushStats)
    pull: PullStats = field(default_factory=PullStats)
    rounds: int = 0

    def line(self) -> str:
        parts = [f"pushed {self.push.sent}", f"applied {self.pull.applied}"]
        if self.pull.snapshots:
            parts.append(f"loaded {self.pull.snapshots} workspace(s)")
        quarantined = self.pull.quarantined + self.push.refused
        if quarantined:
            parts.append(f"quarantined {quarantined} (see `ionflux sync status`)")
        return ", ".join(parts)


class SyncSession:
    """The device's backend connection (as the user's role), its Kafka producer, pusher and puller.

    Args:
        store: The device's store.
        profile: Where and as whom to sync.
        password: The account password (from the keyring).
        use_kafka: False to push to PostgreSQL only (changes then reach others by polling).

    """

    def __init__(self, store: Store, profile: Profile, password: str, *, use_kafka: bool = True) -> None:
        self.store = store
        self.profile = profile
        self.engine = user_engine(profile, password)
        self.producer = Producer(profile.kafka) if use_kafka else None
        self.pusher = Pusher(store, self.engine, self.producer, profile.user)
        self.pusher.in_child = self._child_push = ChildPush(store, profile, password, use_kafka=use_kafka)
        self.puller = Puller(store, self.engine)
        self._checked = False

    @classmethod
    def open(cls, store: Store, secrets: SecretStore, *, use_kafka: bool = True) -> SyncSession:
        profile = load_profile(store)
        if profile is None:
            raise NotSignedInError("this device is not signed in to a backend; run `ionflux sync login`",
                                   where="sync")
        return cls(store, profile, password_for(profile, secrets), use_kafka=use_kafka)

    def check(self) -> None:
        """Refuse a backend on another schema revision (once per session)."""
        if not self._checked:
            check_schema(self.engine)
            self._checked = True

    def sync_now(self, *, timeout: float = 600.0) -> SyncReport:
        """Push and pull until the outbox is empty and every workspace is at its head.

        A change that cannot apply locally (it clashes with one of this device's unpushed
        changes) waits for the push that resolves the clash; if it still cannot apply once
        nothing is left to push, it is quarantined so one bad entry never blocks the rest.
        """
        self.check()
        report = SyncReport()
        deadline = time.monotonic() + timeout
        last_deferred: dict = {}
        while time.monotonic() < deadline:
            report.rounds += 1
            self.pusher.push_all(report.push)
            stats = self.puller.pull_all(PullStats())
            _add(report.pull, stats)
            for ws, seq in stats.deferred.items():
                if last_deferred.get(ws) == seq and self.pusher.pending() == 0:
                    self.puller.skip(ws, seq, "cannot be applied on this device (it breaks a local rule)")
                    report.pull.quarantined += 1
            last_deferred = stats.deferred
            if self.pusher.pending() == 0 and not stats.deferred and not self.puller.behind():
                save_state(self.store, last_error=None, last_sync_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
                return report
        raise IonfluxError(f"sync did not finish within {timeout:.0f} s", where="sync")

    def interrupt(self) -> None:
        """Stop a bulk push running in its child process (from any thread); the rest waits in the outbox."""
        self._child_push.stop()

    def close(self) -> None:
        if self.producer is not None:
            self.producer.close()
        self.engine.dispose()


def _add(total: PullStats, part: PullStats) -> None:
    total.applied += part.applied
    total.snapshots += part.snapshots
    total.quarantined += part.quarantined
    total.deferred = dict(part.deferred)
