"""View-model of a playbook's YAML editor: the same contract as the agent editor's, over core.playbooks.

A playbook is edited in its YAML form (``ionflux playbook show`` prints the same text); each edit
is checked by ``core.playbooks.parse_yaml`` as it is typed, kept as a device-local draft, and
applied only when valid. Its runs (path taken, conversion, errors) fill the run history.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from psygnal import Signal

from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.core.models import PlatformEvent, PlaybookActionType
from ionflux.core.playbooks import CONDITION_OPERATORS, YAML_FIELDS, parse_yaml, to_yaml
from ionflux.ui.editor.completion import Suggestion
from ionflux.ui.editor.model import DRAFTS_KEY, Problem, RunRow, where_of
from ionflux.ui.ops import OpRunner
from ionflux.ui.services import Services

_tickets = itertools.count(1)

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


class PlaybookEditorViewModel:
    """State behind one playbook's YAML editor (signals as ``EditorViewModel``'s)."""

    kind = "playbook"
    loaded = Signal(str, dict, str, bool)
    validated = Signal(list, object)
    saved = Signal(bool, str)
    runs_changed = Signal(list)
    run_detail = Signal(dict)

    def __init__(self, services: Services, ops: OpRunner, playbook_id: uuid.UUID) -> None:
        self.services, self.ops, self.config_id = services, ops, playbook_id
        self.name = ""
        self.definition = REFERENCE
        self.saved_text = ""
        self.problems: list[Problem] = []
        self._ticket = 0

    def load(self) -> None:
        self.ops.run(self._load, label="opening the playbook", on_success=self._loaded)

    def _load(self) -> tuple[str, str, str | None]:
        pb = self.services.playbooks.get(self.config_id)
        draft = (self.services.store.get_local(DRAFTS_KEY, {}) or {}).get(str(self.config_id))
        return pb.name, to_yaml(pb), draft

    def _loaded(self, data: tuple[str, str, str | None]) -> None:
        self.name, self.saved_text, draft = data
        is_draft = draft is not None and draft != self.saved_text
        self.loaded.emit(self.name, self.definition, draft if is_draft else self.saved_text, is_draft)
        self.refresh_runs()

    def suggest(self, text: str, line_no: int, column: int) -> tuple[int, list[Suggestion]]:
        """Field names at the start of a line, accepted values after ``status:``, ``action_type:``, ``operator:``."""
        line = text.split("\n")[line_no][:column] if line_no < len(text.split("\n")) else ""
        stripped = line.lstrip(" -")
        if ":" in stripped:
            key, _, typed = stripped.partition(":")
            values = _VALUES.get(key.strip(), [])
            word = typed.strip()
            return column - len(word), [Suggestion(str(v), key.strip()) for v in values if str(v).startswith(word)]
        keys = YAML_FIELDS if line == stripped else _STEP_KEYS
        return column - len(stripped), [Suggestion(f"{k}: ", "field") for k in keys if k.startswith(stripped)]

    # -- validation and drafts ----------------------------------------------------------------

    def validate(self, text: str) -> None:
        self._ticket = ticket = next(_tickets)
        source = f"{self.name}.yaml"
        self.ops.run(lambda: check(text, source), label="checking the playbook",
                     on_success=lambda result: self._validated(ticket, result))

    def _validated(self, ticket: int, result: tuple[list[Problem], dict[str, Any] | None]) -> None:
        if ticket == self._ticket:
            self.problems = result[0]
            self.validated.emit(*result)

    def keep_draft(self, text: str) -> None:
        key, store = str(self.config_id), self.services.store

        def write() -> None:
            drafts = dict(store.get_local(DRAFTS_KEY, {}) or {})
            if text == self.saved_text:
                drafts.pop(key, None)
            else:
                drafts[key] = text
            store.set_local(DRAFTS_KEY, drafts)

        self.ops.write(write, label="keep the draft")

    def save(self, text: str, then: Any = None) -> None:
        """Apply the YAML; an invalid one is kept as a draft, never lost."""
        self.keep_draft(text)

        def applied(pb: Any) -> None:
            self.saved_text = text
            self.name = pb.name
            self.keep_draft(text)
            self.saved.emit(True, f"Saved {pb.name}")
            if then is not None:
                then()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, IonfluxError):
                self.saved.emit(False, f"Kept as a draft: {exc.one_line()}")
            else:
                self.ops.error.emit(exc, "saving the playbook")

        self.ops.write(lambda: self.services.playbooks.save_yaml(self.config_id, text, f"{self.name}.yaml"),
                       label="save the playbook", on_success=applied, on_failure=refused)

    # -- runs ---------------------------------------------------------------------------------

    def refresh_runs(self) -> None:
        self.ops.run(lambda: [_row(r) for r in self.services.playbooks.runs(self.config_id, limit=50)],
                     label="reading playbook runs", on_success=self.runs_changed.emit)

    def open_run(self, run_id: uuid.UUID) -> None:
        self.ops.run(lambda: _detail(self.services.playbooks.run(run_id)), label="reading the run",
                     on_success=self.run_detail.emit)

    def on_events(self, events: list[PlatformEvent]) -> None:
        """Re-read the runs once per batch that touched any playbook run (an update names only the run)."""
        if any(e.event_type.startswith("ionflux.playbook.run.") for e in events):
            self.refresh_runs()


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
