"""`ionflux seed-demo`: the design document's demo workspace, applied idempotently."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select

from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.definitions import sync_definitions
from ionflux.core.models import (
    AgentConfiguration,
    CanvasBlock,
    CanvasPage,
    ChatMessage,
    Prompt,
    PromptLibrary,
    SenderType,
    Workspace,
)
from ionflux.core.pages import Pages
from ionflux.core.profiles import Brands, Creators
from ionflux.core.prompts import Prompts
from ionflux.core.settings import CURRENT_USER_KEY
from ionflux.core.users import Users

DEMO_PASSWORD_ENV = "IONFLUX_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "demo"


@dataclass
class SeedResult:
    """What seeding created this time (all zero on a second run)."""

    user_id: Any
    workspace_id: Any
    created: dict[str, int]


def demo_data() -> dict[str, Any]:
    text = resources.files("ionflux.resources").joinpath("seed/demo_workspace.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _demo_shop() -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """The demo shop's customers and orders (Shopify shapes), with every time moved to end about now."""
    import json

    from ionflux.core.clock import utcnow

    entry = resources.files("ionflux.resources").joinpath("seed/demo_shop.json")
    if not entry.is_file():
        return None
    return shift_shop(json.loads(entry.read_text(encoding="utf-8")), utcnow())


def shift_shop(data: dict[str, Any], now: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Customers and orders of a shop file with every time moved by ``now - anchor``."""
    from datetime import datetime

    delta = now - datetime.fromisoformat(data["anchor"])

    def move(payload: dict[str, Any], *keys: str) -> dict[str, Any]:
        out = dict(payload)
        for key in keys:
            if out.get(key):
                out[key] = (datetime.fromisoformat(out[key]) + delta).isoformat()
        return out

    return ([move(c, "last_order_at") for c in data["customers"]],
            [move(o, "created_at", "updated_at") for o in data["orders"]])


def seed_demo(store_ctx: Context) -> SeedResult:
    """Create whatever part of the demo workspace is missing; never duplicate anything."""
    data = demo_data()
    created: dict[str, int] = {}
    system = Context(store_ctx.store, None)

    def bump(key: str) -> None:
        created[key] = created.get(key, 0) + 1

    added = sync_definitions(system)
    if added:
        created["agent_definitions"] = added
    users = Users(system)
    user = users.find_by_email(data["user"]["email"])
    if user is None:
        password = os.environ.get(DEMO_PASSWORD_ENV) or DEFAULT_DEMO_PASSWORD
        user = users.create(data["user"]["email"], password, name=data["user"]["name"],
                            profile=data["user"]["profile_info_json"])
        bump("users")
    ctx = Context(store_ctx.store, user.id)
    store = ctx.store
    with store.read() as s:
        ws = s.scalar(select(Workspace).where(Workspace.owner_user_id == user.id,
                                              Workspace.name == data["workspace"]["name"]))
    if ws is None:
        from ionflux.core.workspaces import Workspaces

        ws = Workspaces(ctx).create(data["workspace"]["name"], user.id, settings=data["workspace"]["settings_json"])
        bump("workspaces")

    configs = AgentConfigs(ctx)
    for spec in data["agent_configurations"]:
        with store.read() as s:
            exists = s.scalar(select(AgentConfiguration.id).where(AgentConfiguration.workspace_id == ws.id,
                                                                  AgentConfiguration.name == spec["name"]))
        if not exists:
            configs.create(ws.id, spec["agent_definition_id"], spec["name"], spec["yaml_config_text"])
            bump("agent_configurations")

    for kind, profiles in (("brands", Brands(ctx)), ("creators", Creators(ctx))):
        have = {p.name for p in profiles.list(ws.id, include_archived=True)}
        for spec in data.get(kind, []):
            if spec["name"] not in have:
                profiles.create(ws.id, spec["name"], **{k: v for k, v in spec.items() if k != "name"})
                bump(kind)

    prompts = Prompts(ctx)
    for lib_spec in data["prompt_libraries"]:
        with store.read() as s:
            lib = s.scalar(select(PromptLibrary).where(PromptLibrary.workspace_id == ws.id,
                                                       PromptLibrary.name == lib_spec["name"]))
        if lib is None:
            lib = prompts.create_library(ws.id, lib_spec["name"], lib_spec.get("description_text"))
            bump("prompt_libraries")
        for p in lib_spec["prompts"]:
            with store.read() as s:
                exists = s.scalar(select(Prompt.id).where(Prompt.library_id == lib.id, Prompt.name == p["name"]))
            if not exists:
                prompts.create(lib.id, p["name"], p["prompt_text"], variables=p["variables_schema_json_array"])
                bump("prompts")

    pages, blocks = Pages(ctx), Blocks(ctx)
    for page_spec in data["pages"]:
        with store.read() as s:
            page = s.scalar(select(CanvasPage).where(CanvasPage.workspace_id == ws.id,
                                                     CanvasPage.title == page_spec["title"]))
        if page is None:
            page = pages.create(ws.id, page_spec["title"])
            bump("pages")
            with store.read() as s:
                has_blocks = s.scalar(select(CanvasBlock.id).where(CanvasBlock.page_id == page.id).limit(1))
            if not has_blocks:
                for b in page_spec.get("blocks", []):
                    blocks.create(page.id, b["type"], b["content_json"], geometry=Geometry(*b["position"]))
                    bump("blocks")

    chat = Chat(ctx)
    existing = {c.name: c for c in chat.channels(ws.id)}
    for spec in data["channels"]:
        if spec["name"] not in existing:
            existing[spec["name"]] = chat.create_channel(ws.id, spec["name"], type=spec["type"])
            bump("channels")
    for spec in data.get("messages", []):
        channel = existing[spec["channel"]]
        with store.read() as s:
            any_message = s.scalar(select(ChatMessage.id).where(ChatMessage.channel_id == channel.id).limit(1))
        if not any_message:
            chat.post(channel.id, spec["text"], sender_type=SenderType.SYSTEM, sender_id=user.id)
            bump("messages")

    shop = _demo_shop()
    if shop is not None:
        from ionflux.core.commerce import Commerce

        commerce = Commerce(ctx)
        if not commerce.orders(ws.id):
            customers, orders = shop
            for customer in customers:
                commerce.upsert_customer(ws.id, customer)
            for order in orders:
                commerce.upsert_order(ws.id, order)
            created["shop_customers"], created["shop_orders"] = len(customers), len(orders)

    from ionflux.core.playbooks import Playbooks

    playbooks = Playbooks(ctx)
    existing_playbooks = {p.name for p in playbooks.list(ws.id)}
    for spec in data.get("playbooks", []):
        if spec["name"] not in existing_playbooks:
            playbooks.create(ws.id, spec["name"], spec["trigger_event_schema_json"], spec["steps_json_array"],
                             description=spec.get("description_text"), status=spec.get("status", "draft"))
            bump("playbooks")

    if store.get_local(CURRENT_USER_KEY) is None:
        store.set_local(CURRENT_USER_KEY, str(user.id))
    return SeedResult(user_id=user.id, workspace_id=ws.id, created=created)
