"""Agent runs started from the window (snippet Run button, /run, @mention, editor): one place, off the GUI thread."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ionflux.core.enums import TriggerType
from ionflux.ui.ops import Op, OpRunner
from ionflux.ui.qt import QObject, Signal
from ionflux.ui.services import Services


@dataclass
class RunHandle:
    """A run in progress: its op (for cancel), its configuration and its run id (chosen before it starts)."""

    op: Op
    config_id: uuid.UUID
    label: str
    run_id: uuid.UUID


class RunCenter(QObject):
    """Starts runs through the runtime and reports them.

    Signals:
        started(uuid.UUID): a configuration's run was queued (config id).
        progressed(uuid.UUID, object, float, str): config id, run id, fraction, message.
        finished(uuid.UUID, object, object): config id, the RunResult (or None) and the exception (or None).
        changed(): the set of running runs changed (the status bar listens).
    """

    started = Signal(object)
    progressed = Signal(object, object, float, str)
    finished = Signal(object, object, object)
    changed = Signal()

    def __init__(self, services: Services, ops: OpRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.ops = ops
        self.running: list[RunHandle] = []

    def run(self, config_id: uuid.UUID, inputs: Mapping[str, Any] | None = None, *,
            trigger: TriggerType = TriggerType.MANUAL_UI, dry_run: bool = False, label: str = "",
            on_progress: Callable[[uuid.UUID, float, str], Any] | None = None,
            on_token: Callable[[str], Any] | None = None,
            on_done: Callable[[Any, BaseException | None], Any] | None = None) -> RunHandle:
        """Run a configuration in the background.

        Progress, the run's LLM text as it streams (``on_token``) and the outcome come back on the GUI thread.
        """
        values = dict(inputs or {})
        run_id = uuid.uuid4()  # known before the run starts: progress and tokens need not carry it

        def work(op: Op) -> Any:
            def token(_run_id: uuid.UUID, piece: str) -> None:
                self.ops.relay(on_token, piece)  # type: ignore[arg-type]

            return self.services.runtime.run(config_id, values, trigger_type=trigger, cancel=op.token,
                                             on_progress=lambda _run_id, fraction, message: op.report(fraction,
                                                                                                      message),
                                             dry_run=dry_run, run_id=run_id,
                                             on_token=token if on_token is not None else None)

        box: list[RunHandle] = []
        op = self.ops.run(work, label=label or "running an agent", pass_op=True, cancellable=True, visible=True,
                          on_progress=lambda f, m: self._progress(box[0], f, m, on_progress),
                          on_success=lambda result: self._finish(box[0], result, None, on_done),
                          on_failure=lambda exc: self._finish(box[0], None, exc, on_done))
        handle = RunHandle(op, config_id, label, run_id)
        box.append(handle)
        self.running.append(handle)
        self.started.emit(config_id)
        self.changed.emit()
        return handle

    def cancel(self, config_id: uuid.UUID) -> bool:
        """Stop every run of a configuration started here; True if there was one."""
        found = [h for h in self.running if h.config_id == config_id]
        for h in found:
            h.op.cancel()
        return bool(found)

    def is_running(self, config_id: uuid.UUID) -> bool:
        return any(h.config_id == config_id for h in self.running)

    def _progress(self, handle: RunHandle, fraction: float, message: str,
                  on_progress: Callable[[uuid.UUID, float, str], Any] | None) -> None:
        self.progressed.emit(handle.config_id, handle.run_id, fraction, message)
        if on_progress is not None:
            on_progress(handle.run_id, fraction, message)

    def _finish(self, handle: RunHandle, result: Any, exc: BaseException | None,
                on_done: Callable[[Any, BaseException | None], Any] | None) -> None:
        if handle in self.running:
            self.running.remove(handle)
        self.finished.emit(handle.config_id, result, exc)
        self.changed.emit()
        if on_done is not None:
            on_done(result, exc)
