"""Who is acting on which store: the one object every service is built from."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ionflux.core.store import Store
from ionflux.core.uow import UnitOfWork


@dataclass
class Context:
    """The store and the acting user (None for the system itself: seeding, import, sync)."""

    store: Store
    user_id: uuid.UUID | None = None

    @contextmanager
    def write(self, correlation_id: uuid.UUID | None = None) -> Iterator[UnitOfWork]:
        """A unit of work stamped with the acting user."""
        with self.store.unit_of_work(user_id=self.user_id, correlation_id=correlation_id) as uow:
            yield uow
