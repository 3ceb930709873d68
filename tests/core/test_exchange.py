import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ionflux.core.agent_configs import AgentConfigs, RunLogs
from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, ValidationError
from ionflux.core.exchange import dumps, export_workspace, import_workspace, read_export, write_export
from ionflux.core.models import CanvasPage, User
from ionflux.core.pages import Pages
from ionflux.core.profiles import Brands
from ionflux.core.store import Store
from ionflux.core.users import LOCKED_HASH


def _round_trip(src: Context, ws_id: uuid.UUID, target_dir: Path) -> tuple[str, str]:
    first = dumps(export_workspace(src, ws_id))
    target = Store(target_dir)
    try:
        ws = import_workspace(Context(target), json.loads(first))
        second = dumps(export_workspace(Context(target), ws.id))
    finally:
        target.close()
    return first, second


def test_demo_round_trip_is_identical(demo: Context, demo_ws: uuid.UUID, tmp_path: Path) -> None:
    first, second = _round_trip(demo, demo_ws, tmp_path / "empty")
    assert first == second
    assert "password_hash" not in first and "$argon2" not in first


def test_imported_users_are_locked_until_they_set_a_password(demo: Context, demo_ws: uuid.UUID,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    write_export(demo, demo_ws, path)
    target = Store(tmp_path / "other")
    import_workspace(Context(target), read_export(path))
    with target.read() as s:
        assert s.scalar(select(User.password_hash)) == LOCKED_HASH
    target.close()


def test_importing_the_same_workspace_twice_is_a_conflict_and_writes_nothing(demo: Context, demo_ws: uuid.UUID,
                                                                             tmp_path: Path) -> None:
    doc = export_workspace(demo, demo_ws)
    target = Store(tmp_path / "t")
    import_workspace(Context(target), doc)
    with target.read() as s:
        pages = s.scalar(select(func.count()).select_from(CanvasPage))
    with pytest.raises(ConflictError, match="already on this device"):
        import_workspace(Context(target), doc)
    with target.read() as s:
        assert s.scalar(select(func.count()).select_from(CanvasPage)) == pages
    target.close()


def test_a_bad_row_aborts_the_whole_import(demo: Context, demo_ws: uuid.UUID, tmp_path: Path) -> None:
    doc = export_workspace(demo, demo_ws)
    doc["chat_messages"][0]["sender_type"] = "robot"
    target = Store(tmp_path / "t")
    with pytest.raises(ValidationError) as err:
        import_workspace(Context(target), doc, source="demo.json")
    assert err.value.where == "demo.json: chat_messages[0].sender_type"
    with target.read() as s:
        assert s.scalar(select(func.count()).select_from(CanvasPage)) == 0
        assert s.scalar(select(func.count()).select_from(User)) == 0
    target.close()


def test_unknown_fields_and_broken_json_are_located(tmp_path: Path, demo: Context, demo_ws: uuid.UUID) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "format": "ionflux.workspace-export",\n  "x": [1, 2,\n}\n')
    with pytest.raises(ValidationError) as err:
        read_export(broken)
    assert err.value.where.startswith(f"{broken}:4:")
    doc = export_workspace(demo, demo_ws)
    doc["canvas_pages"][0]["colour"] = "red"
    with pytest.raises(ValidationError, match="unknown field 'colour'"):
        import_workspace(Context(Store(tmp_path / "t")), doc)
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    with pytest.raises(ValidationError, match="not an IONFLUX workspace export"):
        read_export(other)


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
NAME = TEXT.map(lambda t: " ".join(t.split()) or "x").filter(lambda t: len(t) <= 200)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(NAME, min_size=1, max_size=5), nest=st.lists(st.booleans(), min_size=5, max_size=5),
       texts=st.lists(TEXT, max_size=6), table=st.lists(st.lists(st.one_of(st.integers(), st.none(), TEXT,
                                                                              st.booleans()), min_size=2, max_size=2),
                                                        max_size=4),
       reacts=st.lists(st.sampled_from(["👍", "🚀", "🎉"]), max_size=3), brand=NAME)
def test_round_trip_of_random_workspaces_is_identical(demo: Context, demo_ws: uuid.UUID,
                                                      tmp_path_factory: pytest.TempPathFactory, titles: list[str],
                                                      nest: list[bool], texts: list[str], table: list[list],
                                                      reacts: list[str], brand: str) -> None:
    pages = Pages(demo)
    made: list[uuid.UUID] = []
    for i, title in enumerate(titles):
        parent = made[-1] if made and nest[i] else None
        made.append(pages.create(demo_ws, title, parent_id=parent).id)
    blocks = Blocks(demo)
    blocks.create(made[0], "table_view", {"json_data_to_display": {"columns": ["a", "b"], "rows": table}},
                  geometry=Geometry(-50, 10, 200, 100))
    for t in texts:
        blocks.create(made[-1], "text", {"markdown_text": t, "title_text": t[:10]})
    chat = Chat(demo)
    general = chat.channel(demo_ws, "general")
    root = None
    for t in (t for t in texts if t.strip()):  # a blank message is refused by design
        msg = chat.post(general.id, t, thread_id=root)
        root = root or msg.id
        for r in reacts:
            chat.react(msg.id, r)
    unique = f"{uuid.uuid4().hex[:8]} {brand}"[:200]  # examples share the workspace; brand names are unique in it
    Brands(demo).create(demo_ws, unique, mood_board_urls_array=["https://x.example/a"])
    cfg = AgentConfigs(demo).list(demo_ws)[0]
    run = RunLogs(demo).start(cfg.id, "manual_ui", {"t": texts})
    RunLogs(demo).move(run.run_id, "running")
    first, second = _round_trip(demo, demo_ws, tmp_path_factory.mktemp("rt"))
    assert first == second
    for pid in made:
        pages.delete(pid)
