"""The window's first paint reads plain SQLite: it must show what the services would."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.context import Context
from ionflux.core.first_view import read_first_view
from ionflux.core.pages import Pages
from ionflux.core.settings import KEYBINDINGS_KEY, THEME_KEY
from ionflux.core.store import Store
from ionflux.core.users import Users
from ionflux.core.workspaces import Workspaces


def test_the_first_view_matches_the_services(demo: Context, demo_ws: uuid.UUID, data_dir: Path) -> None:
    pages, blocks = Pages(demo), Blocks(demo)
    q4 = pages.find(demo_ws, "Q4 Campaign Planning")
    week = pages.create(demo_ws, "Launch Week", parent_id=q4.id)
    pages.create(demo_ws, "Day 1", parent_id=week.id)
    first_page = pages.create(demo_ws, "Archive notes")  # sorts first: the page the window opens
    blocks.create(first_page.id, "text", {"title_text": "Old", "markdown_text": "*kept*"},
                  geometry=Geometry(10, 20, 300, 150), z_index=3)
    blocks.create(first_page.id, "json_display", {"title_text": "Data", "json_data_to_display": {"a": [1, 2]}},
                  geometry=Geometry(-40, 5, 200, 120), z_index=1)
    pages.archive(pages.create(demo_ws, "Gone").id)
    Workspaces(demo).create("Zeta Studio", demo.user_id)  # listed after the demo workspace
    demo.store.set_local("ui.drafts.chat", {"c1": "half a thought"})
    demo.store.set_local(KEYBINDINGS_KEY, {"palette.open": "Ctrl+P"})

    view = read_first_view(data_dir)

    assert view is not None
    user = Users(demo).get(demo.user_id)
    assert (view.user_id, view.user_email, view.user_name) == (user.id, user.email, user.name)
    assert view.theme == "dark"  # the demo user's profile preference
    listed = Workspaces(demo).list(demo.user_id)
    assert (view.workspace_id, view.workspace_name) == (listed[0].id, listed[0].name)
    assert view.workspace_names == [w.name for w in listed] and len(listed) == 2
    expected_tree = [(p.id, p.title, p.parent_page_id, d) for p, d in pages.tree(view.workspace_id)]
    assert [(p.id, p.title, p.parent_page_id, d) for p, d in view.pages] == expected_tree
    assert view.page is not None
    page, rows = view.page
    assert page.id == expected_tree[0][0]
    fields = ("id", "page_id", "type", "content_json", "position_x", "position_y", "width", "height", "z_index")
    assert [tuple(getattr(r, f) for f in fields) for r in rows] == \
        [tuple(getattr(b, f) for f in fields) for b in blocks.list(page.id)]
    assert view.drafts["chat"] == {"c1": "half a thought"} and view.drafts["blocks"] == {}
    assert view.keybindings == {"palette.open": "Ctrl+P"}


def test_a_theme_chosen_on_the_device_wins(demo: Context, data_dir: Path) -> None:
    demo.store.set_local(THEME_KEY, "light")
    view = read_first_view(data_dir)
    assert view is not None and view.theme == "light"


def test_no_first_view_where_the_store_must_open_first(tmp_path: Path) -> None:
    assert read_first_view(tmp_path / "missing") is None
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "ionflux.db").write_bytes(b"not a database at all" * 10)
    assert read_first_view(tmp_path / "foreign") is None
    old = tmp_path / "old"
    store = Store(old)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")  # needs migrating
    store.close()
    assert read_first_view(old) is None


def test_an_empty_store_gives_a_view_without_a_workspace(store: Store, data_dir: Path) -> None:
    view = read_first_view(data_dir)
    assert view is not None
    assert (view.user_id, view.workspace_id, view.pages, view.page) == (None, None, [], None)


def test_the_window_modules_load_without_the_database_layer() -> None:
    """What the first paint imports must not pull SQLAlchemy in (it would cost half of start-up)."""
    code = ("import sys; import ionflux.app.gui, ionflux.ui.main_window, ionflux.core.first_view;"
            "from ionflux.app.commands import load_all; load_all();"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'yaml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
