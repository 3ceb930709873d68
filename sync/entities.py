"""Which tables sync and how they hang together: models by table name, parents, insert order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, inspect, select

from ionflux.core.models import (
    AgentConfiguration,
    AgentDefinition,
    AgentRunLog,
    Base,
    Brand,
    CanvasBlock,
    CanvasPage,
    ChatChannel,
    ChatMessage,
    Creator,
    Playbook,
    Prompt,
    PromptLibrary,
    PromptVersion,
    ShopCustomer,
    ShopOrder,
    ShopProduct,
    User,
    Workspace,
)
from ionflux.core.serialize import row_from_json

#: Every synced table, parents before children: the order rows can be inserted in.
ORDER: tuple[type[Base], ...] = (
    User, AgentDefinition, Workspace, Brand, Creator, PromptLibrary, Prompt, PromptVersion, AgentConfiguration,
    AgentRunLog, Playbook, CanvasPage, CanvasBlock, ChatChannel, ChatMessage, ShopCustomer, ShopProduct, ShopOrder,
)
MODELS: dict[str, type[Base]] = {m.__tablename__: m for m in ORDER}
RANK: dict[str, int] = {name: i for i, name in enumerate(MODELS)}

#: Rows that belong to no workspace. Users travel in the logs of the workspaces they belong to;
#: agent definitions ship with the app and are only ever inserted where missing.
GLOBAL = frozenset({"users", "agent_definitions"})
#: Tables whose rows are written once and then only annotated: a second create is a duplicate.
APPEND_ONLY = frozenset({"chat_messages", "agent_run_logs"})
#: Self-references: a parent row must be inserted before its children.
SELF_REFS = {"canvas_pages": "parent_page_id", "chat_messages": "thread_id"}
#: Columns the device keeps to itself (never on the wire); a value is supplied on insert instead.
LOCAL_DEFAULTS = {"users": {"password_hash": "!locked"}}


@dataclass(frozen=True)
class ForeignRef:
    """A foreign key of a synced table: what happens to the row when the target is missing."""

    column: str
    target: str
    on_missing: str  # "null" (ON DELETE SET NULL) or "drop" (CASCADE / RESTRICT)


@cache
def refs(table: str) -> tuple[ForeignRef, ...]:
    out = []
    for col in MODELS[table].__table__.columns:
        for fk in col.foreign_keys:
            ondelete = (fk.ondelete or "").upper()
            out.append(ForeignRef(col.key, fk.column.table.name, "null" if ondelete == "SET NULL" else "drop"))
    return tuple(out)


@cache
def columns(table: str) -> tuple[str, ...]:
    return tuple(a.key for a in inspect(MODELS[table]).column_attrs)


def decode_id(table: str, row_id: str) -> Any:
    """The primary key value of ``row_id`` (a UUID for most tables, text for agent definitions)."""
    return row_from_json(MODELS[table], {"id": row_id}, where=f"{table}.id")["id"]


def workspace_rows(table: str, workspace_id: uuid.UUID) -> Select[Any]:
    """A query for every row of ``table`` in one workspace (children found through their parents)."""
    m = MODELS[table]
    t = m.__table__
    if table == "workspaces":
        return select(t).where(t.c.id == workspace_id)
    if "workspace_id" in t.c:
        return select(t).where(t.c.workspace_id == workspace_id)
    pages = select(CanvasPage.id).where(CanvasPage.workspace_id == workspace_id)
    if table == "canvas_blocks":
        return select(t).where(t.c.page_id.in_(pages))
    if table == "chat_messages":
        chans = select(ChatChannel.id).where(ChatChannel.workspace_id == workspace_id)
        return select(t).where(t.c.channel_id.in_(chans))
    libs = select(PromptLibrary.id).where(PromptLibrary.workspace_id == workspace_id)
    if table == "prompts":
        return select(t).where(t.c.library_id.in_(libs))
    if table == "prompt_versions":
        return select(t).where(t.c.prompt_id.in_(select(Prompt.id).where(Prompt.library_id.in_(libs))))
    raise ValueError(f"{table} has no workspace")


def parents_first(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Order self-referencing rows so every parent comes before its children."""
    by_id = {r["id"]: r for r in rows}
    done: set[Any] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        chain = []
        cur: dict[str, Any] | None = row
        while cur is not None and cur["id"] not in done and cur not in chain:
            chain.append(cur)
            parent = cur.get(key)
            cur = by_id.get(parent) if parent is not None else None
        for r in reversed(chain):
            done.add(r["id"])
            out.append(r)
    return out

