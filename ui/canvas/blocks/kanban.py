"""Kanban boards: columns of cards; drag a card to another column (or use the block's menu)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from ionflux.ui.canvas.blocks import BlockContent
from ionflux.ui.canvas.inline import InlineLine
from ionflux.ui.qt import QColor, QFont, QPainter, QPen, QPointF, QRectF, Qt

HEAD_H = 26
CARD_H = 34
GAP = 6
COL_GAP = 10


def move_card(columns: list[dict[str, Any]], card_id: str, to_column: str, index: int) -> list[dict[str, Any]]:
    """The board's columns with one card moved (a new list; the input is not changed)."""
    cols = copy.deepcopy(columns)
    card = None
    for col in cols:
        for i, c in enumerate(col.get("cards", [])):
            if c.get("id") == card_id:
                card = col["cards"].pop(i)
                break
        if card is not None:
            break
    if card is None:
        raise KeyError(card_id)
    target = next(c for c in cols if c["id"] == to_column)
    cards = target.setdefault("cards", [])
    cards.insert(max(0, min(index, len(cards))), card)
    return cols


class KanbanContent(BlockContent):
    label = "kanban"

    def __init__(self, item) -> None:  # type: ignore[no-untyped-def]
        super().__init__(item)
        self.dragging: tuple[str, QPointF, QPointF] | None = None  # card id, grab offset, current position

    @property
    def columns(self) -> list[dict[str, Any]]:
        return list((self.content.get("json_data_to_display") or {}).get("columns") or [])

    def _col_rect(self, i: int) -> QRectF:
        body = self.item.body_rect()
        n = max(1, len(self.columns))
        w = (body.width() - COL_GAP * (n - 1)) / n
        return QRectF(i * (w + COL_GAP), 0, w, body.height())

    def _card_rect(self, col: int, index: int) -> QRectF:
        c = self._col_rect(col)
        return QRectF(c.left() + 6, HEAD_H + 6 + index * (CARD_H + GAP), c.width() - 12, CARD_H)

    def _add_rect(self, col: int) -> QRectF:
        n = len(self.columns[col].get("cards", []))
        card = self._card_rect(col, n)
        return QRectF(card.left(), card.top(), card.width(), 22)

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        p.save()
        p.translate(rect.topLeft())
        font = QFont(p.font())
        for i, col in enumerate(self.columns):
            c = self._col_rect(i)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(t.panel if t.dark else t.window))
            p.drawRoundedRect(c, 8, 8)
            font.setPixelSize(12)
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor(t.muted))
            cards = col.get("cards", [])
            p.drawText(QRectF(c.left() + 10, 0, c.width() - 20, HEAD_H), Qt.AlignmentFlag.AlignVCenter,
                       f"{col.get('title', '')}  ·  {len(cards)}")
            font.setBold(False)
            font.setPixelSize(13)
            p.setFont(font)
            for j, card in enumerate(cards):
                r = self._card_rect(i, j)
                if r.bottom() > c.bottom():
                    break
                if self.dragging and self.dragging[0] == card.get("id"):
                    p.setPen(QPen(QColor(t.border), 1, Qt.PenStyle.DashLine))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRoundedRect(r, 6, 6)
                    continue
                self._paint_card(p, r, str(card.get("title", "")))
            add = self._add_rect(i)
            if add.bottom() <= c.bottom():
                p.setPen(QColor(t.faint))
                p.drawText(add.adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "+ Add card")
        if self.dragging:
            card = self._find(self.dragging[0])
            if card is not None:
                pos = self.dragging[2] - self.dragging[1]
                p.setOpacity(0.92)
                self._paint_card(p, QRectF(pos.x(), pos.y(), self._col_rect(0).width() - 12, CARD_H),
                                 str(card.get("title", "")), lifted=True)
        p.restore()

    def _paint_card(self, p: QPainter, r: QRectF, title: str, lifted: bool = False) -> None:
        t = self.theme
        p.setPen(QPen(QColor(t.accent if lifted else t.border), 1))
        p.setBrush(QColor(t.raised))
        p.drawRoundedRect(r, 6, 6)
        p.setPen(QColor(t.text))
        p.drawText(r.adjusted(10, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, int(r.width() - 18)))

    # -- hit testing ---------------------------------------------------------------------------

    def _find(self, card_id: str) -> dict[str, Any] | None:
        return next((c for col in self.columns for c in col.get("cards", []) if c.get("id") == card_id), None)

    def card_at(self, pos: QPointF) -> tuple[int, int] | None:
        for i, col in enumerate(self.columns):
            for j in range(len(col.get("cards", []))):
                if self._card_rect(i, j).contains(pos):
                    return i, j
        return None

    def column_at(self, pos: QPointF) -> int | None:
        for i in range(len(self.columns)):
            r = self._col_rect(i)
            if r.left() - COL_GAP / 2 <= pos.x() <= r.right() + COL_GAP / 2:
                return i
        return None

    def card_centre(self, column: int, index: int) -> QPointF:
        """Where a card is drawn, in body coordinates (tests drag from here)."""
        return self._card_rect(column, index).center()

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        if self.card_at(pos) is not None:
            return Qt.CursorShape.OpenHandCursor
        return None

    def press(self, pos: QPointF, event: Any) -> bool:
        hit = self.card_at(pos)
        if hit is not None:
            card = self.columns[hit[0]]["cards"][hit[1]]
            self.dragging = (str(card["id"]), pos - self._card_rect(*hit).topLeft(), pos)
            return True
        for i in range(len(self.columns)):
            if self._add_rect(i).contains(pos):
                self.add_card(i)
                return True
        return False

    def drag(self, pos: QPointF, event: Any) -> None:
        if self.dragging:
            self.dragging = (self.dragging[0], self.dragging[1], pos)
            self.item.update()

    def release(self, pos: QPointF, event: Any) -> None:
        if not self.dragging:
            return
        card_id, _, _ = self.dragging
        self.dragging = None
        column = self.column_at(pos)
        if column is None:
            self.item.update()
            return
        index = max(0, int((pos.y() - HEAD_H - 6 + CARD_H / 2) // (CARD_H + GAP)))
        self.move(card_id, str(self.columns[column]["id"]), index)

    def move(self, card_id: str, to_column: str, index: int) -> None:
        """Move a card (an undoable content edit)."""
        cols = move_card(self.columns, card_id, to_column, index)
        if cols != self.columns:
            self.item.edit_content({**self.content, "json_data_to_display": {
                **(self.content.get("json_data_to_display") or {}), "columns": cols}})
        self.item.update()

    def add_card(self, column: int, title: str | None = None) -> None:
        if title is None:
            editor = InlineLine("", "New card — Enter to add")
            editor.committed.connect(lambda text: self._added(column, text))
            editor.cancelled.connect(self.item.close_editor)
            r = self.body_to_item(self._add_rect(column)).adjusted(0, -4, 0, 6)
            self.item.open_editor(editor, r)
            return
        self._added(column, title)

    def _added(self, column: int, text: str) -> None:
        self.item.close_editor()
        if not text.strip():
            return
        cols = copy.deepcopy(self.columns)
        cols[column].setdefault("cards", []).append({"id": uuid.uuid4().hex[:8], "title": text.strip()})
        self.item.edit_content({**self.content, "json_data_to_display": {
            **(self.content.get("json_data_to_display") or {}), "columns": cols}})

    def double_click(self, pos: QPointF | None) -> bool:
        hit = self.card_at(pos) if pos is not None else None
        if hit is None:
            if pos is not None and (col := self.column_at(pos)) is not None:
                self.add_card(col)
                return True
            return False
        card = self.columns[hit[0]]["cards"][hit[1]]
        editor = InlineLine(str(card.get("title", "")))
        editor.committed.connect(lambda text: self._renamed(str(card["id"]), text))
        editor.cancelled.connect(self.item.close_editor)
        self.item.open_editor(editor, self.body_to_item(self._card_rect(*hit)))
        return True

    def _renamed(self, card_id: str, text: str) -> None:
        self.item.close_editor()
        cols = copy.deepcopy(self.columns)
        for col in cols:
            for card in col.get("cards", []):
                if card.get("id") == card_id and text.strip():
                    card["title"] = text.strip()
        self.item.edit_content({**self.content, "json_data_to_display": {
            **(self.content.get("json_data_to_display") or {}), "columns": cols}})

    def menu(self) -> list[tuple[str, Callable[[], None]]]:
        """Keyboard path: "Move card → column" entries for the block's context menu."""
        entries: list[tuple[str, Callable[[], None]]] = []
        for col in self.columns:
            for card in col.get("cards", []):
                for target in self.columns:
                    if target["id"] != col["id"]:
                        entries.append((f"Move “{card.get('title')}” to {target.get('title')}",
                                        lambda c=card["id"], to=target["id"]: self.move(str(c), str(to), 10_000)))
        for i, col in enumerate(self.columns):
            entries.append((f"Add card to {col.get('title')}", lambda i=i: self.add_card(i)))
        return entries
