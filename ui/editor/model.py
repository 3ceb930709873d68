"""View-model of one agent configuration's editor: validation, drafts, save, runs and run details.

An edit is validated by the runtime's own resolver as it is typed; every edit is also kept as a
device-local draft, so an invalid (or unsaved) configuration survives a crash and is offered
again when the editor reopens.
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from psygnal import Signal

from ionflux.agents.config import ConfigInvalid, resolve_config
from ionflux.core.errors import IonfluxError
from ionflux.core.secrets import redact_yaml_secrets
from ionflux.ui.editor.completion import Suggestion, suggest
from ionflux.ui.event_batch import EventBatch
from ionflux.ui.ops import OpRunner
from ionflux.ui.services import Services

DRAFTS_KEY = "ui.drafts.yaml"
_tickets = itertools.count(1)


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class RunRow:
    run_id: uuid.UUID
    status: str
    trigger: str
    started: str
    duration_s: float | None
    preview: str
    error: str


class YamlEditorViewModel:
    """State behind one YAML editor: validation as it is typed, drafts, save, runs and run details.

    Subclasses say what is edited: :meth:`_fetch`, :meth:`_check`, :meth:`_apply`, :meth:`_runs`,
    :meth:`_detail`, :meth:`_touched` and :meth:`suggest`.

    Signals:
        loaded(str, dict, str, bool): the name, the reference shown beside the text (an agent definition),
            the text to edit, whether it is a restored draft.
        validated(list, object): the problems (list[Problem]) and the checked result (dict, None when invalid).
        saved(bool, str): whether the YAML was applied, and a message (an invalid save is kept as a draft).
        runs_changed(list[RunRow]): the recent runs, newest first.
        run_detail(dict): one run's record and log, for the detail view.
        changed_elsewhere(str): what is edited was changed by someone else (sync, an agent); its new text.
    """

    kind = ""
    #: Whether the editor offers Run and Dry run (a playbook runs on its trigger event only).
    can_run_by_hand = True
    #: Whether what is edited has runs to list (brands and creators do not).
    has_runs = True
    #: Event type prefix of the edited row's own changes, to follow edits made elsewhere (sync, /schedule).
    record_events = ""
    #: Whether Save writes only the fields the edit changed (else the whole text replaces what is stored).
    merges_on_save = False
    loaded = Signal(str, dict, str, bool)
    validated = Signal(list, object)
    saved = Signal(bool, str)
    runs_changed = Signal(list)
    run_detail = Signal(dict)
    changed_elsewhere = Signal(str)

    def __init__(self, services: Services, ops: OpRunner, config_id: uuid.UUID) -> None:
        self.services, self.ops, self.config_id = services, ops, config_id
        self.name = ""
        self.definition: dict[str, Any] = {}
        self.saved_text = ""
        self.problems: list[Problem] = []
        self._ticket = 0

    # -- what is edited (subclasses) --------------------------------------------------------------

    def _fetch(self) -> tuple[str, dict[str, Any], str]:
        """(name, reference, saved text); runs off the GUI thread."""
        raise NotImplementedError

    def _check(self, text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
        raise NotImplementedError

    def _apply(self, text: str, source: str) -> Any:
        """Store the text (raises IonfluxError when it is refused); runs on the writer thread."""
        raise NotImplementedError

    def _runs(self) -> list[RunRow]:
        raise NotImplementedError

    def _detail(self, run_id: uuid.UUID) -> dict[str, Any]:
        raise NotImplementedError

    def _touched(self, events: EventBatch) -> bool:
        """Whether committed events may have changed the runs shown."""
        raise NotImplementedError

    def _record_touched(self, events: EventBatch) -> bool:
        """Whether committed events changed what is edited (then its text is fetched again)."""
        mine = str(self.config_id)
        return bool(self.record_events) and any((e.payload_json or {}).get("id") == mine
                                                for e in events.of(self.record_events))

    def suggest(self, text: str, line_no: int, column: int) -> tuple[int, list[Suggestion]]:
        raise NotImplementedError

    # -- loading ----------------------------------------------------------------------------------

    def load(self) -> None:
        self.ops.run(self._load, label=f"opening the {self.kind}", on_success=self._loaded)

    def _load(self) -> tuple[str, dict[str, Any], str, str | None]:
        name, reference, text = self._fetch()
        draft = (self.services.store.get_local(DRAFTS_KEY, {}) or {}).get(str(self.config_id))
        return name, reference, text, draft

    def _loaded(self, data: tuple[str, dict[str, Any], str, str | None]) -> None:
        self.name, self.definition, self.saved_text, draft = data
        is_draft = draft is not None and draft != self.saved_text
        self.loaded.emit(self.name, self.definition, draft if is_draft else self.saved_text, is_draft)
        self.refresh_runs()

    # -- validation and drafts ----------------------------------------------------------------

    def validate(self, text: str) -> None:
        """Check ``text`` off the GUI thread; only the latest request's answer is shown."""
        self._ticket = ticket = next(_tickets)
        source = f"{self.name}.yaml"
        self.ops.run(lambda: self._check(text, source), label=f"checking the {self.kind}",
                     on_success=lambda result: self._validated(ticket, result))

    def _validated(self, ticket: int, result: tuple[list[Problem], dict[str, Any] | None]) -> None:
        if ticket == self._ticket:
            self.problems = result[0]
            self.validated.emit(*result)

    def keep_draft(self, text: str) -> None:
        """Remember unsaved text on this device (cleared once the YAML is saved); never a raw secret."""
        key, store = str(self.config_id), self.services.store
        if text != self.saved_text:
            text = redact_yaml_secrets(text)

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
        source = f"{self.name}.yaml"

        def applied(obj: Any) -> None:
            self.saved_text = text
            self.name = getattr(obj, "name", self.name)
            self.keep_draft(text)
            self.saved.emit(True, f"Saved {self.name}")
            if then is not None:
                then()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, ConfigInvalid):
                n = len(exc.problems)
                self.saved.emit(False, f"Kept as a draft: {n} problem{'s' if n != 1 else ''} to fix before it applies")
            elif isinstance(exc, IonfluxError):
                self.saved.emit(False, f"Kept as a draft: {exc.one_line()}")
            else:
                self.ops.error.emit(exc, f"saving the {self.kind}")

        self.ops.write(lambda: self._apply(text, source), label=f"save the {self.kind}", on_success=applied,
                       on_failure=refused)

    # -- runs ---------------------------------------------------------------------------------

    def refresh_runs(self) -> None:
        self.ops.run(self._runs, label="reading runs", on_success=self.runs_changed.emit)

    def open_run(self, run_id: uuid.UUID) -> None:
        self.ops.run(lambda: self._detail(run_id), label="reading the run", on_success=self.run_detail.emit)

    def on_events(self, events: EventBatch) -> None:
        if self._touched(events):
            self.refresh_runs()
        if self._record_touched(events):
            self.ops.run(self._fetch, label=f"reading the {self.kind}", on_success=self._fetched)

    def _fetched(self, data: tuple[str, dict[str, Any], str]) -> None:
        if data[2] != self.saved_text:
            self.changed_elsewhere.emit(data[2])

    def follow(self, text: str) -> None:
        """Take ``text`` (changed elsewhere) as the saved text: the editor had no edits of its own."""
        self.saved_text = text
        self.keep_draft(text)


