"""What the command palette searches: commands, pages, agents, channels, library items, blocks and messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ionflux.ui.palette import Entry, Searcher, Source

if TYPE_CHECKING:
    from ionflux.ui.main_window import MainWindow


def palette_sources(w: MainWindow) -> list[Source]:
    """Local, instant sources (fuzzy-matched as the user types)."""

    def commands() -> list[Entry]:
        out = []
        for cmd in w.registry:
            if cmd.cli and not cmd.gui_only and not cmd.slash and not cmd.keys:
                continue  # terminal-only commands stay in the terminal
            out.append(Entry("command", cmd.title, cmd.help, lambda c=cmd: w.hub.trigger(c), w.keymap.native(cmd.id)))
        return out

    def pages() -> list[Entry]:
        return [Entry("page", p.title, "page" + (" · nested" if p.parent_id else ""), lambda i=p.id: w.open_page(i))
                for p in w.workspace_vm.pages]

    def agents() -> list[Entry]:
        return [Entry("agent", a.name, f"{a.definition_name} · last run {a.status} — open the YAML editor",
                      lambda i=a.id: w.open_editor(i)) for a in w.workspace_vm.agents]

    def channels() -> list[Entry]:
        return [Entry("channel", f"{c.sigil}{c.name}", f"{c.unread} unread" if c.unread else "channel",
                      lambda i=c.id: (w.chat_dock.show(), w.chat_vm.open_channel(i))) for c in w.chat_vm.channels]

    def blocks() -> list[Entry]:
        return [Entry("block", s.title, f"{s.type.replace('_', ' ')} on {w.canvas_vm.title}",
                      lambda i=s.id: _select_block(w, i)) for s in w.canvas_vm.blocks.values()]

    def library() -> list[Entry]:
        lib = w.workspace_vm.library
        return [Entry(i.kind, i.name, i.subtitle, lambda it=i: w.open_record(it))
                for i in (*lib.brands, *lib.creators, *lib.playbooks, *lib.prompts)]

    return [commands, pages, agents, channels, blocks, library]


def _select_block(w: MainWindow, block_id: uuid.UUID) -> None:
    w.tabs.setCurrentWidget(w.canvas_pane)
    w.canvas_pane.scene.select([block_id])
    item = w.canvas_pane.scene.items_by_id.get(block_id)
    if item is not None:
        w.canvas_pane.view.centerOn(item)
    w.canvas_pane.view.setFocus()


def palette_searcher(w: MainWindow) -> Searcher:
    """Full-text search of blocks and messages on every page and channel (off the GUI thread)."""

    def search(query: str, done: Callable[[list[Entry]], None]) -> None:
        ws = w.workspace_vm.workspace_id

        def found(hits: list[Any]) -> None:
            done([_entry(w, h) for h in hits if h.kind in ("block", "message", "prompt")])

        w.ops.run(lambda: w.services.search.query(query, workspace_id=ws, limit=12), label="",
                  on_success=found, on_failure=lambda _exc: done([]))

    return search


def _entry(w: MainWindow, hit: Any) -> Entry:
    title = (hit.title or hit.snippet).replace("[", "").replace("]", "")
    flat = " ".join(hit.snippet.split())
    start = max(0, flat.find("[") - 40)
    snippet = ("…" if start else "") + flat[start:start + 90].replace("[", "").replace("]", "")
    subtitle = f"{snippet} — {hit.context}" if hit.title and snippet else hit.context
    if hit.kind == "message":
        return Entry("message", title[:90], subtitle, lambda: _open_message(w, hit.context))
    if hit.kind == "block":
        return Entry("block", title[:90], subtitle, lambda: _open_block(w, hit.id))
    return Entry(hit.kind, title[:90], subtitle, lambda: None)


def _open_block(w: MainWindow, block_id: uuid.UUID) -> None:
    def located(page_id: uuid.UUID) -> None:
        if page_id != w.canvas_vm.page_id:
            w.tabs.setCurrentWidget(w.canvas_pane)
            w.sidebar.select_page(page_id)
            w.canvas_vm.open_page(page_id, then=lambda: _select_block(w, block_id))
        else:
            _select_block(w, block_id)

    w.ops.run(lambda: w.services.blocks.get(block_id).page_id, on_success=located)


def _open_message(w: MainWindow, context: str) -> None:
    """Open the channel a message hit lives in (the hit's context reads "message in #name")."""
    name = context.rsplit("#", 1)[-1]
    channel = next((c for c in w.chat_vm.channels if c.name == name), None)
    if channel is not None:
        w.chat_dock.show()
        w.chat_vm.open_channel(channel.id)
