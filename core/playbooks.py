"""Playbooks: the seed's event-triggered step graphs, validated before they are stored."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, ValidationError
from ionflux.core.models import Playbook, PlaybookActionType, PlaybookRun, PlaybookRunStatus, PlaybookStatus
from ionflux.core.workspaces import require_member
from ionflux.core.yamltext import load_form, relocated

CONDITION_OPERATORS = ("gt", "lt", "gte", "lte", "eq", "ne", "contains", "in")
MAX_STEPS = 200
MAX_DELAY_SECONDS = 90 * 24 * 3600


def validate_trigger(trigger: Any) -> dict[str, Any]:
    where = "trigger_event_schema_json"
    t = v.json_object(trigger, where, max_bytes=32_000)
    v.text(t.get("event_type"), f"{where}.event_type", max_len=200)
    v.text(t.get("source_service"), f"{where}.source_service", max_len=200, required=False)
    filters = t.get("filter_conditions_json")
    if filters is not None:
        v.json_object(filters, f"{where}.filter_conditions_json")
    return t


def validate_steps(steps: Any) -> list[dict[str, Any]]:
    """Check a playbook's steps as a graph.

    Every ``next_step_id`` and ``default_next_step_id`` must name a step, step ids are unique,
    and any cycle must contain a step with a delay: a cycle of immediate steps would spin
    forever.
    """
    where = "steps_json_array"
    if not isinstance(steps, list) or not steps:
        raise ValidationError("a playbook needs at least one step", where=where)
    if len(steps) > MAX_STEPS:
        raise ValidationError(f"has {len(steps)} steps; at most {MAX_STEPS} are allowed", where=where)
    ids: dict[str, int] = {}
    for i, step in enumerate(steps):
        sw = f"{where}[{i}]"
        if not isinstance(step, Mapping):
            raise ValidationError("must be an object", where=sw)
        sid = v.text(step.get("step_id"), f"{sw}.step_id", max_len=100)
        if sid in ids:
            raise ValidationError(f"step id {sid!r} is used twice", where=f"{sw}.step_id")
        ids[sid] = i  # type: ignore[index]
        v.text(step.get("step_name"), f"{sw}.step_name", max_len=200)
        v.integer(step.get("delay_seconds", 0), f"{sw}.delay_seconds", lo=0, hi=MAX_DELAY_SECONDS)
        v.enum_value(PlaybookActionType, step.get("action_type"), f"{sw}.action_type")
        v.json_object(step.get("action_config_json") or {}, f"{sw}.action_config_json")
        for j, cond in enumerate(step.get("next_step_conditions_json_array") or []):
            cw = f"{sw}.next_step_conditions_json_array[{j}]"
            if not isinstance(cond, Mapping):
                raise ValidationError("must be an object", where=cw)
            v.text(cond.get("condition_on_output_key"), f"{cw}.condition_on_output_key", max_len=200)
            if cond.get("operator") not in CONDITION_OPERATORS:
                raise ValidationError(f"operator {cond.get('operator')!r} is not one of "
                                      f"{', '.join(CONDITION_OPERATORS)}", where=f"{cw}.operator")
    edges: dict[str, list[str]] = {}
    for i, step in enumerate(steps):
        sw = f"{where}[{i}]"
        targets = []
        for j, cond in enumerate(step.get("next_step_conditions_json_array") or []):
            targets.append((cond.get("next_step_id"), f"{sw}.next_step_conditions_json_array[{j}].next_step_id"))
        if step.get("default_next_step_id") is not None:
            targets.append((step["default_next_step_id"], f"{sw}.default_next_step_id"))
        for target, tw in targets:
            if target not in ids:
                raise ValidationError(f"refers to unknown step {target!r}", where=tw)
        edges[step["step_id"]] = [t for t, _ in targets]
    _check_immediate_cycles(steps, edges)
    return [dict(s) for s in steps]


def _check_immediate_cycles(steps: list[dict[str, Any]], edges: dict[str, list[str]]) -> None:
    """Refuse a cycle in which every step runs without delay."""
    immediate = {s["step_id"] for s in steps if not s.get("delay_seconds")}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges.get(node, []):
            if nxt not in immediate:
                continue
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
                raise ValidationError(
                    f"steps {' → '.join(cycle)} form a loop with no delay; give one of them delay_seconds",
                    where="steps_json_array")
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for sid in immediate:
        if sid not in state:
            visit(sid, [sid])


#: The fields of a playbook's YAML form (what `ionflux playbook show` prints and the editor edits).
YAML_FIELDS = ("name", "description_text", "status", "trigger_event_schema_json", "steps_json_array")


def to_doc(pb: Playbook) -> dict[str, Any]:
    """A playbook's editable fields (its YAML form, as data)."""
    return {"name": pb.name, "description_text": pb.description_text, "status": pb.status.value,
            "trigger_event_schema_json": pb.trigger_event_schema_json, "steps_json_array": pb.steps_json_array}


