import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from ionflux.core.agent_configs import AgentConfigs, RunLogs
from ionflux.core.clock import utcnow
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, ValidationError
from ionflux.core.models import AgentRunLog, RunStatus


def test_seeded_configuration(demo: Context, demo_ws: uuid.UUID) -> None:
    cfg = AgentConfigs(demo).find(demo_ws, "EcoThreads Boutique - Sales Sentinel Config")
    assert cfg.agent_definition_id == "agent_004_refactored"
    assert "min_order_value_alert_threshold: 100.00" in cfg.yaml_config_text
    assert cfg.last_run_summary_json == {"status": "idle"}


def test_create_checks_definition_name_and_yaml(demo: Context, demo_ws: uuid.UUID) -> None:
    configs = AgentConfigs(demo)
    with pytest.raises(NotFoundError, match="agent definition"):
        configs.create(demo_ws, "agent_999", "X", "inputs: {}")
    with pytest.raises(ConflictError):
        configs.create(demo_ws, "agent_001", "EcoThreads Boutique - Sales Sentinel Config", "inputs: {}")
    with pytest.raises(ValidationError) as err:
        configs.create(demo_ws, "agent_001", "Mailer", "inputs:\n  a: [1, 2\n")
    assert err.value.where.startswith("Mailer.yaml:")


def test_run_lifecycle_and_summary(demo: Context, demo_ws: uuid.UUID) -> None:
    cfg = AgentConfigs(demo).list(demo_ws)[0]
    runs = RunLogs(demo)
    run = runs.start(cfg.id, "manual_command", {"x": 1})
    assert run.status == RunStatus.PENDING
    assert run.agent_definition_id_version == "agent_004_refactored/0.2"
    runs.move(run.run_id, "running")
    done = runs.move(run.run_id, "success", outputs=[{"key_name": "incident_analysis_report", "value": {}}],
                     preview="all quiet", kpis={"latency_ms": 12})
    assert done.end_time is not None and done.output_preview_text == "all quiet"
    summary = AgentConfigs(demo).get(cfg.id).last_run_summary_json
    assert summary["status"] == "success" and summary["run_id"] == str(run.run_id)
    with pytest.raises(ValidationError, match="cannot become"):
        runs.move(run.run_id, "running")


def test_error_details_are_recorded(demo: Context, demo_ws: uuid.UUID) -> None:
    cfg = AgentConfigs(demo).list(demo_ws)[0]
    runs = RunLogs(demo)
    run = runs.start(cfg.id, "schedule", {})
    runs.move(run.run_id, "running")
    try:
        raise TimeoutError("model took too long")
    except TimeoutError as exc:
        failed = runs.move(run.run_id, "error", error=exc)
    assert failed.error_details_json["error_code"] == "TimeoutError"
    assert "model took too long" in failed.error_details_json["stack_trace_text"]


def test_interrupted_runs_are_cancelled_by_system(demo: Context, demo_ws: uuid.UUID) -> None:
    cfg = AgentConfigs(demo).list(demo_ws)[0]
    runs = RunLogs(demo)
    a = runs.start(cfg.id, "schedule", {})
    b = runs.start(cfg.id, "schedule", {})
    runs.move(b.run_id, "running")
    assert runs.cancel_interrupted() == 2
    assert {runs.get(a.run_id).status, runs.get(b.run_id).status} == {RunStatus.CANCELLED_BY_SYSTEM}
    assert runs.cancel_interrupted() == 0


def test_retention_keeps_recent_and_errors_longer(demo: Context, demo_ws: uuid.UUID) -> None:
    cfg = AgentConfigs(demo).list(demo_ws)[0]
    runs = RunLogs(demo)
    made = []
    for status in ["success", "success", "error", "success"]:
        r = runs.start(cfg.id, "schedule", {})
        runs.move(r.run_id, "running")
        runs.move(r.run_id, status)
        made.append(r.run_id)
    with demo.store.unit_of_work(record_outbox=False) as uow:
        uow.session.execute(update(AgentRunLog).values(start_time=utcnow() - timedelta(days=40)))
    deleted = runs.prune(cfg.id, keep_last=1, keep_days=30, keep_error_days=90)
    assert deleted == 2
    left = {r.status for r in runs.list(cfg.id)}
    assert left == {RunStatus.SUCCESS, RunStatus.ERROR}
