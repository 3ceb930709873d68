"""Start the window: QApplication, theme, main window, and the qasync event loop."""

from __future__ import annotations

import os
import sys

from ionflux.app.context import App
from ionflux.core.errors import IonfluxError

UI_SETTINGS_FILE = "ui.ini"


def _needs_display() -> str | None:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        if os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
            return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset); run IONFLUX on a desktop, "
                    "under `xvfb-run ionflux`, or with QT_QPA_PLATFORM=offscreen")
    return None


def preferred_theme(app: App) -> str:
    """The user's theme preference from their profile (the demo user prefers dark)."""
    if app.user_id is None:
        return "dark"
    prefs = (app.users.get(app.user_id).profile_info_json or {}).get("user_preferences_json") or {}
    return prefs.get("theme") if prefs.get("theme") in ("dark", "light") else "dark"


def build_window(app: App):  # type: ignore[no-untyped-def]
    """Create (but do not show) the main window on ``app``'s data; a QApplication must exist."""
    from ionflux.ui.main_window import MainWindow
    from ionflux.ui.qt import QApplication
    from ionflux.ui.theme import THEMES, apply_theme

    theme = THEMES[preferred_theme(app)]
    apply_theme(QApplication.instance(), theme)
    window = MainWindow(app, theme, settings_path=app.data_dir / UI_SETTINGS_FILE)
    window.start()
    return window


def run_gui(app: App) -> int:
    """Open the window and run until it closes."""
    problem = _needs_display()
    if problem:
        raise IonfluxError(problem)
    _ = app.store  # open (and migrate) the store before any window appears: errors stay one line
    import asyncio

    import qasync

    from ionflux.ui.qt import QApplication

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("IONFLUX")
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    window = build_window(app)
    window.show()
    closed = asyncio.Event()
    qt_app.aboutToQuit.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    return 0
