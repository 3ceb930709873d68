"""Kafka for sync: topic creation, an acks=all producer that is rebuilt after any failure, a consumer.

Kafka only carries changes for low latency; nothing depends on its history (the broker used in
development keeps topics in memory, and a real one deletes old segments). Every failure here is
turned into :class:`KafkaUnavailableError` and the caller retries from the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ionflux.core.errors import IonfluxError

log = logging.getLogger(__name__)

SEQ_HEADER = "ionflux-seq"
REQUEST_TIMEOUT_MS = 5_000


class KafkaUnavailableError(IonfluxError):
    """The broker did not acknowledge (down, restarted, unreachable)."""


@dataclass(frozen=True)
class Message:
    """One record to produce."""

    topic: str
    key: bytes
    value: bytes
    seq: int


def _quiet() -> None:
    logging.getLogger("kafka").setLevel(logging.CRITICAL)


def ensure_topics(bootstrap: str, names: Iterable[str]) -> int:
    """Create the topics that do not exist yet (one partition each). Returns how many were created."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    _quiet()
    wanted = sorted(set(names))
    if not wanted:
        return 0
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=REQUEST_TIMEOUT_MS,
                                 bootstrap_timeout_ms=REQUEST_TIMEOUT_MS, client_id="ionflux-admin")
    except KafkaError as exc:
        raise KafkaUnavailableError(f"cannot reach Kafka at {bootstrap}: {exc}", where="--kafka") from None
    try:
        missing = [n for n in wanted if n not in set(admin.list_topics())]
        created = 0
        for name in missing:
            try:
                admin.create_topics([NewTopic(name, 1, 1)])
                created += 1
            except TopicAlreadyExistsError:
                pass
        return created
    except KafkaError as exc:
        raise KafkaUnavailableError(f"Kafka at {bootstrap} failed: {exc}", where="--kafka") from None
    finally:
        admin.close()


class Producer:
    """Sends batches with acks=all and waits for every acknowledgement.

    kafka-python's producer can end in a state it never leaves (a broker restarted empty answers
    with unknown-producer errors); after any failure this one is closed and a fresh one is made.
    Idempotence is off: exactly-once comes from our own sequence numbers and event ids instead.
    """

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self._producer: Any = None
        self._topics: set[str] = set()

    def _get(self) -> Any:
        if self._producer is None:
            from kafka import KafkaProducer

            _quiet()
            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap, acks="all", linger_ms=5, retries=2, enable_idempotence=False,
                max_block_ms=REQUEST_TIMEOUT_MS, request_timeout_ms=REQUEST_TIMEOUT_MS, batch_size=256 * 1024,
                bootstrap_timeout_ms=REQUEST_TIMEOUT_MS,
                max_request_size=8 * 1024 * 1024, client_id="ionflux-sync")
        return self._producer

    def send(self, messages: list[Message]) -> None:
        """Produce ``messages`` and return once the broker acknowledged all of them.

        Raises:
            KafkaUnavailableError: any of them was not acknowledged (the producer is then rebuilt).

        """
        self.send_async(messages).wait()

    def send_async(self, messages: list[Message]) -> Acks:
        """Hand ``messages`` to the producer; :meth:`Acks.wait` blocks until the broker acknowledged them all."""
        from kafka.errors import KafkaError

        if not messages:
            return Acks(self, [])
        missing = {m.topic for m in messages} - self._topics
        try:
            if missing:  # a broker may not create topics on first use (and one restarted empty has none)
                ensure_topics(self.bootstrap, missing)
                self._topics |= missing
            producer = self._get()
            # Topics have one partition (ordering per workspace stream); naming it skips kafka-python's
            # pure-Python murmur2 hash of every key, a large share of its per-record cost.
            return Acks(self, [producer.send(m.topic, key=m.key, value=m.value, partition=0,
                                             headers=[(SEQ_HEADER, str(m.seq).encode())]) for m in messages])
        except (KafkaError, OSError, AssertionError) as exc:
            raise self.failed(exc) from None

    def failed(self, exc: BaseException) -> KafkaUnavailableError:
        """Rebuild on next use (a failed producer may never recover) and describe the failure."""
        self.close()
        if isinstance(exc, KafkaUnavailableError):
            return exc
        return KafkaUnavailableError(f"Kafka at {self.bootstrap} did not acknowledge: {type(exc).__name__} {exc}")

    def close(self) -> None:
        self._topics.clear()
        if self._producer is not None:
            try:
                self._producer.close(timeout=1)
            except Exception:  # closing a broken producer must not hide the original error
                log.debug("closing the Kafka producer failed", exc_info=True)
            self._producer = None


class Acks:
    """The pending acknowledgements of one :meth:`Producer.send_async` call."""

    def __init__(self, producer: Producer, futures: list[Any]) -> None:
        self.producer = producer
        self.futures = futures

    def wait(self) -> None:
        """Block until every record is acknowledged.

        Raises:
            KafkaUnavailableError: one was not (the producer is then rebuilt).

        """
        from kafka.errors import KafkaError

        if not self.futures:
            return
        try:  # no flush: records appended since (the next batch) keep streaming meanwhile
            for f in self.futures:
                f.get(timeout=REQUEST_TIMEOUT_MS / 1000 + 5)
        except (KafkaError, OSError, AssertionError) as exc:
            raise self.producer.failed(exc) from None

    def abandon(self) -> None:
        """Stop caring about these records (the batch will be pushed again)."""
        self.futures = []


def make_consumer(bootstrap: str, group_id: str) -> Any:
    """A consumer in the device's own group; offsets are only a hint (cursors live in the store)."""
    from kafka import KafkaConsumer

    _quiet()
    return KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=True, auto_offset_reset="latest",
        max_poll_interval_ms=3000, session_timeout_ms=6000, heartbeat_interval_ms=500, fetch_max_wait_ms=20,
        request_timeout_ms=REQUEST_TIMEOUT_MS + 1000, metadata_max_age_ms=5000, client_id=group_id,
        bootstrap_timeout_ms=REQUEST_TIMEOUT_MS)
