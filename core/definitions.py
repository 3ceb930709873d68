"""Agent definitions: read from resources/agents/*.yaml, checked, and mirrored into the store.

The YAML files are the source of truth; the ``agent_definitions`` table is their copy in the
store so configurations can reference them and exports stay self-describing.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import Any

import yaml

from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.models import AgentDefinition, DefinitionStatus

TRIGGER_TYPES = ("schedule", "webhook", "event_stream", "event", "manual")
INPUT_TYPES = ("json", "string", "number", "boolean", "url")
OUTPUT_TYPES = ("json", "string", "markdown", "url", "event", "float", "number", "boolean")
_FIELDS = {c.key for c in AgentDefinition.__table__.columns} - {"created_at", "updated_at"}


#: libyaml's safe loader when PyYAML was built with it: our own files, parsed in C, 10x faster.
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_definition_files() -> list[tuple[str, dict[str, Any]]]:
    """(file name, parsed YAML) for every definition shipped under resources/agents."""
    folder = resources.files("ionflux.resources").joinpath("agents")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            out.append((entry.name, yaml.load(entry.read_text(encoding="utf-8"), Loader=_FAST_SAFE_LOADER)))
    return out


def check_definition(data: Any, source: str) -> dict[str, Any]:
    """Check the shape of one definition (the seed's AgentDefinition schema); return it."""
    if not isinstance(data, dict):
        raise ValidationError("an agent definition must be a mapping", where=source)
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}", where=source)
    for key in ("id", "name", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValidationError("is required (text)", where=f"{source}: {key}")
    try:
        DefinitionStatus(data.get("definition_status", "prm_active"))
    except ValueError:
        raise ValidationError(f"unknown status {data.get('definition_status')!r}",
                              where=f"{source}: definition_status") from None
    trigger_keys: set[str] = set()
    for i, trig in enumerate(data.get("triggers_config_json_array") or []):
        where = f"{source}: triggers_config_json_array[{i}]"
        if trig.get("type") not in TRIGGER_TYPES:
            raise ValidationError(f"type {trig.get('type')!r} is not one of {', '.join(TRIGGER_TYPES)}", where=where)
        key = trig.get("trigger_key")
        if not isinstance(key, str) or not key or key in trigger_keys:
            raise ValidationError("needs a unique trigger_key", where=where)
        trigger_keys.add(key)
    keys: set[str] = set()
    for i, inp in enumerate(data.get("inputs_schema_json_array") or []):
        where = f"{source}: inputs_schema_json_array[{i}]"
        if not isinstance(inp.get("key_name"), str) or inp["key_name"] in keys:
            raise ValidationError("needs a unique key_name", where=where)
        keys.add(inp["key_name"])
        if inp.get("data_type") not in INPUT_TYPES:
            raise ValidationError(f"data_type {inp.get('data_type')!r} is not one of {', '.join(INPUT_TYPES)}",
                                  where=where)
    for i, out in enumerate(data.get("outputs_config_json_array") or []):
        if out.get("data_type") not in OUTPUT_TYPES:
            raise ValidationError(f"data_type {out.get('data_type')!r} is not one of {', '.join(OUTPUT_TYPES)}",
                                  where=f"{source}: outputs_config_json_array[{i}]")
    return data


def shipped_definitions() -> list[dict[str, Any]]:
    """Every shipped definition, checked; duplicate ids are an error."""
    seen: dict[str, str] = {}
    out = []
    for name, data in load_definition_files():
        d = check_definition(data, f"resources/agents/{name}")
        if d["id"] in seen:
            raise ValidationError(f"id {d['id']!r} is also defined in {seen[d['id']]}", where=name)
        seen[d["id"]] = name
        out.append(d)
    return out


def sync_definitions(ctx: Context, definitions: Iterable[dict[str, Any]] | None = None) -> int:
    """Insert or update the store's copy of each definition. Returns how many changed."""
    defs = list(definitions if definitions is not None else shipped_definitions())
    changed = 0
    with ctx.write() as uow:
        for d in defs:
            row = uow.session.get(AgentDefinition, d["id"])
            if row is None:
                uow.add(AgentDefinition(**d))
                changed += 1
                continue
            dirty = False
            for key, value in d.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
                    dirty = True
            changed += dirty
    return changed
