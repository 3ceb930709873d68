"""Table blocks: click a header to sort, double-click a cell to edit it, "+ Row" adds one."""

from __future__ import annotations

from typing import Any

from ionflux.ui.canvas.blocks import BlockContent
from ionflux.ui.canvas.inline import InlineLine
from ionflux.ui.qt import QColor, QFont, QPainter, QPen, QPointF, QRectF, Qt

ROW_H = 26
HEAD_H = 28


def sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, text case-insensitively, empty cells last."""
    if value is None or value == "":
        return (2, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    try:
        return (0, float(str(value).replace(",", "")))
    except ValueError:
        return (1, str(value).lower())


def parse_cell(text: str) -> Any:
    """What a typed cell holds: a number when it reads as one, else the text."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        return float(stripped)
    except ValueError:
        return text


class TableContent(BlockContent):
    label = "table"

    def __init__(self, item) -> None:  # type: ignore[no-untyped-def]
        super().__init__(item)
        self.sort_column: int | None = None
        self.descending = False

    @property
    def columns(self) -> list[str]:
        return list((self.content.get("json_data_to_display") or {}).get("columns") or [])

    @property
    def rows(self) -> list[list[Any]]:
        return [list(r) for r in (self.content.get("json_data_to_display") or {}).get("rows") or []]

    def order(self) -> list[int]:
        """Row indexes in display order."""
        rows = self.rows
        indexes = list(range(len(rows)))
        if self.sort_column is not None and self.sort_column < len(self.columns):
            c = self.sort_column
            indexes.sort(key=lambda i: sort_key(rows[i][c]), reverse=self.descending)
        return indexes

    def _col_width(self, rect_width: float) -> float:
        return rect_width / max(1, len(self.columns))

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        cols, rows = self.columns, self.rows
        cw = self._col_width(rect.width())
        font = QFont(p.font())
        font.setPixelSize(12)
        font.setBold(True)
        p.setFont(font)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(t.hover))
        p.drawRoundedRect(QRectF(rect.left(), rect.top(), rect.width(), HEAD_H), 6, 6)
        for i, name in enumerate(cols):
            cell = QRectF(rect.left() + i * cw + 8, rect.top(), cw - 16, HEAD_H)
            arrow = ""
            if i == self.sort_column:
                arrow = "  ▼" if self.descending else "  ▲"
            p.setPen(QColor(t.muted))
            p.drawText(cell, Qt.AlignmentFlag.AlignVCenter, p.fontMetrics().elidedText(
                name + arrow, Qt.TextElideMode.ElideRight, int(cell.width())))
        font.setBold(False)
        font.setPixelSize(13)
        p.setFont(font)
        y = rect.top() + HEAD_H
        for display, r in enumerate(self.order()):
            if y + ROW_H > rect.bottom() - 20:
                p.setPen(QColor(t.faint))
                p.drawText(QRectF(rect.left() + 8, y, rect.width(), ROW_H), Qt.AlignmentFlag.AlignVCenter,
                           f"+ {len(rows) - display} more rows")
                return
            for i, value in enumerate(rows[r]):
                cell = QRectF(rect.left() + i * cw + 8, y, cw - 16, ROW_H)
                p.setPen(QColor(t.text if value not in (None, "") else t.faint))
                text = "—" if value in (None, "") else (f"{value:,}" if isinstance(value, int | float)
                                                        and not isinstance(value, bool) else str(value))
                align = Qt.AlignmentFlag.AlignRight if isinstance(value, int | float) else Qt.AlignmentFlag.AlignLeft
                p.drawText(cell, Qt.AlignmentFlag.AlignVCenter | align,
                           p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(cell.width())))
            y += ROW_H
            p.setPen(QPen(QColor(t.border), 1))
            p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        p.setPen(QColor(t.accent))
        p.drawText(QRectF(rect.left() + 8, y + 2, 120, 20), Qt.AlignmentFlag.AlignVCenter, "+ Row")

    # -- hit testing ---------------------------------------------------------------------------

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(display row or -1 for the header, column) under ``pos``; row == len(rows) is "+ Row"."""
        rect = self.item.body_rect()
        cols = self.columns
        if not cols or pos.x() < 0 or pos.x() > rect.width():
            return None
        column = min(len(cols) - 1, int(pos.x() // self._col_width(rect.width())))
        if pos.y() < HEAD_H:
            return -1, column
        row = int((pos.y() - HEAD_H) // ROW_H)
        return (row, column) if row <= len(self.rows) else None

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        hit = self.cell_at(pos)
        if hit and (hit[0] == -1 or hit[0] == len(self.rows)):
            return Qt.CursorShape.PointingHandCursor
        return None

    def press(self, pos: QPointF, event: Any) -> bool:
        hit = self.cell_at(pos)
        if hit is None:
            return False
        row, column = hit
        if row == -1:
            self.sort_by(column)
            return True
        if row == len(self.rows):
            self.add_row()
            return True
        return False

    def sort_by(self, column: int) -> None:
        """Sort the view by a column; a second click reverses (the stored order never changes)."""
        if self.sort_column == column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False
        self.item.update()

    def add_row(self) -> None:
        data = dict(self.content.get("json_data_to_display") or {})
        data["rows"] = [*self.rows, [""] * len(self.columns)]
        self.item.edit_content({**self.content, "json_data_to_display": data})

    def set_cell(self, row: int, column: int, value: Any) -> None:
        """Change one stored cell (``row`` is the stored index, not the display one)."""
        rows = self.rows
        if rows[row][column] == value:
            return
        rows[row][column] = value
        data = {**(self.content.get("json_data_to_display") or {}), "rows": rows}
        self.item.edit_content({**self.content, "json_data_to_display": data})

    def double_click(self, pos: QPointF | None) -> bool:
        hit = self.cell_at(pos) if pos is not None else ((0, 0) if self.rows else None)
        if hit is None or hit[0] < 0 or hit[0] >= len(self.rows):
            return False
        display, column = hit
        stored = self.order()[display]
        value = self.rows[stored][column]
        editor = InlineLine("" if value is None else str(value))
        editor.committed.connect(lambda text: self._commit(stored, column, text))
        editor.cancelled.connect(self.item.close_editor)
        rect = self.item.body_rect()
        cw = self._col_width(rect.width())
        self.item.open_editor(editor, QRectF(rect.left() + column * cw, rect.top() + HEAD_H + display * ROW_H - 2,
                                             cw, ROW_H + 4))
        return True

    def _commit(self, row: int, column: int, text: str) -> None:
        self.item.close_editor()
        self.set_cell(row, column, parse_cell(text))
