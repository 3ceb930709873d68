"""Embed panels: a web page as a link card (title when known, domain, URL); works offline."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ionflux.ui.canvas.blocks import BlockContent
from ionflux.ui.qt import QColor, QDesktopServices, QFont, QPainter, QPointF, QRectF, Qt, QUrl

OPEN_W, OPEN_H = 84, 28


class EmbedContent(BlockContent):
    label = "embed"
    url_key = "embed_url"

    @property
    def url(self) -> str:
        return str(self.content.get(self.url_key) or "")

    def domain(self) -> str:
        return urlparse(self.url).netloc.removeprefix("www.") or "link"

    def _open_rect(self, body: QRectF) -> QRectF:
        return QRectF(body.width() - OPEN_W, body.height() - OPEN_H, OPEN_W, OPEN_H)

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        tile = QRectF(rect.left(), rect.top() + 2, 44, 44)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(t.block_colour("embed_panel")))
        p.drawRoundedRect(tile, 10, 10)
        font = QFont(p.font())
        font.setPixelSize(20)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        p.drawText(tile, Qt.AlignmentFlag.AlignCenter, self.domain()[:1].upper())
        media = self.scene().media
        title = media.page_title(self.url) if media is not None and self.url else None
        font.setPixelSize(14)
        p.setFont(font)
        p.setPen(QColor(t.text))
        text_left = tile.right() + 12
        width = rect.right() - text_left
        p.drawText(QRectF(text_left, rect.top(), width, 22), Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(title or self.domain(), Qt.TextElideMode.ElideRight, int(width)))
        font.setBold(False)
        font.setPixelSize(12)
        p.setFont(font)
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(text_left, rect.top() + 22, width, 20), Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(self.url, Qt.TextElideMode.ElideMiddle, int(width)))
        if title is None and rect.height() > 90:
            p.setPen(QColor(t.faint))
            p.drawText(QRectF(rect.left(), rect.top() + 56, rect.width() - OPEN_W - 8, 36),
                       Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                       "Preview unavailable offline — the link opens in your browser.")
        self._button(p, self._open_rect(rect).translated(rect.topLeft()), "Open  ↗")

    def _button(self, p: QPainter, r: QRectF, label: str) -> None:
        t = self.theme
        p.setPen(QColor(t.border))
        p.setBrush(QColor(t.hover))
        p.drawRoundedRect(r, 8, 8)
        font = QFont(p.font())
        font.setPixelSize(12)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(t.text))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, label)

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        return Qt.CursorShape.PointingHandCursor if self._open_rect(self.item.body_rect()).contains(pos) else None

    def press(self, pos: QPointF, event: Any) -> bool:
        if self._open_rect(self.item.body_rect()).contains(pos) and self.url:
            QDesktopServices.openUrl(QUrl(self.url))
            return True
        return False

    def double_click(self, pos: QPointF | None) -> bool:
        self.item.edit_line(self.url, "https://… — Enter to set", self._commit)
        return True

    def _commit(self, text: str) -> None:
        self.item.close_editor()
        if text.strip() and text.strip() != self.url:
            self.item.edit_content({**self.content, self.url_key: text.strip()})
