"""Image blocks: a file or URL, loaded in the background, cached, drawn with its aspect ratio kept."""

from __future__ import annotations

from urllib.parse import urlparse

from ionflux.ui.canvas.blocks import BlockContent
from ionflux.ui.qt import QColor, QFont, QPainter, QPen, QPointF, QRectF, Qt


class ImageContent(BlockContent):
    label = "image"

    @property
    def source(self) -> str:
        return str(self.content.get("image_url") or self.content.get("file_path") or "")

    def paint(self, p: QPainter, rect: QRectF) -> None:
        t = self.theme
        caption = str(self.content.get("alt_text") or "")
        area = rect.adjusted(0, 0, 0, -22 if caption else 0)
        media = self.scene().media
        pix = media.pixmap(self.source) if self.source and media is not None else None
        if pix is not None and not pix.isNull():
            size = pix.size().scaled(int(area.width()), int(area.height()), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(area.left() + (area.width() - size.width()) / 2,
                            area.top() + (area.height() - size.height()) / 2, size.width(), size.height())
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawPixmap(target.toRect(), pix)
        else:
            failed = media is not None and media.state(self.source) == "failed"
            p.setPen(QPen(QColor(t.border), 1, Qt.PenStyle.DashLine))
            p.setBrush(QColor(t.hover))
            p.drawRoundedRect(area, 8, 8)
            font = QFont(p.font())
            font.setPixelSize(28)
            p.setFont(font)
            p.setPen(QColor(t.faint))
            p.drawText(area.adjusted(0, -18, 0, -18), Qt.AlignmentFlag.AlignCenter, "▧")
            font.setPixelSize(12)
            p.setFont(font)
            where = urlparse(self.source).netloc or self.source.rsplit("/", 1)[-1]
            text = (f"Image unavailable offline · {where}" if failed else f"Loading {where}…") if self.source \
                else "No image — double-click to set a URL or file"
            p.setPen(QColor(t.muted))
            p.drawText(area.adjusted(10, 26, -10, 0), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        if caption:
            font = QFont(p.font())
            font.setPixelSize(12)
            p.setFont(font)
            p.setPen(QColor(t.muted))
            p.drawText(QRectF(rect.left(), rect.bottom() - 20, rect.width(), 20), Qt.AlignmentFlag.AlignCenter,
                       p.fontMetrics().elidedText(caption, Qt.TextElideMode.ElideRight, int(rect.width())))

    def double_click(self, pos: QPointF | None) -> bool:
        self.item.edit_line(self.source, "Image URL or file path — Enter to set", self._commit)
        return True

    def _commit(self, text: str) -> None:
        self.item.close_editor()
        value = text.strip()
        if not value or value == self.source:
            return
        content = {k: v for k, v in self.content.items() if k not in ("image_url", "file_path")}
        key = "image_url" if urlparse(value).scheme in ("http", "https", "file") else "file_path"
        self.item.edit_content({**content, key: value})