class RecordEditorViewModel(YamlEditorViewModel):
    """A record with no runs (a brand, a creator, a prompt): no Run buttons, no run history."""

    can_run_by_hand = False
    has_runs = False

    def _runs(self) -> list[RunRow]:
        return []

    def _detail(self, run_id: uuid.UUID) -> dict[str, Any]:
        raise LookupError(f"a {self.kind} has no runs")

    def _touched(self, events: EventBatch) -> bool:
        return False


class EditorViewModel(YamlEditorViewModel):
    """An agent configuration's YAML, checked by the runtime's own resolver, applied through the runtime."""

    kind = "agent configuration"
    record_events = "ionflux.agent.configuration."

    def _fetch(self) -> tuple[str, dict[str, Any], str]:
        cfg = self.services.agent_configs.get(self.config_id)
        return cfg.name, self.services.registry.get(cfg.agent_definition_id).definition, cfg.yaml_config_text

    def _check(self, text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
        return check(self.definition, text, source)

    def _apply(self, text: str, source: str) -> Any:
        return self.services.runtime.save_yaml(self.config_id, text)

    def suggest(self, text: str, line_no: int, column: int) -> tuple[int, list[Suggestion]]:
        """Completion of input keys and accepted values, from the agent's definition."""
        return suggest(text, line_no, column, self.definition)

    def _runs(self) -> list[RunRow]:
        return [_row(r) for r in self.services.run_logs.list(self.config_id, limit=50)]

    def _detail(self, run_id: uuid.UUID) -> dict[str, Any]:
        run = self.services.run_logs.get(run_id)
        log_text = ""
        if run.logs_storage_ref_url:
            path = Path(urlparse(run.logs_storage_ref_url).path)
            if path.exists():
                log_text = path.read_text(encoding="utf-8", errors="replace")[-20_000:]
        return {"run_id": str(run.run_id), "status": run.status.value, "trigger": run.trigger_type.value,
                "start_time": run.start_time.isoformat(),
                "end_time": run.end_time.isoformat() if run.end_time else None,
                "inputs": run.input_params_resolved_json, "outputs": run.output_data_json,
                "preview": run.output_preview_text, "error": run.error_details_json, "kpis": run.kpi_results_json,
                "log": log_text}

    def _touched(self, events: EventBatch) -> bool:
        mine = str(self.config_id)
        runs = events.of("ionflux.agent.run.")
        return any((e.payload_json or {}).get("agent_configuration_id") == mine for e in runs)


def check(definition: dict[str, Any], text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
    """The runtime's verdict on ``text``: problems with lines, or the effective config."""
    try:
        effective = resolve_config(definition, text, None, source=source, require_inputs=False)
    except ConfigInvalid as exc:
        return [Problem(p.line or 1, p.column or 1, f"{'.'.join(p.path)}: {p.message}" if p.path else p.message)
                for p in exc.problems], None
    except IonfluxError as exc:  # YAML that does not parse: the location is in ``where``
        line, column = where_of(exc.where)
        return [Problem(line, column, exc.message)], None
    return [], effective.to_json()


def where_of(where: str | None) -> tuple[int, int]:
    parts = (where or "").rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    return 1, 1


def _row(run: Any) -> RunRow:
    duration = (run.end_time - run.start_time).total_seconds() if run.end_time else None
    error = (run.error_details_json or {}).get("error_message_text") or ""
    return RunRow(run.run_id, run.status.value, run.trigger_type.value, run.start_time.isoformat(timespec="seconds"),
                  duration, run.output_preview_text or "", error)


def pretty(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
