"""View-model of the open workspace: its page tree, agents, brands, creators, playbooks and prompts.

Plain Python with psygnal signals, so it is tested without a screen; widgets subscribe and
render. Reads and writes go through the op runner (off the GUI thread); store events arrive in
batches through :meth:`on_events` and refresh only the lists they touch.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psygnal import Signal

from ionflux.ui.event_batch import EventBatch
from ionflux.ui.ops import OpRunner, Refresher
from ionflux.ui.services import Services


@dataclass(frozen=True)
class PageNode:
    id: uuid.UUID
    title: str
    depth: int
    parent_id: uuid.UUID | None


@dataclass(frozen=True)
class AgentItem:
    """An agent configuration as the sidebar and palette show it."""

    id: uuid.UUID
    name: str
    definition_id: str
    definition_name: str
    status: str
    last_run_at: str | None
    preview: str | None


@dataclass(frozen=True)
class LibraryItem:
    """A brand, creator, playbook or prompt: enough to list it and open its details."""

    kind: str
    id: uuid.UUID
    name: str
    subtitle: str
    fields: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Library:
    brands: list[LibraryItem]
    creators: list[LibraryItem]
    playbooks: list[LibraryItem]
    prompts: list[LibraryItem]


class WorkspaceViewModel:
    """State behind the sidebar.

    Signals:
        workspace_changed(str, list): the open workspace's name and every workspace name.
        pages_changed(list[PageNode]): the page tree, in tree order.
        agents_changed(list[AgentItem]): the workspace's agent configurations.
        library_changed(Library): brands, creators, playbooks and prompts.
    """

    workspace_changed = Signal(str, list)
    pages_changed = Signal(list)
    agents_changed = Signal(list)
    library_changed = Signal(object)

    def __init__(self, services: Services, ops: OpRunner,
                 defer: Callable[[Callable[[], None]], Any] | None = None) -> None:
        """``defer(fn)`` runs ``fn`` soon (the window: after the first paint); by default at once."""
        self.services = services
        self.ops = ops
        self.defer = defer or (lambda fn: fn())
        self.workspace_id: uuid.UUID | None = None
        self.workspace_name = ""
        self.pages: list[PageNode] = []
        self.agents: list[AgentItem] = []
        self.library = Library([], [], [], [])
        self._pages = Refresher(ops, self._load_pages, self._apply_pages, "loading pages")
        self._agents = Refresher(ops, self._load_agents, self._apply_agents, "loading agents")
        self._library = Refresher(ops, self._load_library, self._apply_library, "loading the library")

    # -- loading ------------------------------------------------------------------------------

    def load(self, workspace_name: str | None = None) -> None:
        """Open a workspace (the first one when no name is given)."""
        self.ops.run(lambda: self._resolve(workspace_name), label="opening the workspace", on_success=self._opened)

    def _resolve(self, name: str | None) -> tuple[uuid.UUID | None, str, list[str]]:
        rows = self.services.workspaces.list(self.services.user_id)
        if not rows:
            return None, "", []
        ws = next((w for w in rows if w.name == name), rows[0])
        return ws.id, ws.name, [w.name for w in rows]

    def _opened(self, found: tuple[uuid.UUID | None, str, list[str]]) -> None:
        self.workspace_id, self.workspace_name, names = found
        self.workspace_changed.emit(self.workspace_name, names)
        if self.workspace_id is None:
            self._apply_pages([])
            self._apply_agents([])
            return
        self.refresh()

    def show(self, workspace_id: uuid.UUID | None, name: str, names: list[str], pages: list[PageNode]) -> None:
        """Open a workspace whose page tree is already read (the window's first paint); the rest loads after."""
        self.workspace_id, self.workspace_name = workspace_id, name
        self.workspace_changed.emit(name, names)
        self._apply_pages(pages)
        if workspace_id is None:
            self._apply_agents([])
            return
        self.defer(self._agents.request)
        self.defer(self._library.request)

    def refresh(self) -> None:
        """Reload everything; pages first (the first paint needs them), the rest in the background."""
        self._pages.request()
        self.defer(self._agents.request)
        self.defer(self._library.request)

    def _load_pages(self) -> list[PageNode]:
        if self.workspace_id is None:
            return []
        tree = self.services.pages.tree(self.workspace_id)
        return [PageNode(p.id, p.title, d, p.parent_page_id) for p, d in tree]

    def _apply_pages(self, pages: list[PageNode]) -> None:
        self.pages = pages
        self.pages_changed.emit(pages)

    def _load_agents(self) -> list[AgentItem]:
        if self.workspace_id is None:
            return []
        names = {a.id: a.name for a in self.services.registry}
        out = []
        for c in self.services.agent_configs.list(self.workspace_id):
            summary = c.last_run_summary_json or {}
            out.append(AgentItem(c.id, c.name, c.agent_definition_id, names.get(c.agent_definition_id, "agent"),
                                 summary.get("status", "idle"), summary.get("timestamp"),
                                 summary.get("output_preview_text")))
        return out

    def _apply_agents(self, agents: list[AgentItem]) -> None:
        self.agents = agents
        self.agents_changed.emit(agents)

    def _load_library(self) -> Library:
        ws = self.workspace_id
        if ws is None:
            return Library([], [], [], [])
        s = self.services
        brands = [LibraryItem("brand", b.id, b.name, b.industry or "brand", _fields(b)) for b in s.brands.list(ws)]
        creators = [LibraryItem("creator", c.id, c.name, ", ".join(c.niche_tags_array or []) or "creator", _fields(c))
                    for c in s.creators.list(ws)]
        playbooks = [LibraryItem("playbook", p.id, p.name, p.status.value, _fields(p)) for p in s.playbooks.list(ws)]
        prompts = [LibraryItem("prompt", p.id, p.name, lib.name, _fields(p))
                   for lib in s.prompts.libraries(ws) for p in s.prompts.list(lib.id)]
        return Library(brands, creators, playbooks, prompts)

    def _apply_library(self, library: Library) -> None:
        self.library = library
        self.library_changed.emit(library)

    # -- changes ------------------------------------------------------------------------------

    def reorder_page(self, page_id: uuid.UUID, parent_id: uuid.UUID | None, index: int) -> None:
        """Move a page in the tree (drag and drop in the sidebar)."""
        self.ops.write(lambda: self.services.pages.reorder(page_id, parent_id, index), label="move the page")

    def create_page(self, title: str, parent_id: uuid.UUID | None = None, on_created: Any = None) -> None:
        ws = self.workspace_id
        if ws is None:
            return
        self.ops.write(lambda: self.services.pages.create(ws, title, parent_id=parent_id), label="create the page",
                       on_success=on_created)

    def on_events(self, events: EventBatch) -> None:
        """Refresh what a batch of committed changes touched (each list at most once)."""
        if self.workspace_id is None:
            return
        kinds = events.kinds(self.workspace_id)
        if "ionflux.canvas.page" in kinds:
            self._pages.request()
        if kinds & {"ionflux.agent.configuration", "ionflux.agent.run"}:
            self._agents.request()
        if kinds & {"ionflux.brand", "ionflux.creator", "ionflux.playbook", "ionflux.prompt", "ionflux.prompt.library"}:
            self._library.request()
        if "ionflux.workspace" in kinds:
            self.ops.run(lambda: self._resolve(self.workspace_name), on_success=self._renamed)

    def _renamed(self, found: tuple[uuid.UUID | None, str, list[str]]) -> None:
        if found[0] == self.workspace_id:
            self.workspace_name = found[1]
            self.workspace_changed.emit(found[1], found[2])

    @property
    def busy(self) -> bool:
        return any(r.busy for r in (self._pages, self._agents, self._library))


def _fields(row: Any) -> dict[str, Any]:
    """A record's displayable fields, for the details view."""
    skip = {"id", "workspace_id", "created_at", "updated_at", "created_by_user_id", "library_id"}
    out = {}
    for key, value in vars(row).items():
        if key.startswith("_") or key in skip or value in (None, "", [], {}):
            continue
        out[key] = value.value if hasattr(value, "value") else value
    return out
