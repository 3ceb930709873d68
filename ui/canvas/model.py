"""View-model of the open canvas page: its blocks, agent snippets' run state, and every edit.

Edits update the local state at once (the view never waits) and are written through the op
runner's serial writer, so they commit in order. Committed events (from this window or from
sync) are merged back; a failed write reloads the page from the store.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from psygnal import Signal

from ionflux.core.clock import new_id
from ionflux.core.geometry import Geometry
from ionflux.ui.event_batch import EventBatch
from ionflux.ui.ops import OpRunner
from ionflux.ui.services import Services

_BLOCK_EVENT = "ionflux.canvas.block."
_GEOMETRY_KEYS = {"position_x": "x", "position_y": "y", "width": "width", "height": "height", "z_index": "z"}


@dataclass(frozen=True)
class BlockState:
    """One block as the canvas shows it."""

    id: uuid.UUID
    page_id: uuid.UUID
    type: str
    content: dict[str, Any]
    x: int
    y: int
    width: int
    height: int
    z: int

    @property
    def title(self) -> str:
        return str(self.content.get("title_text") or self.type.replace("_", " ").title())

    @property
    def geometry(self) -> Geometry:
        return Geometry(self.x, self.y, self.width, self.height)

    def snapshot(self) -> dict[str, Any]:
        """The block as ``Blocks.restore`` takes it (undo of delete, copy and paste)."""
        return {"id": str(self.id), "page_id": str(self.page_id), "type": self.type, "content_json": self.content,
                "position_x": self.x, "position_y": self.y, "width": self.width, "height": self.height,
                "z_index": self.z}

    @classmethod
    def from_row(cls, row: Any) -> BlockState:
        return cls(row.id, row.page_id, row.type.value, dict(row.content_json or {}), row.position_x,
                   row.position_y, row.width, row.height, row.z_index)


@dataclass(frozen=True)
class SnippetInfo:
    """What an agent snippet shows: its configuration's name and last run."""

    config_id: uuid.UUID
    name: str = "agent"
    status: str = "idle"
    when: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    preview: str | None = None
    error: str | None = None
    progress: float | None = None
    progress_text: str = ""
    missing: bool = False
    output_keys: tuple[str, ...] = ()


