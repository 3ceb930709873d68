"""Run something once a widget has painted for the first time (start-up work that must not delay it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ionflux.ui.qt import QEvent, QObject, QTimer, QWidget


class _PaintWatch(QObject):
    def __init__(self, widget: QWidget, fn: Callable[[], Any], fallback_ms: int | None) -> None:
        super().__init__(widget)
        self._fn: Callable[[], Any] | None = fn
        widget.installEventFilter(self)
        if fallback_ms is not None:
            QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, obj: Any, ev: Any) -> bool:
        if ev.type() == QEvent.Type.Paint and self._fn is not None:
            QTimer.singleShot(0, self, self._fire)  # after this paint has finished
        return False

    def _fire(self) -> None:
        fn, self._fn = self._fn, None
        if fn is not None:
            self.parent().removeEventFilter(self)
            fn()


def after_first_paint(widget: QWidget, fn: Callable[[], Any], *, fallback_ms: int | None = None) -> None:
    """Call ``fn()`` once, right after ``widget``'s first paint (or after ``fallback_ms`` if it never paints)."""
    _PaintWatch(widget, fn, fallback_ms)
