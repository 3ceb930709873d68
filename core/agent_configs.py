"""Agent configurations and their run logs: storage, lifecycle rules and retention.

Running agents is the runtime's job (``ionflux.agents``); this module keeps the records and
enforces the rules any runner must follow (legal status moves, summaries kept current).
"""

from __future__ import annotations

import traceback
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from ionflux.core import validation as v
from ionflux.core.clock import new_id, utcnow
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, ValidationError
from ionflux.core.models import (
    AgentConfiguration,
    AgentDefinition,
    AgentRunLog,
    ConfigurationStatus,
    RunStatus,
    TriggerType,
)
from ionflux.core.workspaces import require_member
from ionflux.core.yamltext import load_yaml

PREVIEW_CHARS = 500

_MOVES: dict[RunStatus, set[RunStatus]] = {
    RunStatus.PENDING: {RunStatus.RUNNING, RunStatus.CANCELLED_BY_USER, RunStatus.CANCELLED_BY_SYSTEM,
                        RunStatus.ERROR},
    RunStatus.RUNNING: {RunStatus.SUCCESS, RunStatus.ERROR, RunStatus.CANCELLED_BY_USER,
                        RunStatus.CANCELLED_BY_SYSTEM},
}


class AgentConfigs:
    """Agent configurations of a workspace."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, workspace_id: uuid.UUID, definition_id: str, name: str, yaml_text: str, *,
               description: str | None = None) -> AgentConfiguration:
        cfg_name = v.name(name)
        load_yaml(yaml_text, f"{cfg_name}.yaml")
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            if uow.session.get(AgentDefinition, definition_id) is None:
                raise NotFoundError(f"no agent definition {definition_id!r}", where="agent_definition_id")
            if uow.session.scalar(select(AgentConfiguration.id).where(AgentConfiguration.workspace_id == workspace_id,
                                                                      AgentConfiguration.name == cfg_name)):
                raise ConflictError(f"an agent configuration named {cfg_name!r} already exists", where="name")
            cfg = uow.add(AgentConfiguration(
                workspace_id=workspace_id, agent_definition_id=definition_id, name=cfg_name,
                description_text=v.text(description, "description_text", max_len=5000, required=False),
                created_by_user_id=self.ctx.user_id, yaml_config_text=yaml_text,
                last_run_summary_json={"status": "idle"}))
        return cfg

    def update_yaml(self, config_id: uuid.UUID, yaml_text: str, *, effective: dict[str, Any] | None = None,
                    memory_namespace: str | None = None) -> AgentConfiguration:
        """Save new YAML (it must parse); the runtime passes the effective config it validated."""
        with self.ctx.write() as uow:
            cfg = self._get(uow.session, config_id)
            load_yaml(yaml_text, f"{cfg.name}.yaml")
            cfg.yaml_config_text = yaml_text
            cfg.effective_config_cache_json = effective
            if memory_namespace is not None:
                cfg.resolved_memory_namespace_text = memory_namespace
        return cfg

    def set_status(self, config_id: uuid.UUID, status: str | ConfigurationStatus) -> AgentConfiguration:
        with self.ctx.write() as uow:
            cfg = self._get(uow.session, config_id)
            cfg.status = v.enum_value(ConfigurationStatus, status, "status")
        return cfg

    def list(self, workspace_id: uuid.UUID) -> list[AgentConfiguration]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(AgentConfiguration).where(AgentConfiguration.workspace_id == workspace_id)
                                  .order_by(AgentConfiguration.name)))

    def find(self, workspace_id: uuid.UUID, name: str) -> AgentConfiguration:
        with self.ctx.store.read() as s:
            rows = list(s.scalars(select(AgentConfiguration).where(AgentConfiguration.workspace_id == workspace_id)))
        exact = [c for c in rows if c.name == name] or [c for c in rows if c.name.lower() == name.lower()]
        if not exact:
            known = ", ".join(c.name for c in rows) or "none"
            raise NotFoundError(f"no agent configuration named {name!r} (known: {known})", where="config")
        return exact[0]

    def get(self, config_id: uuid.UUID) -> AgentConfiguration:
        with self.ctx.store.read() as s:
            return self._get(s, config_id)

    def delete(self, config_id: uuid.UUID) -> None:
        with self.ctx.write() as uow:
            uow.delete(self._get(uow.session, config_id))

    def _get(self, session: Any, config_id: uuid.UUID) -> AgentConfiguration:
        cfg = session.get(AgentConfiguration, config_id)
        if cfg is None:
            raise NotFoundError(f"no agent configuration with id {config_id}", where="config")
        require_member(session, cfg.workspace_id, self.ctx.user_id)
        return cfg


class RunLogs:
    """Run records: created pending, moved through legal states, summarised on the configuration."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def start(self, config_id: uuid.UUID, trigger_type: str | TriggerType, inputs: dict[str, Any],
              *, run_id: uuid.UUID | None = None, logs_ref: str | None = None) -> AgentRunLog:
        ttype = v.enum_value(TriggerType, trigger_type, "trigger_type")
        with self.ctx.write() as uow:
            cfg = uow.session.get(AgentConfiguration, config_id)
            if cfg is None:
                raise NotFoundError(f"no agent configuration with id {config_id}", where="config")
            definition = uow.session.get(AgentDefinition, cfg.agent_definition_id)
            run = uow.add(AgentRunLog(
                run_id=run_id or new_id(), agent_configuration_id=cfg.id,
                agent_definition_id_version=f"{definition.id}/{definition.version}",
                workspace_id=cfg.workspace_id, triggered_by_user_id=self.ctx.user_id, trigger_type=ttype,
                status=RunStatus.PENDING, start_time=utcnow(), input_params_resolved_json=inputs,
                logs_storage_ref_url=logs_ref))
            _summarise(cfg, run)
        return run

    def move(self, run_id: uuid.UUID, status: str | RunStatus, *, outputs: list[dict[str, Any]] | None = None,
             preview: str | None = None, error: BaseException | dict[str, Any] | None = None,
             kpis: dict[str, Any] | None = None) -> AgentRunLog:
        """Move a run to ``status``; final states stamp end_time. Illegal moves are refused."""
        new = v.enum_value(RunStatus, status, "status")
        with self.ctx.write() as uow:
            run = uow.session.scalar(select(AgentRunLog).where(AgentRunLog.run_id == run_id))
            if run is None:
                raise NotFoundError(f"no run {run_id}", where="run")
            if new not in _MOVES.get(run.status, set()):
                raise ValidationError(f"a {run.status.value} run cannot become {new.value}", where="status")
            run.status = new
            if new == RunStatus.RUNNING:
                run.start_time = utcnow()
            if new.is_final:
                run.end_time = utcnow()
            if outputs is not None:
                run.output_data_json = {"outputs_array": outputs}
            if preview is not None:
                run.output_preview_text = preview[:PREVIEW_CHARS]
            if error is not None:
                run.error_details_json = _error_details(error)
            if kpis is not None:
                run.kpi_results_json = kpis
            cfg = uow.session.get(AgentConfiguration, run.agent_configuration_id)
            _summarise(cfg, run)
            _emit_lifecycle(uow, run, cfg)
        return run

    def get(self, run_id: uuid.UUID) -> AgentRunLog:
        with self.ctx.store.read() as s:
            run = s.scalar(select(AgentRunLog).where(AgentRunLog.run_id == run_id))
        if run is None:
            raise NotFoundError(f"no run {run_id}", where="run")
        return run

    def list(self, config_id: uuid.UUID, *, limit: int = 100) -> list[AgentRunLog]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(AgentRunLog).where(AgentRunLog.agent_configuration_id == config_id)
                                  .order_by(AgentRunLog.start_time.desc()).limit(limit)))

    def cancel_interrupted(self) -> int:
        """Mark runs left pending or running by a crash as cancelled_by_system. Returns the count."""
        with self.ctx.store.read() as s:
            stuck = list(s.scalars(select(AgentRunLog.run_id).where(
                AgentRunLog.status.in_([RunStatus.PENDING, RunStatus.RUNNING]))))
        for run_id in stuck:
            self.move(run_id, RunStatus.CANCELLED_BY_SYSTEM,
                      error={"error_code": "interrupted",
                             "error_message_text": "IONFLUX stopped while this run was in progress"})
        return len(stuck)

    def prune(self, config_id: uuid.UUID, *, keep_last: int, keep_days: int, keep_error_days: int) -> int:
        """Delete old runs beyond the retention policy; errors are kept longer. Returns the count."""
        now = utcnow()
        with self.ctx.write() as uow:
            runs = list(uow.session.scalars(select(AgentRunLog).where(AgentRunLog.agent_configuration_id == config_id)
                                            .order_by(AgentRunLog.start_time.desc())))
            doomed = []
            for i, run in enumerate(runs):
                if i < keep_last or not run.status.is_final:
                    continue
                days = keep_error_days if run.status == RunStatus.ERROR else keep_days
                if run.start_time < now - timedelta(days=days):
                    doomed.append(run.id)
            if doomed:
                uow.session.execute(delete(AgentRunLog).where(AgentRunLog.id.in_(doomed)))
        return len(doomed)


