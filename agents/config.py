"""Agent configurations: YAML checked against the definition, merged into the effective config.

Precedence, lowest to highest: the definition's defaults (``default_value`` of each input,
``default_config_json`` of each trigger) ← the configuration's YAML ← runtime parameters (the
``--input key=value`` of a run, or a triggering event's payload). The result is the
*effective config*, cached on the configuration and snapshotted into each run log.

A configuration's YAML looks like::

    inputs:
      min_order_value_alert_threshold: 100.00
    triggers:
      - trigger_definition_key: health_check_schedule
        enabled: true
        cron_expression: "*/10 * * * *"
    timeout_seconds: 120

Every problem is reported with the line and column it comes from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from ionflux.core.errors import ValidationError
from ionflux.core.yamltext import key_positions, load_yaml, locate

TOP_KEYS = ("inputs", "triggers", "timeout_seconds", "llm")
TRIGGER_CONFIG_KEYS = ("cron_expression", "webhook_path_suffix", "kafka_topic_name", "kafka_consumer_group_suffix",
                       "event_filter_json", "event_type", "task")
DEFAULT_TIMEOUT_S = 300
MAX_TIMEOUT_S = 24 * 3600
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in a configuration, with where it is (1-based line and column, 0 when unknown)."""

    message: str
    path: tuple[str, ...]
    line: int
    column: int

    def __str__(self) -> str:
        loc = f"{self.line}:{self.column}: " if self.line else ""
        return f"{loc}{'.'.join(self.path) + ': ' if self.path else ''}{self.message}"


@dataclass
class EffectiveConfig:
    """The merged configuration a run uses."""

    inputs: dict[str, Any]
    triggers: list[dict[str, Any]]
    timeout_seconds: int
    llm: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "triggers": self.triggers, "timeout_seconds": self.timeout_seconds,
                "llm": self.llm}


class ConfigInvalid(ValidationError):
    """A configuration with one or more problems; ``problems`` lists them all."""

    def __init__(self, problems: list[ConfigProblem], source: str) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 10**9, p.column))
        self.source = source
        first = self.problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        where = f"{source}:{first.line}:{first.column}" if first.line else source
        path = ".".join(first.path)
        super().__init__(f"{path + ': ' if path else ''}{first.message}{more}", where=where)


def coerce_input(spec: Mapping[str, Any], value: Any) -> Any:
    """Check (and, for text from a command line, convert) one input value against its spec.

    Raises:
        ValueError: with a message saying what the value should be.
    """
    dtype = spec.get("data_type", "string")
    if dtype == "number":
        if isinstance(value, bool):
            raise ValueError("must be a number, not true/false")
        if isinstance(value, str):
            try:
                value = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a number") from None
        if not isinstance(value, int | float):
            raise ValueError(f"must be a number, not {type(value).__name__}")
    elif dtype == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "yes", "1", "on", "false", "no", "0", "off"):
            value = value.lower() in ("true", "yes", "1", "on")
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
    elif dtype == "json":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"is not valid JSON ({exc.msg})") from None
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise ValueError("is not JSON data") from None
    elif dtype == "url":
        parsed = urlparse(str(value)) if isinstance(value, str) else None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL")
    elif not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValueError(f"must be text, not {type(value).__name__}")
    accepted = spec.get("accepted_values_list")
    if accepted and value not in accepted:
        raise ValueError(f"{value!r} is not one of: {', '.join(map(str, accepted))}")
    return value


def check_cron(expr: Any) -> str:
    """A five-field crontab expression, checked by APScheduler's own parser."""
    from apscheduler.triggers.cron import CronTrigger

    if not isinstance(expr, str) or len(expr.split()) != 5:
        raise ValueError(f"{expr!r} is not a 5-field cron expression like '*/5 * * * *'")
    try:
        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise ValueError(f"{expr!r} is not a valid cron expression ({exc})") from None
    return expr


