"""The agent runtime: one run, end to end, with a complete run log whatever happens.

trigger → effective config (definition defaults ← YAML ← runtime params) → run log *pending* →
*running* → the agent's ``run(inputs, ctx)`` in a worker thread (timeout and cancel honoured) →
outputs checked against the definition → *success* or *error* / *cancelled_by_…* →
``ionflux.agent.run.*`` events on the bus and in the outbox → retention applied.

A run cut off by a crash (or ``kill -9``, or the OOM killer) cannot record its own end; the
next runtime to start finds it in pending/running with no live owner process and records it
as ``cancelled_by_system`` with the reason.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ionflux.agents.base import AgentContext, NamespacedMemory
from ionflux.agents.config import EffectiveConfig, resolve_config, resolve_template
from ionflux.agents.llm.base import Cancelled, CancelToken, LLMProvider
from ionflux.agents.metering import MeteredProvider
from ionflux.agents.registry import AgentRegistry
from ionflux.core.agent_configs import AgentConfigs, RunLogs
from ionflux.core.clock import new_id
from ionflux.core.context import Context
from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.core.models import AgentConfiguration, AgentRunLog, RunStatus, TriggerType, Workspace
from ionflux.core.prompts import Prompts

log = logging.getLogger(__name__)

OWNER_PREFIX = "run_owner:"
CANCEL_GRACE_S = 5.0
DEFAULT_RETENTION = {"keep_last": 200, "keep_days": 30, "keep_error_days": 90}
_OUTPUT_TYPES: dict[str, tuple[type, ...]] = {
    "json": (dict, list), "event": (dict,), "string": (str,), "markdown": (str,), "url": (str,),
    "float": (int, float), "number": (int, float), "boolean": (bool,),
}

ProgressFn = Callable[[uuid.UUID, float, str], None]
TokenFn = Callable[[uuid.UUID, str], None]


class RunFailed(IonfluxError):
    """A run ended in error; ``run`` holds its log."""

    def __init__(self, message: str, run: AgentRunLog, *, where: str | None = None) -> None:
        self.run = run
        super().__init__(message, where=where)


@dataclass
class RunResult:
    run: AgentRunLog
    outputs: dict[str, Any]


class AgentRuntime:
    """Runs agent configurations.

    Args:
        ctx: Store and acting user.
        registry: Where definitions and implementations come from.
        router: Gives an LLM provider per purpose (``route(models_used, purpose)``), with fallback reasons.
        memory_factory: Returns the shared memory store (created lazily; None if no memory is available).
        logs_dir: Folder for per-run log files.
        secrets: Resolves a secret reference to its value (the keyring), for agents that call external
            services; None when no secrets are available (every external send is then a dry run).
    """

    def __init__(self, ctx: Context, registry: AgentRegistry, router: Any,
                 memory_factory: Callable[[], Any] | None = None, logs_dir: Path | None = None,
                 secrets: Callable[[str], str | None] | None = None) -> None:
        self.ctx = ctx
        self._secrets = secrets
        self.registry = registry
        self.router = router
        self._memory_factory = memory_factory
        self.logs_dir = logs_dir or ctx.store.data_dir / "run-logs"
        self._active: dict[uuid.UUID, CancelToken] = {}
        self._lock = threading.Lock()

    # -- configuration -------------------------------------------------------------------

    def effective_config(self, config: AgentConfiguration, runtime: Mapping[str, Any] | None = None, *,
                         require_inputs: bool = True) -> EffectiveConfig:
        definition = self.registry.get(config.agent_definition_id).definition
        return resolve_config(definition, config.yaml_config_text, runtime, source=f"{config.name}.yaml",
                              require_inputs=require_inputs)

    def save_yaml(self, config_id: uuid.UUID, yaml_text: str) -> AgentConfiguration:
        """Validate and save a configuration's YAML, caching its effective config and namespace.

        Raises:
            ConfigInvalid: nothing is saved; the message and ``problems`` say what and where.
        """
        configs = AgentConfigs(self.ctx)
        config = configs.get(config_id)
        definition = self.registry.get(config.agent_definition_id).definition
        effective = resolve_config(definition, yaml_text, None, source=f"{config.name}.yaml", require_inputs=False)
        namespace = self._namespace(config, definition, effective.inputs, strict=False)
        return configs.update_yaml(config_id, yaml_text, effective=effective.to_json(), memory_namespace=namespace)

    def _namespace(self, config: AgentConfiguration, definition: Mapping[str, Any], inputs: Mapping[str, Any], *,
                   strict: bool) -> str | None:
        memory = definition.get("memory_config_json") or {}
        template = memory.get("default_namespace_template")
        if not template or memory.get("type") == "none":
            return None
        values = {"workspace_id": config.workspace_id.hex, "agent_id": definition["id"], "instance_id": config.id.hex,
                  **{k: v for k, v in inputs.items() if isinstance(v, str | int)}}
        try:
            return resolve_template(template, values, where=f"{config.name}: memory namespace")
        except ValidationError:
            if strict:
                raise
            return None

    # -- runs ----------------------------------------------------------------------------

    def run(self, config_id: uuid.UUID, inputs: Mapping[str, Any] | None = None, *,
            trigger_type: TriggerType | str = TriggerType.MANUAL_COMMAND, timeout_s: float | None = None,
            cancel: CancelToken | None = None, on_progress: ProgressFn | None = None,
            dry_run: bool = False, run_id: uuid.UUID | None = None,
            on_token: TokenFn | None = None) -> RunResult:
        """Run a configuration once and return its log and outputs.

        ``run_id`` lets a caller show the run before it starts; ``on_token(run_id, piece)`` receives
        the text of every LLM call of the run as it is generated (the chat dock streams it).

        Raises:
            RunFailed: the run ended in error or was cancelled (its log is recorded either way).
            ConfigInvalid / NotFoundError: the configuration cannot start (a failed run is recorded).
        """
        configs, runs = AgentConfigs(self.ctx), RunLogs(self.ctx)
        config = configs.get(config_id)
        agent = self.registry.get(config.agent_definition_id)
        run_id = run_id or new_id()
        log_path = self.logs_dir / f"{run_id}.log"
        try:
            effective = self.effective_config(config, inputs)
            namespace = self._namespace(config, agent.definition, effective.inputs, strict=True)
            if agent.implementation is None:
                raise ValidationError(f"{agent.name} has no implementation in this build", where=agent.id)
        except IonfluxError as exc:
            run = runs.start(config.id, trigger_type, {"runtime": dict(inputs or {})}, run_id=run_id)
            run = runs.move(run.run_id, RunStatus.ERROR, error={"error_code": "invalid_configuration",
                                                                 "error_message_text": exc.one_line()})
            raise
        token = cancel or CancelToken()
        snapshot = {**effective.to_json(), "memory_namespace": namespace, "dry_run": dry_run}
        run = runs.start(config.id, trigger_type, snapshot, run_id=run_id, logs_ref=log_path.as_uri())
        self._own(run_id)
        with self._lock:
            self._active[run_id] = token
        try:
            return self._execute(config, agent, effective, namespace, run, token, log_path,
                                 timeout_s or effective.timeout_seconds, on_progress, dry_run, on_token)
        finally:
            with self._lock:
                self._active.pop(run_id, None)
            self._disown(run_id)
            self._apply_retention(config)

    def cancel(self, run_id: uuid.UUID) -> bool:
        """Ask a run of this process to stop; True if it was running here."""
        with self._lock:
            token = self._active.get(run_id)
        if token is not None:
            token.cancel()
        return token is not None

    def _execute(self, config: AgentConfiguration, agent: Any, effective: EffectiveConfig, namespace: str | None,
                 run: AgentRunLog, token: CancelToken, log_path: Path, timeout_s: float,
                 on_progress: ProgressFn | None, dry_run: bool, on_token: TokenFn | None) -> RunResult:
        runs = RunLogs(self.ctx)
        run_logger, handler = _run_logger(run.run_id, log_path)
        kpis: dict[str, Any] = {"llm_calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "models": [],
                                "llm_fallbacks": []}
        ctx = self._context(config, agent.definition, run.run_id, namespace, token, run_logger, kpis, on_progress,
                            dry_run, on_token)
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["outputs"] = agent.implementation().run(dict(effective.inputs), ctx)
            except BaseException as exc:  # every failure must reach the run log
                outcome["error"] = exc

        runs.move(run.run_id, RunStatus.RUNNING)
        ctx.progress(0.0, "started")
        started = time.perf_counter()
        worker = threading.Thread(target=work, name=f"agent-run-{run.run_id}", daemon=True)
        worker.start()
        try:
            worker.join(timeout_s)
        except KeyboardInterrupt:  # Ctrl+C in the CLI: cancel the run, then record it
            token.cancel()
        timed_out = worker.is_alive() and not token.cancelled
        if worker.is_alive():
            token.cancel()
            worker.join(CANCEL_GRACE_S)
        kpis["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        kpis["timeout_s"] = timeout_s
        try:
            if timed_out:
                raise TimeoutError(f"the run took longer than its timeout of {timeout_s:g} s")
            if "error" in outcome:
                raise outcome["error"]
            outputs = check_outputs(agent.definition, outcome.get("outputs"))
        except BaseException as exc:  # every failure must reach the run log
            cancelled = isinstance(exc, Cancelled | KeyboardInterrupt) or (token.cancelled and not timed_out)
            if cancelled:
                run_logger.warning("cancelled by the user")
                final = runs.move(run.run_id, RunStatus.CANCELLED_BY_USER, kpis=kpis,
                                  error={"error_code": "cancelled", "error_message_text": "cancelled by the user"})
                raise RunFailed("the run was cancelled", final, where=config.name) from None
            run_logger.error("failed: %s", exc, exc_info=exc)
            code = "timeout" if timed_out else getattr(exc, "code", None) or type(exc).__name__
            message = exc.one_line() if isinstance(exc, IonfluxError) else f"{type(exc).__name__}: {exc}"
            final = runs.move(run.run_id, RunStatus.ERROR, kpis=kpis, error={
                "error_code": code, "error_message_text": message,
                "stack_trace_text": "".join(traceback.format_exception(exc))})
            raise RunFailed(message, final, where=config.name) from None
        finally:
            run_logger.removeHandler(handler)
            handler.close()
        preview = agent.implementation().preview(outputs)
        final = runs.move(run.run_id, RunStatus.SUCCESS, preview=preview, kpis=kpis,
                          outputs=[{"key_name": k, "value": v, "storage_ref_url": None} for k, v in outputs.items()])
        ctx.progress(1.0, "done")
        return RunResult(final, outputs)

    def _context(self, config: AgentConfiguration, definition: Mapping[str, Any], run_id: uuid.UUID,
                 namespace: str | None, token: CancelToken, run_logger: logging.Logger, kpis: dict[str, Any],
                 on_progress: ProgressFn | None, dry_run: bool, on_token: TokenFn | None) -> AgentContext:
        models_used = (definition.get("stack_details_json") or {}).get("llm_models_used_array") or []
        providers: dict[str | None, LLMProvider] = {}

        def llm(purpose: str | None = None) -> LLMProvider:
            if purpose not in providers:
                route = self.router.route(models_used, purpose)

                def note_fallback() -> None:
                    # at routing time (no key, offline...) or later, when a remote call fails over
                    if route.fallback_reason and not any(f["purpose"] == route.purpose for f in kpis["llm_fallbacks"]):
                        kpis["llm_fallbacks"].append({"purpose": route.purpose, "requested": route.requested,
                                                      "reason": route.fallback_reason})
                        run_logger.info("LLM for %r: %s", route.purpose, route.fallback_reason)

                note_fallback()
                forward = (lambda piece: on_token(run_id, piece)) if on_token is not None else None
                providers[purpose] = MeteredProvider(route.provider, kpis, token, after_call=note_fallback,
                                                     on_token=forward)
            return providers[purpose]

        memory = None
        if namespace and self._memory_factory is not None:
            memory = NamespacedMemory(self._memory_factory(), namespace)

        def emit(event_type: str, payload: dict[str, Any]) -> None:
            with self.ctx.write() as uow:
                uow.emit(event_type, {**payload, "run_id": str(run_id)}, workspace_id=config.workspace_id,
                         source_service_name="AgentService")

        def progress(fraction: float, message: str) -> None:
            run_logger.info("progress %.0f%%: %s", fraction * 100, message)
            if on_progress is not None:
                on_progress(run_id, max(0.0, min(1.0, fraction)), message)

        prompts = Prompts(self.ctx)

        def render_prompt(name: str, variables: Mapping[str, Any]) -> str:
            return prompts.render(prompts.find(config.workspace_id, name).id, variables)

        return AgentContext(run_id=run_id, workspace_id=config.workspace_id, config_id=config.id, store=self.ctx,
                            llm=llm, memory=memory, emit=emit, progress=progress, log=run_logger, cancel=token,
                            render_prompt=render_prompt, kpis=kpis, dry_run=dry_run, secrets=self._secrets)

    # -- crash recovery and retention ------------------------------------------------------

    def _own(self, run_id: uuid.UUID) -> None:
        self.ctx.store.set_local(OWNER_PREFIX + str(run_id), {"pid": os.getpid()})

    def _disown(self, run_id: uuid.UUID) -> None:
        self.ctx.store.set_local(OWNER_PREFIX + str(run_id), None)

    def recover_interrupted(self) -> int:
        """Record runs left pending/running by a process that no longer exists. Returns how many."""
        from sqlalchemy import select

        with self.ctx.store.read() as s:
            open_runs = list(s.scalars(select(AgentRunLog.run_id).where(
                AgentRunLog.status.in_([RunStatus.PENDING, RunStatus.RUNNING]))))
        runs, recovered = RunLogs(self.ctx), 0
        for run_id in open_runs:
            owner = self.ctx.store.get_local(OWNER_PREFIX + str(run_id))
            if owner and _alive(int(owner.get("pid", 0))):
                continue
            runs.move(run_id, RunStatus.CANCELLED_BY_SYSTEM, error={
                "error_code": "interrupted",
                "error_message_text": "the process running this agent ended unexpectedly (killed, crashed or out "
                                      "of memory) before the run finished"})
            self.ctx.store.set_local(OWNER_PREFIX + str(run_id), None)
            recovered += 1
        return recovered

    def _apply_retention(self, config: AgentConfiguration) -> None:
        with self.ctx.store.read() as s:
            ws = s.get(Workspace, config.workspace_id)
        policy = {**DEFAULT_RETENTION, **((ws.settings_json or {}).get("run_retention") or {})} if ws else \
            DEFAULT_RETENTION
        try:
            RunLogs(self.ctx).prune(config.id, keep_last=int(policy["keep_last"]), keep_days=int(policy["keep_days"]),
                                    keep_error_days=int(policy["keep_error_days"]))
        except IonfluxError:
            log.exception("run retention failed for %s", config.name)


def check_outputs(definition: Mapping[str, Any], outputs: Any) -> dict[str, Any]:
    """The agent's outputs, checked against the definition's outputs_config_json_array.

    Raises:
        ValidationError: an output is missing, unknown, or of the wrong type (the run becomes an error).
    """
    if not isinstance(outputs, dict):
        raise ValidationError(f"the agent returned {type(outputs).__name__}, not a mapping of outputs",
                              where="outputs")
    declared = {o["key_name"]: o for o in definition.get("outputs_config_json_array") or []}
    for key in outputs:
        if key not in declared:
            raise ValidationError(f"{key!r} is not an output of {definition['name']}", where="outputs")
    for key, spec in declared.items():
        if key not in outputs:
            raise ValidationError(f"output {key!r} is missing", where=f"outputs.{key}")
        value = outputs[key]
        if value is None:
            continue  # an output may be empty for a run (e.g. no anomaly, no alert)
        expected = _OUTPUT_TYPES.get(spec.get("data_type", "json"), (object,))
        if isinstance(value, bool) and bool not in expected:
            expected = ()
        if not isinstance(value, expected):
            raise ValidationError(f"output {key!r} should be {spec.get('data_type')}, got {type(value).__name__}",
                                  where=f"outputs.{key}")
    return dict(outputs)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_logger(run_id: uuid.UUID, path: Path) -> tuple[logging.Logger, logging.Handler]:
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"ionflux.agents.run.{run_id}")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, handler
