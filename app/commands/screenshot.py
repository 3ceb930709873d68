"""``ionflux screenshot OUT_DIR``: PNGs of the main views, rendered offscreen, for review.

Works on a copy of the data folder, so your data is never changed: the copy gets the demo
workspace (when it has none) and a tour page with every block type; a small demo copywriter
agent (real runs, written by the local model) shows a run in the chat and on the canvas.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import Any

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output

TOUR_PAGE = "Launch dashboard"
EXAMPLES = (("Linen Shirt", "calm", "Breathe easy in summer linen"),
            ("Trail Sneakers", "bold", "Built for the mile nobody runs"))
COPYWRITER_DEFINITION: dict[str, Any] = {
    "id": "demo_launch_copywriter",
    "name": "Launch Copywriter",
    "version": "0.1",
    "definition_status": "experimental",
    "prm_details_json": {"epithet": "The voice behind every drop", "tagline": "HEADLINES THAT SELL THE DROP",
                         "core_capabilities_array": ["Headlines", "Variants", "Brand voice"]},
    "triggers_config_json_array": [
        {"trigger_key": "morning_brief", "type": "schedule", "description_text": "Fresh headlines every morning",
         "default_config_json": {"cron_expression": "0 8 * * *"}, "is_user_overridable": True},
    ],
    "inputs_schema_json_array": [
        {"key_name": "product", "data_type": "string", "is_required": True, "description_text": "What is launching"},
        {"key_name": "tone", "data_type": "string", "is_required": False, "default_value": "bold",
         "accepted_values_list": ["bold", "calm", "playful"], "description_text": "The voice of the copy"},
    ],
    "outputs_config_json_array": [
        {"key_name": "headline", "data_type": "string", "description_text": "The launch headline"},
        {"key_name": "variants", "data_type": "json", "description_text": "Alternatives to A/B test"},
    ],
}


def _copywriter() -> type:
    from ionflux.agents.base import Agent, AgentContext
    from ionflux.agents.llm.base import Message

    class LaunchCopywriter(Agent):
        """Writes a launch headline with the local model."""

        definition_id = "demo_launch_copywriter"

        def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
            ctx.progress(0.2, f"reading the brief for {inputs['product']}")
            examples = [Message("system", "You write short product launch headlines (at most 8 words).")]
            for product, tone, line in EXAMPLES:
                examples += [Message("user", f"Product: {product}. Tone: {tone}."), Message("assistant", line)]
            reply = ctx.llm("copy").chat([*examples, Message("user", f"Product: {inputs['product']}. "
                                                                     f"Tone: {inputs['tone']}.")],
                                         max_tokens=20, temperature=0.0, seed=7, stop=["\n"])
            headline = reply.text.strip().strip('"') or f"{inputs['product']} is here"
            ctx.progress(0.8, "writing variants")
            variants = [f"{inputs['product']}: made to last", f"Meet {inputs['product']}"]
            return {"headline": headline, "variants": variants}

    return LaunchCopywriter


def _copy_store(source: Path, target: Path) -> None:
    """Copy the database with SQLite's online backup (safe while IONFLUX has it open)."""
    target.mkdir(parents=True, exist_ok=True)
    db = source / "ionflux.db"
    if db.exists():
        src, dst = sqlite3.connect(db), sqlite3.connect(target / "ionflux.db")
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    for name in ("ui.ini", "secrets.cfg"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)


