"""JSON blocks: data as a collapsible tree (click a ▸ to open it); double-click edits the JSON text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ionflux.ui.canvas.blocks import BlockContent
from ionflux.ui.canvas.inline import InlineText
from ionflux.ui.qt import QColor, QPainter, QPointF, QRectF, Qt
from ionflux.ui.theme import mono_font

ROW = 20
INDENT = 16


@dataclass(frozen=True)
class Row:
    depth: int
    key: str
    value: Any
    path: tuple[str, ...]

    @property
    def container(self) -> bool:
        return isinstance(self.value, dict | list) and bool(self.value)


def summary(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{…}} {len(value)} key{'s' if len(value) != 1 else ''}" if value else "{}"
    if isinstance(value, list):
        return f"[…] {len(value)} item{'s' if len(value) != 1 else ''}" if value else "[]"
    return json.dumps(value, ensure_ascii=False)


def visible_rows(data: Any, expanded: set[tuple[str, ...]]) -> list[Row]:
    """The tree's rows with collapsed branches left out, depth first."""
    out: list[Row] = []

    def walk(value: Any, depth: int, path: tuple[str, ...]) -> None:
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            row = Row(depth, str(key), child, (*path, str(key)))
            out.append(row)
            if row.container and row.path in expanded:
                walk(child, depth + 1, row.path)

    if isinstance(data, dict | list):
        walk(data, 0, ())
    else:
        out.append(Row(0, "value", data, ("value",)))
    return out


class JsonContent(BlockContent):
    label = "json"

    def __init__(self, item) -> None:  # type: ignore[no-untyped-def]
        super().__init__(item)
        data = self.data
        self.expanded: set[tuple[str, ...]] = set()
        if isinstance(data, dict | list):  # the first level starts open
            for row in visible_rows(data, set()):
                if row.container:
                    self.expanded.add(row.path)
        self._rows: list[Row] | None = None

    @property
    def data(self) -> Any:
        return self.content.get("json_data_to_display")

    def reset(self) -> None:
        self._rows = None

    def rows(self) -> list[Row]:
        if self._rows is None:
            self._rows = visible_rows(self.data, self.expanded)
        return self._rows

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        font = mono_font(9.5)
        p.setFont(font)
        y = rect.top()
        colours = {str: t.success, bool: t.warning, int: t.info, float: t.info, type(None): t.faint}
        for row in self.rows():
            if y > rect.bottom():
                break
            x = rect.left() + row.depth * INDENT
            if row.container:
                p.setPen(QColor(t.muted))
                p.drawText(QRectF(x, y, 14, ROW), Qt.AlignmentFlag.AlignVCenter,
                           "▾" if row.path in self.expanded else "▸")
            p.setPen(QColor(t.accent))
            key = f"{row.key}: "
            p.drawText(QRectF(x + 14, y, rect.width(), ROW), Qt.AlignmentFlag.AlignVCenter, key)
            kx = x + 14 + p.fontMetrics().horizontalAdvance(key)
            p.setPen(QColor(colours.get(type(row.value), t.muted)))
            text = summary(row.value)
            p.drawText(QRectF(kx, y, rect.right() - kx, ROW), Qt.AlignmentFlag.AlignVCenter,
                       p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(max(10, rect.right() - kx))))
            y += ROW

    def _row_at(self, pos: QPointF) -> Row | None:
        index = int(pos.y() // ROW)
        rows = self.rows()
        return rows[index] if 0 <= index < len(rows) else None

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        row = self._row_at(pos)
        return Qt.CursorShape.PointingHandCursor if row is not None and row.container else None

    def press(self, pos: QPointF, event: Any) -> bool:
        row = self._row_at(pos)
        if row is None or not row.container:
            return False
        self.toggle(row.path)
        return True

    def toggle(self, path: tuple[str, ...]) -> None:
        """Open or close one branch (view state only; the data does not change)."""
        self.expanded ^= {path}
        self._rows = None
        self.item.update()

    def double_click(self, pos: QPointF | None) -> bool:
        self.open_editor(json.dumps(self.data, ensure_ascii=False, indent=2))
        return True

    def open_editor(self, text: str) -> None:
        editor = InlineText(text)
        editor.setFont(mono_font(9.5))
        editor.committed.connect(self._commit)
        editor.cancelled.connect(self.item.close_editor)
        self.item.open_editor(editor, self.item.body_rect().adjusted(-4, -2, 4, 4))

    def _commit(self, text: str) -> None:
        self.item.close_editor()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.scene().problem.emit(f"Not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}")
            self.open_editor(text)  # keep what was typed
            return
        self.item.edit_content({**self.content, "json_data_to_display": data})
