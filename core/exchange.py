"""Export a workspace to one JSON document and import it back, losslessly.

The document holds every row of the workspace, the users it mentions (never their password
hashes) and the agent definitions its configurations use. Rows are sorted by id and encoded with
the store's one codec, so export → import → export gives byte-identical JSON. Secrets are not
in it: settings only hold references, and those resolve through the keyring of each device.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from ionflux.core import migrate
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, ValidationError
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
    SenderType,
    ShopCustomer,
    ShopOrder,
    ShopProduct,
    User,
    Workspace,
)
from ionflux.core.serialize import row_from_json, row_to_json
from ionflux.core.uow import PRIVATE_FIELDS
from ionflux.core.users import LOCKED_HASH

FORMAT = "ionflux.workspace-export"
FORMAT_VERSION = 1

#: Workspace-owned tables in the order rows can be inserted (parents first).
_OWNED: tuple[type[Base], ...] = (
    Brand, Creator, PromptLibrary, Prompt, PromptVersion, AgentConfiguration, AgentRunLog, Playbook,
    CanvasPage, CanvasBlock, ChatChannel, ChatMessage, ShopCustomer, ShopProduct, ShopOrder,
)


def export_workspace(ctx: Context, workspace_id: uuid.UUID) -> dict[str, Any]:
    """Every row of the workspace as one JSON-ready document."""
    with ctx.store.read() as s:
        ws = s.get(Workspace, workspace_id)
        if ws is None:
            raise ValidationError(f"no workspace with id {workspace_id}", where="--workspace")
        tables: dict[str, list[Base]] = {}
        libs = select(PromptLibrary.id).where(PromptLibrary.workspace_id == workspace_id)
        pages = select(CanvasPage.id).where(CanvasPage.workspace_id == workspace_id)
        chans = select(ChatChannel.id).where(ChatChannel.workspace_id == workspace_id)
        prompts = select(Prompt.id).where(Prompt.library_id.in_(libs))
        queries = {
            Brand: select(Brand).where(Brand.workspace_id == workspace_id),
            Creator: select(Creator).where(Creator.workspace_id == workspace_id),
            PromptLibrary: select(PromptLibrary).where(PromptLibrary.workspace_id == workspace_id),
            Prompt: select(Prompt).where(Prompt.library_id.in_(libs)),
            PromptVersion: select(PromptVersion).where(PromptVersion.prompt_id.in_(prompts)),
            AgentConfiguration: select(AgentConfiguration).where(AgentConfiguration.workspace_id == workspace_id),
            AgentRunLog: select(AgentRunLog).where(AgentRunLog.workspace_id == workspace_id),
            Playbook: select(Playbook).where(Playbook.workspace_id == workspace_id),
            CanvasPage: select(CanvasPage).where(CanvasPage.workspace_id == workspace_id),
            CanvasBlock: select(CanvasBlock).where(CanvasBlock.page_id.in_(pages)),
            ChatChannel: select(ChatChannel).where(ChatChannel.workspace_id == workspace_id),
            ChatMessage: select(ChatMessage).where(ChatMessage.channel_id.in_(chans)),
            ShopCustomer: select(ShopCustomer).where(ShopCustomer.workspace_id == workspace_id),
            ShopProduct: select(ShopProduct).where(ShopProduct.workspace_id == workspace_id),
            ShopOrder: select(ShopOrder).where(ShopOrder.workspace_id == workspace_id),
        }
        for model, q in queries.items():
            tables[model.__tablename__] = sorted(s.scalars(q), key=lambda r: str(r.id))
        user_ids = _mentioned_users(ws, tables)
        users = sorted(s.scalars(select(User).where(User.id.in_(user_ids))), key=lambda u: str(u.id))
        def_ids = {c.agent_definition_id for c in tables["agent_configurations"]}
        definitions = sorted(s.scalars(select(AgentDefinition).where(AgentDefinition.id.in_(def_ids))),
                             key=lambda d: d.id)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": migrate.head_revision(),
        "workspace": row_to_json(ws),
        "users": [_public(u) for u in users],
        "agent_definitions": [row_to_json(d) for d in definitions],
        **{name: [row_to_json(r) for r in rows] for name, rows in tables.items()},
    }


def dumps(document: dict[str, Any]) -> str:
    """The canonical JSON text of an export (stable key order, UTF-8, trailing newline)."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_export(ctx: Context, workspace_id: uuid.UUID, path: Path) -> int:
    """Export to ``path`` atomically (a temporary file renamed into place). Returns the row count."""
    doc = export_workspace(ctx, workspace_id)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(doc), encoding="utf-8")
    tmp.replace(path)
    return 1 + sum(len(doc[m.__tablename__]) for m in _OWNED)


