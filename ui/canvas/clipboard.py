"""Copy and paste of blocks through the system clipboard, across pages (and IONFLUX windows)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ionflux.core.clock import new_id
from ionflux.ui.canvas.model import BlockState
from ionflux.ui.qt import QApplication, QMimeData

MIME = "application/x-ionflux-blocks"


def copy_blocks(states: list[BlockState]) -> None:
    """Put blocks on the clipboard: their snapshots for IONFLUX, their text for everything else."""
    mime = QMimeData()
    mime.setData(MIME, json.dumps([s.snapshot() for s in states]).encode())
    mime.setText("\n\n".join(_plain(s) for s in states))
    QApplication.clipboard().setMimeData(mime)


def _plain(state: BlockState) -> str:
    c = state.content
    body = c.get("markdown_text") or c.get("embed_url") or c.get("video_url") or c.get("image_url") or ""
    if not body and "json_data_to_display" in c:
        body = json.dumps(c["json_data_to_display"], ensure_ascii=False, indent=2)
    return f"{state.title}\n{body}".strip()


def clipboard_blocks() -> list[dict[str, Any]]:
    mime = QApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(MIME):
        return []
    try:
        data = json.loads(bytes(mime.data(MIME)).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def pasted(snapshots: list[dict[str, Any]], page_id: Any, top_z: int, offset: int = 24) -> list[BlockState]:
    """New blocks from snapshots: fresh ids, on ``page_id``, shifted when pasted onto their own page."""
    out = []
    for i, snap in enumerate(snapshots):
        same_page = snap.get("page_id") == str(page_id)
        shift = offset if same_page else 0
        state = BlockState(new_id(), page_id, str(snap["type"]), dict(snap.get("content_json") or {}),
                           int(snap["position_x"]) + shift, int(snap["position_y"]) + shift, int(snap["width"]),
                           int(snap["height"]), top_z + 1 + i)
        out.append(state)
    return out


def duplicated(states: list[BlockState], top_z: int, offset: int = 24) -> list[BlockState]:
    return [replace(s, id=new_id(), x=s.x + offset, y=s.y + offset, z=top_z + 1 + i) for i, s in enumerate(states)]
