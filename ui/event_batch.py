"""A batch of committed events as the window's view-models receive it.

Ten thousand events arrive in one batch during a burst; each view-model asks only "which kinds,
for my workspace?" or "which events of these types?". The answers are noted as the events are
committed, on the committing threads, so the GUI thread never walks the whole batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ionflux.core.models import PlatformEvent


def kind_of(event_type: str) -> str:
    """The event type without its verb: ``ionflux.chat.message.created`` → ``ionflux.chat.message``."""
    return event_type.rsplit(".", 1)[0]


class EventBatch(list["PlatformEvent"]):
    """Committed events in commit order, with each one's type and the (workspace, kind) pairs seen."""

    def __init__(self, events: Iterable[PlatformEvent] = (), types: list[str] | None = None,
                 kinds: set[tuple[uuid.UUID | None, str]] | None = None) -> None:
        super().__init__(events)
        self.types = types if types is not None else [e.event_type for e in self]
        self._kinds = kinds if kinds is not None else {(e.workspace_id, kind_of(t)) for e, t in zip(self, self.types,
                                                                                                    strict=True)}

    def kinds(self, workspace_id: uuid.UUID | None) -> set[str]:
        """The kinds of events of ``workspace_id`` or of no workspace."""
        return {k for ws, k in self._kinds if ws is None or ws == workspace_id}

    def of(self, *prefixes: str) -> list[PlatformEvent]:
        """The events whose type starts with one of ``prefixes``, in commit order."""
        return [e for t, e in zip(self.types, self, strict=True) if t.startswith(prefixes)]