def to_yaml(pb: Playbook) -> str:
    """A playbook in its editable YAML form."""
    import yaml

    return yaml.safe_dump(to_doc(pb), sort_keys=False, allow_unicode=True, width=110)


def _checked(name: Any, description: Any, status: Any, trigger: Any, steps: Any) -> dict[str, Any]:
    """The column values of a playbook, validated (``status`` None is left out)."""
    values = {"name": v.name(name),
              "description_text": v.text(description, "description_text", max_len=5000, required=False),
              "trigger_event_schema_json": validate_trigger(trigger),
              "steps_json_array": validate_steps(steps)}
    if status is not None:
        values["status"] = v.enum_value(PlaybookStatus, status, "status")
    return values


def parse_yaml(text: str, source: str = "playbook.yaml") -> dict[str, Any]:
    """Check a playbook's YAML form: every error names ``source:line:column`` and the field.

    Returns:
        The checked values, keyed like the model's columns (no ``status`` when the text has none).
    """
    doc = load_form(text, source, YAML_FIELDS, "a playbook")
    try:
        return _checked(doc.get("name"), doc.get("description_text"), doc.get("status"),
                        doc.get("trigger_event_schema_json"), doc.get("steps_json_array"))
    except ValidationError as exc:
        raise relocated(exc, text, source) from None


def _require_unique_name(session: Any, workspace_id: uuid.UUID, name: str, playbook_id: uuid.UUID | None) -> None:
    clash = session.scalar(select(Playbook.id).where(Playbook.workspace_id == workspace_id, Playbook.name == name,
                                                     Playbook.id != playbook_id))
    if clash is not None:
        raise ConflictError(f"the workspace already has a playbook named {name!r}", where="name")


