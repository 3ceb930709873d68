"""A Kafka producer in a child process, for pushing a large outbox at full speed.

kafka-python spends about as much CPU per record as the rest of a push (merge, PostgreSQL,
SQLite) and both hold the same GIL, so in one process their costs add up. For a big backlog
the records are handed to a child process instead (its own interpreter, its own core); each
batch still counts as produced only when the child reports every acknowledgement. Small,
interactive pushes keep the in-process :class:`~ionflux.sync.kafka_io.Producer` (no start-up
cost, no extra hop).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from typing import Any

from ionflux.sync.kafka_io import KafkaUnavailableError, Message, Producer


def _serve(conn: Any, bootstrap: str) -> None:
    """The child: produce each batch received and answer with None (acknowledged) or the error."""
    producer = Producer(bootstrap)
    try:
        while True:
            item = conn.recv()
            if item is None:
                return
            number, messages = item
            try:
                producer.send(messages)
                conn.send((number, None))
            except KafkaUnavailableError as exc:
                conn.send((number, exc.one_line()))
    except (EOFError, OSError):
        return
    finally:
        producer.close()


class ProcessProducer:
    """The same ``send_async`` / ``wait`` contract as :class:`Producer`, with the work in a child process.

    Args:
        bootstrap: The Kafka bootstrap address.

    """

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, bootstrap), name="ionflux-kafka", daemon=True)
        self._proc.start()
        child.close()
        self._sent = 0
        self._answers: dict[int, str | None] = {}
        self._lock = threading.Lock()

    def send_async(self, messages: list[Message]) -> _ProcessAcks:
        if not messages:
            return _ProcessAcks(self, None)
        self._sent += 1
        try:
            self._conn.send((self._sent, messages))
        except (OSError, EOFError) as exc:
            raise KafkaUnavailableError(f"the Kafka producer process is gone ({exc})") from None
        return _ProcessAcks(self, self._sent)

    def wait_for(self, number: int) -> None:
        with self._lock:
            while number not in self._answers:
                if not self._conn.poll(60):
                    raise KafkaUnavailableError("the Kafka producer process did not answer within 60 s")
                try:
                    got, error = self._conn.recv()
                except (OSError, EOFError) as exc:
                    raise KafkaUnavailableError(f"the Kafka producer process is gone ({exc})") from None
                self._answers[got] = error
            error = self._answers.pop(number)
        if error is not None:
            raise KafkaUnavailableError(error)

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._conn.send(None)
        self._proc.join(timeout=10)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(timeout=5)
        self._conn.close()


class _ProcessAcks:
    def __init__(self, owner: ProcessProducer, number: int | None) -> None:
        self.owner = owner
        self.number = number

    def wait(self) -> None:
        if self.number is not None:
            self.owner.wait_for(self.number)

    def abandon(self) -> None:
        self.number = None
