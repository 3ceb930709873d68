"""The background sync worker the window runs: pushes on every local commit, follows Kafka, polls the log.

It runs in its own thread and never touches Qt: the window reads :meth:`SyncWorker.status` or
passes ``on_status``, which is called from the worker thread (marshal it to the GUI thread).
Every failure is retried with capped, jittered backoff; the outbox and cursors live in the store,
so stopping, crashing or going offline for a month loses nothing.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError

from ionflux.core.errors import IonfluxError
from ionflux.core.secrets import SecretStore
from ionflux.core.store import Store
from ionflux.core.sync_state import DEVICE_ID_KEY, ensure_node
from ionflux.sync.apply import quarantine
from ionflux.sync.kafka_io import SEQ_HEADER, KafkaUnavailableError, make_consumer
from ionflux.sync.pull import Claim, PullStats
from ionflux.sync.push_process import BackendUnavailableError
from ionflux.sync.remote import load_state, save_state
from ionflux.sync.session import NotSignedInError, SyncSession
from ionflux.sync.wire import WireError, parse, topic_workspace, workspace_topics

log = logging.getLogger(__name__)

ONLINE, OFFLINE, ERROR, SIGNED_OUT = "online", "offline", "error", "signed out"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: online / offline / error / signed out, the pending count, the last error."""

    state: str
    pending: int
    last_error: str | None = None
    last_sync_at: str | None = None

    def line(self) -> str:
        text = self.state
        if self.pending:
            text += f" · {self.pending} pending"
        if self.last_error and self.state != ONLINE:
            text += f" · {self.last_error}"
        return text


