"""The command palette (Ctrl+K), the shortcuts sheet and user key bindings: all read from the registry."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import offline_fetch, wait_idle

from ionflux.core.context import Context
from ionflux.core.pages import Pages
from ionflux.ui.qt import Qt

pytestmark = pytest.mark.gui


def _titles(window: Any) -> list[tuple[str, str]]:
    return [(e.kind, e.title) for e in window.palette.entries]


def test_ctrl_k_opens_the_palette_and_runs_a_command(qtbot: Any, window: Any) -> None:
    window.canvas_pane.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.palette.isVisible()
    qtbot.keyClicks(window.palette.input, "fit to")
    assert _titles(window)[0] == ("command", "Fit to content")
    assert window.palette.entries[0].keys  # shows its keys
    window.canvas_pane.view.set_zoom(2.0)
    qtbot.keyClick(window.palette.input, Qt.Key.Key_Return)
    assert not window.palette.isVisible()
    assert window.canvas_pane.view.zoom <= 1.0


def test_palette_finds_pages_agents_blocks_and_messages(qtbot: Any, window: Any) -> None:
    window.open_palette()
    qtbot.keyClicks(window.palette.input, "q4 camp")
    assert _titles(window)[0] == ("page", "Q4 Campaign Planning")
    window.palette.input.clear()
    qtbot.keyClicks(window.palette.input, "copy desk")
    assert ("agent", "Copy Desk") in _titles(window)
    window.palette.input.clear()
    qtbot.keyClicks(window.palette.input, "launch plan")
    assert ("block", "Launch plan") in _titles(window)
    window.palette.input.clear()
    qtbot.keyClicks(window.palette.input, "welcome")
    qtbot.waitUntil(lambda: any(k == "message" for k, _ in _titles(window)), timeout=3000)
    window.palette.input.clear()
    qtbot.keyClicks(window.palette.input, "denim")
    qtbot.waitUntil(lambda: ("block", "Goals") in _titles(window), timeout=3000)  # found in its text
    hit = next(e for e in window.palette.entries if e.title == "Goals")
    assert "recycled-denim" in hit.subtitle


def test_choosing_an_agent_opens_its_editor(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    window.open_palette()
    qtbot.keyClicks(window.palette.input, "copy desk")
    row = next(i for i, (k, _t) in enumerate(_titles(window)) if k == "agent")
    window.palette.list.setCurrentRow(row)
    qtbot.keyClick(window.palette.input, Qt.Key.Key_Return)
    assert copy_config in window.editors


def test_a_command_with_arguments_asks_for_them(qtbot: Any, window: Any, demo: Context, demo_ws: uuid.UUID) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # page.create's default keys
    assert window.palette.isVisible()
    assert "title" in window.palette.input.placeholderText()
    qtbot.keyClicks(window.palette.input, "Creator briefs")
    qtbot.keyClick(window.palette.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.canvas_pane.title.text() == "Creator briefs", timeout=3000)
    assert Pages(demo).find(demo_ws, "Creator briefs")


def test_the_shortcuts_sheet_lists_every_bound_command(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    sheet = next(w for w in window.findChildren(type(window.show_shortcuts())) if w.isVisible())
    rows = dict(sheet.rows())
    for title in ("Command palette", "Undo", "Redo", "Fit to content", "Add block", "New page", "Move left"):
        assert rows[title]
    assert rows["Command palette"] == "Ctrl+K"
    groups = [sheet.tree.topLevelItem(i) for i in range(sheet.tree.topLevelItemCount())]
    canvas = next(g for g in groups if g.text(0) == "CANVAS")
    titles = [canvas.child(j).text(0) for j in range(canvas.childCount())]
    assert titles == sorted(titles, key=str.casefold)  # found by reading down, alphabetically
    assert sheet.tree.columnWidth(0) <= 300  # a long action name does not push "What it does" out of sight
    sheet.filter.setText("zoom")
    visible = [sheet.tree.topLevelItem(i) for i in range(sheet.tree.topLevelItemCount())
               if not sheet.tree.topLevelItem(i).isHidden()]
    assert [g.text(0) for g in visible] == ["CANVAS"]


def test_every_window_command_has_a_keyboard_path(window: Any) -> None:
    """Bound keys, or (for commands with arguments) the palette, which Ctrl+K opens."""
    for cmd in window.registry:
        if cmd.gui_only:
            assert window.keymap.keys(cmd.id), f"{cmd.id} has no keys"


def test_user_key_bindings_override_the_defaults(qtbot: Any, app: Any, copy_config: uuid.UUID) -> None:
    from ionflux.app.commands import load_all
    from ionflux.app.commands.ui import keybind
    from ionflux.app.gui import build_window

    load_all()
    keybind(app, "palette.open", "Ctrl+P")
    win = build_window(app, fetch=offline_fetch)
    qtbot.addWidget(win)
    win.show()
    wait_idle(qtbot, win)
    assert win.hub.actions["palette.open"].shortcut().toString() == "Ctrl+P"
    qtbot.keyClick(win, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert win.palette.isVisible()
    keybind(app, "palette.open", "default")
    assert "palette.open" not in app.store.get_local("ui.keybindings")
    win.close()
