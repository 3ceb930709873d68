"""Runs playbooks: matches events to active playbooks, executes steps, waits out delays, branches.

A matching event (``trigger_event_schema_json.event_type``, with or without the ``ionflux.``
prefix, and ``filter_conditions_json``) starts one run per playbook and event — never two, even
if the event is delivered twice. Steps run in a worker thread. A step with ``delay_seconds``
parks the run (status *waiting*, ``resume_at`` stored) and schedules its resumption in the
scheduler's persistent job store; after a restart, :meth:`PlaybookEngine.recover` resumes
anything due. After each step, ``next_step_conditions_json_array`` is tested on the step's
output (operators of :mod:`ionflux.core.filters`), else ``default_next_step_id``; no next step
completes the run. Every step output carries ``cart_recovered`` when the trigger has a cart.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ionflux.agents.playbooks import actions
from ionflux.agents.playbooks.actions import Channels
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.errors import IonfluxError
from ionflux.core.filters import compare, field_value, matches
from ionflux.core.models import PlatformEvent, Playbook, PlaybookRun, PlaybookRunStatus, PlaybookStatus
from ionflux.core.playbooks import Playbooks

log = logging.getLogger(__name__)

MAX_STEPS_PER_RUN = 100
_ENGINES: dict[str, PlaybookEngine] = {}

Schedule = Callable[[str, datetime, Callable[..., Any], list[Any]], None]


def resume_playbook_run(host_key: str, run_id: str) -> None:
    """Job-store entry point: continue a waiting run in the live engine of this data folder."""
    engine = _ENGINES.get(host_key)
    if engine is None:
        log.warning("playbook run %s not resumed: no engine for %s", run_id, host_key)
        return
    engine.resume(uuid.UUID(run_id))


class PlaybookEngine:
    """Executes the workspace playbooks of one store.

    Args:
        ctx: Store and acting user.
        channels: WhatsApp / email / agent-run capabilities for actions.
        schedule: ``schedule(job_id, when, func, args)``, e.g. the agent scheduler's ``schedule_once``;
            None runs delays with an in-process timer (tests, one-shot demos).
        time_scale: Multiplies every delay (tests use a small value to compress hours into seconds);
            :meth:`compressed` sets it for one workspace for a while (the demo).
    """

    def __init__(self, ctx: Context, channels: Channels, *, schedule: Schedule | None = None,
                 time_scale: float = 1.0) -> None:
        self.ctx = ctx
        self.channels = channels
        self.schedule = schedule
        self.time_scale = time_scale
        self._scales: dict[uuid.UUID, float] = {}
        self.host_key = str(ctx.store.path)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playbooks")
        self._unsubscribe: Callable[[], None] | None = None
        self._timers: list[threading.Timer] = []

    def start(self) -> None:
        _ENGINES[self.host_key] = self
        self._unsubscribe = self.ctx.store.bus.subscribe("*", self.on_event)
        self.recover()

    def stop(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        for timer in list(self._timers):
            timer.cancel()
        self._pool.shutdown(wait=True)
        if _ENGINES.get(self.host_key) is self:
            del _ENGINES[self.host_key]

    @contextlib.contextmanager
    def compressed(self, workspace_id: uuid.UUID, scale: float) -> Iterator[None]:
        """Multiply the delays of runs that wait in ``workspace_id`` by ``scale`` while inside (demos)."""
        self._scales[workspace_id] = scale
        try:
            yield
        finally:
            self._scales.pop(workspace_id, None)

    def drain(self) -> None:
        """Wait until every queued step has run (tests and the demo)."""
        self._pool.submit(lambda: None).result()

    # -- triggering ----------------------------------------------------------------------

    def on_event(self, event: PlatformEvent) -> None:
        if getattr(event, "remote", False):
            return  # pulled from another device: its playbooks already ran for it
        if event.workspace_id is None or event.event_type.startswith(("ionflux.playbook.", "ionflux.agent.run.")):
            return
        self._pool.submit(self._match, event)  # the committing thread never waits for the lookup

    def _match(self, event: PlatformEvent) -> None:
        with self.ctx.store.read() as s:
            candidates = list(s.scalars(select(Playbook).where(Playbook.workspace_id == event.workspace_id,
                                                               Playbook.status == PlaybookStatus.ACTIVE)))
        for pb in candidates:
            trigger = pb.trigger_event_schema_json or {}
            wanted = str(trigger.get("event_type") or "")
            if not (fnmatch.fnmatchcase(event.event_type, wanted) or fnmatch.fnmatchcase(event.event_type,
                                                                                        "ionflux." + wanted)):
                continue
            if not matches(trigger.get("filter_conditions_json"), event.payload_json):
                continue
            self._start(pb, event)

    def _start(self, pb: Playbook, event: PlatformEvent) -> None:
        context = {"event": event.payload_json, "event_type": event.event_type, "steps": {}, "waited": []}
        run = Playbooks(self.ctx).start_run(pb, str(event.event_id), event.event_type, context)
        if run is not None:
            log.info("playbook %r started run %s for %s", pb.name, run.id, event.event_type)
            self._advance(run.id)

    # -- execution -----------------------------------------------------------------------

    def resume(self, run_id: uuid.UUID) -> None:
        self._pool.submit(self._advance, run_id)

    def recover(self) -> int:
        """Resume runs that were due while IONFLUX was closed, or cut off mid-step. Returns how many."""
        now, count = utcnow(), 0
        for run in Playbooks(self.ctx).waiting_runs():
            if run.status == PlaybookRunStatus.RUNNING or (run.resume_at and run.resume_at <= now):
                self.resume(run.id)
                count += 1
            elif run.resume_at:
                self._wake_at(run.id, run.resume_at)
        return count

    def _advance(self, run_id: uuid.UUID) -> None:
        playbooks = Playbooks(self.ctx)
        run = playbooks.run(run_id)
        if run.status not in (PlaybookRunStatus.RUNNING, PlaybookRunStatus.WAITING):
            return
        pb = playbooks.get(run.playbook_id)
        steps = {s["step_id"]: s for s in pb.steps_json_array}
        context = dict(run.context_json)
        step_id = run.current_step_id
        for _ in range(MAX_STEPS_PER_RUN):
            if step_id is None:
                playbooks.save_run(run.id, status=PlaybookRunStatus.COMPLETED, current_step_id=None, context=context,
                                   converted=self._converted(context, pb.workspace_id))
                return
            step = steps.get(step_id)
            if step is None:
                playbooks.save_run(run.id, status=PlaybookRunStatus.FAILED, current_step_id=step_id,
                                   error=f"step {step_id!r} no longer exists")
                return
            delay = int(step.get("delay_seconds") or 0)
            if delay and step_id not in context["waited"]:
                context["waited"] = [*context["waited"], step_id]
                when = utcnow() + timedelta(seconds=delay * self._scales.get(pb.workspace_id, self.time_scale))
                playbooks.save_run(run.id, status=PlaybookRunStatus.WAITING, current_step_id=step_id,
                                   context=context, resume_at=when)
                self._wake_at(run.id, when)
                return
            started = utcnow()
            try:
                output = self._execute(step, context, pb.workspace_id)
            except Exception as exc:  # a failed step ends the run, recorded: never left running, never re-sent
                if not isinstance(exc, IonfluxError):
                    log.exception("playbook %r step %r failed", pb.name, step_id)
                error = exc.one_line() if isinstance(exc, IonfluxError) else f"{type(exc).__name__}: {exc}"
                playbooks.save_run(run.id, status=PlaybookRunStatus.FAILED, current_step_id=step_id, context=context,
                                   error=error, history_entry=_entry(step, started, "error", error=error))
                return
            context["steps"] = {**context["steps"], step_id: output}
            next_id = choose_next(step, output)
            playbooks.save_run(run.id, status=PlaybookRunStatus.RUNNING, current_step_id=next_id, context=context,
                               history_entry=_entry(step, started, "success", output=output, next_step_id=next_id))
            step_id = next_id
        playbooks.save_run(run.id, status=PlaybookRunStatus.FAILED, current_step_id=step_id,
                           error=f"stopped after {MAX_STEPS_PER_RUN} steps")

    def _execute(self, step: Mapping[str, Any], context: dict[str, Any], workspace_id: uuid.UUID) -> dict[str, Any]:
        cfg = step.get("action_config_json") or {}
        kind = step["action_type"]
        if kind == "send_whatsapp_message":
            out = actions.send_whatsapp(cfg, context, self.channels)
        elif kind == "send_email":
            out = actions.send_email(cfg, context, self.channels)
        elif kind == "update_crm_tag":
            out = actions.update_crm_tag(cfg, context, self.ctx, workspace_id)
        else:
            out = actions.trigger_agent(cfg, context, self.ctx, workspace_id, self.channels)
        recovered = self._cart_recovered(context, workspace_id)
        if recovered is not None:
            out["cart_recovered"] = recovered
        return out

    def _cart_recovered(self, context: Mapping[str, Any], workspace_id: uuid.UUID) -> bool | None:
        token = (context.get("event") or {}).get("cart_token")
        if not token:
            return None
        return Commerce(self.ctx).order_for_cart(workspace_id, str(token)) is not None

    def _converted(self, context: Mapping[str, Any], workspace_id: uuid.UUID) -> bool:
        recovered = self._cart_recovered(context, workspace_id)
        if recovered is not None:
            return recovered
        return any(bool(o.get("converted")) for o in context.get("steps", {}).values())

    def _wake_at(self, run_id: uuid.UUID, when: datetime) -> None:
        job_id = f"playbook:{run_id}"
        if self.schedule is not None:
            self.schedule(job_id, when, resume_playbook_run, [self.host_key, str(run_id)])
            return
        def fire() -> None:
            with contextlib.suppress(ValueError):
                self._timers.remove(timer)
            self.resume(run_id)

        timer = threading.Timer(max(0.0, (when - utcnow()).total_seconds()), fire)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()


def choose_next(step: Mapping[str, Any], output: Mapping[str, Any]) -> str | None:
    """The first branch whose condition holds on the step's output, else the default next step."""
    for cond in step.get("next_step_conditions_json_array") or []:
        actual = field_value(output, str(cond.get("condition_on_output_key")))
        if compare(str(cond.get("operator")), actual, cond.get("value")):
            return cond.get("next_step_id")
    return step.get("default_next_step_id")


def _entry(step: Mapping[str, Any], started: datetime, status: str, **extra: Any) -> dict[str, Any]:
    return {"step_id": step["step_id"], "step_name": step.get("step_name"), "action_type": step["action_type"],
            "started_at": started.isoformat(), "finished_at": utcnow().isoformat(), "status": status, **extra}


__all__ = ["PlaybookEngine", "PlaybookRun", "choose_next", "resume_playbook_run"]
