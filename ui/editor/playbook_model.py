"""View-model of a playbook's YAML editor: the same contract as the agent editor's, over core.playbooks.

A playbook is edited in its YAML form (``ionflux playbook show`` prints the same text); each edit
is checked by ``core.playbooks.parse_yaml`` as it is typed, kept as a device-local draft, and
applied only when valid. Its runs (path taken, conversion, errors) fill the run history.
"""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.core.enums import PlaybookActionType
from ionflux.core.errors import ValidationError
from ionflux.core.playbooks import CONDITION_OPERATORS, YAML_FIELDS, parse_yaml, to_yaml
from ionflux.ui.editor.completion import Suggestion, suggest_fields
from ionflux.ui.editor.model import Problem, RunRow, YamlEditorViewModel, where_of
from ionflux.ui.event_batch import EventBatch
from ionflux.ui.ops import OpRunner
from ionflux.ui.services import Services

#: What the side panel documents, in the shape of an agent definition (see ``definition_html``).
REFERENCE: dict[str, Any] = {
    "name": "Playbook", "version": "1",
    "prm_details_json": {
        "tagline": "When an event arrives, run steps: messages, CRM tags, agents, with delays and branches.",
        "core_capabilities_array": [a.value for a in PlaybookActionType]},
    "inputs_schema_json_array": [
        {"key_name": "name", "data_type": "string", "is_required": True,
         "description_text": "Unique in the workspace."},
        {"key_name": "status", "data_type": "string", "accepted_values_list": ["draft", "active", "paused", "archived"],
         "description_text": "Only active playbooks run."},
        {"key_name": "trigger_event_schema_json", "data_type": "json", "is_required": True,
         "description_text": "event_type (e.g. shopify.abandoned_cart.created), optional source_service and "
                             "filter_conditions_json such as {cart_value_gt: 100}."},
        {"key_name": "steps_json_array", "data_type": "json", "is_required": True,
         "description_text": "Steps: step_id, step_name, delay_seconds, action_type, action_config_json, "
                             "next_step_conditions_json_array (condition_on_output_key, operator, value, "
                             "next_step_id) and default_next_step_id. Operators: "
                             + ", ".join(CONDITION_OPERATORS) + "."},
    ],
    "outputs_config_json_array": [
        {"key_name": "performance_metrics_json", "data_type": "json",
         "description_text": "total_triggered, total_completed and conversion_rate, kept by the engine."}],
}
_VALUES = {"status": REFERENCE["inputs_schema_json_array"][1]["accepted_values_list"],
           "action_type": [a.value for a in PlaybookActionType], "operator": list(CONDITION_OPERATORS)}
_STEP_KEYS = ("step_id", "step_name", "delay_seconds", "action_type", "action_config_json",
              "next_step_conditions_json_array", "default_next_step_id")


class PlaybookEditorViewModel(YamlEditorViewModel):
    """A playbook's YAML form, checked by ``core.playbooks.parse_yaml``; its runs are the engine's runs."""

    kind = "playbook"
    can_run_by_hand = False
    record_events = "ionflux.playbook."

    def __init__(self, services: Services, ops: OpRunner, playbook_id: uuid.UUID) -> None:
        super().__init__(services, ops, playbook_id)
        self._shown: set[str] = set()

    def _fetch(self) -> tuple[str, dict[str, Any], str]:
        pb = self.services.playbooks.get(self.config_id)
        return pb.name, REFERENCE, to_yaml(pb)

    def _check(self, text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
        return check(text, source)

    def _apply(self, text: str, source: str) -> Any:
        return self.services.playbooks.save_yaml(self.config_id, text, source)

    def suggest(self, text: str, line_no: int, column: int) -> tuple[int, list[Suggestion]]:
        """Field names at the start of a line, accepted values after ``status:``, ``action_type:``, ``operator:``."""
        return suggest_fields(text, line_no, column, YAML_FIELDS, values=_VALUES, nested=_STEP_KEYS)

    def _runs(self) -> list[RunRow]:
        rows = [_row(r) for r in self.services.playbooks.runs(self.config_id, limit=50)]
        self._shown = {str(r.run_id) for r in rows}  # what _touched matches updates against
        return rows

    def _detail(self, run_id: uuid.UUID) -> dict[str, Any]:
        return _detail(self.services.playbooks.run(run_id))

    def _touched(self, events: EventBatch) -> bool:
        """A run of this playbook started (its id is in the event), or a run shown here changed."""
        mine, shown = str(self.config_id), self._shown
        for e in events.of("ionflux.playbook.run."):
            payload = e.payload_json or {}
            if (payload.get("data") or {}).get("playbook_id") == mine or payload.get("id") in shown:
                return True
        return False


def check(text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
    """``core.playbooks.parse_yaml``'s verdict: a located problem, or the checked playbook."""
    try:
        values = parse_yaml(text, source)
    except ValidationError as exc:
        line, column = where_of(exc.where)
        return [Problem(line, column, exc.message)], None
    return [], {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def _status(run: Any) -> str:
    return {"completed": "success", "failed": "error", "waiting": "pending"}.get(run.status.value, run.status.value)


def _row(run: Any) -> RunRow:
    path = " → ".join(h["step_id"] for h in run.history_json)
    preview = f"{'converted · ' if run.converted else ''}{path}"
    finished = run.status.value in ("completed", "failed")
    duration = (run.updated_at - run.created_at).total_seconds() if finished else None
    return RunRow(run.id, _status(run), run.trigger_event_type, run.created_at.isoformat(timespec="seconds"),
                  duration, preview, run.error_text or "")


def _detail(run: Any) -> dict[str, Any]:
    return {"run_id": str(run.id), "status": _status(run), "trigger": run.trigger_event_type,
            "start_time": run.created_at.isoformat(), "end_time": run.updated_at.isoformat(),
            "preview": f"{run.status.value}{' · converted' if run.converted else ''}; "
                       f"path: {' → '.join(h['step_id'] for h in run.history_json) or '(not started)'}",
            "error": {"error_message_text": run.error_text} if run.error_text else None,
            "inputs": run.context_json, "outputs": run.history_json, "kpis": None, "log": ""}