_LIFECYCLE = {RunStatus.RUNNING: "started", RunStatus.SUCCESS: "completed", RunStatus.ERROR: "failed",
              RunStatus.CANCELLED_BY_USER: "failed", RunStatus.CANCELLED_BY_SYSTEM: "failed"}


def _emit_lifecycle(uow: Any, run: AgentRunLog, cfg: AgentConfiguration) -> None:
    """ionflux.agent.run.started / completed / failed, in the same transaction as the status."""
    stage = _LIFECYCLE.get(run.status)
    if stage is None:
        return
    payload: dict[str, Any] = {
        "run_id": str(run.run_id),
        "agent_configuration_id": str(cfg.id),
        "agent_configuration_name": cfg.name,
        "agent_definition_id_version": run.agent_definition_id_version,
        "trigger_type": run.trigger_type.value,
        "status": run.status.value,
    }
    if run.status.is_final:
        payload["output_preview_text"] = run.output_preview_text
        payload["duration_ms"] = round((run.end_time - run.start_time).total_seconds() * 1000) if run.end_time else None
    if run.error_details_json:
        payload["error_code"] = run.error_details_json.get("error_code")
        payload["error_message_text"] = run.error_details_json.get("error_message_text")
    uow.emit(f"ionflux.agent.run.{stage}", payload, workspace_id=run.workspace_id, source_service_name="AgentService")


def _summarise(cfg: AgentConfiguration, run: AgentRunLog) -> None:
    status = run.status.value
    if status.startswith("cancelled"):
        status = "cancelled"
    cfg.last_run_summary_json = {
        "run_id": str(run.run_id),
        "status": status,
        "timestamp": (run.end_time or run.start_time).isoformat(),
        "output_preview_text": run.output_preview_text,
    }


def _error_details(error: BaseException | dict[str, Any]) -> dict[str, Any]:
    if isinstance(error, dict):
        return {"error_code": error.get("error_code"), "error_message_text": error.get("error_message_text"),
                "stack_trace_text": error.get("stack_trace_text")}
    return {
        "error_code": getattr(error, "code", None) or type(error).__name__,
        "error_message_text": str(error),
        "stack_trace_text": "".join(traceback.format_exception(error)),
    }
