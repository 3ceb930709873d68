"""What the window shows first, read with plain ``sqlite3``: the first paint never waits for the ORM.

Loading SQLAlchemy and the data model takes about half of start-up, so the window paints from
this read (the current user, theme, workspace, page tree and first page, drafts) while the store
opens on a worker thread. It reads only an up-to-date IONFLUX database; anything else (no file,
an older schema that needs migrating, a foreign file) gives None, and the caller opens the store
first, which migrates or reports the problem in one line.

The values match what the services return (``Pages.tree``, ``Blocks.list``, ...); a test checks
that on the demo workspace.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ionflux.core.db import APPLICATION_ID, DB_FILENAME
from ionflux.core.enums import BlockType, PageStatus, WorkspaceStatus
from ionflux.core.migrate import HEAD
from ionflux.core.page_tree import tree_order
from ionflux.core.settings import (
    CURRENT_USER_KEY,
    DRAFT_SECTIONS,
    KEYBINDINGS_KEY,
    THEME_KEY,
    choose_theme,
    draft_key,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageRow:
    """A page as the tree needs it (attribute names as on ``CanvasPage``)."""

    id: uuid.UUID
    parent_page_id: uuid.UUID | None
    title: str
    sort_index: float
    created_at: str


@dataclass(frozen=True)
class BlockRow:
    """A block as the canvas needs it (attribute names as on ``CanvasBlock``)."""

    id: uuid.UUID
    page_id: uuid.UUID
    type: BlockType
    content_json: dict[str, Any]
    position_x: int
    position_y: int
    width: int
    height: int
    z_index: int


@dataclass(frozen=True)
class FirstView:
    """Everything the first paint shows."""

    user_id: uuid.UUID | None
    user_email: str = ""
    user_name: str = ""
    theme: str = "dark"
    keybindings: dict[str, str] = field(default_factory=dict)
    drafts: dict[str, dict[str, str]] = field(default_factory=dict)
    workspace_id: uuid.UUID | None = None
    workspace_name: str = ""
    workspace_names: list[str] = field(default_factory=list)
    #: (page, depth) in tree order.
    pages: list[tuple[PageRow, int]] = field(default_factory=list)
    #: The first page of the tree and its blocks (z order), or None when there are no pages.
    page: tuple[PageRow, list[BlockRow]] | None = None


def read_first_view(data_dir: Path) -> FirstView | None:
    """The first paint's data, or None when the store must be opened first (see the module doc)."""
    path = Path(data_dir) / DB_FILENAME
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        con.execute("BEGIN")  # one snapshot for every read below
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != HEAD:
            return None
        return _read(con)
    except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:  # the store will say what is wrong
        log.info("first view not read from %s: %s", path, exc)
        return None
    finally:
        con.close()


def _read(con: sqlite3.Connection) -> FirstView:
    local = {key: json.loads(value) for key, value in con.execute("SELECT key, value_json FROM local_settings")}
    user_id = _current_user(con, local.get(CURRENT_USER_KEY))
    email = name = ""
    profile = None
    if user_id is not None:
        row = con.execute("SELECT email, name, profile_info_json FROM users WHERE id = ?", (user_id.hex,)).fetchone()
        if row is not None:
            email, name, profile = row[0], row[1] or "", json.loads(row[2]) if row[2] else None
    view = FirstView(
        user_id, email, name, choose_theme(local.get(THEME_KEY), profile),
        dict(local.get(KEYBINDINGS_KEY) or {}),
        {s: dict(local.get(draft_key(s)) or {}) for s in DRAFT_SECTIONS})
    workspaces = _workspaces(con, user_id)
    if not workspaces:
        return view
    ws_id, ws_name = workspaces[0]
    pages = _pages(con, ws_id)
    page = (pages[0][0], _blocks(con, pages[0][0].id)) if pages else None
    return replace(view, workspace_id=ws_id, workspace_name=ws_name, workspace_names=[n for _i, n in workspaces],
                   pages=pages, page=page)


def _current_user(con: sqlite3.Connection, stored: Any) -> uuid.UUID | None:
    """As ``App.user_id``: the stored current user, else the only user."""
    if stored:
        return uuid.UUID(str(stored))
    rows = con.execute("SELECT id FROM users LIMIT 2").fetchall()
    return uuid.UUID(rows[0][0]) if len(rows) == 1 else None


def _workspaces(con: sqlite3.Connection, user_id: uuid.UUID | None) -> list[tuple[uuid.UUID, str]]:
    """As ``Workspaces.list(user_id)``: the user's workspaces that are not archived, by name."""
    out = []
    for wid, name, owner, members, status in con.execute(
            "SELECT id, name, owner_user_id, member_user_ids_array, status FROM workspaces "
            "ORDER BY name, created_at"):
        member_ids = {uuid.UUID(owner), *(uuid.UUID(str(m)) for m in json.loads(members or "[]"))}
        if status != WorkspaceStatus.ARCHIVED.value and (user_id is None or user_id in member_ids):
            out.append((uuid.UUID(wid), name))
    return out


def _pages(con: sqlite3.Connection, workspace_id: uuid.UUID) -> list[tuple[PageRow, int]]:
    """As ``Pages.tree``: the pages that are not archived, in tree order."""
    rows = [PageRow(uuid.UUID(pid), uuid.UUID(parent) if parent else None, title, sort_index, created)
            for pid, parent, title, sort_index, created in con.execute(
                "SELECT id, parent_page_id, title, sort_index, created_at FROM canvas_pages "
                "WHERE workspace_id = ? AND status != ?", (workspace_id.hex, PageStatus.ARCHIVED.value))]
    return tree_order(rows)


def _blocks(con: sqlite3.Connection, page_id: uuid.UUID) -> list[BlockRow]:
    """As ``Blocks.list``: the page's blocks by z order."""
    return [BlockRow(uuid.UUID(bid), page_id, BlockType(btype), json.loads(content) if content else {},
                     x, y, w, h, z)
            for bid, btype, content, x, y, w, h, z in con.execute(
                "SELECT id, type, content_json, position_x, position_y, width, height, z_index FROM canvas_blocks "
                "WHERE page_id = ? ORDER BY z_index, id", (page_id.hex,))]