class Playbooks:
    """Playbooks of a workspace."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, workspace_id: uuid.UUID, name: str, trigger: dict[str, Any], steps: list[dict[str, Any]], *,
               description: str | None = None, status: str | PlaybookStatus = PlaybookStatus.DRAFT) -> Playbook:
        values = _checked(name, description, status, trigger, steps)
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            _require_unique_name(uow.session, workspace_id, values["name"], None)
            pb = uow.add(Playbook(workspace_id=workspace_id, created_by_user_id=self.ctx.user_id,
                                  performance_metrics_json={"total_triggered": 0, "total_completed": 0,
                                                            "conversion_rate": None}, **values))
        return pb

    def update(self, playbook_id: uuid.UUID, *, name: str | None = None, trigger: dict[str, Any] | None = None,
               steps: list[dict[str, Any]] | None = None, status: str | None = None) -> Playbook:
        with self.ctx.write() as uow:
            pb = self._get(uow.session, playbook_id)
            if name is not None:
                pb.name = v.name(name)
                _require_unique_name(uow.session, pb.workspace_id, pb.name, pb.id)
            if trigger is not None:
                pb.trigger_event_schema_json = validate_trigger(trigger)
            if steps is not None:
                pb.steps_json_array = validate_steps(steps)
            if status is not None:
                pb.status = v.enum_value(PlaybookStatus, status, "status")
        return pb

    def save_yaml(self, playbook_id: uuid.UUID, text: str, source: str = "playbook.yaml") -> Playbook:
        """Apply a playbook's YAML form; an invalid text changes nothing."""
        values = parse_yaml(text, source)
        with self.ctx.write() as uow:
            pb = self._get(uow.session, playbook_id)
            _require_unique_name(uow.session, pb.workspace_id, values["name"], pb.id)
            for key, value in values.items():
                setattr(pb, key, value)
        return pb

    def find(self, workspace_id: uuid.UUID, name: str) -> Playbook:
        with self.ctx.store.read() as s:
            pb = s.scalar(select(Playbook).where(Playbook.workspace_id == workspace_id, Playbook.name == name))
        if pb is None:
            raise NotFoundError(f"no playbook named {name!r}", where="playbook")
        return pb

    def list(self, workspace_id: uuid.UUID) -> list[Playbook]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(Playbook).where(Playbook.workspace_id == workspace_id)
                                  .order_by(Playbook.name)))

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, playbook: Playbook, event_id: str, event_type: str, context: dict[str, Any],
                  ) -> PlaybookRun | None:
        """Record a new run for a triggering event (None if that event already started one: no double runs)."""
        with self.ctx.write() as uow:
            exists = uow.session.scalar(select(PlaybookRun.id).where(PlaybookRun.playbook_id == playbook.id,
                                                                     PlaybookRun.trigger_event_id == event_id))
            if exists:
                return None
            first = playbook.steps_json_array[0]["step_id"]
            run = uow.add(PlaybookRun(playbook_id=playbook.id, workspace_id=playbook.workspace_id,
                                      trigger_event_id=event_id, trigger_event_type=event_type,
                                      status=PlaybookRunStatus.RUNNING, current_step_id=first, context_json=context,
                                      history_json=[], converted=False))
            pb = uow.session.get(Playbook, playbook.id)
            metrics = dict(pb.performance_metrics_json or {})
            metrics["total_triggered"] = int(metrics.get("total_triggered") or 0) + 1
            pb.performance_metrics_json = metrics
        return run

    def save_run(self, run_id: uuid.UUID, *, status: PlaybookRunStatus, current_step_id: str | None,
                 history_entry: dict[str, Any] | None = None, context: dict[str, Any] | None = None,
                 resume_at: datetime | None = None, converted: bool | None = None,
                 error: str | None = None) -> PlaybookRun:
        """Advance a run (one step done, waiting, finished); completion updates the playbook's metrics."""
        with self.ctx.write() as uow:
            run = uow.session.get(PlaybookRun, run_id)
            if run is None:
                raise NotFoundError(f"no playbook run {run_id}", where="playbook run")
            was_final = run.status in (PlaybookRunStatus.COMPLETED, PlaybookRunStatus.FAILED)
            run.status, run.current_step_id, run.resume_at = status, current_step_id, resume_at
            if history_entry is not None:
                run.history_json = [*run.history_json, history_entry]
            if context is not None:
                run.context_json = context
            if converted is not None:
                run.converted = converted
            if error is not None:
                run.error_text = error
            if status == PlaybookRunStatus.COMPLETED and not was_final:
                pb = uow.session.get(Playbook, run.playbook_id)
                metrics = dict(pb.performance_metrics_json or {})
                done = int(metrics.get("total_completed") or 0) + 1
                converted_n = int(metrics.get("total_converted") or 0) + (1 if run.converted else 0)
                metrics.update(total_completed=done, total_converted=converted_n,
                               conversion_rate=round(converted_n / done, 4))
                pb.performance_metrics_json = metrics
        return run

    def runs(self, playbook_id: uuid.UUID, *, limit: int = 100) -> list[PlaybookRun]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(PlaybookRun).where(PlaybookRun.playbook_id == playbook_id)
                                  .order_by(PlaybookRun.created_at.desc()).limit(limit)))

    def run(self, run_id: uuid.UUID) -> PlaybookRun:
        with self.ctx.store.read() as s:
            run = s.get(PlaybookRun, run_id)
        if run is None:
            raise NotFoundError(f"no playbook run {run_id}", where="playbook run")
        return run

    def waiting_runs(self) -> list[PlaybookRun]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(PlaybookRun).where(PlaybookRun.status.in_(
                [PlaybookRunStatus.WAITING, PlaybookRunStatus.RUNNING]))))

    def get(self, playbook_id: uuid.UUID) -> Playbook:
        with self.ctx.store.read() as s:
            return self._get(s, playbook_id)

    def _get(self, session: Any, playbook_id: uuid.UUID) -> Playbook:
        pb = session.get(Playbook, playbook_id)
        if pb is None:
            raise NotFoundError(f"no playbook with id {playbook_id}", where="playbook")
        require_member(session, pb.workspace_id, self.ctx.user_id)
        return pb
