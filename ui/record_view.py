"""The page of a brand, creator or prompt opened from the sidebar, with Edit (Ctrl+E).

Fields are shown as a person would write them down, not as stored: colours as swatches, links
as links, lists inline, nested settings as small tables; raw JSON only for what has no simpler
shape (a playbook's steps).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from ionflux.ui.qt import QDesktopServices, QFrame, QKeySequence, QShortcut, Qt, QTextBrowser, QUrl, QWidget, Signal
from ionflux.ui.theme import Theme
from ionflux.ui.workspace_vm import LibraryItem

_LABELS = {"description_text": "Description", "prompt_text": "Prompt", "variables_schema_json_array": "Variables",
           "steps_json_array": "Steps", "trigger_event_schema_json": "Trigger", "niche_tags_array": "Niches",
           "bio_text": "Bio", "brand_voice_guidelines_text": "Brand voice",
           "target_audience_description_text": "Audience", "visual_identity_assets_json": "Visual identity",
           "color_palette_array": "Colours", "font_preferences_array": "Fonts",
           "shopify_integration_details_json": "Shopify", "tiktok_integration_details_json": "TikTok",
           "portfolio_links_array": "Portfolio", "audience_demographics_json": "Audience demographics",
           "mood_board_urls_array": "Mood board", "persona_guardian_namespace_id": "Persona Guardian memory"}
#: Words first, then settings: what a reader looks for before what a machine needs.
_ORDER = ("description_text", "industry", "bio_text", "niche_tags_array", "target_audience_description_text",
          "brand_voice_guidelines_text", "prompt_text", "visual_identity_assets_json", "portfolio_links_array",
          "audience_demographics_json", "mood_board_urls_array")
_HIDDEN = ("name", "status", "version")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_WORDS = {"url": "URL", "id": "ID", "ref": "reference", "gt": ">", "lt": "<"}
#: Kinds whose page offers Edit (their YAML form); playbooks open straight into theirs.
EDITABLE = ("brand", "creator", "prompt")
EDIT_URL = "ionflux:edit"


class RecordView(QTextBrowser):
    """Shows one library item's fields.

    Signals:
        edit_requested(LibraryItem): the user asked to edit it (the Edit link, or Ctrl+E).
    """

    edit_requested = Signal(object)

    def __init__(self, item: LibraryItem, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item, self.theme = item, theme
        self.setObjectName("RecordView")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setOpenLinks(False)  # the Edit link is ours; the rest open in the browser
        self.anchorClicked.connect(self._clicked)
        if item.kind in EDITABLE:
            edit = QShortcut(QKeySequence("Ctrl+E"), self)
            edit.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            edit.activated.connect(lambda: self.edit_requested.emit(self.item))
        self.setHtml(record_html(item, theme))

    def set_item(self, item: LibraryItem) -> None:
        """Show the item as it is now (it was edited or synced), keeping the scroll position."""
        if item == self.item and item.fields == self.item.fields:
            return
        self.item = item
        scroll = self.verticalScrollBar().value()
        self.setHtml(record_html(item, self.theme))
        self.verticalScrollBar().setValue(scroll)

    def _clicked(self, url: QUrl) -> None:
        if url.toString() == EDIT_URL:
            self.edit_requested.emit(self.item)
        else:
            QDesktopServices.openUrl(url)


def label(key: str) -> str:
    """``store_url`` -> ``Store URL``; ``target_audience_description_text`` -> its label above."""
    if key in _LABELS:
        return _LABELS[key]
    for suffix in ("_json", "_array", "_text"):
        key = key.removesuffix(suffix)
    words = [_WORDS.get(w, w) for w in key.split("_") if w]
    text = re.sub(r"(\d) (?=\d)", "\\1–", " ".join(words))  # age_18_24 -> Age 18–24
    return text[:1].upper() + text[1:] if text else key


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def value_html(value: Any, t: Theme) -> str:
    """One field's value as rich text (Qt's HTML subset)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if value.startswith(("https://", "http://")):
            return f"<a href='{html.escape(value, quote=True)}' style='color:{t.accent}'>{html.escape(value)}</a>"
        if _HEX.fullmatch(value):
            return (f"<span style='background-color:{value}; color:{value}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"
                    f"&nbsp;<span style='color:{t.muted}'>{value.upper()}</span>")
        return html.escape(value).replace("\n", "<br>")
    if isinstance(value, int | float):
        return html.escape(f"{value:g}" if isinstance(value, float) else str(value))
    if isinstance(value, list) and all(_scalar(v) for v in value):
        joiner = "&nbsp;&nbsp;&nbsp;" if any(isinstance(v, str) and _HEX.fullmatch(v) for v in value) else ", "
        return joiner.join(value_html(v, t) for v in value)
    if isinstance(value, list) and value and all(isinstance(r, dict) and all(_scalar(v) for v in r.values())
                                                 for r in value):
        return _grid(value, t)
    if isinstance(value, dict) and value:
        rows = "".join(f"<tr><td style='color:{t.muted}; padding:2px 18px 2px 0'>{html.escape(label(k))}</td>"
                       f"<td style='padding:2px 0'>{value_html(v, t)}</td></tr>" for k, v in value.items())
        return f"<table cellspacing='0' cellpadding='0'>{rows}</table>"
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return f"<pre style='color:{t.text}'>{html.escape(text)}</pre>"


def _grid(rows: list[dict[str, Any]], t: Theme) -> str:
    """Records of one shape (a prompt's variables) as a table with a header row."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cell = "padding:3px 18px 3px 0"
    head = "".join(f"<td style='color:{t.muted}; {cell}'>{html.escape(label(k))}</td>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td style='{cell}'>{value_html(r.get(k), t) if k in r else ''}</td>"
                                    for k in keys) + "</tr>" for r in rows)
    return f"<table cellspacing='0' cellpadding='0'><tr>{head}</tr>{body}</table>"


def record_html(item: LibraryItem, t: Theme) -> str:
    keys = sorted((k for k in item.fields if k not in _HIDDEN),
                  key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
    edit = (f"&nbsp;&nbsp;·&nbsp;&nbsp;<a href='{EDIT_URL}' style='color:{t.accent}; text-decoration:none'>"
            f"EDIT</a> <span style='color:{t.faint}'>CTRL+E</span>" if item.kind in EDITABLE else "")
    parts = [f"<p style='color:{t.muted}; font-size:11px; letter-spacing:1px; margin:0'>{item.kind.upper()}{edit}</p>",
             f"<h1 style='margin:4px 0 2px 0'>{html.escape(item.name)}</h1>",
             f"<p style='color:{t.muted}; margin:0 0 14px 0'>{html.escape(item.subtitle)}</p>"]
    for key in keys:
        parts.append(f"<p style='color:{t.faint}; font-size:11px; font-weight:600; letter-spacing:1px; "
                     f"margin:16px 0 4px 0'>{html.escape(label(key).upper())}</p>"
                     f"<div>{value_html(item.fields[key], t)}</div>")
    return f"<div style='margin:22px 28px'>{''.join(parts)}</div>"
