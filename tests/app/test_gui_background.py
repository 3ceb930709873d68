"""What the window starts behind itself after the first paint: platform, sync worker, a warm local model."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ionflux.core.context import Context


@pytest.mark.parametrize("preload", [True, False])
def test_background_services_start_and_stop(demo: Context, data_dir: Path, preload: bool) -> None:
    from ionflux.app.context import App
    from ionflux.app.gui import BackgroundServices

    app = App(data_dir, store=demo.store)
    app.settings.set("llm.preload_local_model", preload)
    model: Any = app.router.local()
    model.close()  # the provider is shared by the process: start from a cold model
    background = BackgroundServices(app)
    background.start_soon()
    background._thread.join(60)
    try:
        assert app.platform is background.platform is not None  # commands such as `demo` use this one
        assert app.platform_ready is not None and app.platform_ready.is_set()
        deadline = time.monotonic() + 60  # the model loads on a thread of its own
        while preload and not model.loaded and time.monotonic() < deadline:
            time.sleep(0.05)
        assert model.loaded is preload
        assert background.sync_status() == ("sync off", "off")  # this device is not signed in
    finally:
        background.stop()


QUIT_AFTER_PRELOAD = """
import sys
from ionflux.app import gui
from ionflux.ui.qt import QApplication, QTimer
preload = gui.BackgroundServices._preload
def preload_then_quit(self):
    preload(self)
    print("model loaded:", self.app.router.local().loaded, flush=True)
    print("switch interval:", sys.getswitchinterval(), flush=True)
    QTimer.singleShot(0, QApplication.instance(), QApplication.closeAllWindows)
gui.BackgroundServices._preload = preload_then_quit
from ionflux.app.cli import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def test_the_real_window_favours_its_gui_thread_and_exits_cleanly_after_the_preload(demo: Context,
                                                                                  data_dir: Path) -> None:
    """The real window and exit path: the warm model is freed before the interpreter tears its modules down."""
    from ionflux.app.gui import GUI_SWITCH_INTERVAL_S

    demo.store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONFLUX_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([sys.executable, "-c", QUIT_AFTER_PRELOAD, str(data_dir)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "model loaded: True" in done.stdout
    assert f"switch interval: {GUI_SWITCH_INTERVAL_S}" in done.stdout  # the GUI thread gets the GIL back sooner
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
