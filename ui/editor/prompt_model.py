"""View-model of a prompt's YAML editor: the agent editor's contract, over core.prompts.

A prompt from the library is edited in its YAML form (its text as a block, its variables as a
list), checked as it is typed by ``Prompts.parse_yaml`` (an undeclared ``{{placeholder}}`` is
marked at the text), kept as a draft when invalid, and saved as a new version of the prompt.
"""

from __future__ import annotations

from typing import Any

from ionflux.core.errors import IonfluxError
from ionflux.core.prompts import PROMPT_YAML_FIELDS, VARIABLE_TYPES
from ionflux.ui.editor.completion import Suggestion, suggest_fields
from ionflux.ui.editor.model import Problem, RecordEditorViewModel, where_of

_VARIABLE_KEYS = ("name", "type", "description_text", "is_required", "default_value")

REFERENCE: dict[str, Any] = {
    "name": "Prompt", "version": "1",
    "prm_details_json": {"tagline": "A reusable prompt with {{variables}}. Each save keeps the text before it as "
                                    "a numbered version."},
    "inputs_title": "Fields",
    "inputs_schema_json_array": [
        {"key_name": "name", "data_type": "string", "is_required": True, "description_text": "How agents and "
         "people find it in the library."},
        {"key_name": "prompt_text", "data_type": "text", "is_required": True,
         "description_text": "The prompt; {{name}} marks where a variable goes. Write it as a block (prompt_text: |) "
                             "to keep your line breaks."},
        {"key_name": "variables_schema_json_array", "data_type": "list",
         "description_text": "One entry per {{variable}}: name, type (" + ", ".join(VARIABLE_TYPES) + "), "
                             "description_text, is_required, default_value. Every placeholder must be declared."},
        {"key_name": "tags_array", "data_type": "list", "description_text": "Words to find it by."},
    ],
}


class PromptEditorViewModel(RecordEditorViewModel):
    """A prompt's YAML form, checked and saved (as a new version) by ``core.prompts``."""

    kind = "prompt"
    record_events = "ionflux.prompt."

    def _fetch(self) -> tuple[str, dict[str, Any], str]:
        prompt = self.services.prompts.get(self.config_id)
        return prompt.name, REFERENCE, self.services.prompts.to_yaml(prompt)

    def _check(self, text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
        try:
            return [], self.services.prompts.parse_yaml(text, source)
        except IonfluxError as exc:
            line, column = where_of(exc.where)
            return [Problem(line, column, exc.message)], None

    def _apply(self, text: str, source: str) -> Any:
        return self.services.prompts.save_yaml(self.config_id, text, source)

    def suggest(self, text: str, line_no: int, column: int) -> tuple[int, list[Suggestion]]:
        """Field names at the start of a line, a variable's keys in the list, its types after ``type:``."""
        return suggest_fields(text, line_no, column, PROMPT_YAML_FIELDS, values={"type": VARIABLE_TYPES},
                              nested=_VARIABLE_KEYS, nested_in="variables_schema_json_array")
