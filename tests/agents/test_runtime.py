"""The runtime end to end, with a test agent that makes real local-LLM and memory calls."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest
from echo_agent import wait_for
from sqlalchemy import select

from ionflux.agents.config import ConfigInvalid
from ionflux.agents.runtime import AgentRuntime, RunFailed
from ionflux.core.agent_configs import AgentConfigs, RunLogs
from ionflux.core.context import Context
from ionflux.core.models import PlatformEvent, RunStatus
from ionflux.core.workspaces import Workspaces


def _events(ctx: Context, prefix: str) -> list[PlatformEvent]:
    with ctx.store.read() as s:
        return list(s.scalars(select(PlatformEvent).where(PlatformEvent.event_type.like(prefix + "%"))
                              .order_by(PlatformEvent.seq)))


def test_a_successful_run_is_logged_end_to_end(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    heard: list[str] = []
    demo.store.bus.subscribe("ionflux.agent.run.*", lambda e: heard.append(e.event_type))
    progress: list[tuple[float, str]] = []
    result = runtime.run(echo_config, {"times": "2", "loud": "yes"},
                         on_progress=lambda r, f, m: progress.append((f, m)))
    run = result.run
    assert run.status == RunStatus.SUCCESS
    assert result.outputs == {"summary": "LAUNCH LAUNCH", "stats": {"words": 2}}
    assert run.output_data_json["outputs_array"][0] == {"key_name": "summary", "value": "LAUNCH LAUNCH",
                                                        "storage_ref_url": None}
    assert run.input_params_resolved_json["inputs"]["times"] == 2
    assert run.kpi_results_json["latency_ms"] >= 0
    assert run.end_time >= run.start_time
    assert heard == ["ionflux.agent.run.started", "ionflux.agent.run.completed"]
    assert [e.payload_json["status"] for e in _events(demo, "ionflux.agent.run.")] == ["running", "success"]
    summary = AgentConfigs(demo).get(echo_config).last_run_summary_json
    assert summary["status"] == "success" and summary["run_id"] == str(run.run_id)
    assert progress[0] == (0.0, "started") and progress[-1] == (1.0, "done")
    log_file = Path(run.logs_storage_ref_url.removeprefix("file://"))
    assert "working on launch" in log_file.read_text()


def test_the_local_model_answers_and_the_fallback_is_explained(runtime: AgentRuntime,
                                                               echo_config: uuid.UUID) -> None:
    result = runtime.run(echo_config, {"mode": "llm"})
    assert result.outputs["summary"].strip()
    kpis = result.run.kpi_results_json
    assert kpis["llm_calls"] == 1 and kpis["completion_tokens"] > 0
    assert kpis["models"][0].startswith("local:")
    assert "remote models are turned off" in kpis["llm_fallbacks"][0]["reason"]


def test_memory_uses_the_resolved_namespace(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID,
                                            demo_ws: uuid.UUID) -> None:
    result = runtime.run(echo_config, {"mode": "memory"})
    assert result.outputs["summary"] == "note about launch"
    assert result.run.input_params_resolved_json["memory_namespace"] == f"echo_ws_{demo_ws.hex}_launch"


def test_agent_events_go_to_the_outbox(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    run = runtime.run(echo_config, {"mode": "emit"}).run
    (ev,) = _events(demo, "ionflux.agent.echo.said")
    assert ev.payload_json == {"text": "launch", "run_id": str(run.run_id)}


def test_a_failing_agent_leaves_its_error(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    with pytest.raises(RunFailed, match="asked to fail") as err:
        runtime.run(echo_config, {"mode": "fail"})
    run = RunLogs(demo).get(err.value.run.run_id)
    assert run.status == RunStatus.ERROR
    assert run.error_details_json["error_code"] == "RuntimeError"
    assert "asked to fail" in run.error_details_json["stack_trace_text"]
    assert _events(demo, "ionflux.agent.run.failed")[-1].payload_json["error_code"] == "RuntimeError"
    assert AgentConfigs(demo).get(echo_config).last_run_summary_json["status"] == "error"


def test_a_mistyped_output_makes_the_run_an_error(runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    with pytest.raises(RunFailed, match="should be string") as err:
        runtime.run(echo_config, {"mode": "bad_output"})
    assert err.value.run.status == RunStatus.ERROR


def test_timeout(runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    with pytest.raises(RunFailed, match=r"timeout of 0\.3 s") as err:
        runtime.run(echo_config, {"mode": "slow"}, timeout_s=0.3)
    assert err.value.run.error_details_json["error_code"] == "timeout"


def test_cancel_from_another_thread(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    started: list[uuid.UUID] = []
    outcome: dict[str, object] = {}

    def go() -> None:
        try:
            runtime.run(echo_config, {"mode": "slow"}, on_progress=lambda r, f, m: started.append(r))
        except RunFailed as exc:
            outcome["run"] = exc.run

    t = threading.Thread(target=go)
    t.start()
    wait_for(lambda: started)
    assert runtime.cancel(started[0])
    t.join(10)
    assert outcome["run"].status == RunStatus.CANCELLED_BY_USER


def test_bad_runtime_input_is_refused_and_recorded(demo: Context, runtime: AgentRuntime,
                                                   echo_config: uuid.UUID) -> None:
    with pytest.raises(ConfigInvalid, match="not a number"):
        runtime.run(echo_config, {"times": "many"})
    (run,) = RunLogs(demo).list(echo_config)
    assert run.status == RunStatus.ERROR and run.error_details_json["error_code"] == "invalid_configuration"


def test_save_yaml_caches_effective_config_and_refuses_invalid(demo: Context, runtime: AgentRuntime,
                                                               echo_config: uuid.UUID, demo_ws: uuid.UUID) -> None:
    cfg = runtime.save_yaml(echo_config, "inputs:\n  topic: growth\n  times: 3\n")
    assert cfg.effective_config_cache_json["inputs"]["times"] == 3
    assert cfg.resolved_memory_namespace_text == f"echo_ws_{demo_ws.hex}_growth"
    with pytest.raises(ConfigInvalid):
        runtime.save_yaml(echo_config, "inputs:\n  topic: growth\n  times: x\n")
    assert "times: 3" in AgentConfigs(demo).get(echo_config).yaml_config_text


def test_retention_policy_from_workspace_settings(demo: Context, runtime: AgentRuntime, echo_config: uuid.UUID,
                                                  demo_ws: uuid.UUID) -> None:
    Workspaces(demo).update_settings(demo_ws, {"run_retention": {"keep_last": 2, "keep_days": 0,
                                                                 "keep_error_days": 30}})
    for _ in range(4):
        runtime.run(echo_config)
    with pytest.raises(RunFailed):
        runtime.run(echo_config, {"mode": "fail"})
    runtime.run(echo_config)
    statuses = [r.status for r in RunLogs(demo).list(echo_config)]
    assert statuses == [RunStatus.SUCCESS, RunStatus.ERROR]


def test_runs_of_a_killed_process_are_recorded_at_the_next_start(demo: Context, runtime: AgentRuntime,
                                                                 echo_config: uuid.UUID, tmp_path: Path) -> None:
    """SIGKILL a process in the middle of a run; the next runtime records it as cancelled_by_system."""
    script = textwrap.dedent(f"""
        import sys, uuid
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from echo_agent import TEST_DEFINITION, EchoAgent
        from ionflux.agents.llm.router import LLMRouter
        from ionflux.agents.registry import AgentRegistry
        from ionflux.agents.runtime import AgentRuntime
        from ionflux.core.context import Context
        from ionflux.core.store import Store
        store = Store(Path({str(demo.store.data_dir)!r}))
        reg = AgentRegistry(); reg.add(dict(TEST_DEFINITION), EchoAgent)
        rt = AgentRuntime(Context(store, uuid.UUID({str(demo.user_id)!r})), reg, LLMRouter({{}}, lambda r: None))
        rt.run(uuid.UUID({str(echo_config)!r}), {{"mode": "slow"}},
               on_progress=lambda r, f, m: print("RUNNING", r, flush=True))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("RUNNING"), line
    run_id = uuid.UUID(line.split()[1])
    assert RunLogs(demo).get(run_id).status == RunStatus.RUNNING
    assert runtime.recover_interrupted() == 0  # its owner is still alive
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert runtime.recover_interrupted() == 1
    run = RunLogs(demo).get(run_id)
    assert run.status == RunStatus.CANCELLED_BY_SYSTEM
    assert "ended unexpectedly" in run.error_details_json["error_message_text"]


def test_tokens_of_llm_calls_stream_to_a_watcher(runtime: AgentRuntime, echo_config: uuid.UUID) -> None:
    pieces: list[tuple[uuid.UUID, str]] = []
    chosen = uuid.uuid4()
    result = runtime.run(echo_config, {"mode": "llm"}, run_id=chosen, on_token=lambda r, p: pieces.append((r, p)))
    assert result.run.run_id == chosen and pieces
    assert {r for r, _ in pieces} == {chosen}
    assert "".join(p for _, p in pieces) == result.outputs["summary"]
