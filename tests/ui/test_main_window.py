"""The first window, offscreen: page tree and channels from the store, live updates, posting."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ionflux.core.context import Context
from ionflux.core.pages import Pages

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, demo: Context, data_dir: Path):  # type: ignore[no-untyped-def]
    from ionflux.app.context import App
    from ionflux.app.gui import build_window

    app = App(data_dir)
    app.__dict__["store"] = demo.store  # share the test's open store
    win = build_window(app)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _page_titles(win) -> list[str]:  # type: ignore[no-untyped-def]
    model = win.sidebar.page_model
    out = []

    def walk(parent, depth):  # type: ignore[no-untyped-def]
        for row in range(model.rowCount(parent)):
            idx = model.index(row, 0, parent)
            out.append("  " * depth + idx.data())
            walk(idx, depth + 1)

    from ionflux.ui.qt import QModelIndex

    walk(QModelIndex(), 0)
    return out


def test_window_shows_the_demo_workspace(window) -> None:  # type: ignore[no-untyped-def]
    assert window.sidebar.title.text() == "Demo Workspace"
    assert _page_titles(window) == ["Q4 Campaign Planning"]
    channels = [window.sidebar.channel_list.item(i).text() for i in range(window.sidebar.channel_list.count())]
    assert [c.split()[1] for c in channels] == ["alerts", "general"]
    assert window.page_title.text() == "Q4 Campaign Planning"
    assert sorted(i.block.title for i in window.canvas.block_items()) == ["Goals", "Launch plan"]
    assert window.chat.title.text() == "# general"
    assert window.chat.model.rowCount() == 1


def test_a_page_created_elsewhere_appears_live(qtbot, window, demo: Context, demo_ws: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    q4 = Pages(demo).find(demo_ws, "Q4 Campaign Planning")
    Pages(demo).create(demo_ws, "Press kit", parent_id=q4.id)
    qtbot.waitUntil(lambda: _page_titles(window) == ["Q4 Campaign Planning", "  Press kit"], timeout=3000)


def test_typing_a_message_posts_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from ionflux.ui.qt import Qt

    qtbot.keyClicks(window.chat.composer, "Launch checklist is ready")
    qtbot.keyClick(window.chat.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.chat.model.rowCount() == 2, timeout=3000)
    assert window.chat.composer.text() == ""
    last = window.chat.model.index(1, 0).data()
    assert last == "Demo User: Launch checklist is ready"


def test_failed_post_keeps_the_draft(qtbot, window, demo: Context) -> None:  # type: ignore[no-untyped-def]
    from ionflux.core.models import ChatChannel
    from ionflux.ui.qt import Qt

    with demo.store.unit_of_work() as uow:  # the channel vanishes (e.g. deleted on another device)
        uow.delete(uow.session.get(ChatChannel, window.vm.channel_id))
    window.chat.composer.setText("my carefully typed draft")
    qtbot.keyClick(window.chat.composer, Qt.Key.Key_Return)
    assert window.chat.composer.text() == "my carefully typed draft"
    assert "no channel" in window.statusBar().currentMessage()


def test_clicking_a_page_opens_it(qtbot, window, demo: Context, demo_ws: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    page = Pages(demo).create(demo_ws, "Empty page")
    qtbot.waitUntil(lambda: "Empty page" in _page_titles(window), timeout=3000)
    window.vm.open_page(page.id)
    assert window.page_title.text() == "Empty page"
    assert window.canvas.block_items() == []
