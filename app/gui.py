"""Start the window: QApplication, theme, main window, and the qasync event loop."""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from ionflux.app.context import App
from ionflux.core.errors import IonfluxError

if TYPE_CHECKING:
    from ionflux.core.first_view import FirstView

UI_SETTINGS_FILE = "ui.ini"
EXIT_AFTER_PAINT_ENV = "IONFLUX_EXIT_AFTER_FIRST_PAINT"
BACKGROUND_DELAY_MS = 1500
log = logging.getLogger(__name__)

FETCH_TIMEOUT_S = 10.0
#: How long a thread running Python keeps the GIL when another asks for it (CPython's default: 5 ms).
GUI_SWITCH_INTERVAL_S = 0.001
MAX_FETCH_BYTES = 20 * 1024 * 1024


def preferred_theme(app: App) -> str:
    """The theme chosen on this device, else the user's profile preference (the demo user prefers dark)."""
    from ionflux.core.settings import THEME_KEY, choose_theme

    user = app.users.get(app.user_id) if app.user_id is not None else None
    return choose_theme(app.store.get_local(THEME_KEY), user.profile_info_json if user else None)


def fetch_url(url: str) -> bytes:
    """GET a picture or page for the canvas (run off the GUI thread by the media cache)."""
    import httpx

    with httpx.stream("GET", url, timeout=FETCH_TIMEOUT_S, follow_redirects=True,
                      headers={"User-Agent": "IONFLUX/0.1 (desktop)"}) as response:
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_FETCH_BYTES:
                raise ValueError("the file is larger than 20 MB")
            chunks.append(chunk)
    return b"".join(chunks)


def favour_the_gui_thread() -> None:
    """Hand the GIL back to the GUI thread sooner while worker threads run Python.

    The GUI thread lets go of the GIL many times a frame (at each wait and in many Qt calls) and
    each time waits up to the switch interval to get it back from a busy worker. At 1 ms instead
    of 5 the longest stall while 10,000 messages are committed went from 53 to 36 ms (median of
    six runs each, interleaved); workers lose next to nothing.
    """
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


def build_window(app: App, *, fetch: Any = fetch_url, first: FirstView | None = None) -> Any:
    """Create (but do not show) the main window on ``app``'s data; a QApplication must exist.

    With ``first`` (see ``core.first_view``) the window shows it and opens the store in the
    background; without, the store is opened here.
    """
    from ionflux.app.commands import load_all
    from ionflux.core.settings import KEYBINDINGS_KEY
    from ionflux.ui.main_window import MainWindow
    from ionflux.ui.qt import QApplication
    from ionflux.ui.theme import apply_theme, load_theme

    theme = load_theme(first.theme if first is not None else preferred_theme(app))
    apply_theme(QApplication.instance(), theme)
    keybindings = first.keybindings if first is not None else app.store.get_local(KEYBINDINGS_KEY, {}) or {}
    window = MainWindow(app, theme, load_all(), settings_path=app.data_dir / UI_SETTINGS_FILE, fetch=fetch,
                        keybindings=keybindings)
    window.start(first)
    return window


def run_gui(app: App) -> int:
    """Open the window and run until it closes.

    The first paint comes from a plain read of the database (``core.first_view``); SQLAlchemy,
    the data model and the store load on a worker meanwhile. A data folder that needs creating
    or migrating is opened first instead, so its errors stay one line.
    """
    from ionflux.app.display import display_problem

    problem = display_problem()
    if problem:
        raise IonfluxError(problem)
    from ionflux.core.first_view import read_first_view

    first = read_first_view(app.data_dir)
    if first is None:
        _ = app.store
    import asyncio

    import qasync

    from ionflux.ui.qt import QApplication

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("IONFLUX")
    favour_the_gui_thread()
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    from ionflux.ui.notify import install_excepthook

    window = build_window(app, first=first)
    install_excepthook(window.notifier)
    if os.environ.get(EXIT_AFTER_PAINT_ENV):
        _quit_after_first_paint(window, qt_app)
    window.show()
    collector = start_idle_gc(window, delay_ms=BACKGROUND_DELAY_MS)  # its first full collection after the paint
    background = BackgroundServices(app)
    from ionflux.ui.qt import QTimer

    QTimer.singleShot(BACKGROUND_DELAY_MS, background.start_soon)  # after the first paint, not against it
    sync_poll = QTimer(window)  # the worker runs in its own thread; its status is read here, on the GUI thread
    sync_poll.timeout.connect(lambda: window.set_sync_status(*background.sync_status()))
    sync_poll.start(1000)
    closed = asyncio.Event()
    qt_app.aboutToQuit.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    background.stop()
    collector.stop()
    return 0


def _quit_after_first_paint(window: Any, qt_app: Any) -> None:
    """For start-up measurements (``IONFLUX_EXIT_AFTER_FIRST_PAINT=1``): print ``first-paint`` and quit."""
    from ionflux.ui.first_paint import after_first_paint

    def done() -> None:
        print("first-paint", flush=True)
        window.close()  # the last window: the application quits, through the usual close path

    after_first_paint(window, done)


class BackgroundServices:
    """Agent triggers, playbooks, the webhook listener (when enabled), the sync worker, a warm local model.

    Started on worker threads so the window never waits for them; stopped when the window closes.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self.platform: Any = None
        self._thread: Any = None
        app.platform_ready = threading.Event()

    @property
    def sync(self) -> Any:
        return self.platform.sync if self.platform is not None else None

    def start_soon(self) -> None:
        self._thread = threading.Thread(target=self._start, name="ionflux-background", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        from ionflux.app.platform import Platform

        settings = self.app.settings.values()
        port = int(settings["webhooks.port"]) if settings["webhooks.enabled"] else None
        schedules = bool(settings["scheduler.enabled"])
        try:
            try:
                platform = Platform(self.app, webhook_port=port, schedules=schedules, sync=True)
            except OSError:  # the port is taken (another IONFLUX?): everything else still runs
                log.exception("the webhook listener could not start on port %s", port)
                platform = Platform(self.app, schedules=schedules, sync=True)
            platform.start()
            self.platform = self.app.platform = platform
        except Exception:
            log.exception("background services did not start")
        finally:
            assert self.app.platform_ready is not None
            self.app.platform_ready.set()
        if settings["llm.preload_local_model"]:  # its own thread: closing the window never waits for it
            threading.Thread(target=self._preload, name="ionflux-preload", daemon=True).start()

    def _preload(self) -> None:
        try:
            self.app.router.local().load()  # a warm model: no load while the user waits for an answer
        except Exception:
            log.exception("the local model could not be preloaded")

    def sync_status(self) -> tuple[str, str]:
        """(text, state) for the status bar: state is off, ok, syncing, offline or error."""
        if self.sync is None:
            return "sync off", "off"
        status = self.sync.status()
        state = {"online": "syncing" if status.pending else "ok", "offline": "offline", "error": "error"}.get(
            status.state, "off")
        text = "sync off" if status.state == "signed out" else status.line()
        return text, state

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join(10)
        if self.platform is not None:
            self.platform.stop()


def start_idle_gc(window: Any, *, delay_ms: int = 0) -> Any:
    """Move full garbage collections to idle moments (see ionflux.ui.idle_gc), from now or after ``delay_ms``."""
    from ionflux.ui.idle_gc import IdleCollector
    from ionflux.ui.qt import QTimer

    collector = IdleCollector(window, busy=lambda: window.ops.busy or not window.bridge.quiet)
    if delay_ms:
        QTimer.singleShot(delay_ms, collector, collector.start)
    else:
        collector.start()
    return collector
