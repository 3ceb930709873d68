"""The canvas view: zoom (Ctrl+wheel), pan (wheel, middle button or Space+drag), rubber-band selection."""

from __future__ import annotations

import uuid

from ionflux.core.geometry import Geometry
from ionflux.ui.canvas.item import BlockItem
from ionflux.ui.canvas.scene import CanvasScene
from ionflux.ui.qt import (
    QBrush,
    QColor,
    QGraphicsView,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPointF,
    QRectF,
    QResizeEvent,
    QShowEvent,
    Qt,
    QWheelEvent,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme

MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
DOT_STEP = 24


class CanvasView(QGraphicsView):
    """Shows the scene; reports finished mouse moves of the selection.

    Signals:
        zoom_changed(float): the new scale (1.0 = 100%).
        context_menu(object): right-click or the Menu key on a block (the BlockItem) or the board (None).
    """

    zoom_changed = Signal(float)
    context_menu = Signal(object)

    def __init__(self, scene: CanvasScene, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.canvas_scene = scene
        self.theme = theme
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setBackgroundBrush(QBrush(QColor(theme.canvas)))
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._press_geometry: dict[uuid.UUID, Geometry] = {}
        self.home_pending = False
        self._pan_from: QPointF | None = None
        self._space = False

    # -- zoom and pan --------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, scale: float) -> None:
        scale = max(MIN_ZOOM, min(MAX_ZOOM, scale))
        factor = scale / self.zoom
        if abs(factor - 1) > 1e-6:
            self.scale(factor, factor)
            self.zoom_changed.emit(self.zoom)

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.zoom * factor)

    def fit(self) -> None:
        """Zoom and scroll so every block is visible (never above 100%)."""
        items = self.canvas_scene.block_items()
        if not items:
            self.resetTransform()
            self.centerOn(0, 0)
            self.zoom_changed.emit(1.0)
            return
        bounds = QRectF()
        for item in items:
            bounds = bounds.united(item.sceneBoundingRect())
        self.fitInView(bounds.adjusted(-48, -48, 48, 48), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.0:
            self.set_zoom(1.0)
            self.centerOn(bounds.center())
        self.zoom_changed.emit(self.zoom)

    def show_top_left(self, margin: float = 24) -> None:
        """Scroll so the blocks' top-left corner is at the top left of the view."""
        items = self.canvas_scene.block_items()
        if not items:
            self.centerOn(self.viewport().width() / 2 - margin, self.viewport().height() / 2 - margin)
            return
        left = min(i.pos().x() for i in items)
        top = min(i.pos().y() for i in items)
        self.centerOn(left - margin + self.viewport().width() / 2 / self.zoom,
                      top - margin + self.viewport().height() / 2 / self.zoom)

    def go_home(self) -> None:
        """Show the page's top-left corner at 100% (now, or once the view has its size)."""
        self.resetTransform()
        self.home_pending = not self.isVisible()
        self.show_top_left()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.home_pending:
            self.home_pending = False
            self.show_top_left()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.home_pending:
            self.home_pending = False
            self.show_top_left()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.0015 ** event.angleDelta().y())
            event.accept()
            return
        super().wheelEvent(event)

    # -- mouse ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        left = event.button() == Qt.MouseButton.LeftButton
        if event.button() == Qt.MouseButton.MiddleButton or (self._space and left):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.MouseButton.RightButton:
            item = self._block_at(event.position())
            if item is not None and not item.isSelected():
                self.canvas_scene.clearSelection()
                item.setSelected(True)
            self.context_menu.emit(item)
            event.accept()
            return
        super().mousePressEvent(event)
        self._press_geometry = {i.block_id: i.geometry() for i in self.canvas_scene.selected_blocks()}

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            return
        super().mouseReleaseEvent(event)
        before = self._press_geometry
        self._press_geometry = {}
        after = {bid: self.canvas_scene.items_by_id[bid].geometry() for bid in before
                 if bid in self.canvas_scene.items_by_id}
        moved = {bid for bid in after if after[bid] != before[bid]}
        if moved:
            self.canvas_scene.geometry_edited.emit({b: before[b] for b in moved}, {b: after[b] for b in moved})

    def _block_at(self, pos: QPointF) -> BlockItem | None:
        for item in self.items(pos.toPoint()):
            while item is not None and not isinstance(item, BlockItem):
                item = item.parentItem()
            if isinstance(item, BlockItem):
                return item
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self.scene().focusItem() is None:
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if event.key() == Qt.Key.Key_Menu:
            selected = self.canvas_scene.selected_blocks()
            self.context_menu.emit(selected[0] if selected else None)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    # -- background ----------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor(self.theme.canvas))
        if self.zoom < 0.35:
            return
        painter.setPen(QColor(self.theme.grid))
        left = int(rect.left()) - int(rect.left()) % DOT_STEP
        top = int(rect.top()) - int(rect.top()) % DOT_STEP
        points = [QPointF(x, y) for x in range(left, int(rect.right()) + 1, DOT_STEP)
                  for y in range(top, int(rect.bottom()) + 1, DOT_STEP)]
        if points:
            painter.drawPoints(points)
