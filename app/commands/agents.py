"""Agent commands: list definitions, validate a configuration file, run a configuration."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import IonfluxError, ValidationError


@registry.command("agents.list", title="List agents", json_output=True)
def agents_list(app: App) -> Output:
    """List the agent definitions this build knows, and whether each can run."""
    rows = []
    for agent in app.registry:
        d = agent.definition
        rows.append({"id": d["id"], "name": d["name"], "version": d["version"], "runnable": agent.runnable,
                     "tagline": (d.get("prm_details_json") or {}).get("tagline"),
                     "inputs": [i["key_name"] for i in d.get("inputs_schema_json_array") or []],
                     "outputs": [o["key_name"] for o in d.get("outputs_config_json_array") or []]})
    text = "\n".join(f"{r['id']:24} {r['name']} v{r['version']}{'' if r['runnable'] else '  (not runnable yet)'}"
                     for r in rows)
    return Output(text, rows)


@registry.command("agents.validate", title="Validate agent configuration")
def agents_validate(app: App, file: Path, *, definition: str) -> Output:
    """Check an agent configuration YAML file against a definition; every problem is listed with its line.

    Args:
        file: The YAML file.
        definition: The agent definition id (see `ionflux agents list`), e.g. agent_004_refactored.
    """
    from ionflux.agents.config import ConfigInvalid, resolve_config

    agent = app.registry.get(definition)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError("no such file", where=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot be read: {exc}", where=str(file)) from None
    try:
        eff = resolve_config(agent.definition, text, source=str(file))
    except ConfigInvalid as exc:
        for problem in exc.problems:
            print(f"ionflux: error: {file}:{problem}", file=sys.stderr)
        count = len(exc.problems)
        raise ValidationError(f"{count} problem{'s' if count > 1 else ''} in the configuration",
                              where=str(file)) from None
    return Output(f"{file}: valid configuration for {agent.name}", eff.to_json())


@registry.command("agents.run", title="Run agent", cli="run", slash="/run", json_output=True)
def run_agent(app: App, config: str, *, input: list[str] | None = None, workspace: str | None = None,
              timeout: float | None = None, dry_run: bool = False) -> Output:
    """Run an agent configuration now, showing progress; exits non-zero if the run fails.

    Args:
        config: The configuration's name (see `ionflux workspace show`).
        input: An input for this run as key=value (repeatable); values are checked against the definition.
        workspace: The workspace's name (optional when you have only one).
        timeout: Stop the run after this many seconds (default: the configuration's timeout_seconds).
        dry_run: Describe external side effects (emails, posts) instead of performing them.
    """
    from ionflux.core.enums import TriggerType
    from ionflux.core.serialize import json_value

    ws = app.workspace(workspace)
    cfg = app.agent_configs.find(ws.id, config)
    params = dict(_pair(p) for p in input or [])

    def progress(_run: Any, fraction: float, message: str) -> None:
        print(f"[{fraction * 100:3.0f}%] {message}", file=sys.stderr, flush=True)

    result = app.runtime.run(cfg.id, params, trigger_type=TriggerType.MANUAL_COMMAND, timeout_s=timeout,
                             on_progress=progress, dry_run=dry_run)
    run = result.run
    data = {"run_id": str(run.run_id), "status": run.status.value, "outputs": json_value(result.outputs),
            "output_preview_text": run.output_preview_text, "kpis": run.kpi_results_json}
    lines = [f"{cfg.name}: {run.status.value} (run {run.run_id})"]
    if run.output_preview_text:
        lines.append(run.output_preview_text)
    return Output("\n".join(lines), data)


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValidationError(f"{text!r} should look like key=value", where="--input")
    return key.strip(), value


__all__ = ["IonfluxError", "agents_list", "agents_validate", "run_agent"]
