"""Agent snippets: a configuration's name, last run status and time, one output, and a Run button."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from ionflux.ui.canvas.blocks import BlockContent
from ionflux.ui.canvas.model import SnippetInfo
from ionflux.ui.qt import QColor, QComboBox, QFont, QPainter, QPen, QPointF, QRectF, Qt

BUTTON_W, BUTTON_H = 76, 28


def ago(timestamp: str | None) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago' for an ISO timestamp."""
    if not timestamp:
        return "never run"
    try:
        when = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (datetime.now(UTC) - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def show_value(value: Any, limit: int = 600) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, float):
        return f"{value:,.2f}"
    return json.dumps(value, ensure_ascii=False, indent=1)[:limit]


class SnippetContent(BlockContent):
    label = "agent"

    @property
    def config_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.content.get("agent_configuration_id")))

    @property
    def info(self) -> SnippetInfo:
        return self.scene().snippets.get(self.config_id) or SnippetInfo(self.config_id, name="loading…")

    @property
    def output_key(self) -> str | None:
        key = self.content.get("agent_last_run_output_key_ref")
        return key or (self.info.output_keys[0] if self.info.output_keys else None)

    def _button(self, rect: QRectF) -> QRectF:
        return QRectF(rect.right() - BUTTON_W, rect.bottom() - BUTTON_H, BUTTON_W, BUTTON_H)

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t, info = self.theme, self.info
        font = QFont(p.font())
        font.setPixelSize(15)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(t.text))
        p.drawText(QRectF(rect.left(), rect.top(), rect.width(), 22), Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(info.name, Qt.TextElideMode.ElideRight, int(rect.width())))
        status = "running" if info.progress is not None and info.status in ("pending", "running") else info.status
        font.setPixelSize(11)
        p.setFont(font)
        pill_w = p.fontMetrics().horizontalAdvance(status.upper()) + 18
        pill = QRectF(rect.left(), rect.top() + 28, pill_w, 20)
        colour = QColor(t.status_colour(status))
        fill = QColor(colour)
        fill.setAlpha(40)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRoundedRect(pill, 10, 10)
        p.setPen(colour)
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, status.upper())
        font.setBold(False)
        font.setPixelSize(12)
        p.setFont(font)
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(pill.right() + 8, pill.top(), rect.width() - pill_w - 8, 20), Qt.AlignmentFlag.AlignVCenter,
                   ago(info.when))
        top = pill.bottom() + 12
        key = self.output_key
        if info.error and info.status == "error":
            label, text, colour = "ERROR", info.error, QColor(t.danger)
        else:
            label = (key or "output").upper().replace("_", " ")
            text = show_value(info.outputs.get(key)) if key and key in info.outputs else \
                (info.preview or "No output yet — press Run.")
            colour = QColor(t.text)
        font.setPixelSize(10)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(t.faint))
        p.drawText(QRectF(rect.left(), top, rect.width(), 14), Qt.AlignmentFlag.AlignVCenter, label)
        font.setBold(False)
        font.setPixelSize(13)
        p.setFont(font)
        p.setPen(colour)
        body = QRectF(rect.left(), top + 18, rect.width(), rect.bottom() - top - 18 - BUTTON_H - 6)
        p.drawText(body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, text)
        if info.progress is not None and info.status in ("pending", "running"):
            bar = QRectF(rect.left(), rect.bottom() - BUTTON_H / 2 - 3, rect.width() - BUTTON_W - 14, 6)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(t.hover))
            p.drawRoundedRect(bar, 3, 3)
            p.setBrush(QColor(t.info))
            p.drawRoundedRect(QRectF(bar.left(), bar.top(), max(6.0, bar.width() * info.progress), 6), 3, 3)
        self._paint_button(p, rect, running=info.progress is not None and info.status in ("pending", "running"))

    def _paint_button(self, p: QPainter, rect: QRectF, running: bool) -> None:
        t = self.theme
        button = self._button(rect)
        p.setPen(QPen(QColor(t.accent), 1))
        p.setBrush(QColor(t.accent) if not running else QColor(t.raised))
        p.drawRoundedRect(button, 8, 8)
        font = QFont(p.font())
        font.setBold(True)
        font.setPixelSize(12)
        p.setFont(font)
        p.setPen(QColor(t.accent_text if not running else t.accent))
        p.drawText(button, Qt.AlignmentFlag.AlignCenter, "■  Stop" if running else "▶  Run")

    def _on_button(self, pos: QPointF) -> bool:
        body = self.item.body_rect()
        return self._button(QRectF(0, 0, body.width(), body.height())).contains(pos)

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        return Qt.CursorShape.PointingHandCursor if self._on_button(pos) else None

    def press(self, pos: QPointF, event: Any) -> bool:
        if not self._on_button(pos):
            return False
        self.run()
        return True

    def run(self) -> None:
        """Run the configuration (or stop it when it is running)."""
        info = self.info
        if info.progress is not None and info.status in ("pending", "running"):
            self.scene().cancel_requested.emit(self.config_id)
        else:
            self.scene().run_requested.emit(self.config_id)

    def double_click(self, pos: QPointF | None) -> bool:
        """Choose which output the snippet shows."""
        keys = list(self.info.output_keys)
        if not keys:
            return False
        combo = QComboBox()
        combo.addItems(keys)
        if self.output_key in keys:
            combo.setCurrentText(self.output_key)
        combo.activated.connect(lambda i: self._choose(keys[i]))
        body = self.item.body_rect()
        self.item.open_editor(combo, QRectF(body.left(), body.top() + 60, body.width(), 30))
        combo.showPopup()
        return True

    def _choose(self, key: str) -> None:
        self.item.close_editor()
        self.item.edit_content({**self.content, "agent_last_run_output_key_ref": key})
