"""Each block type working on the canvas: kanban, table, JSON, agent snippet, image, embed, video."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import wait_idle
from gestures import click, drag, view_point

from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.context import Context
from ionflux.ui.qt import QColor, QImage, QPointF, Qt

pytestmark = pytest.mark.gui


def _add(qtbot: Any, window: Any, demo: Context, block_type: str, content: dict[str, Any],
         geometry: Geometry = Geometry(40, 320, 420, 240)) -> Any:  # noqa: B008
    block = Blocks(demo).create(window.canvas_vm.page_id, block_type, content, geometry=geometry)
    qtbot.waitUntil(lambda: block.id in window.canvas_pane.scene.items_by_id, timeout=3000)
    return window.canvas_pane.scene.items_by_id[block.id]


def _render(window: Any) -> None:
    """Paint the canvas once (every body's paint code runs)."""
    window.canvas_pane.view.viewport().grab()


def test_a_kanban_card_dragged_to_another_column_is_persisted(qtbot: Any, window: Any, demo: Context) -> None:
    view = window.canvas_pane.view
    board = next(i for i in window.canvas_pane.scene.block_items() if i.state.type == "kanban_board")
    body = board.body_rect().topLeft()
    start = view_point(view, board, body + board.content.card_centre(0, 0))  # "Draft teaser email" in To do
    end = view_point(view, board, body + board.content.card_centre(2, 1))  # under "Pricing approved" in Done
    drag(view.viewport(), start, end)

    def columns() -> dict[str, list[str]]:
        data = Blocks(demo).get(board.block_id).content_json["json_data_to_display"]
        return {c["id"]: [card["title"] for card in c["cards"]] for c in data["columns"]}

    qtbot.waitUntil(lambda: "Draft teaser email" in columns()["done"], timeout=3000)
    assert columns() == {"todo": ["Creator outreach list"], "doing": ["Product photos"],
                         "done": ["Pricing approved", "Draft teaser email"]}
    assert board.pos() == QPointF(board.state.x, board.state.y)  # the card moved, not the board
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: columns()["todo"] == ["Draft teaser email", "Creator outreach list"], timeout=3000)


def test_kanban_cards_move_from_the_keyboard_menu(qtbot: Any, window: Any, demo: Context) -> None:
    board = next(i for i in window.canvas_pane.scene.block_items() if i.state.type == "kanban_board")
    entries = dict(board.content.menu())
    entries["Move “Product photos” to Done"]()
    wait_idle(qtbot, window)
    data = Blocks(demo).get(board.block_id).content_json["json_data_to_display"]
    assert [c["title"] for c in data["columns"][2]["cards"]] == ["Pricing approved", "Product photos"]


def test_table_sorts_by_a_header_click_and_edits_a_cell(qtbot: Any, window: Any, demo: Context) -> None:
    table = _add(qtbot, window, demo, "table_view", {"title_text": "Top products", "json_data_to_display": {
        "columns": ["Product", "Units"], "rows": [["Denim jacket", 40], ["Tote", 120], ["Cap", 7]]}})
    view, body = window.canvas_pane.view, table.body_rect().topLeft()
    click(view.viewport(), view_point(view, table, body + QPointF(300, 12)))  # the "Units" header
    assert [table.content.rows[i][0] for i in table.content.order()] == ["Cap", "Denim jacket", "Tote"]
    click(view.viewport(), view_point(view, table, body + QPointF(300, 12)))
    assert [table.content.rows[i][0] for i in table.content.order()] == ["Tote", "Denim jacket", "Cap"]
    _render(window)
    click(view.viewport(), view_point(view, table, body + QPointF(40, 28 + 26 * 2 + 10)), double=True)  # "Cap"
    editor = table.editor.widget()
    editor.setText("Bucket hat")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    rows = Blocks(demo).get(table.block_id).content_json["json_data_to_display"]["rows"]
    assert rows == [["Denim jacket", 40], ["Tote", 120], ["Bucket hat", 7]]  # stored order unchanged


def test_json_tree_collapses_and_expands(qtbot: Any, window: Any, demo: Context) -> None:
    block = _add(qtbot, window, demo, "json_display", {"title_text": "Order", "json_data_to_display": {
        "id": 1001, "customer": {"name": "Ana", "tags": ["vip"]}, "paid": True}})
    content = block.content
    assert [r.key for r in content.rows()] == ["id", "customer", "name", "tags", "paid"]
    assert ("customer",) in content.expanded
    view, body = window.canvas_pane.view, block.body_rect().topLeft()
    click(view.viewport(), view_point(view, block, body + QPointF(20, 20 + 10)))  # the "customer" row
    assert ("customer",) not in content.expanded
    assert [r.key for r in content.rows()] == ["id", "customer", "paid"]
    _render(window)



def test_a_collapsed_json_branch_counts_its_children() -> None:
    from ionflux.ui.canvas.blocks.json_display import summary

    assert [summary(v) for v in ({"a": 1}, {"a": 1, "b": 2}, ["vip"], [1, 2, 3], [], {})] == [
        "{…} 1 key", "{…} 2 keys", "[…] 1 item", "[…] 3 items", "[]", "{}"]

