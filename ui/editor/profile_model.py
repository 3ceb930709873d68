"""View-model of a brand's or creator's YAML editor: the agent editor's contract, over core.profiles.

The record page shows a brand as a person reads it; editing happens here, in the same YAML form
as agent configurations and playbooks: checked as it is typed (``Brands.parse_yaml``, errors at
their line), kept as a device-local draft, applied only when valid. Brands and creators have no
runs, so the editor shows no Run buttons and no run history.
"""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.core.errors import IonfluxError
from ionflux.core.models import ProfileStatus
from ionflux.core.profiles import Brands, Creators
from ionflux.ui.editor.completion import Suggestion, suggest_fields
from ionflux.ui.editor.model import Problem, RecordEditorViewModel, where_of
from ionflux.ui.ops import OpRunner
from ionflux.ui.services import Services

_STATUS = [s.value for s in ProfileStatus]
_NAMESPACE = ("persona_guardian_namespace_id", "string",
              "Where Persona Guardian keeps this voice's memory (set by the agent; leave as it is).")

#: What each field holds, for the side panel (in the shape of an agent definition's inputs).
_DOCS: dict[str, list[tuple[str, str, str]]] = {
    "brand": [
        ("name", "string", "Unique among the workspace's brands; agents find the brand by it."),
        ("industry", "string", "One line, e.g. Sustainable fashion."),
        ("description_text", "text", "What the brand is, in a sentence or two."),
        ("target_audience_description_text", "text", "Who buys: Email Wizard and the copy agents write for them."),
        ("brand_voice_guidelines_text", "text", "How the brand sounds; Persona Guardian checks copy against it."),
        ("visual_identity_assets_json", "json", "logo_url, color_palette_array (hex colours like #1F3A5F), "
                                                "font_preferences_array."),
        ("mood_board_urls_array", "list", "Links (http or https)."),
        ("shopify_integration_details_json", "json", "store_url and access_token_secret_ref: the name of a secret "
                                                     "stored with `ionflux secret set`, never the token itself."),
        ("tiktok_integration_details_json", "json", "profile_url and *_secret_ref references."),
        _NAMESPACE,
    ],
    "creator": [
        ("name", "string", "Unique among the workspace's creators; agents find the creator by it."),
        ("bio_text", "text", "Who they are and what they make."),
        ("niche_tags_array", "list", "e.g. [sustainable fashion, thrift]."),
        ("portfolio_links_array", "list", "Links (http or https)."),
        ("audience_demographics_json", "json", "Shares by age, region... e.g. {age_18_24: 0.41}."),
        ("tiktok_integration_details_json", "json", "profile_url and *_secret_ref references."),
        _NAMESPACE,
    ],
}


def reference(kind: str) -> dict[str, Any]:
    """The side panel's page for a kind, in the shape ``definition_html`` reads (fields, no outputs)."""
    fields = [{"key_name": k, "data_type": t, "description_text": d, "is_required": k == "name"}
              for k, t, d in _DOCS[kind]]
    fields.append({"key_name": "status", "data_type": "string", "accepted_values_list": _STATUS,
                   "description_text": "Archived ones leave the sidebar and the agents' reach."})
    return {"name": kind.capitalize(), "version": "1",
            "prm_details_json": {"tagline": f"A {kind} of this workspace, as YAML. A field left out is cleared."},
            "inputs_title": "Fields", "inputs_schema_json_array": fields}


class ProfileEditorViewModel(RecordEditorViewModel):
    """A brand's or creator's YAML form, checked and applied by ``core.profiles``."""

    merges_on_save = True

    def __init__(self, services: Services, ops: OpRunner, kind: str, profile_id: uuid.UUID) -> None:
        super().__init__(services, ops, profile_id)
        self.kind = kind
        self.record_events = f"ionflux.{kind}."
        self.reference = reference(kind)
        self._base: str | None = None

    @property
    def profiles(self) -> Brands | Creators:
        return self.services.brands if self.kind == "brand" else self.services.creators

    def _fetch(self) -> tuple[str, dict[str, Any], str]:
        obj = self.profiles.get(self.config_id)
        return obj.name, self.reference, self.profiles.to_yaml(obj)

    def _check(self, text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None]:
        try:
            values = self.profiles.parse_yaml(text, source)
        except IonfluxError as exc:
            line, column = where_of(exc.where)
            return [Problem(line, column, exc.message)], None
        return [], {k: (v.value if isinstance(v, ProfileStatus) else v) for k, v in values.items()}

    def save(self, text: str, then: Any = None) -> None:
        self._base = self.saved_text  # what the edit started from: the fields it did not touch stay as they are now
        super().save(text, then)

    def _apply(self, text: str, source: str) -> Any:
        return self.profiles.save_yaml(self.config_id, text, source, base=self._base)


    def suggest(self, text: str, line_no: int, column: int) -> tuple[int, list[Suggestion]]:
        """Field names at the start of a line; the accepted values after ``status:``."""
        return suggest_fields(text, line_no, column, self.profiles.yaml_fields, values={"status": _STATUS})
