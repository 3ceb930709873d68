"""A large outbox pushed from a child process, so the window's thread never waits for the GIL.

Pushing thousands of events is mostly Python (reading the outbox, merging into PostgreSQL,
building Kafka records) spread over two threads. In the window's process those threads and the
GUI thread share one GIL, and the GUI thread, which asks for it a few hundred times a second,
loses most hand-overs: the window stalled for 50-100 ms at a time while a backlog drained. A
child process has its own interpreter (and the second core): it opens the same SQLite file (WAL
lets both processes in) and runs the same :meth:`Pusher.push_all`, with the same guarantees:
a batch is marked sent only once PostgreSQL and Kafka both took it, and a child killed half-way
just leaves the rest for the next push.

What stays in the parent: stamping events written before sync existed (they need this device's
clock, which lives here), and the log, to which the child forwards its warnings.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError, OperationalError

from ionflux.core.errors import IonfluxError
from ionflux.core.store import Store
from ionflux.sync.kafka_io import KafkaUnavailableError
from ionflux.sync.legacy import stamp_legacy
from ionflux.sync.remote import Profile

if TYPE_CHECKING:
    from ionflux.sync.push import Pusher, PushStats

log = logging.getLogger(__name__)

#: How long the parent waits for any word from the child before it gives up on it.
SILENCE_S = 600.0


class BackendUnavailableError(IonfluxError):
    """PostgreSQL could not be reached from the push process (the device is offline)."""


class ChildPush:
    """Runs :meth:`Pusher.push_all` for a large backlog in a spawned child process.

    Args:
        store: The device's store (the child opens the same file).
        profile: Where and as whom to sync.
        password: The account password (handed to the child through a pipe, never argv or env).
        use_kafka: Whether the child produces to Kafka too.

    """

    def __init__(self, store: Store, profile: Profile, password: str, *, use_kafka: bool) -> None:
        self.store = store
        self.profile = profile
        self.password = password
        self.use_kafka = use_kafka
        self._proc: Any = None

    def __call__(self, pusher: Pusher, stats: PushStats) -> PushStats:
        _stamp_legacy_backlog(self.store)
        ctx = multiprocessing.get_context("spawn")
        conn, child_end = ctx.Pipe()
        # Not a daemon: a daemon may not start the Kafka producer's own process (see ``kafka_process``).
        proc = self._proc = ctx.Process(target=_push_in_child, name="ionflux-push",
                           args=(child_end, str(self.store.data_dir), self.profile, self.password, self.use_kafka,
                                 pusher.batch_size, pusher.bulk_threshold))
        proc.start()
        child_end.close()
        log.info("pushing %d events from process %s", pusher.pending(), proc.pid)
        try:
            _add(stats, _answer(conn, proc))
        finally:
            conn.close()
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
            self._proc = None
        return stats

    def stop(self) -> None:
        """End a push in progress (from any thread): what it did not mark sent is pushed next time."""
        proc = self._proc
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.terminate()


def _answer(conn: Any, proc: Any) -> PushStats:
    """Relay the child's log records until its result; raise what it raised, as the worker expects it."""
    while True:
        if not conn.poll(SILENCE_S):
            raise IonfluxError(f"the push process said nothing for {SILENCE_S:.0f} s", where="sync")
        try:
            kind, *rest = conn.recv()
        except (EOFError, OSError):
            proc.join(timeout=5)
            raise IonfluxError(f"the push process stopped (exit code {proc.exitcode}); the rest is pushed next time",
                               where="sync") from None
        if kind == "log":
            level, name, message = rest
            logging.getLogger(name).log(level, "%s", message)
        elif kind == "done":
            return rest[0]  # type: ignore[no-any-return]
        elif kind == "kafka":
            raise KafkaUnavailableError(rest[0])
        elif kind == "offline":
            raise BackendUnavailableError(rest[0], where="sync")
        else:
            if kind == "bug":
                log.error("the push process failed:\n%s", rest[1])
            raise IonfluxError(rest[0], where="sync")


class _Forward(logging.Handler):
    """In the child: send warnings and errors to the parent, which writes them to the app's log."""

    def __init__(self, conn: Any) -> None:
        super().__init__(logging.WARNING)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(("log", record.levelno, record.name, self.format(record)))


def _push_in_child(conn: Any, data_dir: str, profile: Profile, password: str, use_kafka: bool, batch_size: int,
                   bulk_threshold: int) -> None:
    from ionflux.sync.session import SyncSession

    logging.getLogger().addHandler(_Forward(conn))
    logging.getLogger().setLevel(logging.WARNING)
    store = session = None
    try:
        store = Store(Path(data_dir))
        session = SyncSession(store, profile, password, use_kafka=use_kafka)
        session.pusher.in_child = None  # already in the child
        session.pusher.batch_size = batch_size
        session.pusher.bulk_threshold = bulk_threshold
        answer: tuple[Any, ...] = ("done", session.pusher.push_all())
    except KafkaUnavailableError as exc:
        answer = ("kafka", exc.message)
    except OperationalError as exc:
        answer = ("offline", " ".join(str(exc.orig).split())[:300])
    except IonfluxError as exc:
        answer = ("error", exc.one_line())
    except DBAPIError as exc:
        answer = ("error", " ".join(str(exc.orig).split())[:300])
    except Exception as exc:  # a bug: the parent logs the traceback
        answer = ("bug", f"the push process failed: {exc}", traceback.format_exc())
    finally:
        if session is not None:
            session.close()
        if store is not None:
            store.close()
    with contextlib.suppress(OSError):
        conn.send(answer)
    conn.close()


def _stamp_legacy_backlog(store: Store) -> None:
    """Stamp unsent events from before sync existed here, with this process's clock (see ``sync.legacy``)."""
    with store.engine.connect() as c:
        seqs = [r[0] for r in c.exec_driver_sql(
            "SELECT seq FROM platform_events WHERE sent_at IS NULL AND payload_json LIKE '%\"entity\"%' "
            "AND payload_json NOT LIKE '%\"hlc\"%' ORDER BY seq")]
    if seqs:
        stamp_legacy(store, seqs)


def _add(total: PushStats, part: PushStats) -> None:
    total.sent += part.sent
    total.refused += part.refused
    total.batches += part.batches
    for kind, count in part.outcomes.items():
        total.outcomes[kind] = total.outcomes.get(kind, 0) + count

