"""Schedule triggers on APScheduler, with its job store in the local database (survives restarts).

Each enabled ``schedule`` trigger of an active configuration becomes one cron job, in the
workspace's time zone. A job that could not run on time (IONFLUX was closed, the machine slept)
runs once on the next start if it is less than ``MISFIRE_GRACE_S`` late (coalesced); later than
that it is skipped, logged, and recorded in the configuration's run history as missed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ionflux.agents.dispatch import RunDispatcher
from ionflux.core.agent_configs import AgentConfigs, RunLogs
from ionflux.core.context import Context
from ionflux.core.models import ConfigurationStatus, RunStatus, TriggerType, Workspace

log = logging.getLogger(__name__)

JOB_PREFIX = "agent:"
MISFIRE_GRACE_S = 15 * 60
_HOSTS: dict[str, AgentScheduler] = {}


def run_scheduled(host_key: str, config_id: str, trigger_key: str) -> None:
    """The job function APScheduler stores (by reference) and calls: hands the run to the live host."""
    host = _HOSTS.get(host_key)
    if host is None:
        log.warning("scheduled run of %s skipped: no scheduler host %s", config_id, host_key)
        return
    host.fire(uuid.UUID(config_id), trigger_key)


class AgentScheduler:
    """Keeps APScheduler's jobs in step with the configurations' schedule triggers.

    Args:
        ctx: Store and acting user.
        runtime_config: Callable giving the effective triggers of a configuration.
        dispatcher: Where fired runs go.
    """

    def __init__(self, ctx: Context, effective_triggers: Any, dispatcher: RunDispatcher) -> None:
        from apscheduler.events import EVENT_JOB_MISSED
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        self.ctx = ctx
        self._effective_triggers = effective_triggers
        self.dispatcher = dispatcher
        self.host_key = str(ctx.store.path)
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=ctx.store.engine, tablename="apscheduler_jobs")},
            job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_S, "max_instances": 1},
            timezone="UTC",
        )
        self.scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self.fired: list[tuple[uuid.UUID, str]] = []

    def start(self) -> None:
        """Start paused, reconcile the stored jobs with the configurations, then let due jobs run."""
        _HOSTS[self.host_key] = self
        with self.ctx.store.writing():  # its job store writes to the same file: wait for our turn, not SQLite's
            self.scheduler.start(paused=True)
            self.sync()
        self.scheduler.resume()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        _HOSTS.pop(self.host_key, None)

    def sync(self) -> int:
        """Add, change or remove jobs to match every active configuration. Returns the job count."""
        from apscheduler.triggers.cron import CronTrigger

        wanted: dict[str, tuple[str, str, str]] = {}
        with self.ctx.store.read() as s:
            workspaces = {w.id: w for w in s.scalars(select(Workspace))}
        for ws in workspaces.values():
            tz = (ws.settings_json or {}).get("default_timezone") or "UTC"
            for cfg in AgentConfigs(self.ctx).list(ws.id):
                if cfg.status != ConfigurationStatus.ACTIVE:
                    continue
                try:
                    triggers = self._effective_triggers(cfg)
                except Exception as exc:  # an invalid config simply has no schedule until fixed
                    log.info("no schedule for %s: %s", cfg.name, exc)
                    continue
                for trig in triggers:
                    if trig["type"] == "schedule" and trig.get("enabled") and trig.get("cron_expression"):
                        wanted[f"{JOB_PREFIX}{cfg.id}:{trig['trigger_key']}"] = (
                            str(cfg.id), trig["trigger_key"], f"{trig['cron_expression']}|{tz}")
        existing = {job.id: job for job in self.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)}
        for job_id, job in existing.items():
            if job_id not in wanted or job.name != wanted[job_id][2]:
                self.scheduler.remove_job(job_id)
        for job_id, (config_id, trigger_key, spec) in wanted.items():
            current = self.scheduler.get_job(job_id)
            if current is not None and current.name == spec:
                continue
            cron, tz = spec.split("|")
            self.scheduler.add_job(run_scheduled, CronTrigger.from_crontab(cron, timezone=tz), id=job_id, name=spec,
                                   args=[self.host_key, config_id, trigger_key], replace_existing=True)
        return len(wanted)

    def schedule_once(self, job_id: str, when: datetime, func: Callable[..., Any], args: list[Any]) -> None:
        """Run ``func(*args)`` once at ``when``; stored in the job store, so it survives a restart.

        ``func`` must be a module-level function (the store keeps a reference to it, not the object).
        """
        from apscheduler.triggers.date import DateTrigger

        self.scheduler.add_job(func, DateTrigger(when), id=job_id, args=args, replace_existing=True,
                               misfire_grace_time=None)

    def fire(self, config_id: uuid.UUID, trigger_key: str) -> None:
        self.fired.append((config_id, trigger_key))
        self.dispatcher.submit(config_id, {}, TriggerType.SCHEDULE)

    def _on_missed(self, event: Any) -> None:
        job_id = str(event.job_id)
        log.warning("schedule %s missed its run at %s (more than %d s late); skipped", job_id,
                    event.scheduled_run_time, MISFIRE_GRACE_S)
        try:
            config_id = uuid.UUID(job_id.removeprefix(JOB_PREFIX).split(":")[0])
            runs = RunLogs(self.ctx)
            run = runs.start(config_id, TriggerType.SCHEDULE, {"missed_schedule": str(event.scheduled_run_time)})
            runs.move(run.run_id, RunStatus.CANCELLED_BY_SYSTEM, error={
                "error_code": "schedule_missed",
                "error_message_text": f"the run scheduled for {event.scheduled_run_time} was missed (IONFLUX was "
                                      f"not running) and skipped"})
        except Exception:
            log.exception("could not record the missed schedule %s", job_id)
