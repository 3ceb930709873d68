"""Toasts, tray notifications and the one place errors are shown to people."""

from __future__ import annotations

import logging
import sys
import traceback
from dataclasses import dataclass
from types import TracebackType

from ionflux.core.errors import IonfluxError
from ionflux.ui.qt import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QIcon,
    QLabel,
    QObject,
    QPushButton,
    QSystemTrayIcon,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme

log = logging.getLogger(__name__)

TOAST_WIDTH = 360
MAX_TOASTS = 4


@dataclass(frozen=True)
class Notice:
    """What a toast says."""

    title: str
    body: str = ""
    kind: str = "info"  # info | success | error | alert
    details: str | None = None
    timeout_ms: int = 6000


class Toast(QFrame):
    """One toast card: a coloured stripe, title, body, optional "Copy details".

    Signals:
        closed(): the toast went away (timeout or ×).
    """

    closed = Signal()

    def __init__(self, notice: Notice, theme: Theme, parent: QWidget) -> None:
        super().__init__(parent)
        self.notice = notice
        self.setObjectName("Toast")
        self.setFixedWidth(TOAST_WIDTH)
        stripe = QFrame(self)
        stripe.setObjectName("ToastStripe")
        stripe.setFixedWidth(4)
        colour = {"error": theme.danger, "success": theme.success, "alert": theme.warning}.get(notice.kind, theme.info)
        stripe.setStyleSheet(f"background: {colour};")
        title = QLabel(notice.title, self)
        title.setObjectName("ToastTitle")
        title.setWordWrap(True)
        body = QLabel(notice.body, self)
        body.setObjectName("ToastBody")
        body.setWordWrap(True)
        body.setVisible(bool(notice.body))
        close = QToolButton(self)
        close.setText("✕")
        close.clicked.connect(self.dismiss)
        text = QVBoxLayout()
        text.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(close)
        text.addLayout(top)
        text.addWidget(body)
        if notice.details:
            copy = QPushButton("Copy details", self)
            copy.clicked.connect(self.copy_details)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(copy)
            text.addLayout(row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 8)
        layout.addWidget(stripe)
        layout.addLayout(text, 1)
        if notice.timeout_ms > 0:
            QTimer.singleShot(notice.timeout_ms if not notice.details else notice.timeout_ms * 3, self.dismiss)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(f"{self.notice.title}\n{self.notice.body}\n\n{self.notice.details or ''}")

    def dismiss(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()
            self.deleteLater()


class Notifier(QObject):
    """Raises toasts in the window's top-right corner and, when there is a tray, tray notifications.

    Signals:
        shown(Notice): a notice was raised (tests and the log listen).
    """

    shown = Signal(object)

    def __init__(self, host: QWidget, theme: Theme, icon: QIcon | None = None) -> None:
        super().__init__(host)
        self.host = host
        self.theme = theme
        self.toasts: list[Toast] = []
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon or QIcon(), host)
            self.tray.setToolTip("IONFLUX")
            self.tray.show()

    def notify(self, notice: Notice, *, tray: bool = False) -> Toast:
        """Show ``notice`` as a toast (and in the system tray when ``tray`` and one exists)."""
        toast = Toast(notice, self.theme, self.host)
        toast.closed.connect(lambda: self._forget(toast))
        self.toasts.append(toast)
        while len(self.toasts) > MAX_TOASTS:
            self.toasts[0].dismiss()
        toast.show()
        toast.raise_()
        self.place()
        if tray and self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Warning if notice.kind in ("alert", "error") else \
                QSystemTrayIcon.MessageIcon.Information
            self.tray.showMessage(notice.title, notice.body, icon, 8000)
        self.shown.emit(notice)
        return toast

    def alert(self, title: str, body: str = "") -> Toast:
        """An alert: a toast and a tray notification."""
        return self.notify(Notice(title, body, "alert", timeout_ms=10000), tray=True)

    def info(self, title: str, body: str = "", kind: str = "info") -> Toast:
        return self.notify(Notice(title, body, kind))

    def error(self, exc: BaseException, label: str = "") -> Toast:
        """Show an error: a user error in one line; a bug logged with its traceback, with "Copy details"."""
        if isinstance(exc, IonfluxError):
            return self.notify(Notice(f"Could not {label}" if label else "That did not work", exc.one_line(), "error"))
        details = "".join(traceback.format_exception(exc))
        log.error("unexpected error%s\n%s", f" while {label}" if label else "", details)
        return self.notify(Notice("Something went wrong" + (f" while {label}" if label else ""),
                                  f"{type(exc).__name__}: {exc}. It was written to the log.", "error",
                                  details=details, timeout_ms=8000))

    def _forget(self, toast: Toast) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
        self.place()

    def place(self) -> None:
        """Stack the toasts in the host's top-right corner (the host calls this when it is resized)."""
        y = 56
        for toast in self.toasts:
            toast.adjustSize()
            toast.move(self.host.width() - TOAST_WIDTH - 18, y)
            y += toast.height() + 10


def install_excepthook(notifier: Notifier) -> None:
    """Unexpected exceptions in Qt callbacks: logged with traceback, shown as a short message."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        try:
            notifier.error(exc.with_traceback(tb))
        except RuntimeError:  # the window is gone
            previous(kind, exc, tb)

    sys.excepthook = hook
