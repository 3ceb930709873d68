"""Mouse gestures sent as real Qt events (QTest's mouseMove does not carry pressed buttons)."""

from __future__ import annotations

from typing import Any

from ionflux.ui.qt import QApplication, QEvent, QMouseEvent, QPoint, QPointF, Qt


def _send(widget: Any, kind: QEvent.Type, pos: QPointF, buttons: Any, button: Any = Qt.MouseButton.NoButton,
          modifiers: Any = Qt.KeyboardModifier.NoModifier) -> None:
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos.toPoint()).toPointF(), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(widget: Any, start: QPoint | QPointF, end: QPoint | QPointF, steps: int = 6,
         modifiers: Any = Qt.KeyboardModifier.NoModifier) -> None:
    """Press at ``start``, move in steps to ``end``, release (widget coordinates)."""
    a, b = QPointF(start), QPointF(end)
    left = Qt.MouseButton.LeftButton
    _send(widget, QEvent.Type.MouseButtonPress, a, left, left, modifiers)
    for i in range(1, steps + 1):
        p = a + (b - a) * (i / steps)
        _send(widget, QEvent.Type.MouseMove, p, left, Qt.MouseButton.NoButton, modifiers)
    _send(widget, QEvent.Type.MouseButtonRelease, b, Qt.MouseButton.NoButton, left, modifiers)


def click(widget: Any, pos: QPoint | QPointF, double: bool = False) -> None:
    p = QPointF(pos)
    left = Qt.MouseButton.LeftButton
    _send(widget, QEvent.Type.MouseButtonPress, p, left, left)
    _send(widget, QEvent.Type.MouseButtonRelease, p, Qt.MouseButton.NoButton, left)
    if double:
        _send(widget, QEvent.Type.MouseButtonDblClick, p, left, left)
        _send(widget, QEvent.Type.MouseButtonRelease, p, Qt.MouseButton.NoButton, left)


def view_point(view: Any, item: Any, local: QPointF) -> QPoint:
    """Where a point of an item (item coordinates) is in the view's viewport."""
    return view.mapFromScene(item.mapToScene(local))