def resolve_config(definition: Mapping[str, Any], yaml_text: str, runtime: Mapping[str, Any] | None = None, *,
                   source: str = "config.yaml", require_inputs: bool = True) -> EffectiveConfig:
    """Validate a configuration's YAML and merge it with the definition and runtime parameters.

    Args:
        definition: The agent definition (the seed's AgentDefinition fields).
        yaml_text: The configuration's YAML.
        runtime: Input values given for this run (highest precedence).
        source: Name used in error locations.
        require_inputs: Whether missing required inputs are an error (a saved configuration may
            leave them to the run).

    Raises:
        ConfigInvalid: every problem found, each with its line and column.
    """
    problems: list[ConfigProblem] = []
    positions = key_positions(yaml_text)

    def problem(message: str, *path: str) -> None:
        line, col = locate(positions, tuple(path))
        problems.append(ConfigProblem(message, tuple(path), line, col))

    doc = load_yaml(yaml_text, source) if yaml_text.strip() else {}
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigInvalid([ConfigProblem("the configuration must be a mapping (inputs:, triggers:, ...)", (), 1, 1)],
                            source)
    for key in doc:
        if key not in TOP_KEYS:
            problem(f"unknown key (expected one of: {', '.join(TOP_KEYS)})", str(key))

    specs = {s["key_name"]: s for s in definition.get("inputs_schema_json_array") or []}
    inputs: dict[str, Any] = {k: s["default_value"] for k, s in specs.items() if "default_value" in s}
    yaml_inputs = doc.get("inputs") or {}
    if not isinstance(yaml_inputs, dict):
        problem("must be a mapping of input names to values", "inputs")
        yaml_inputs = {}
    for layer, values in (("inputs", yaml_inputs), ("runtime", dict(runtime or {}))):
        for key, value in values.items():
            spec = specs.get(str(key))
            if spec is None:
                known = ", ".join(specs) or "none"
                problem(f"is not an input of {definition.get('name')} (known: {known})", layer, str(key))
                continue
            try:
                inputs[str(key)] = coerce_input(spec, value)
            except ValueError as exc:
                problem(str(exc), layer, str(key))
    if require_inputs:
        for key, spec in specs.items():
            if spec.get("is_required") and inputs.get(key) is None:
                problem(f"required input {key!r} is missing ({spec.get('description_text', '')})".rstrip(" ()"),
                        "inputs")

    triggers = _resolve_triggers(definition, doc.get("triggers"), problem)

    timeout = doc.get("timeout_seconds", DEFAULT_TIMEOUT_S)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 1 <= timeout <= MAX_TIMEOUT_S:
        problem(f"must be a number of seconds between 1 and {MAX_TIMEOUT_S}", "timeout_seconds")
        timeout = DEFAULT_TIMEOUT_S
    llm = doc.get("llm") or {}
    if not isinstance(llm, dict):
        problem("must be a mapping", "llm")
        llm = {}
    if problems:
        raise ConfigInvalid(problems, source)
    return EffectiveConfig(inputs=inputs, triggers=triggers, timeout_seconds=int(timeout), llm=llm)


def _resolve_triggers(definition: Mapping[str, Any], raw: Any, problem: Any) -> list[dict[str, Any]]:
    defs = {t["trigger_key"]: t for t in definition.get("triggers_config_json_array") or []}
    resolved = {key: {"trigger_key": key, "type": t["type"], "enabled": True, **(t.get("default_config_json") or {})}
                for key, t in defs.items()}
    if raw is None:
        return list(resolved.values())
    if not isinstance(raw, list):
        problem("must be a list of trigger settings", "triggers")
        return list(resolved.values())
    for i, item in enumerate(raw):
        path = ("triggers", str(i))
        if not isinstance(item, dict):
            problem("must be a mapping with trigger_definition_key", *path)
            continue
        key = item.get("trigger_definition_key")
        if key not in defs:
            problem(f"trigger_definition_key {key!r} is not a trigger of {definition.get('name')} "
                    f"(known: {', '.join(defs) or 'none'})", *path, "trigger_definition_key")
            continue
        spec = defs[key]
        for field_name, value in item.items():
            if field_name == "trigger_definition_key":
                continue
            if field_name == "enabled":
                if not isinstance(value, bool):
                    problem("must be true or false", *path, "enabled")
                else:
                    resolved[key]["enabled"] = value
                continue
            if field_name not in TRIGGER_CONFIG_KEYS:
                problem(f"unknown trigger setting (expected enabled or one of: {', '.join(TRIGGER_CONFIG_KEYS)})",
                        *path, field_name)
                continue
            if not spec.get("is_user_overridable", False):
                problem(f"trigger {key!r} cannot be changed (only enabled may be set)", *path, field_name)
                continue
            if field_name == "cron_expression":
                try:
                    value = check_cron(value)
                except ValueError as exc:
                    problem(str(exc), *path, field_name)
                    continue
            if field_name == "event_filter_json" and not isinstance(value, dict):
                problem("must be a mapping of field conditions", *path, field_name)
                continue
            resolved[key][field_name] = value
    return list(resolved.values())


def resolve_template(template: str, values: Mapping[str, Any], *, where: str) -> str:
    """Fill ``{{name}}`` placeholders (memory namespaces, topic names); an unknown one is an error."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None or value == "":
            raise ValidationError(f"placeholder {{{{{name}}}}} has no value (give the input {name!r})", where=where)
        return str(value)

    return _PLACEHOLDER.sub(fill, template)
