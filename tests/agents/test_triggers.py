"""Schedules (surviving restart, misfires recorded), event triggers and signed webhooks."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from echo_agent import wait_for

from ionflux.agents.runtime import AgentRuntime
from ionflux.agents.scheduler import JOB_PREFIX, run_scheduled
from ionflux.agents.triggers import TriggerService
from ionflux.agents.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from ionflux.core.agent_configs import AgentConfigs, RunLogs
from ionflux.core.clock import utcnow
from ionflux.core.context import Context
from ionflux.core.models import RunStatus, TriggerType
from ionflux.core.pages import Pages
from ionflux.core.secrets import SecretStore


@pytest.fixture
def service(runtime: AgentRuntime, memory_keyring):  # type: ignore[no-untyped-def]
    svc = TriggerService(runtime, SecretStore(memory_keyring), webhook_port=0)
    yield svc
    svc.stop()


def _runs(ctx: Context, config_id: uuid.UUID) -> list:
    return RunLogs(ctx).list(config_id)


def test_schedule_jobs_follow_configurations_and_survive_restart(
        demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID, service: TriggerService) -> None:
    service.start()
    job = service.scheduler.scheduler.get_job(f"{JOB_PREFIX}{echo_config}:nightly")
    assert job is not None and job.name == "0 3 * * *|America/New_York"
    runtime.save_yaml(echo_config, "inputs: {topic: launch}\ntriggers:\n  - trigger_definition_key: nightly\n"
                                   "    cron_expression: '*/10 * * * *'\n")
    service.refresh()
    assert service.scheduler.scheduler.get_job(f"{JOB_PREFIX}{echo_config}:nightly").name.startswith("*/10 * * * *")
    service.stop()

    again = TriggerService(runtime, service.webhooks.secrets)
    jobs_in_store = again.scheduler.scheduler._lookup_jobstore("default").get_all_jobs()
    assert f"{JOB_PREFIX}{echo_config}:nightly" in [j.id for j in jobs_in_store]
    again.stop()


def test_a_scheduled_job_runs_the_agent(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID,
                                        service: TriggerService) -> None:
    service.start()
    job = service.scheduler.scheduler.get_job(f"{JOB_PREFIX}{echo_config}:nightly")
    run_scheduled(*job.args)
    wait_for(lambda: any(r.status == RunStatus.SUCCESS for r in _runs(demo, echo_config)))
    assert _runs(demo, echo_config)[0].trigger_type == TriggerType.SCHEDULE


def test_a_missed_schedule_is_recorded(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID,
                                       service: TriggerService, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    """IONFLUX was closed when the nightly job was due, hours ago: on the next start it is skipped and recorded."""
    service.start()
    service.stop()
    restarted = TriggerService(runtime, SecretStore(memory_keyring))
    store = restarted.scheduler.scheduler._lookup_jobstore("default")
    job = store.lookup_job(f"{JOB_PREFIX}{echo_config}:nightly")
    job.next_run_time = utcnow() - timedelta(hours=2)
    store.update_job(job)
    restarted.start()
    try:
        wait_for(lambda: [r.status for r in _runs(demo, echo_config)] == [RunStatus.CANCELLED_BY_SYSTEM])
        (run,) = _runs(demo, echo_config)
        assert run.error_details_json["error_code"] == "schedule_missed"
    finally:
        restarted.stop()


def test_event_trigger_runs_with_the_event_as_input(demo: Context, demo_ws: uuid.UUID, runtime: AgentRuntime,
                                                    echo_config: uuid.UUID, service: TriggerService) -> None:
    service.start()
    Pages(demo).create(demo_ws, "Fresh ideas")
    wait_for(lambda: any(r.status == RunStatus.SUCCESS for r in _runs(demo, echo_config)))
    run = _runs(demo, echo_config)[0]
    assert run.trigger_type == TriggerType.EVENT_API_CALL
    extra = run.input_params_resolved_json["inputs"]["extra"]
    assert extra["event_type"] == "ionflux.canvas.page.created" and extra["data"]["title"] == "Fresh ideas"


def test_event_filter_narrows_what_fires(demo: Context, demo_ws: uuid.UUID, runtime: AgentRuntime,
                                         echo_config: uuid.UUID, service: TriggerService) -> None:
    runtime.save_yaml(echo_config, "inputs: {topic: x}\ntriggers:\n  - trigger_definition_key: on_page\n"
                                   "    event_filter_json: {data.title_contains: urgent}\n")
    service.start()
    Pages(demo).create(demo_ws, "Calm page")
    Pages(demo).create(demo_ws, "URGENT page")
    wait_for(lambda: any(r.status.is_final for r in _runs(demo, echo_config)))
    time.sleep(0.3)
    runs = _runs(demo, echo_config)
    assert len(runs) == 1
    assert runs[0].input_params_resolved_json["inputs"]["extra"]["data"]["title"] == "URGENT page"


def _post(service: TriggerService, config_id: uuid.UUID, body: bytes, *, secret: str | None = None,
          stamp: str | None = None, path: str = "/echo") -> httpx.Response:
    stamp = stamp or str(int(time.time()))
    headers = {TIMESTAMP_HEADER: stamp, "Content-Type": "application/json"}
    if secret is not None:
        headers[SIGNATURE_HEADER] = sign(secret, stamp, body)
    return httpx.post(f"{service.listener.url}/hooks/{config_id}{path}", content=body,
                      headers=headers, timeout=10)


def test_webhooks_accept_only_signed_fresh_calls_once(demo: Context, echo_config: uuid.UUID,
                                                     service: TriggerService) -> None:
    service.start()
    secret = service.webhooks.secret_for(echo_config)
    body = json.dumps({"times": 2}).encode()
    assert _post(service, echo_config, body).status_code == 401
    assert _post(service, echo_config, body, secret="wrong").status_code == 401
    assert _post(service, echo_config, body, secret=secret, stamp=str(int(time.time()) - 3600)).status_code == 401
    assert _post(service, echo_config, body, secret=secret, path="/other").status_code == 404
    assert _post(service, uuid.uuid4(), body, secret=secret).status_code == 404
    assert _post(service, echo_config, b"{not json", secret=secret).status_code == 400
    assert _post(service, echo_config, b"x" * 1_100_000, secret=secret).status_code == 413
    stamp = str(int(time.time()))
    ok = _post(service, echo_config, body, secret=secret, stamp=stamp)
    assert ok.status_code == 202
    assert _post(service, echo_config, body, secret=secret, stamp=stamp).status_code == 409
    wait_for(lambda: any(r.status == RunStatus.SUCCESS for r in _runs(demo, echo_config)))
    run = _runs(demo, echo_config)[0]
    assert run.trigger_type == TriggerType.WEBHOOK and run.input_params_resolved_json["inputs"]["times"] == 2


def test_webhook_is_only_on_loopback(service: TriggerService) -> None:
    assert service.listener.httpd.server_address[0] == "127.0.0.1"


def test_inactive_configurations_do_not_fire(demo: Context, demo_ws: uuid.UUID, echo_config: uuid.UUID,
                                             service: TriggerService) -> None:
    AgentConfigs(demo).set_status(echo_config, "inactive")
    service.start()
    assert service.scheduler.scheduler.get_job(f"{JOB_PREFIX}{echo_config}:nightly") is None
    Pages(demo).create(demo_ws, "Quiet")
    time.sleep(0.3)
    assert _runs(demo, echo_config) == []