class CanvasViewModel:
    """State behind the canvas.

    Signals:
        page_opened(object, str, list): page id, title and its blocks (a full reset).
        block_added(BlockState), block_changed(BlockState), block_removed(uuid.UUID)
        snippet_changed(SnippetInfo): an agent snippet's configuration or last run changed.
        failed(object): a write failed (the page is reloaded from the store).
    """

    page_opened = Signal(object, str, list)
    block_added = Signal(object)
    block_changed = Signal(object)
    block_removed = Signal(object)
    snippet_changed = Signal(object)
    failed = Signal(object)

    def __init__(self, services: Services, ops: OpRunner) -> None:
        self.services = services
        self.ops = ops
        self.page_id: uuid.UUID | None = None
        self.title = ""
        self.blocks: dict[uuid.UUID, BlockState] = {}
        self.snippets: dict[uuid.UUID, SnippetInfo] = {}
        self.pending_writes = 0
        self._dirty: dict[uuid.UUID, int] = {}
        self._preloaded: tuple[uuid.UUID, str, list[BlockState]] | None = None

    # -- loading ------------------------------------------------------------------------------

    def open_page(self, page_id: uuid.UUID, then: Any = None) -> None:
        """Show a page; ``then()`` runs once it is shown."""

        def opened(loaded: tuple[uuid.UUID, str, list[BlockState]]) -> None:
            self._opened(loaded)
            if then is not None:
                then()

        preloaded, self._preloaded = self._preloaded, None
        if preloaded is not None and preloaded[0] == page_id:
            opened(preloaded)
            return
        self.ops.run(lambda: self._load(page_id), label="opening the page", on_success=opened)

    def preload(self, page_id: uuid.UUID, title: str, blocks: list[BlockState]) -> None:
        """Blocks read ahead (the window's first paint): the next :meth:`open_page` of this page shows them at once."""
        self._preloaded = (page_id, title, blocks)

    def reload(self) -> None:
        if self.page_id is not None:
            self.open_page(self.page_id)

    def _load(self, page_id: uuid.UUID) -> tuple[uuid.UUID, str, list[BlockState]]:
        page = self.services.pages.get(page_id)
        return page.id, page.title, [BlockState.from_row(b) for b in self.services.blocks.list(page.id)]

    def _opened(self, loaded: tuple[uuid.UUID, str, list[BlockState]]) -> None:
        self.page_id, self.title, blocks = loaded
        self.blocks = {b.id: b for b in blocks}
        self.page_opened.emit(self.page_id, self.title, blocks)
        self.refresh_snippets({uuid.UUID(str(b.content["agent_configuration_id"])) for b in blocks
                               if b.type == "agent_snippet"})

    def close_page(self) -> None:
        self.page_id, self.title, self.blocks = None, "", {}
        self.page_opened.emit(None, "", [])

    # -- edits (the undo commands call these) -------------------------------------------------

    def create(self, states: list[BlockState]) -> None:
        for s in states:
            if s.page_id == self.page_id:
                self.blocks[s.id] = s
                self.block_added.emit(s)
        snaps = [s.snapshot() for s in states]
        self._write(lambda: [self.services.blocks.restore(snap) for snap in snaps], "add the block",
                    [s.id for s in states])
        self.refresh_snippets({uuid.UUID(str(s.content["agent_configuration_id"])) for s in states
                               if s.type == "agent_snippet"})

    def delete(self, ids: list[uuid.UUID]) -> None:
        for bid in ids:
            if self.blocks.pop(bid, None) is not None:
                self.block_removed.emit(bid)
        self._write(lambda: self.services.blocks.delete(ids), "delete the block", ids)

    def set_geometry(self, changes: dict[uuid.UUID, Geometry]) -> None:
        for bid, g in changes.items():
            self._local(bid, x=g.x, y=g.y, width=g.width, height=g.height)
        self._write(lambda: self.services.blocks.set_geometry(dict(changes)), "move the block", list(changes))

    def set_content(self, block_id: uuid.UUID, content: dict[str, Any]) -> None:
        self._local(block_id, content=dict(content))
        self._write(lambda: self.services.blocks.update_content(block_id, content), "save the block", [block_id])

    def set_z(self, changes: dict[uuid.UUID, int]) -> None:
        for bid, z in changes.items():
            self._local(bid, z=z)
        self._write(lambda: [self.services.blocks.set_z(bid, z) for bid, z in changes.items()], "restack the block",
                    list(changes))

    def new_state(self, block_type: str, content: dict[str, Any], geometry: Geometry,
                  z: int | None = None) -> BlockState:
        """A block not yet stored (its id is made here, so undo and redo keep it)."""
        assert self.page_id is not None
        top = max((b.z for b in self.blocks.values()), default=-1)
        return BlockState(new_id(), self.page_id, block_type, content, geometry.x, geometry.y, geometry.width,
                          geometry.height, top + 1 if z is None else z)

    def _local(self, block_id: uuid.UUID, **changes: Any) -> None:
        state = self.blocks.get(block_id)
        if state is None:
            return
        new = replace(state, **changes)
        if new != state:
            self.blocks[block_id] = new
            self.block_changed.emit(new)

    def _write(self, work: Any, label: str, ids: list[uuid.UUID]) -> None:
        """Queue a write; until it commits, events about ``ids`` are older than what the view shows."""
        self.pending_writes += 1
        for bid in ids:
            self._dirty[bid] = self._dirty.get(bid, 0) + 1

        def done(_: Any = None) -> None:
            self.pending_writes -= 1
            for bid in ids:
                left = self._dirty.get(bid, 1) - 1
                if left:
                    self._dirty[bid] = left
                else:
                    self._dirty.pop(bid, None)

        def failed(exc: BaseException) -> None:
            done()
            self.failed.emit(exc)
            self.reload()

        self.ops.write(work, label=label, on_success=done, on_failure=failed)

    # -- events -------------------------------------------------------------------------------

    def on_events(self, events: EventBatch) -> None:
        """Merge committed block changes; refresh snippets whose configuration ran."""
        configs: set[uuid.UUID] = set()
        for ev in events.of(_BLOCK_EVENT, "ionflux.agent.run.", "ionflux.agent.configuration."):
            kind = ev.event_type
            payload = ev.payload_json or {}
            if kind.startswith(_BLOCK_EVENT) and self.page_id is not None:
                self._merge(kind[len(_BLOCK_EVENT):], payload)
            elif kind.startswith(("ionflux.agent.run.", "ionflux.agent.configuration.")):
                cid = payload.get("agent_configuration_id") or (payload.get("id") if "configuration" in kind else None)
                if cid:
                    configs.add(uuid.UUID(str(cid)))
        wanted = {c for c in configs if c in self.snippets}
        if wanted:
            self.refresh_snippets(wanted)

    def _merge(self, op: str, payload: dict[str, Any]) -> None:
        bid = uuid.UUID(payload["id"])
        data = payload.get("data") or {}
        if op == "deleted":
            if self.blocks.pop(bid, None) is not None:
                self.block_removed.emit(bid)
        elif op == "created" and bid not in self.blocks and data.get("page_id") == str(self.page_id):
            state = BlockState(bid, self.page_id, str(data["type"]),  # type: ignore[arg-type]
                               dict(data.get("content_json") or {}),
                               int(data["position_x"]), int(data["position_y"]), int(data["width"]),
                               int(data["height"]), int(data["z_index"]))
            self.blocks[bid] = state
            self.block_added.emit(state)
            if state.type == "agent_snippet" and state.content.get("agent_configuration_id"):
                self.refresh_snippets({uuid.UUID(str(state.content["agent_configuration_id"]))})
        elif op == "updated" and bid in self.blocks and bid not in self._dirty:
            changes = {_GEOMETRY_KEYS[k]: int(v) for k, v in data.items() if k in _GEOMETRY_KEYS}
            if "content_json" in data:
                changes["content"] = dict(data["content_json"] or {})
            self._local(bid, **changes)

    # -- agent snippets -----------------------------------------------------------------------

    def refresh_snippets(self, config_ids: set[uuid.UUID]) -> None:
        if config_ids:
            self.ops.run(lambda: [self._snippet(c) for c in config_ids], label="reading agent runs",
                         on_success=self._snippets_loaded)

    def _snippet(self, config_id: uuid.UUID) -> SnippetInfo:
        from ionflux.core.errors import NotFoundError

        try:
            cfg = self.services.agent_configs.get(config_id)
        except NotFoundError:
            return SnippetInfo(config_id, name="missing configuration", missing=True)
        summary = cfg.last_run_summary_json or {}
        runs = self.services.run_logs.list(config_id, limit=1)
        outputs: dict[str, Any] = {}
        error = None
        if runs:
            last = runs[0]
            outputs = {o["key_name"]: o.get("value") for o in (last.output_data_json or {}).get("outputs_array", [])}
            error = (last.error_details_json or {}).get("error_message_text")
        try:
            definition = self.services.registry.get(cfg.agent_definition_id).definition
            keys = tuple(o["key_name"] for o in definition.get("outputs_config_json_array") or [])
        except NotFoundError:
            keys = tuple(outputs)
        return SnippetInfo(config_id, cfg.name, summary.get("status", "idle"), summary.get("timestamp"), outputs,
                           summary.get("output_preview_text"), error, output_keys=keys)

    def _snippets_loaded(self, infos: list[SnippetInfo]) -> None:
        for info in infos:
            old = self.snippets.get(info.config_id)
            if old is not None and old.status == "running" and info.status in ("pending", "running"):
                info = replace(info, progress=old.progress, progress_text=old.progress_text)
            self.snippets[info.config_id] = info
            self.snippet_changed.emit(info)

    def set_progress(self, config_id: uuid.UUID, fraction: float | None, text: str, status: str | None = None) -> None:
        """Show a run's progress on its snippets (from the run op's progress reports)."""
        info = self.snippets.get(config_id, SnippetInfo(config_id))
        info = replace(info, progress=fraction, progress_text=text, status=status or info.status)
        self.snippets[config_id] = info
        self.snippet_changed.emit(info)
