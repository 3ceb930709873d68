"""The canvas: move, resize, select, delete, duplicate, copy and paste, z-order, zoom — all undoable and persisted."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import wait_idle
from gestures import click, drag, view_point

from ionflux.core.blocks import Blocks
from ionflux.core.context import Context
from ionflux.core.pages import Pages
from ionflux.ui.qt import QPointF, Qt

pytestmark = pytest.mark.gui


def _item(window: Any, title: str) -> Any:
    return next(i for i in window.canvas_pane.scene.block_items() if i.state.title == title)


def test_dragging_a_block_persists_its_position_and_undo_restores_it(qtbot: Any, window: Any, demo: Context) -> None:
    view = window.canvas_pane.view
    goals = _item(window, "Goals")
    before = Blocks(demo).get(goals.block_id)
    start = view_point(view, goals, QPointF(80, 16))  # the header: a move, not an edit
    drag(view.viewport(), start, start + QPointF(120, 64).toPoint())
    moved = lambda: Blocks(demo).get(goals.block_id).position_x == before.position_x + 120  # noqa: E731
    qtbot.waitUntil(moved, timeout=3000)
    assert Blocks(demo).get(goals.block_id).position_y == before.position_y + 64
    assert window.undo_stack.undoText() == "Move"
    window.hub.actions["edit.undo"].trigger()
    qtbot.waitUntil(lambda: Blocks(demo).get(goals.block_id).position_x == before.position_x, timeout=3000)
    assert Blocks(demo).get(goals.block_id).position_y == before.position_y
    assert goals.pos() == QPointF(before.position_x, before.position_y)
    window.hub.actions["edit.redo"].trigger()
    qtbot.waitUntil(moved, timeout=3000)


def test_keyboard_moves_and_resizes_the_selection(qtbot: Any, window: Any, demo: Context) -> None:
    view = window.canvas_pane.view
    goals = _item(window, "Goals")
    before = Blocks(demo).get(goals.block_id)
    view.setFocus()
    window.canvas_pane.scene.select([goals.block_id])
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    wait_idle(qtbot, window)
    after = Blocks(demo).get(goals.block_id)
    assert (after.position_x, after.height) == (before.position_x + 24, before.height + 8)
    assert window.undo_stack.count() == 2  # three nudges merged into one step, then the resize
    window.undo_stack.undo()
    window.undo_stack.undo()
    wait_idle(qtbot, window)
    assert Blocks(demo).get(goals.block_id).position_x == before.position_x


def test_resizing_by_the_grip(qtbot: Any, window: Any, demo: Context) -> None:
    view = window.canvas_pane.view
    goals = _item(window, "Goals")
    w, h = goals.state.width, goals.state.height
    start = view_point(view, goals, QPointF(w - 4, h - 4))
    drag(view.viewport(), start, start + QPointF(80, 40).toPoint())
    qtbot.waitUntil(lambda: Blocks(demo).get(goals.block_id).width == w + 80, timeout=3000)
    assert Blocks(demo).get(goals.block_id).height == h + 40
    assert window.undo_stack.undoText() == "Resize"


def test_rubber_band_selects_several_then_delete_and_undo(qtbot: Any, window: Any, demo: Context) -> None:
    view, scene = window.canvas_pane.view, window.canvas_pane.scene
    goals, plan = _item(window, "Goals"), _item(window, "Launch plan")
    left_top = view.mapFromScene(goals.sceneBoundingRect().topLeft() - QPointF(20, 20))
    right_bottom = view.mapFromScene(plan.sceneBoundingRect().bottomRight() + QPointF(20, 20))
    drag(view.viewport(), left_top, right_bottom)
    assert {i.state.title for i in scene.selected_blocks()} == {"Goals", "Launch plan"}
    page_id = window.canvas_vm.page_id
    window.hub.actions["canvas.delete"].trigger()
    wait_idle(qtbot, window)
    assert Blocks(demo).list(page_id) == []
    window.undo_stack.undo()
    wait_idle(qtbot, window)
    assert sorted((b.content_json or {}).get("title_text") for b in Blocks(demo).list(page_id)) == ["Goals",
                                                                                                    "Launch plan"]
    assert len(scene.block_items()) == 2


def test_duplicate_and_z_order(qtbot: Any, window: Any, demo: Context) -> None:
    scene = window.canvas_pane.scene
    goals = _item(window, "Goals")
    scene.select([goals.block_id])
    window.hub.actions["canvas.duplicate"].trigger()
    wait_idle(qtbot, window)
    blocks = Blocks(demo).list(window.canvas_vm.page_id)
    assert [b.content_json["title_text"] for b in blocks].count("Goals") == 2
    copy = next(b for b in blocks if b.id != goals.block_id and b.content_json["title_text"] == "Goals")
    assert (copy.position_x, copy.position_y) == (goals.state.x + 24, goals.state.y + 24)
    scene.select([goals.block_id])
    window.hub.actions["canvas.bring_front"].trigger()
    wait_idle(qtbot, window)
    top = max(b.z_index for b in Blocks(demo).list(window.canvas_vm.page_id))
    assert Blocks(demo).get(goals.block_id).z_index == top
    window.hub.actions["canvas.send_back"].trigger()
    wait_idle(qtbot, window)
    bottom = min(b.z_index for b in Blocks(demo).list(window.canvas_vm.page_id))
    assert Blocks(demo).get(goals.block_id).z_index == bottom


def test_copy_and_paste_onto_another_page(qtbot: Any, window: Any, demo: Context, demo_ws: Any) -> None:
    scene = window.canvas_pane.scene
    plan = _item(window, "Launch plan")
    scene.select([plan.block_id])
    window.hub.actions["canvas.copy"].trigger()
    other = Pages(demo).create(demo_ws, "Launch week")
    window.open_page(other.id)
    qtbot.waitUntil(lambda: window.canvas_pane.title.text() == "Launch week", timeout=3000)
    window.hub.actions["canvas.paste"].trigger()
    wait_idle(qtbot, window)
    pasted = Blocks(demo).list(other.id)
    assert [b.content_json["title_text"] for b in pasted] == ["Launch plan"]
    assert pasted[0].content_json == plan.state.content
    assert (pasted[0].position_x, pasted[0].position_y) == (plan.state.x, plan.state.y)  # same place, other page
    window.undo_stack.undo()
    wait_idle(qtbot, window)
    assert Blocks(demo).list(other.id) == []


def test_zoom_and_fit(window: Any) -> None:
    view = window.canvas_pane.view
    window.hub.actions["canvas.zoom_in"].trigger()
    assert view.zoom == pytest.approx(1.25)
    window.hub.actions["canvas.zoom_reset"].trigger()
    assert view.zoom == pytest.approx(1.0)
    view.resize(400, 300)
    window.hub.actions["canvas.fit"].trigger()
    assert view.zoom < 1.0
    for item in window.canvas_pane.scene.block_items():
        assert view.mapToScene(view.viewport().rect()).boundingRect().contains(item.sceneBoundingRect())


def test_slash_opens_the_block_picker_and_adds_a_text_block(qtbot: Any, window: Any, demo: Context) -> None:
    view = window.canvas_pane.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Slash)
    picker = window.canvas_pane.picker
    assert picker.isVisible()
    assert picker.list.count() == 8
    qtbot.keyClicks(picker.input, "text")
    qtbot.keyClick(picker.input, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    page_id = window.canvas_vm.page_id
    texts = [b for b in Blocks(demo).list(page_id) if b.type.value == "text"]
    assert len(texts) == 2
    new = next(i for i in window.canvas_pane.scene.block_items() if i.state.title == "Note")
    assert new.editor is not None  # a new note opens its editor at once
    editor = new.content.editor
    editor.setPlainText("# Launch day\n- doors at **6am**")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert Blocks(demo).get(new.block_id).content_json["markdown_text"] == "# Launch day\n- doors at **6am**"
    assert new.editor is None
    window.undo_stack.undo()
    wait_idle(qtbot, window)
    assert Blocks(demo).get(new.block_id).content_json["markdown_text"].startswith("Double-click")


def test_double_click_edits_text_and_escape_cancels(qtbot: Any, window: Any, demo: Context) -> None:
    view = window.canvas_pane.view
    goals = _item(window, "Goals")
    click(view.viewport(), view_point(view, goals, QPointF(100, 100)), double=True)
    assert goals.editor is not None
    editor = goals.content.editor
    qtbot.keyClicks(editor, "more")
    assert window.canvas_pane.scene.drafts[goals.block_id].endswith("more")  # kept as a draft while typing
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert goals.editor is None
    assert goals.block_id not in window.canvas_pane.scene.drafts
    assert "more" not in Blocks(demo).get(goals.block_id).content_json["markdown_text"]