def _tour(app: App, image: Path) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """The tour page, the copywriter configuration and a proposal in #general (idempotent)."""
    from ionflux.core.errors import NotFoundError
    from ionflux.core.geometry import Geometry

    ws = app.workspace(None)
    try:
        cfg = app.agent_configs.find(ws.id, "Launch Copywriter")
    except NotFoundError:
        cfg = app.agent_configs.create(ws.id, "demo_launch_copywriter", "Launch Copywriter",
                                       "inputs:\n  product: Recycled Denim Jacket\n  tone: playful\n"
                                       "triggers:\n  - trigger_definition_key: morning_brief\n    enabled: true\n")
    try:
        return app.pages.find(ws.id, TOUR_PAGE).id, cfg.id, ws.id
    except NotFoundError:
        pass
    page = app.pages.create(ws.id, TOUR_PAGE)
    app.pages.reorder(page.id, None, 0)
    blocks = [
        ("text", (24, 24, 400, 250), {"title_text": "Launch brief", "markdown_text":
            "## Recycled Denim · Nov 15\nDrop the **FW26 recycled denim** line to VIPs first, then everyone.\n\n"
            "- Teaser email to **4,200 VIPs** at 6am\n- Creator posts go live at noon\n"
            "- Goal: **$48k** launch-day GMV"}),
        ("agent_snippet", (448, 24, 360, 250), {"title_text": "Headline of the day",
                                                "agent_configuration_id": str(cfg.id),
                                                "agent_last_run_output_key_ref": "headline"}),
        ("image", (832, 24, 360, 250), {"title_text": "Hero shot", "file_path": str(image),
                                        "alt_text": "FW26 recycled denim jacket"}),
        ("kanban_board", (24, 298, 560, 280), {"title_text": "Launch plan", "json_data_to_display": {"columns": [
            {"id": "todo", "title": "To do", "cards": [{"id": "k1", "title": "Teaser email copy"},
                                                      {"id": "k2", "title": "Creator brief"}]},
            {"id": "doing", "title": "Doing", "cards": [{"id": "k3", "title": "Product photos"},
                                                       {"id": "k4", "title": "Landing page"}]},
            {"id": "done", "title": "Done", "cards": [{"id": "k5", "title": "Pricing approved"}]}]}}),
        ("table_view", (608, 298, 584, 280), {"title_text": "Top products this week", "json_data_to_display": {
            "columns": ["Product", "Units", "Revenue", "Stock"],
            "rows": [["Denim jacket", 412, 41200, "Low"], ["Wide-leg jeans", 388, 27160, "OK"],
                     ["Canvas tote", 240, 5760, "OK"], ["Bucket hat", 96, 2880, "High"],
                     ["Selvedge cap", 71, 2485, "OK"]]}}),
        ("json_display", (24, 602, 400, 250), {"title_text": "Last order (webhook)", "json_data_to_display": {
            "order_id": 1047, "total": 129.0, "currency": "USD", "vip": True,
            "customer": {"name": "Ana Souza", "orders": 6, "tags": ["vip", "denim"]},
            "items": [{"sku": "DJ-FW26-M", "qty": 1}]}}),
        ("embed_panel", (448, 602, 360, 170), {"title_text": "Launch playbook",
                                               "embed_url": "https://www.shopify.com/blog/product-launch"}),
        ("video", (832, 602, 360, 250), {"title_text": "Creator teaser",
                                         "video_url": "https://www.youtube.com/watch?v=ysz5S6PUM-U"}),
    ]
    for btype, (x, y, w, h), content in blocks:
        app.blocks.create(page.id, btype, content, geometry=Geometry(x, y, w, h))
    general = app.chat.channel(ws.id, "general")
    hello = app.chat.post(general.id, "Morning! Launch is **Nov 15** — brief and plan are on the Launch dashboard.")
    app.chat.react(hello.id, "🎉")
    app.chat.post(general.id, {"json_payload": {"title": "Send the teaser to 4,200 VIPs at 6am?"},
                               "text_body": "**Send the teaser email** to 4,200 VIPs tomorrow at 6am? "
                                            "Open rate forecast: 41%."},
                  content_type="interactive_proposal", sender_type="agent", sender_id=cfg.id)
    return page.id, cfg.id, ws.id


@registry.command("screenshot", title="Screenshots of the window", cli="screenshot")
def screenshot(app: App, out_dir: Path, *, width: int = 1440, height: int = 900) -> Output:
    """Render the main views (canvas, chat, YAML editor, palette) to PNG files, offscreen.

    Works on a copy of the data folder (your data is not changed).

    Args:
        out_dir: Folder for the PNG files (created if missing).
        width: Window width in pixels.
        height: Window height in pixels.
    """
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ionflux.ui.qt import QApplication

    qt_app = QApplication.instance() or QApplication(["ionflux"])
    with tempfile.TemporaryDirectory(prefix="ionflux-shots-") as tmp:
        work = Path(tmp) / "data"
        _copy_store(app.data_dir, work)
        copy = App(work)
        try:
            return _render(copy, out_dir, width, height, Path(tmp), qt_app)
        finally:
            copy.close()


def _render(app: App, out_dir: Path, width: int, height: int, tmp: Path, qt_app: Any) -> Output:
    from ionflux.agents.registry import AgentRegistry
    from ionflux.app.gui import build_window
    from ionflux.core.context import Context
    from ionflux.core.definitions import sync_definitions
    from ionflux.core.demo import seed_demo
    from ionflux.ui.screenshots import product_image, render_views

    if not app.workspaces.list(app.user_id):
        seed_demo(Context(app.store))
        app.reset_user()
    agents = AgentRegistry()
    agents.add(dict(COPYWRITER_DEFINITION), _copywriter())
    app.__dict__["registry"] = agents
    sync_definitions(Context(app.store), agents.definitions())
    page_id, config_id, _ws = _tour(app, product_image(tmp / "hero.png"))
    window = build_window(app, fetch=None)
    window.resize(width, height)
    window.show()
    try:
        shots = render_views(window, out_dir, config_id, page_id,
                             ask="/ask How do I make a product launch email stand out?",
                             run_line="/run Launch Copywriter product=Canvas Tote tone=calm")
    finally:
        window.close()
        qt_app.processEvents()
    return Output("\n".join(str(s) for s in shots), [str(s) for s in shots])
