"""The canvas: a free-form board showing a page's blocks at their stored positions."""

from __future__ import annotations

from ionflux.ui.qt import (
    QBrush,
    QColor,
    QFont,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QPainter,
    QPainterPath,
    QPen,
    QRectF,
    QStyleOptionGraphicsItem,
    Qt,
    QTextDocument,
    QWidget,
)
from ionflux.ui.theme import Theme
from ionflux.ui.workspace_vm import BlockView

_TYPE_COLOURS = {
    "text": "#7c5cff", "agent_snippet": "#3ecf8e", "kanban_board": "#ffb547", "table_view": "#4aa8ff",
    "json_display": "#ff7ab6", "image": "#5ad1e6", "embed_panel": "#a0a8ff", "video": "#ff5d6c",
}


class BlockItem(QGraphicsItem):
    """One block drawn as a card: a coloured type stripe, a title and its content."""

    def __init__(self, block: BlockView, theme: Theme) -> None:
        super().__init__()
        self.block = block
        self.theme = theme
        self.setPos(block.x, block.y)
        self.setZValue(block.z)
        self._doc = QTextDocument()
        self._doc.setDefaultStyleSheet(f"* {{ color: {theme.text}; }} h1 {{ font-size: 16px; }}")
        if block.type == "text":
            self._doc.setMarkdown(block.text)
        else:
            self._doc.setPlainText(block.text)
        self._doc.setTextWidth(block.width - 24)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.block.width, self.block.height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        t = self.theme
        rect = self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5)
        path = QPainterPath()
        path.addRoundedRect(rect, 10, 10)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(path, QBrush(QColor(t.raised)))
        painter.setPen(QPen(QColor(t.border), 1))
        painter.drawPath(path)
        stripe = QColor(_TYPE_COLOURS.get(self.block.type, t.accent))
        painter.fillRect(QRectF(12, 12, 4, 18), stripe)
        painter.setPen(QColor(t.text))
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRectF(24, 10, rect.width() - 36, 22), Qt.AlignmentFlag.AlignVCenter, self.block.title)
        painter.setPen(QColor(t.muted))
        font.setBold(False)
        font.setPixelSize(max(9, round((font.pixelSize() if font.pixelSize() > 0 else 13) * 0.85)))
        painter.setFont(font)
        painter.drawText(QRectF(rect.width() - 130, 10, 118, 22),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.block.type.replace("_", " "))
        painter.save()
        painter.translate(12, 38)
        painter.setClipRect(QRectF(0, 0, rect.width() - 24, rect.height() - 46))
        self._doc.drawContents(painter)
        painter.restore()


class CanvasView(QGraphicsView):
    """Shows one page's blocks; editing arrives with the full canvas."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(QBrush(QColor(theme.canvas)))
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def show_blocks(self, blocks: list[BlockView]) -> None:
        scene = self.scene()
        scene.clear()
        for b in blocks:
            scene.addItem(BlockItem(b, self.theme))
        bounds = scene.itemsBoundingRect().adjusted(-40, -40, 200, 200)
        scene.setSceneRect(bounds.united(QRectF(0, 0, 800, 600)))

    def block_items(self) -> list[BlockItem]:
        return [i for i in self.scene().items() if isinstance(i, BlockItem)]

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawBackground(painter, rect)
        painter.setPen(QPen(QColor(self.theme.grid), 1))
        step = 24
        left = int(rect.left()) - int(rect.left()) % step
        top = int(rect.top()) - int(rect.top()) % step
        for x in range(left, int(rect.right()) + 1, step):
            for y in range(top, int(rect.bottom()) + 1, step):
                painter.drawPoint(x, y)
