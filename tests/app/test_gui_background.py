"""What the window starts behind itself after the first paint: platform, sync worker, a warm local model."""

from __future__ import annotations

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