def test_agent_snippet_runs_and_updates_live(qtbot: Any, window: Any, demo: Context, copy_config: uuid.UUID) -> None:
    snippet = _add(qtbot, window, demo, "agent_snippet", {
        "title_text": "Copy", "agent_configuration_id": str(copy_config),
        "agent_last_run_output_key_ref": "headline"}, Geometry(40, 320, 340, 210))
    qtbot.waitUntil(lambda: snippet.content.info.name == "Copy Desk", timeout=3000)
    assert snippet.content.info.status == "idle"
    _render(window)
    view, body = window.canvas_pane.view, snippet.body_rect()
    click(view.viewport(), view_point(view, snippet, QPointF(body.right() - 20, body.bottom() - 10)))  # Run
    qtbot.waitUntil(lambda: snippet.content.info.status == "success", timeout=10000)
    assert snippet.content.info.outputs["headline"] == "Spring Sale!"
    assert snippet.content.info.progress is None
    _render(window)


def test_agent_snippet_follows_runs_started_elsewhere(qtbot: Any, window: Any, demo: Context, app: Any,
                                                      copy_config: uuid.UUID) -> None:
    snippet = _add(qtbot, window, demo, "agent_snippet", {"agent_configuration_id": str(copy_config)})
    qtbot.waitUntil(lambda: snippet.content.info.name == "Copy Desk", timeout=3000)
    app.runtime.run(copy_config, {"brief": "from the terminal"})
    qtbot.waitUntil(lambda: snippet.content.info.outputs.get("headline") == "From The Terminal!", timeout=5000)


def test_image_from_a_file_keeps_its_aspect(qtbot: Any, window: Any, demo: Context, tmp_path: Path) -> None:
    picture = QImage(200, 100, QImage.Format.Format_RGB32)
    picture.fill(QColor("#ff8800"))
    path = tmp_path / "banner.png"
    picture.save(str(path))
    block = _add(qtbot, window, demo, "image", {"title_text": "Banner", "file_path": str(path)},
                 Geometry(40, 320, 420, 400))
    media = window.canvas_pane.scene.media
    media.pixmap(str(path))
    qtbot.waitUntil(lambda: media.state(str(path)) == "ready", timeout=3000)
    shot = window.canvas_pane.view.viewport().grab().toImage()
    centre = window.canvas_pane.view.mapFromScene(block.mapToScene(block.body_rect().center()))
    assert QColor(shot.pixel(centre)).name() == "#ff8800"
    above = centre - QPointF(0, block.body_rect().height() / 2 - 20).toPoint()
    assert QColor(shot.pixel(above)).name() != "#ff8800"  # letterboxed: the 2:1 picture keeps its shape


def test_image_url_offline_falls_back(qtbot: Any, window: Any, demo: Context) -> None:
    url = "https://cdn.example.com/lookbook.jpg"
    _add(qtbot, window, demo, "image", {"image_url": url})
    media = window.canvas_pane.scene.media
    media.pixmap(url)
    qtbot.waitUntil(lambda: media.state(url) == "failed", timeout=3000)
    _render(window)


def test_image_url_is_fetched_once_and_cached(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from ionflux.ui.canvas.media import MediaCache, cache_name
    from ionflux.ui.qt import QBuffer, QByteArray

    picture = QImage(16, 16, QImage.Format.Format_RGB32)
    picture.fill(QColor("#00aa00"))
    data = QByteArray()
    buffer = QBuffer(data)
    picture.save(buffer, "PNG")
    calls: list[str] = []

    def fetch(url: str) -> bytes:
        calls.append(url)
        return bytes(data.data())

    media = MediaCache(window.ops, tmp_path / "media", fetch)
    url = "https://cdn.example.com/p.png"
    media.pixmap(url)
    qtbot.waitUntil(lambda: media.state(url) == "ready", timeout=3000)
    assert (tmp_path / "media" / cache_name(url)).exists()
    offline = MediaCache(window.ops, tmp_path / "media", None)  # a later session, offline
    offline.pixmap(url)
    qtbot.waitUntil(lambda: offline.state(url) == "ready", timeout=3000)
    assert calls == [url]


def test_embed_and_video_cards(qtbot: Any, window: Any, demo: Context) -> None:
    from ionflux.ui.canvas.blocks.video import youtube_id

    embed = _add(qtbot, window, demo, "embed_panel", {"embed_url": "https://www.shopify.com/blog/launch"})
    video = _add(qtbot, window, demo, "video", {"video_url": "https://youtu.be/dQw4w9WgXcQ"},
                 Geometry(500, 320, 380, 250))
    assert embed.content.domain() == "shopify.com"
    assert video.content.provider() == "YouTube"
    assert youtube_id("https://www.youtube.com/watch?v=abc123XYZ") == "abc123XYZ"
    _render(window)
    click(window.canvas_pane.view.viewport(), view_point(window.canvas_pane.view, embed, QPointF(100, 100)),
          double=True)
    editor = embed.editor.widget()
    editor.setText("https://ionflux.ai/press")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert Blocks(demo).get(embed.block_id).content_json["embed_url"] == "https://ionflux.ai/press"
