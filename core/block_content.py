"""What each of the seed's eight block types may hold, checked before anything is stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ionflux.core import validation as v
from ionflux.core.enums import BlockType
from ionflux.core.errors import ValidationError

MAX_CONTENT_BYTES = 256 * 1024
MAX_MARKDOWN_CHARS = 100_000
MAX_TABLE_CELLS = 20_000

_COMMON = {"title_text"}


def _text(c: dict[str, Any], w: str) -> None:
    v.text(c.get("markdown_text", ""), f"{w}.markdown_text", max_len=MAX_MARKDOWN_CHARS, required=False)
    c.setdefault("markdown_text", "")


def _snippet(c: dict[str, Any], w: str) -> None:
    c["agent_configuration_id"] = str(v.uuid_value(c.get("agent_configuration_id"), f"{w}.agent_configuration_id"))
    v.text(c.get("agent_last_run_output_key_ref"), f"{w}.agent_last_run_output_key_ref", max_len=200, required=False)


def _embed(c: dict[str, Any], w: str) -> None:
    v.url(c.get("embed_url"), f"{w}.embed_url")


def _video(c: dict[str, Any], w: str) -> None:
    v.url(c.get("video_url"), f"{w}.video_url")


def _image(c: dict[str, Any], w: str) -> None:
    if c.get("image_url"):
        v.url(c["image_url"], f"{w}.image_url", schemes=("http", "https", "file"))
    elif c.get("file_path"):
        v.text(c["file_path"], f"{w}.file_path", max_len=4096)
    else:
        raise ValidationError("an image block needs image_url or file_path", where=w)
    v.text(c.get("alt_text"), f"{w}.alt_text", max_len=1000, required=False)


def _table(c: dict[str, Any], w: str) -> None:
    data = c.get("json_data_to_display")
    where = f"{w}.json_data_to_display"
    if not isinstance(data, Mapping):
        raise ValidationError("a table needs {columns: [...], rows: [[...], ...]}", where=where)
    columns = data.get("columns")
    rows = data.get("rows", [])
    if not isinstance(columns, list) or not columns or not all(isinstance(col, str) for col in columns):
        raise ValidationError("must be a non-empty list of column names", where=f"{where}.columns")
    if not isinstance(rows, list):
        raise ValidationError("must be a list of rows", where=f"{where}.rows")
    if len(columns) * max(len(rows), 1) > MAX_TABLE_CELLS:
        raise ValidationError(f"a table holds at most {MAX_TABLE_CELLS:,} cells", where=where)
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(columns):
            raise ValidationError(f"must be a list of {len(columns)} cells", where=f"{where}.rows[{i}]")
        for j, cell in enumerate(row):
            if isinstance(cell, dict | list):
                raise ValidationError("a cell holds text, a number, true/false or null",
                                      where=f"{where}.rows[{i}][{j}]")


def _kanban(c: dict[str, Any], w: str) -> None:
    data = c.get("json_data_to_display")
    where = f"{w}.json_data_to_display"
    if not isinstance(data, Mapping) or not isinstance(data.get("columns"), list):
        raise ValidationError("a kanban board needs {columns: [{id, title, cards: [...]}]}", where=where)
    column_ids: set[str] = set()
    card_ids: set[str] = set()
    for i, col in enumerate(data["columns"]):
        cw = f"{where}.columns[{i}]"
        if not isinstance(col, Mapping):
            raise ValidationError("must be an object with id, title and cards", where=cw)
        cid = v.text(col.get("id"), f"{cw}.id", max_len=100)
        if cid in column_ids:
            raise ValidationError(f"column id {cid!r} is used twice", where=f"{cw}.id")
        column_ids.add(cid)  # type: ignore[arg-type]
        v.text(col.get("title"), f"{cw}.title", max_len=200)
        cards = col.get("cards", [])
        if not isinstance(cards, list):
            raise ValidationError("must be a list of cards", where=f"{cw}.cards")
        for j, card in enumerate(cards):
            kw = f"{cw}.cards[{j}]"
            if not isinstance(card, Mapping):
                raise ValidationError("must be an object with id and title", where=kw)
            kid = v.text(card.get("id"), f"{kw}.id", max_len=100)
            if kid in card_ids:
                raise ValidationError(f"card id {kid!r} is used twice", where=f"{kw}.id")
            card_ids.add(kid)  # type: ignore[arg-type]
            v.text(card.get("title"), f"{kw}.title", max_len=500)


def _json_display(c: dict[str, Any], w: str) -> None:
    if "json_data_to_display" not in c:
        raise ValidationError("a JSON block needs json_data_to_display", where=w)


_RULES: dict[BlockType, tuple[Callable[[dict[str, Any], str], None], set[str]]] = {
    BlockType.TEXT: (_text, {"markdown_text"}),
    BlockType.AGENT_SNIPPET: (_snippet, {"agent_configuration_id", "agent_last_run_output_key_ref"}),
    BlockType.EMBED_PANEL: (_embed, {"embed_url"}),
    BlockType.VIDEO: (_video, {"video_url"}),
    BlockType.IMAGE: (_image, {"image_url", "file_path", "alt_text"}),
    BlockType.TABLE_VIEW: (_table, {"json_data_to_display"}),
    BlockType.KANBAN_BOARD: (_kanban, {"json_data_to_display"}),
    BlockType.JSON_DISPLAY: (_json_display, {"json_data_to_display"}),
}


def validate_content(block_type: BlockType, content: Any) -> dict[str, Any]:
    """The block's content_json, checked for its type and size.

    Raises:
        ValidationError: naming the field (``content_json.embed_url``...) that is wrong.

    """
    where = "content_json"
    c = v.json_object(content if content is not None else {}, where, max_bytes=MAX_CONTENT_BYTES)
    check, allowed = _RULES[block_type]
    unknown = set(c) - allowed - _COMMON
    if unknown:
        raise ValidationError(f"{', '.join(sorted(unknown))} is not a field of a {block_type.value} block",
                              where=where)
    v.text(c.get("title_text"), f"{where}.title_text", max_len=500, required=False)
    check(c, where)
    return c
