"""Runs triggered in the background (schedules, events, webhooks) go through one small pool.

The GUI and the CLI run manual runs themselves; everything that fires on its own lands here, so
a burst of events cannot start unbounded threads and one failing run never stops the others.
Runs of one configuration execute one at a time and in the order they were triggered, so an
agent's working state (a detector fed in time order, a ledger) is never updated by two runs at once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ionflux.agents.runtime import AgentRuntime, RunResult
from ionflux.core.errors import IonfluxError
from ionflux.core.models import TriggerType

log = logging.getLogger(__name__)

_Job = tuple[Mapping[str, Any], TriggerType, Future]


class RunDispatcher:
    """A FIFO queue per configuration, drained on a bounded thread pool."""

    def __init__(self, runtime: AgentRuntime, max_workers: int = 2) -> None:
        self.runtime = runtime
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="agent-trigger")
        self._queues: dict[uuid.UUID, deque[_Job]] = {}
        self._draining: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    def submit(self, config_id: uuid.UUID, inputs: Mapping[str, Any], trigger_type: TriggerType) -> Future[Any]:
        """Queue a run; the future resolves to its RunResult (None if it failed; the run log says why)."""
        future: Future[Any] = Future()
        with self._lock:
            self._queues.setdefault(config_id, deque()).append((dict(inputs), trigger_type, future))
            if config_id in self._draining:
                return future
            self._draining.add(config_id)
        self._pool.submit(self._drain, config_id)
        return future

    def pending(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._queues.values())

    def idle(self) -> bool:
        """True when nothing is queued and no run is in progress."""
        with self._lock:
            return not self._draining

    def _drain(self, config_id: uuid.UUID) -> None:
        while True:
            with self._lock:
                queue = self._queues.get(config_id)
                if not queue:
                    self._draining.discard(config_id)
                    return
                inputs, trigger_type, future = queue.popleft()
            future.set_result(self._run(config_id, inputs, trigger_type))

    def _run(self, config_id: uuid.UUID, inputs: Mapping[str, Any], trigger_type: TriggerType) -> RunResult | None:
        try:
            return self.runtime.run(config_id, inputs, trigger_type=trigger_type)
        except IonfluxError as exc:
            log.warning("%s run of %s failed: %s", trigger_type.value, config_id, exc.one_line())
        except Exception:
            log.exception("%s run of %s crashed", trigger_type.value, config_id)
        return None

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
