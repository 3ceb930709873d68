"""Start-up as the real command runs it: paint from the first view, open the store right after."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import offline_fetch, wait_idle
from gestures import drag, view_point

from ionflux.core.blocks import Blocks
from ionflux.core.context import Context
from ionflux.ui.qt import QPointF

pytestmark = pytest.mark.gui


def _fresh_window(qtbot: Any, data_dir: Path) -> tuple[Any, Any]:
    from ionflux.app.context import App
    from ionflux.app.gui import build_window
    from ionflux.core.first_view import read_first_view

    app = App(data_dir)
    first = read_first_view(data_dir)
    assert first is not None
    win = build_window(app, fetch=offline_fetch, first=first)
    qtbot.addWidget(win)
    return app, win


def test_the_window_paints_its_page_before_the_store_opens_then_edits_persist(
        qtbot: Any, demo: Context, demo_ws: uuid.UUID, data_dir: Path) -> None:
    app, win = _fresh_window(qtbot, data_dir)
    try:
        assert "_store" not in app.__dict__  # built and filled without opening the store
        assert win.sidebar.title.text() == "Demo Workspace"
        assert win.sidebar.page_titles() == ["Q4 Campaign Planning"]
        assert win.canvas_pane.title.text() == "Q4 Campaign Planning"
        assert sorted(i.state.title for i in win.canvas_pane.scene.block_items()) == ["Goals", "Launch plan"]

        win.resize(1400, 880)
        win.show()
        qtbot.waitExposed(win)
        qtbot.waitUntil(lambda: "_store" in app.__dict__, timeout=5000)  # opened after the first paint
        wait_idle(qtbot, win)
        qtbot.waitUntil(lambda: win.chat.title.text() == "# general", timeout=5000)  # queued loads ran
        assert win.workspace_vm.agents  # the sidebar's agents came after the store opened

        view = win.canvas_pane.view
        goals = next(i for i in win.canvas_pane.scene.block_items() if i.state.title == "Goals")
        before = Blocks(demo).get(goals.block_id)
        start = view_point(view, goals, QPointF(80, 16))
        drag(view.viewport(), start, start + QPointF(40, 24).toPoint())
        qtbot.waitUntil(lambda: Blocks(demo).get(goals.block_id).position_x == before.position_x + 40, timeout=3000)
        app.blocks.set_geometry({goals.block_id: _geometry(before)})  # a change not made in the window
        qtbot.waitUntil(lambda: goals.pos().x() == before.position_x, timeout=3000)  # its event reaches the window
    finally:
        win.close()
        app.close()


def _geometry(row: Any) -> Any:
    from ionflux.core.geometry import Geometry

    return Geometry(row.position_x, row.position_y, row.width, row.height)


def test_closing_before_the_store_opened_keeps_what_was_typed(qtbot: Any, demo: Context, data_dir: Path) -> None:
    app, win = _fresh_window(qtbot, data_dir)
    channel = uuid.uuid4()
    win.drafts.update("chat", str(channel), "typed in the first second")
    win.close()  # never shown: the store opens on close, and the draft is written
    app.close()
    assert demo.store.get_local("ui.drafts.chat") == {str(channel): "typed in the first second"}
