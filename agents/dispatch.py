"""Runs triggered in the background (schedules, events, webhooks) go through one small pool.

The GUI and the CLI run manual runs themselves; everything that fires on its own lands here, so
a burst of events cannot start unbounded threads and one failing run never stops the others.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ionflux.agents.runtime import AgentRuntime, RunResult
from ionflux.core.errors import IonfluxError
from ionflux.core.models import TriggerType

log = logging.getLogger(__name__)


class RunDispatcher:
    """Queue runs on a bounded thread pool; failures are already in the run log, so only logged here."""

    def __init__(self, runtime: AgentRuntime, max_workers: int = 2) -> None:
        self.runtime = runtime
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="agent-trigger")

    def submit(self, config_id: uuid.UUID, inputs: Mapping[str, Any], trigger_type: TriggerType) -> Future[Any]:
        def job() -> RunResult | None:
            try:
                return self.runtime.run(config_id, inputs, trigger_type=trigger_type)
            except IonfluxError as exc:
                log.warning("%s run of %s failed: %s", trigger_type.value, config_id, exc.one_line())
            except Exception:
                log.exception("%s run of %s crashed", trigger_type.value, config_id)
            return None

        return self._pool.submit(job)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
