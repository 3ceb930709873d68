"""Video blocks: a link card with a play button and, for YouTube, its thumbnail (cached, offline-safe)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from ionflux.ui.canvas.blocks.embed import EmbedContent
from ionflux.ui.qt import (
    QColor,
    QDesktopServices,
    QFont,
    QLinearGradient,
    QPainter,
    QPointF,
    QPolygonF,
    QRectF,
    Qt,
    QUrl,
)

_YT_SHORT = re.compile(r"^/([A-Za-z0-9_-]{6,})")


def youtube_id(url: str) -> str | None:
    parsed = urlparse(url)
    host = parsed.netloc.removeprefix("www.").removeprefix("m.")
    if host == "youtu.be":
        m = _YT_SHORT.match(parsed.path)
        return m.group(1) if m else None
    if host.endswith("youtube.com"):
        if parsed.path.startswith(("/embed/", "/shorts/")):
            return parsed.path.split("/")[2] or None
        return (parse_qs(parsed.query).get("v") or [None])[0]
    return None


class VideoContent(EmbedContent):
    label = "video"
    url_key = "video_url"

    def provider(self) -> str:
        host = self.domain()
        return {"youtube.com": "YouTube", "youtu.be": "YouTube", "vimeo.com": "Vimeo", "loom.com": "Loom",
                "tiktok.com": "TikTok"}.get(host, host)

    def thumbnail(self) -> str | None:
        vid = youtube_id(self.url)
        return f"https://img.youtube.com/vi/{vid}/hqdefault.jpg" if vid else None

    def _play_rect(self, body: QRectF) -> QRectF:
        area = QRectF(0, 0, body.width(), body.height() - 26)
        return QRectF(area.center().x() - 26, area.center().y() - 26, 52, 52)

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        area = QRectF(rect.left(), rect.top(), rect.width(), rect.height() - 26)
        thumb = self.thumbnail()
        media = self.scene().media
        pix = media.pixmap(thumb) if thumb and media is not None else None
        p.save()
        clip = area
        p.setClipRect(clip)
        if pix is not None and not pix.isNull():
            scaled = pix.scaled(int(area.width()), int(area.height()), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                Qt.TransformationMode.SmoothTransformation)
            p.drawPixmap(int(area.left() - (scaled.width() - area.width()) / 2),
                         int(area.top() - (scaled.height() - area.height()) / 2), scaled)
        else:
            grad = QLinearGradient(area.topLeft(), area.bottomRight())
            grad.setColorAt(0, QColor(t.block_colour("video")).darker(160 if t.dark else 110))
            grad.setColorAt(1, QColor(t.accent).darker(180 if t.dark else 120))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(grad)
            p.drawRoundedRect(area, 8, 8)
        p.restore()
        play = self._play_rect(rect).translated(rect.topLeft())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 140))
        p.drawEllipse(play)
        p.setBrush(QColor("#ffffff"))
        c = play.center()
        p.drawPolygon(QPolygonF([QPointF(c.x() - 7, c.y() - 11), QPointF(c.x() - 7, c.y() + 11),
                                 QPointF(c.x() + 12, c.y())]))
        font = QFont(p.font())
        font.setPixelSize(12)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(t.text))
        p.drawText(QRectF(rect.left(), rect.bottom() - 22, 90, 22), Qt.AlignmentFlag.AlignVCenter, self.provider())
        font.setBold(False)
        p.setFont(font)
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(rect.left() + 90, rect.bottom() - 22, rect.width() - 90, 22),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                   p.fontMetrics().elidedText(self.url, Qt.TextElideMode.ElideMiddle, int(rect.width() - 96)))

    def cursor(self, pos: QPointF) -> Qt.CursorShape | None:
        return Qt.CursorShape.PointingHandCursor if self._play_rect(self.item.body_rect()).contains(pos) else None

    def press(self, pos: QPointF, event: Any) -> bool:
        if self._play_rect(self.item.body_rect()).contains(pos) and self.url:
            QDesktopServices.openUrl(QUrl(self.url))
            return True
        return False
