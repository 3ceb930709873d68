"""A read-only page for a brand, creator, playbook or prompt opened from the sidebar."""

from __future__ import annotations

import html
import json
from typing import Any

from ionflux.ui.qt import QTextBrowser, QWidget
from ionflux.ui.theme import Theme
from ionflux.ui.workspace_vm import LibraryItem

_LABELS = {"description_text": "Description", "prompt_text": "Prompt", "variables_schema_json_array": "Variables",
           "steps_json_array": "Steps", "trigger_event_schema_json": "Trigger", "niche_tags_array": "Niches",
           "bio_text": "Bio", "brand_voice_guidelines_text": "Brand voice",
           "target_audience_description_text": "Audience"}


class RecordView(QTextBrowser):
    """Shows one library item's fields."""

    def __init__(self, item: LibraryItem, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setOpenExternalLinks(True)
        self.setHtml(record_html(item, theme))


def _value(value: Any) -> str:
    if isinstance(value, str):
        return html.escape(value).replace("\n", "<br>")
    return f"<pre>{html.escape(json.dumps(value, ensure_ascii=False, indent=2, default=str))}</pre>"


def record_html(item: LibraryItem, t: Theme) -> str:
    parts = [f"<div style='color:{t.muted}; font-size:11px; letter-spacing:1px'>{item.kind.upper()}</div>",
             f"<h1 style='margin-top:4px'>{html.escape(item.name)}</h1>",
             f"<p style='color:{t.muted}'>{html.escape(item.subtitle)}</p>"]
    for key, value in item.fields.items():
        if key in ("name", "status", "version"):
            continue
        label = _LABELS.get(key, key.replace("_json", "").replace("_array", "").replace("_", " ").capitalize())
        parts.append(f"<h4 style='margin-bottom:2px'>{html.escape(label)}</h4>{_value(value)}")
    return f"<div style='margin:18px'>{''.join(parts)}</div>"