def read_export(path: Path) -> dict[str, Any]:
    """Parse an export file, with the line and column of any JSON error."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError("no such file", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot be read: {exc}", where=str(path)) from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"is not valid JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValidationError(f"is not an IONFLUX workspace export (format {FORMAT!r} expected)", where=str(path))
    if doc.get("format_version") != FORMAT_VERSION:
        raise ValidationError(f"has export format version {doc.get('format_version')!r}; this IONFLUX reads "
                              f"version {FORMAT_VERSION}", where=str(path))
    return doc


def import_workspace(ctx: Context, doc: dict[str, Any], source: str = "import") -> Workspace:
    """Insert an exported workspace, all in one transaction (all rows or none).

    Users already on this device (same id) are kept as they are; new ones arrive locked until
    they set a password. Agent definitions already present are kept.

    Raises:
        ConflictError: the workspace (or a row id) is already here, or a user's email is taken.
        ValidationError: a row has an unknown field or a bad value (named with its table and index).

    """
    ws_values = row_from_json(Workspace, _mapping(doc.get("workspace"), f"{source}: workspace"),
                              where=f"{source}: workspace")
    with ctx.write() as uow:
        s = uow.session
        if s.get(Workspace, ws_values["id"]) is not None:
            raise ConflictError(f"workspace {ws_values.get('name')!r} is already on this device", where=source)
        for i, data in enumerate(_rows(doc, "users", source)):
            values = row_from_json(User, data, where=f"{source}: users[{i}]")
            existing = s.get(User, values["id"])
            if existing is not None:
                continue
            if s.scalar(select(User.id).where(User.email == values.get("email"))):
                raise ConflictError(f"another account already uses {values.get('email')}",
                                    where=f"{source}: users[{i}]")
            uow.bulk_insert(User, [{**values, "password_hash": LOCKED_HASH}], workspace_id=None)
        for i, data in enumerate(_rows(doc, "agent_definitions", source)):
            values = row_from_json(AgentDefinition, data, where=f"{source}: agent_definitions[{i}]")
            if s.get(AgentDefinition, values["id"]) is None:
                uow.bulk_insert(AgentDefinition, [values], workspace_id=None)
        uow.bulk_insert(Workspace, [ws_values], workspace_id=ws_values["id"])
        for model in _OWNED:
            name = model.__tablename__
            rows = [row_from_json(model, d, where=f"{source}: {name}[{i}]")
                    for i, d in enumerate(_rows(doc, name, source))]
            if model is CanvasPage:
                rows = _parents_first(rows, "parent_page_id")
            elif model is ChatMessage:
                rows = _parents_first(rows, "thread_id")
            _check_new_ids(s, model, rows, source)
            uow.bulk_insert(model, rows, workspace_id=ws_values["id"])
    with ctx.store.read() as s:
        return s.get(Workspace, ws_values["id"])


def _public(user: User) -> dict[str, Any]:
    private = PRIVATE_FIELDS[User]
    return {k: v for k, v in row_to_json(user).items() if k not in private}


def _mentioned_users(ws: Workspace, tables: dict[str, list[Base]]) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set(ws.member_ids())
    for rows in tables.values():
        for r in rows:
            for attr in ("created_by_user_id", "triggered_by_user_id"):
                if getattr(r, attr, None):
                    ids.add(getattr(r, attr))
            if isinstance(r, ChatMessage) and r.sender_type == SenderType.USER:
                ids.add(r.sender_id)
            if isinstance(r, ChatChannel):
                ids.update(r.member_user_ids_array or [])
    return ids


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("must be a JSON object", where=where)
    return value


def _rows(doc: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    rows = doc.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationError("must be a list of objects", where=f"{source}: {key}")
    return rows


def _parents_first(rows: list[dict[str, Any]], parent_key: str) -> list[dict[str, Any]]:
    """Order self-referencing rows so each parent is inserted before its children."""
    by_id = {r["id"]: r for r in rows}
    done: set[Any] = set()
    out: list[dict[str, Any]] = []

    def place(row: dict[str, Any], trail: set[Any]) -> None:
        if row["id"] in done:
            return
        parent = row.get(parent_key)
        if parent in by_id and parent not in trail:
            place(by_id[parent], trail | {row["id"]})
        done.add(row["id"])
        out.append(row)

    for r in rows:
        place(r, set())
    return out


def _check_new_ids(session: Any, model: type[Base], rows: list[dict[str, Any]], source: str) -> None:
    ids = [r["id"] for r in rows]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        clash = session.scalar(select(model.id).where(or_(model.id.in_(chunk))))
        if clash is not None:
            raise ConflictError(f"{model.__tablename__} row {clash} is already on this device", where=source)