class SyncWorker:
    """Keeps one store in sync in a background thread.

    Args:
        store: The device's store.
        secrets: Where the sync password is (the keyring).
        on_status: Called (from the worker thread) whenever the status changes.
        use_kafka: Follow Kafka for low latency (False: poll the change log only).
        poll_interval: Seconds between checks of the change log when nothing wakes the worker.
        max_backoff: The cap of the retry delay, in seconds.

    """

    def __init__(self, store: Store, secrets: SecretStore, *, on_status: Callable[[SyncStatus], None] | None = None,
                 use_kafka: bool = True, poll_interval: float = 2.0, max_backoff: float = 30.0) -> None:
        self.store = store
        self.secrets = secrets
        self.on_status = on_status
        self.use_kafka = use_kafka
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus(SIGNED_OUT, 0)
        self._unsubscribe: Callable[[], None] | None = None
        self._session: SyncSession | None = None
        self._consumer: object | None = None
        self._topics: set[str] = set()
        self._last_deferred: dict[uuid.UUID, int] = {}
        self._saved_at = 0.0
        self._checked_at = 0.0

    # -- control ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread (idempotent). Local commits wake it so they are pushed at once."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._unsubscribe = self.store.bus.subscribe("*", self._on_local_event)
        self._thread = threading.Thread(target=self._run, name="ionflux-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and close connections; whatever is pending stays in the outbox."""
        self._stop.set()
        self._wake.set()
        session = self._session
        if session is not None:
            session.interrupt()
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def status(self) -> SyncStatus:
        return self._status

    def _on_local_event(self, event: object) -> None:
        if not getattr(event, "remote", False):
            self._wake.set()

    # -- the loop ----------------------------------------------------------------------------------
    def _run(self) -> None:
        backoff = 0.5
        next_full = 0.0
        while not self._stop.is_set():
            try:
                session = self._open()
                session.pusher.push_all()
                if time.monotonic() >= next_full or self._consumer is None:
                    stats = session.puller.pull_all()
                    self._handle_deferred(session, stats)
                    next_full = time.monotonic() + self.poll_interval
                    self._subscribe()
                self._record_success()
                self._set(ONLINE, None)
                backoff = 0.5
                self._follow(session, until=next_full)
            except NotSignedInError:
                self._set(SIGNED_OUT, None)
                self._sleep(self.poll_interval)
            except (OperationalError, KafkaUnavailableError, BackendUnavailableError) as exc:
                self._drop_connections()
                self._failed(OFFLINE, exc)
                backoff = self._backoff(backoff)
            except (IonfluxError, DBAPIError) as exc:
                self._drop_connections()
                self._failed(ERROR, exc)
                backoff = self._backoff(backoff)
            except Exception as exc:  # a bug: keep the thread alive, log the details
                log.exception("sync worker failed")
                self._drop_connections()
                self._failed(ERROR, exc)
                backoff = self._backoff(backoff)
        self._drop_connections()

    def _open(self) -> SyncSession:
        if self._session is None:
            session = SyncSession.open(self.store, self.secrets, use_kafka=self.use_kafka)
            try:
                session.check()
            except Exception:
                session.close()
                raise
            self._session = session
        return self._session

    def _follow(self, session: SyncSession, until: float) -> None:
        """Wait for Kafka records (or a local commit) until ``until``; pull what they announce."""
        while not self._stop.is_set() and time.monotonic() < until:
            if self._wake.is_set():
                self._wake.clear()
                if session.pusher.pending():
                    session.pusher.push_all()
                    self._set(ONLINE, None, fresh=True)
            if self._consumer is None:
                self._wake.wait(max(0.0, until - time.monotonic()))
                continue
            claims = self._poll()
            for ws, items in claims.items():
                stats = session.puller.pull(ws, claims=items)
                self._handle_deferred(session, stats)
            self._set(ONLINE, None)

    def _poll(self) -> dict[uuid.UUID, list[Claim]]:
        from kafka.errors import KafkaError

        try:
            batches = self._consumer.poll(timeout_ms=50)  # type: ignore[attr-defined]
        except KafkaError as exc:
            raise KafkaUnavailableError(f"Kafka failed: {exc}") from None
        held = set(self._session.puller.reachable) if self._session is not None else set()
        out: dict[uuid.UUID, list[Claim]] = {}
        for records in batches.values():
            for rec in records:
                claim = self._claim(rec, held)
                if claim is not None:
                    out.setdefault(claim.workspace_id, []).append(claim)
        return out

    def _claim(self, rec: object, held: set[uuid.UUID]) -> Claim | None:
        """Check one Kafka record; anything wrong with it is quarantined (and never applied)."""
        raw = getattr(rec, "value", b"") or b""
        text = raw.decode("utf-8", "replace")
        ws = topic_workspace(getattr(rec, "topic", ""))
        try:
            event = parse(raw)
            headers = dict(getattr(rec, "headers", None) or [])
            seq = int(headers.get(SEQ_HEADER, b"").decode() or "x")
            if ws is None or ws not in held:
                raise WireError(f"for workspace {ws}, which this device does not hold")
            if event.workspace_id is not None and event.workspace_id not in held:
                raise WireError(f"for workspace {event.workspace_id}, which this device does not hold")
            if event.workspace_id not in (None, ws):
                raise WireError(f"says workspace {event.workspace_id} on the topic of {ws}")
        except (WireError, ValueError) as exc:
            reason = exc.one_line() if isinstance(exc, WireError) else f"bad {SEQ_HEADER} header"
            log.warning("sync quarantined a Kafka record on %s: %s", getattr(rec, "topic", "?"), reason)
            quarantine(self.store, "kafka", reason, raw=text[:100_000], workspace_id=ws if ws in held else None)
            return None
        return Claim(ws, seq, event.event_id, event.user_id, text)

    def _subscribe(self) -> None:
        if not self.use_kafka or self._session is None:
            return
        topics = {t for ws in self._session.puller.reachable for t in workspace_topics(ws)}
        if topics == self._topics and self._consumer is not None:
            return
        try:
            from ionflux.sync.kafka_io import ensure_topics

            ensure_topics(self._session.profile.kafka, topics)
            if self._consumer is None:
                group = self._session.profile.group_id(self._device_id())
                self._consumer = make_consumer(self._session.profile.kafka, group)
            self._consumer.subscribe(sorted(topics))  # type: ignore[attr-defined]
            self._topics = topics
        except Exception as exc:  # Kafka is an accelerator: without it the log is polled instead
            log.info("sync is polling the change log (Kafka unavailable: %s)", exc)
            self._close_consumer()

    def _device_id(self) -> str:
        device = self.store.get_local(DEVICE_ID_KEY)
        if device is None:
            with self.store.unit_of_work(record_outbox=False) as uow:
                ensure_node(uow.session, self.store.clock)
            device = self.store.get_local(DEVICE_ID_KEY)
        return str(device)

    def _handle_deferred(self, session: SyncSession, stats: PullStats) -> None:
        for ws, seq in stats.deferred.items():
            if self._last_deferred.get(ws) == seq and session.pusher.pending() == 0:
                session.puller.skip(ws, seq, "cannot be applied on this device (it breaks a local rule)")
            else:
                session.pusher.push_all()
        self._last_deferred = dict(stats.deferred)

    # -- status and failures ---------------------------------------------------------------------
    def _set(self, state: str, error: str | None, *, fresh: bool = False) -> None:
        now = time.monotonic()
        if not fresh and state == self._status.state and error == self._status.last_error \
                and now - self._checked_at < 0.5:
            return  # the loop calls this every poll: re-read the counts at most twice a second
        self._checked_at = now
        status = SyncStatus(state, self.store.pending_outbox_count(), error,
                            load_state(self.store).get("last_sync_at"))
        changed = status != self._status
        self._status = status
        if changed and self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("sync status callback failed")

    def _failed(self, state: str, exc: Exception) -> None:
        if self._stop.is_set():
            return  # stopping: a push interrupted on purpose is not a failure to report
        message = exc.one_line() if isinstance(exc, IonfluxError) else " ".join(str(getattr(exc, "orig", exc))
                                                                               .split())[:300]
        log.info("sync %s: %s", state, message)
        try:
            save_state(self.store, last_error=message)
        except Exception:
            log.debug("could not record the sync error", exc_info=True)
        self._set(state, message)

    def _record_success(self) -> None:
        now = time.monotonic()
        if self._status.state != ONLINE or now - self._saved_at > 30:
            save_state(self.store, last_error=None, last_sync_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
            self._saved_at = now

    def _backoff(self, current: float) -> float:
        """Wait before the next attempt (local commits do not cut it short: no retry storm while offline)."""
        self._stop.wait(current * random.uniform(0.8, 1.2))
        self._wake.clear()
        return min(current * 2, self.max_backoff)

    def _sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _drop_connections(self) -> None:
        self._close_consumer()
        if self._session is not None:
            self._session.close()
            self._session = None

    def _close_consumer(self) -> None:
        consumer, self._consumer = self._consumer, None
        self._topics = set()
        if consumer is not None:
            try:
                consumer.close()  # type: ignore[attr-defined]
            except Exception:
                log.debug("closing the Kafka consumer failed", exc_info=True)
