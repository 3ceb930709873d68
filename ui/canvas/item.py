"""One block on the canvas: a card with a header, its type's body, selection and a resize grip."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ionflux.core.geometry import Geometry
from ionflux.ui.canvas.blocks import BlockContent, content_for
from ionflux.ui.canvas.inline import InlineLine
from ionflux.ui.canvas.model import BlockState
from ionflux.ui.qt import (
    QBrush,
    QColor,
    QCursor,
    QFont,
    QGraphicsItem,
    QGraphicsProxyWidget,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPointF,
    QRectF,
    QStyleOptionGraphicsItem,
    Qt,
    QWidget,
)
from ionflux.ui.theme import Theme

if TYPE_CHECKING:
    from ionflux.ui.canvas.scene import CanvasScene

_POSITION_CHANGE = QGraphicsItem.GraphicsItemChange.ItemPositionChange
_SELECTED_CHANGED = QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged
_FLAGS = (QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
          | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
GRID = 8
HEADER = 34
GRIP = 14
RADIUS = 12
MIN_W, MIN_H = 120, 80


def snap(value: float) -> int:
    return int(round(value / GRID) * GRID)


class BlockItem(QGraphicsItem):
    """A block card; its body is drawn (and edited) by the :class:`BlockContent` of its type.

    Not a QObject: it reports through its scene (``CanvasScene`` signals), which keeps 2,000
    items cheap to create.
    """

    def __init__(self, state: BlockState, theme: Theme) -> None:
        super().__init__()
        self.state = state
        self.theme = theme
        self.content: BlockContent = content_for(state.type)(self)
        self.editor: QGraphicsProxyWidget | None = None
        self._resize_from: Geometry | None = None
        self._resize_press = QPointF()
        self._content_grab = False
        self._applying = True
        self.setPos(state.x, state.y)
        self.setZValue(state.z)
        self.setFlags(_FLAGS)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(_CACHE)
        self._applying = False

    # -- state ----------------------------------------------------------------------------------

    @property
    def block_id(self) -> Any:
        return self.state.id

    def canvas(self) -> CanvasScene:
        return self.scene()  # type: ignore[return-value]

    def apply(self, state: BlockState) -> None:
        """Show ``state`` (from the view-model)."""
        geometry_changed = (state.width, state.height) != (self.state.width, self.state.height)
        if geometry_changed:
            self.prepareGeometryChange()
        content_changed = state.content != self.state.content
        self.state = state
        self._applying = True
        self.setPos(state.x, state.y)
        self._applying = False
        self.setZValue(state.z)
        if content_changed or geometry_changed:
            self.content.reset()
        self.update()

    def geometry(self) -> Geometry:
        return Geometry(round(self.pos().x()), round(self.pos().y()), self.state.width, self.state.height)

    def body_rect(self) -> QRectF:
        return QRectF(12, HEADER + 2, self.state.width - 24, self.state.height - HEADER - 14)

    # -- painting -------------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return QRectF(-4, -4, self.state.width + 8, self.state.height + 8)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, self.state.width, self.state.height), RADIUS, RADIUS)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        t = self.theme
        w, h = self.state.width, self.state.height
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(0.5, 0.5, w - 1, h - 1)
        shadow = QPainterPath()
        shadow.addRoundedRect(card.translated(0, 3), RADIUS, RADIUS)
        painter.fillPath(shadow, QColor(0, 0, 0, 70 if t.dark else 18))
        path = QPainterPath()
        path.addRoundedRect(card, RADIUS, RADIUS)
        painter.fillPath(path, QBrush(QColor(t.raised)))
        selected = self.isSelected()
        painter.setPen(QPen(QColor(t.accent if selected else t.border), 2 if selected else 1))
        painter.drawPath(path)
        colour = QColor(t.block_colour(self.state.type))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(14, 13, 8, 8), 2.5, 2.5)
        font = QFont(painter.font())
        font.setPixelSize(13)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(t.text))
        label = self.content.type_label()
        fm_label = painter.fontMetrics()
        painter.drawText(QRectF(30, 6, w - 60 - fm_label.horizontalAdvance(label), 22),
                         Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                         fm_label.elidedText(self.state.title, Qt.TextElideMode.ElideRight,
                                             int(w - 70 - fm_label.horizontalAdvance(label))))
        font.setBold(False)
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(QColor(t.faint))
        painter.drawText(QRectF(w - 160, 6, 146, 22), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         label)
        if self.scene() is not None and self.block_id in self.canvas().drafts:
            badge = QRectF(w - 212, 10, 44, 16)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(t.warning))
            painter.drawRoundedRect(badge, 8, 8)
            painter.setPen(QColor(t.window))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "DRAFT")
        painter.setPen(QPen(QColor(t.border), 1))
        painter.drawLine(QPointF(1, HEADER - 2), QPointF(w - 1, HEADER - 2))
        painter.save()
        body = self.body_rect()
        painter.setClipRect(body.adjusted(-2, 0, 2, 2))
        font.setPixelSize(13)
        painter.setFont(font)
        self.content.paint(painter, body)
        painter.restore()
        if selected:
            painter.setPen(QPen(QColor(t.accent), 1.5))
            for i in (4, 8):
                painter.drawLine(QPointF(w - i - 2, h - 3), QPointF(w - 3, h - i - 2))

    # -- mouse ----------------------------------------------------------------------------------

    def _in_grip(self, pos: QPointF) -> bool:
        return pos.x() > self.state.width - GRIP and pos.y() > self.state.height - GRIP

    def _body_pos(self, pos: QPointF) -> QPointF | None:
        body = self.body_rect()
        return pos - body.topLeft() if body.contains(pos) else None

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        pos = event.pos()
        if self._in_grip(pos):
            self.setCursor(QCursor(Qt.CursorShape.SizeFDiagCursor))
        else:
            local = self._body_pos(pos)
            shape = self.content.cursor(local) if local is not None else None
            self.setCursor(QCursor(shape or Qt.CursorShape.ArrowCursor))
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            if self._in_grip(event.pos()):
                self._resize_from = self.geometry()
                self._resize_press = event.pos()
                self.setSelected(True)
                event.accept()
                return
            local = self._body_pos(event.pos())
            if local is not None and self.content.press(local, event):
                self._content_grab = True
                if not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                    self.canvas().clearSelection()
                self.setSelected(True)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resize_from is not None:
            delta = event.pos() - self._resize_press
            w = max(MIN_W, self._resize_from.width + snap(delta.x()))
            h = max(MIN_H, self._resize_from.height + snap(delta.y()))
            if (w, h) != (self.state.width, self.state.height):
                from dataclasses import replace

                self.prepareGeometryChange()
                self.state = replace(self.state, width=w, height=h)
                self.content.reset()
                self.update()
            return
        if self._content_grab:
            local = event.pos() - self.body_rect().topLeft()
            self.content.drag(local, event)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resize_from is not None:
            before, self._resize_from = self._resize_from, None
            after = self.geometry()
            if after != before:
                self.canvas().geometry_edited.emit({self.block_id: before}, {self.block_id: after})
            return
        if self._content_grab:
            self._content_grab = False
            local = event.pos() - self.body_rect().topLeft()
            self.content.release(local, event)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        local = self._body_pos(event.pos())
        if self.content.double_click(local):
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        """Snap user moves to the grid (called by Qt for every change of every item: kept cheap)."""
        if change == _POSITION_CHANGE:
            if not self.__dict__.get("_applying", True):
                return QPointF(snap(value.x()), snap(value.y()))
        elif change == _SELECTED_CHANGED:
            self.update()
        return value

    # -- inline editors ------------------------------------------------------------------------

    def open_editor(self, widget: QWidget, rect: QRectF) -> QGraphicsProxyWidget:
        """Show ``widget`` over ``rect`` (item coordinates) and give it the keyboard."""
        self.close_editor()
        proxy = QGraphicsProxyWidget(self)
        proxy.setWidget(widget)
        proxy.setGeometry(rect)
        proxy.setZValue(10)
        self.editor = proxy
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        widget.setFocus()
        self.canvas().editing_started.emit(self.block_id)
        return proxy

    def edit_line(self, text: str, placeholder: str, on_commit: Callable[[str], Any]) -> None:
        """A one-line editor across the middle of the body (a URL, a path): Enter commits, Esc cancels."""
        editor = InlineLine(text, placeholder)
        editor.committed.connect(on_commit)
        editor.cancelled.connect(self.close_editor)
        body = self.body_rect()
        self.open_editor(editor, QRectF(body.left(), body.center().y() - 16, body.width(), 32))

    def close_editor(self) -> None:
        if self.editor is not None:
            proxy, self.editor = self.editor, None
            proxy.hide()
            proxy.setParentItem(None)
            if proxy.scene() is not None:
                proxy.scene().removeItem(proxy)
            proxy.deleteLater()
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            if self.scene() is not None:
                self.canvas().editing_finished.emit(self.block_id)
                for view in self.scene().views():
                    view.setFocus()

    def edit_content(self, new_content: dict[str, Any]) -> None:
        """Ask for a content change (an undoable command is made by the window)."""
        if new_content != self.state.content:
            self.canvas().content_edited.emit(self.block_id, dict(self.state.content), dict(new_content))
