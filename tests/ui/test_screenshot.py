"""`ionflux screenshot`: the main views rendered offscreen to PNG files, without touching the user's data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ionflux.core.context import Context

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def test_screenshot_renders_every_view_on_a_copy(qtbot: Any, demo: Context, data_dir: Path, tmp_path: Path) -> None:
    from ionflux.app.commands import load_all
    from ionflux.app.commands.screenshot import screenshot
    from ionflux.app.context import App
    from ionflux.core.pages import Pages
    from ionflux.ui.qt import QImage
    from ionflux.ui.screenshots import VIEWS

    load_all()
    app = App(data_dir)
    before = [p.title for p in Pages(demo).list(app.workspace(None).id)]
    out = screenshot(app, tmp_path / "shots", width=1280, height=800)
    files = [Path(p) for p in out.data]
    assert [f.name for f in files] == list(VIEWS)
    for f in files:
        image = QImage(str(f))
        assert (image.width(), image.height()) >= (1280, 800)
    assert [p.title for p in Pages(demo).list(app.workspace(None).id)] == before  # the user's data is untouched
    app.close()
