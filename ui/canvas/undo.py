"""Undoable canvas edits: each command's redo and undo go through the view-model (and so the store)."""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.core.geometry import Geometry
from ionflux.ui.canvas.model import BlockState, CanvasViewModel
from ionflux.ui.qt import QUndoCommand

_NUDGE_IDS = {"Move": 1001, "Resize": 1002}


class GeometryCommand(QUndoCommand):
    """Move and/or resize blocks; consecutive keyboard nudges of the same blocks merge into one step."""

    def __init__(self, vm: CanvasViewModel, before: dict[uuid.UUID, Geometry], after: dict[uuid.UUID, Geometry],
                 text: str = "Move", nudge: bool = False) -> None:
        super().__init__(text)
        self.vm, self.before, self.after, self.nudge = vm, dict(before), dict(after), nudge

    def redo(self) -> None:
        self.vm.set_geometry(self.after)

    def undo(self) -> None:
        self.vm.set_geometry(self.before)

    def id(self) -> int:
        return _NUDGE_IDS.get(self.text(), -1) if self.nudge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, GeometryCommand) or not other.nudge or other.text() != self.text() \
                or set(other.after) != set(self.after):
            return False
        self.after = dict(other.after)
        return True


class ContentCommand(QUndoCommand):
    """Change a block's content (text, cells, cards, URL...)."""

    def __init__(self, vm: CanvasViewModel, block_id: uuid.UUID, before: dict[str, Any], after: dict[str, Any],
                 text: str = "Edit block") -> None:
        super().__init__(text)
        self.vm, self.block_id, self.before, self.after = vm, block_id, before, after

    def redo(self) -> None:
        self.vm.set_content(self.block_id, self.after)

    def undo(self) -> None:
        self.vm.set_content(self.block_id, self.before)


class CreateCommand(QUndoCommand):
    """Add blocks (new, pasted or duplicated); undo deletes them."""

    def __init__(self, vm: CanvasViewModel, states: list[BlockState], text: str = "Add block") -> None:
        super().__init__(text)
        self.vm, self.states = vm, list(states)

    def redo(self) -> None:
        self.vm.create(self.states)

    def undo(self) -> None:
        self.vm.delete([s.id for s in self.states])


class DeleteCommand(QUndoCommand):
    """Delete blocks; undo restores them with the same ids, content, place and stacking."""

    def __init__(self, vm: CanvasViewModel, states: list[BlockState], text: str = "Delete") -> None:
        super().__init__(text)
        self.vm, self.states = vm, list(states)

    def redo(self) -> None:
        self.vm.delete([s.id for s in self.states])

    def undo(self) -> None:
        self.vm.create(self.states)


class ZCommand(QUndoCommand):
    """Bring to front / send to back."""

    def __init__(self, vm: CanvasViewModel, before: dict[uuid.UUID, int], after: dict[uuid.UUID, int],
                 text: str = "Restack") -> None:
        super().__init__(text)
        self.vm, self.before, self.after = vm, before, after

    def redo(self) -> None:
        self.vm.set_z(self.after)

    def undo(self) -> None:
        self.vm.set_z(self.before)
