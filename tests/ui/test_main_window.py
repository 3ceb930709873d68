"""The main window, offscreen: sidebar from the store, live updates, page drag and drop, layout, themes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import wait_idle

from ionflux.core.context import Context
from ionflux.core.pages import Pages
from ionflux.ui.workspace_vm import AgentItem

pytestmark = pytest.mark.gui


def test_window_shows_the_demo_workspace(window: Any) -> None:
    assert window.sidebar.title.text() == "Demo Workspace"
    assert window.sidebar.page_titles() == ["Q4 Campaign Planning"]
    tree = window.sidebar.agent_list
    agents = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "Copy Desk" in agents
    assert window.canvas_pane.title.text() == "Q4 Campaign Planning"
    assert sorted(i.state.title for i in window.canvas_pane.scene.block_items()) == ["Goals", "Launch plan"]
    assert window.chat.title.text() == "# general"
    assert window.chat.list.model_.rowCount() == 1
    assert "sync off" in window.status.sync.text()


def test_a_page_created_elsewhere_appears_live(qtbot: Any, window: Any, demo: Context, demo_ws: uuid.UUID) -> None:
    q4 = Pages(demo).find(demo_ws, "Q4 Campaign Planning")
    Pages(demo).create(demo_ws, "Press kit", parent_id=q4.id)
    qtbot.waitUntil(lambda: window.sidebar.page_titles() == ["Q4 Campaign Planning", "  Press kit"], timeout=3000)


def test_clicking_a_page_opens_it(qtbot: Any, window: Any, demo: Context, demo_ws: uuid.UUID) -> None:
    page = Pages(demo).create(demo_ws, "Empty page")
    qtbot.waitUntil(lambda: "Empty page" in window.sidebar.page_titles(), timeout=3000)
    window.sidebar.page_chosen.emit(page.id)
    qtbot.waitUntil(lambda: window.canvas_pane.title.text() == "Empty page", timeout=3000)
    assert window.canvas_pane.scene.block_items() == []


def test_dragging_a_page_in_the_tree_nests_and_reorders_it(qtbot: Any, window: Any, demo: Context,
                                                            demo_ws: uuid.UUID) -> None:
    from ionflux.ui.qt import QAbstractItemView
    from ionflux.ui.sidebar import IdRole

    pages = Pages(demo)
    a = pages.create(demo_ws, "Alpha")
    pages.create(demo_ws, "Beta")
    qtbot.waitUntil(lambda: len(window.sidebar.page_titles()) == 3, timeout=3000)
    tree, model = window.sidebar.page_tree, window.sidebar.page_model
    titles = window.sidebar.page_titles()
    source = model.index(titles.index("Alpha"), 0)
    target = model.index(titles.index("Q4 Campaign Planning"), 0)
    q4_id = target.data(IdRole)
    found = tree.drop_target(source, target, QAbstractItemView.DropIndicatorPosition.OnItem)
    assert found is not None
    tree.page_moved.emit(a.id, *found)
    qtbot.waitUntil(lambda: window.sidebar.page_titles() == ["Beta", "Q4 Campaign Planning", "  Alpha"], timeout=3000)
    assert Pages(demo).get(a.id).parent_page_id == q4_id
    titles = window.sidebar.page_titles()
    beta = model.index(titles.index("Beta"), 0)
    beta_id = beta.data(IdRole)
    q4 = model.index(titles.index("Q4 Campaign Planning"), 0)
    found = tree.drop_target(beta, q4, QAbstractItemView.DropIndicatorPosition.BelowItem)
    assert found == (None, 1)  # Beta leaves row 0 first, so "below Q4" is index 1
    tree.page_moved.emit(beta_id, *found)
    qtbot.waitUntil(lambda: window.sidebar.page_titles() == ["Q4 Campaign Planning", "  Alpha", "Beta"],
                    timeout=3000)


def test_sync_status_can_be_set_by_the_sync_worker(window: Any) -> None:
    window.set_sync_status("synced 2 s ago", "ok")
    assert "synced 2 s ago" in window.status.sync.text()


def test_theme_toggle_switches_and_is_remembered(qtbot: Any, window: Any, app: Any) -> None:
    assert window.theme.name == "dark"  # the demo user prefers dark
    window.hub.actions["view.toggle_theme"].trigger()
    assert window.theme.name == "light"
    window.ops.drain()
    assert app.store.get_local("ui.theme") == "light"


def test_layout_is_remembered(qtbot: Any, app: Any, copy_config: uuid.UUID) -> None:
    from conftest import offline_fetch

    from ionflux.app.gui import build_window

    first = build_window(app, fetch=offline_fetch)
    qtbot.addWidget(first)
    first.show()
    first.chat_dock.hide()
    first.close()
    second = build_window(app, fetch=offline_fetch)
    qtbot.addWidget(second)
    second.show()
    wait_idle(qtbot, second)
    assert not second.chat_dock.isVisible()
    second.close()


def test_library_items_open_as_tabs(qtbot: Any, window: Any) -> None:
    library = window.workspace_vm.library
    assert [p.name for p in library.prompts] == ["Exciting Product Promotion"]
    window.sidebar.item_chosen.emit(library.prompts[0])
    assert window.tabs.count() == 2
    assert "Generate an exciting promotional email" in window.tabs.currentWidget().toPlainText()


def test_the_demo_has_a_button_and_a_help_menu_entry(window: Any) -> None:
    from ionflux.ui.qt import QToolButton

    demo = window.hub.actions["platform.demo"]
    buttons = [b for b in window.canvas_pane.findChildren(QToolButton) if b.defaultAction() is demo]
    assert len(buttons) == 1 and buttons[0].text() == "▶ Demo"
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Help")
    assert demo in help_menu.actions()
    assert not window.registry.get("platform.demo").gui_only  # runs off the GUI thread, like `ionflux demo`


def test_short_agent_and_library_lists_show_every_row_and_leave_the_rest_to_the_pages(qtbot: Any,
                                                                                     window: Any) -> None:
    window.resize(1440, 900)
    window.show()
    qtbot.waitUntil(lambda: window.sidebar.library.shown_rows() > 4, timeout=3000)
    qtbot.wait(50)
    sidebar = window.sidebar
    for tree in (sidebar.agent_list, sidebar.library):
        assert tree.verticalScrollBar().maximum() == 0, tree  # nothing hidden below a scroll
    assert sidebar.page_tree.height() > sidebar.library.height() / 2
    long_list = [AgentItem(uuid.uuid4(), f"Agent {i}", "copy", "Copy Tester", "idle", None, None) for i in range(30)]
    sidebar.set_agents(long_list)
    qtbot.wait(50)
    assert sidebar.agent_list.verticalScrollBar().maximum() > 0  # a long one scrolls instead of pushing the rest out
    assert sidebar.page_tree.height() > 60
