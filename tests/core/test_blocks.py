import uuid

import pytest
from sqlalchemy import func, select

from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.models import BlockType, CanvasBlock, PlatformEvent
from ionflux.core.pages import Pages

VALID = {
    "text": {"markdown_text": "# Hi\n**bold**"},
    "embed_panel": {"embed_url": "https://example.com/dashboard"},
    "video": {"video_url": "https://youtube.com/watch?v=x"},
    "image": {"image_url": "https://example.com/a.png", "alt_text": "a"},
    "table_view": {"json_data_to_display": {"columns": ["sku", "qty"], "rows": [["A1", 3], ["B2", None]]}},
    "kanban_board": {"json_data_to_display": {"columns": [{"id": "todo", "title": "To do",
                                                            "cards": [{"id": "c1", "title": "Write"}]}]}},
    "json_display": {"json_data_to_display": {"any": ["json", 1, True]}},
}


@pytest.fixture
def page_id(demo: Context, demo_ws: uuid.UUID) -> uuid.UUID:
    return Pages(demo).create(demo_ws, "Board").id


@pytest.mark.parametrize("block_type", sorted(VALID))
def test_every_block_type_accepts_valid_content(demo: Context, page_id: uuid.UUID, block_type: str) -> None:
    b = Blocks(demo).create(page_id, block_type, VALID[block_type], geometry=Geometry(10, 20, 300, 200))
    got = Blocks(demo).get(b.id)
    assert got.type == BlockType(block_type)
    assert (got.position_x, got.position_y, got.width, got.height) == (10, 20, 300, 200)


def test_agent_snippet_needs_a_configuration_of_the_workspace(demo: Context, demo_ws: uuid.UUID,
                                                              page_id: uuid.UUID) -> None:
    with pytest.raises(NotFoundError, match="agent configuration"):
        Blocks(demo).create(page_id, "agent_snippet", {"agent_configuration_id": str(uuid.uuid4())})
    cfg = AgentConfigs(demo).list(demo_ws)[0]
    b = Blocks(demo).create(page_id, "agent_snippet", {"agent_configuration_id": str(cfg.id),
                                                       "agent_last_run_output_key_ref": "incident_analysis_report"})
    assert b.content_json["agent_configuration_id"] == str(cfg.id)


@pytest.mark.parametrize(("block_type", "content", "where"), [
    ("embed_panel", {"embed_url": "javascript:alert(1)"}, "content_json.embed_url"),
    ("table_view", {"json_data_to_display": {"columns": ["a", "b"], "rows": [["only one"]]}},
     "content_json.json_data_to_display.rows[0]"),
    ("kanban_board", {"json_data_to_display": {"columns": [{"id": "a", "title": "A", "cards": []},
                                                           {"id": "a", "title": "B", "cards": []}]}},
     "content_json.json_data_to_display.columns[1].id"),
    ("text", {"markdown_text": "ok", "color": "red"}, "content_json"),
    ("image", {}, "content_json"),
    ("json_display", {}, "content_json"),
])
def test_bad_content_is_refused_with_the_field(demo: Context, page_id: uuid.UUID, block_type: str, content: dict,
                                               where: str) -> None:
    with pytest.raises(ValidationError) as err:
        Blocks(demo).create(page_id, block_type, content)
    assert err.value.where == where


def test_size_limit(demo: Context, page_id: uuid.UUID) -> None:
    with pytest.raises(ValidationError, match="bytes"):
        Blocks(demo).create(page_id, "json_display", {"json_data_to_display": "x" * 300_000})


@pytest.mark.parametrize("geo", [Geometry(0, 0, 5, 100), Geometry(0, 0, 100, 50_000), Geometry(2_000_000, 0, 100, 100)])
def test_bad_geometry(demo: Context, page_id: uuid.UUID, geo: Geometry) -> None:
    with pytest.raises(ValidationError):
        Blocks(demo).create(page_id, "text", {}, geometry=geo)


def test_move_resize_stack_duplicate_delete_restore(demo: Context, demo_ws: uuid.UUID, page_id: uuid.UUID) -> None:
    blocks = Blocks(demo)
    a = blocks.create(page_id, "text", {"markdown_text": "a"})
    b = blocks.create(page_id, "text", {"markdown_text": "b"})
    assert b.z_index > a.z_index
    blocks.move(a.id, 100, 150)
    blocks.resize(a.id, 400, 250)
    blocks.bring_to_front(a.id)
    got = blocks.get(a.id)
    assert (got.position_x, got.position_y, got.width, got.height) == (100, 150, 400, 250)
    assert got.z_index > b.z_index
    other = Pages(demo).create(demo_ws, "Other")
    (copy,) = blocks.duplicate([a.id], to_page_id=other.id)
    assert copy.page_id == other.id and copy.content_json == {"markdown_text": "a"}
    snapshot = {"id": str(b.id), "page_id": str(page_id), "type": "text", "content_json": {"markdown_text": "b"},
                "position_x": 0, "position_y": 0, "width": 320, "height": 200, "z_index": b.z_index}
    blocks.delete([b.id])
    with pytest.raises(NotFoundError):
        blocks.get(b.id)
    assert blocks.restore(snapshot).id == b.id


def test_multi_block_move_is_one_transaction(demo: Context, page_id: uuid.UUID) -> None:
    blocks = Blocks(demo)
    a = blocks.create(page_id, "text", {})
    with pytest.raises(ValidationError):
        blocks.set_geometry({a.id: Geometry(5, 5, 100, 100), uuid.uuid4(): Geometry(0, 0, 1, 1)})
    with demo.store.read() as s:
        assert s.get(CanvasBlock, a.id).position_x == 0
        assert s.scalar(select(func.count()).select_from(PlatformEvent)
                        .where(PlatformEvent.event_type == "ionflux.canvas.block.updated")) == 0
