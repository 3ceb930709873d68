"""Applies a run of changes to a replica in batches: load the rows once, merge in order, write once.

The same engine runs on the server (PostgreSQL, in the push transaction) and on devices (SQLite,
in a unit of work that records no outbox), through a :class:`StateIO` for each. A batch ends
after every delete, so a database cascade happens exactly where it does when changes are applied
one by one. A constraint failure rolls the batch back to its savepoint and replays it change by
change, so one bad change is isolated (rejected) and the others still apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from ionflux.sync.entities import RANK, refs
from ionflux.sync.merge import DELETED, DROPPED, INSERTED, NOOP, UPDATED, Clock, Merged, RowState, merge
from ionflux.sync.wire import Event

REJECTED = "rejected"
Key = tuple[str, str]


class RowRefusedError(Exception):
    """The database silently skipped a write (row-level security hid the row): the change is refused."""


def _refusal(exc: Exception) -> bool:
    """Whether ``exc`` refuses one change (a rule, a bad value, access) rather than failing the database."""
    if isinstance(exc, IntegrityError | DataError | RowRefusedError):
        return True
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == "42501"


@dataclass
class WriteBatch:
    """The net effect of a batch on one replica, in the order it must be written."""

    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(list))
    deletes: list[Key] = field(default_factory=list)
    clocks: list[tuple[Key, Clock, Any]] = field(default_factory=list)
    docs: list[tuple[Key, str, bytes, Any]] = field(default_factory=list)

    def insert_tables(self) -> list[str]:
        return sorted(self.inserts, key=RANK.__getitem__)


class StateIO(Protocol):
    """How the engine reads and writes one replica."""

    def load(self, keys: Iterable[Key]) -> dict[Key, RowState]: ...
    def existing(self, table: str, ids: set[str]) -> set[str]: ...
    def write(self, batch: WriteBatch) -> None: ...
    def savepoint(self) -> AbstractContextManager[Any]: ...


class Engine:
    """Merges events into a replica through ``io``.

    Args:
        io: The replica.
        batch_size: Changes per load/write round trip.

    """

    def __init__(self, io: StateIO, batch_size: int = 500) -> None:
        self.io = io
        self.batch_size = batch_size

    def apply(self, events: list[Event], *, stop_on_reject: bool = False) -> list[Merged]:
        """Merge ``events`` in order; one result per event (domain events: ``noop``).

        With ``stop_on_reject`` the run ends at the first rejected change (its result is the last).
        """
        results: list[Merged] = []
        for chunk in self._chunks(events):
            try:
                with self.io.savepoint():
                    results.extend(self._apply_chunk(chunk))
                continue
            except Exception as exc:
                if not _refusal(exc):
                    raise
            for event in chunk:  # isolate the change that breaks a rule
                try:
                    with self.io.savepoint():
                        results.extend(self._apply_chunk([event]))
                except Exception as exc:
                    if not _refusal(exc):
                        raise
                    results.append(Merged(RowState(), REJECTED, _describe(exc)))
                    if stop_on_reject:
                        return results
        return results

    def _chunks(self, events: list[Event]) -> Iterator[list[Event]]:
        chunk: list[Event] = []
        for event in events:
            chunk.append(event)
            if event.op == "deleted" or len(chunk) >= self.batch_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _apply_chunk(self, chunk: list[Event]) -> list[Merged]:
        keys = {e.key for e in chunk if e.entity is not None}
        original = self.io.load(keys)
        working = dict(original)
        known = self._parents_known(chunk, working)
        wsids: dict[Key, Any] = {}
        results = []
        for event in chunk:
            if event.entity is None:
                results.append(Merged(RowState(), NOOP, "domain event"))
                continue
            before = working.get(event.key) or RowState()
            merged = merge(before, event)
            if merged.outcome in (INSERTED, UPDATED) and merged.state.data is not None:
                merged = self._check_parents(event, before, merged, working, known)
            working[event.key] = merged.state
            wsids[event.key] = event.workspace_id
            results.append(merged)
        self.io.write(diff_states(original, working, wsids))
        return results

    def _parents_known(self, chunk: list[Event], working: dict[Key, RowState]) -> dict[str, set[str]]:
        wanted: dict[str, set[str]] = defaultdict(set)
        for e in chunk:
            if e.entity is None or e.op == "deleted":
                continue
            for ref in refs(e.entity):
                value = e.data.get(ref.column)
                if value is not None and (ref.target, str(value)) not in working:
                    wanted[ref.target].add(str(value))
        return {table: self.io.existing(table, ids) for table, ids in wanted.items()}

    def _check_parents(self, event: Event, before: RowState, merged: Merged, working: dict[Key, RowState],
                       known: dict[str, set[str]]) -> Merged:
        data = merged.state.data
        assert data is not None
        old = before.data or {}
        for ref in refs(event.entity or ""):
            value = data.get(ref.column)
            if value is None or (merged.outcome == UPDATED and old.get(ref.column) == value):
                continue
            target = (ref.target, str(value))
            present = (working[target].data is not None) if target in working else str(value) in known.get(
                ref.target, set())
            if present:
                continue
            if ref.on_missing == "null":
                data[ref.column] = None
                merged.reason = f"rewritten: {ref.column} pointed to a missing {ref.target} row"
            else:
                return Merged(before, DROPPED, f"its {ref.target} row ({ref.column}) is deleted or unknown")
        return merged


def diff_states(original: dict[Key, RowState], working: dict[Key, RowState], wsids: dict[Key, Any]) -> WriteBatch:
    batch = WriteBatch()
    for key, after in working.items():
        before = original.get(key) or RowState()
        table, row_id = key
        if after.data is not None and before.data is None:
            batch.inserts[table].append(after.data)
        elif after.data is None and before.data is not None:
            batch.deletes.append(key)
        elif after.data is not None and before.data is not None:
            changed = {k: v for k, v in after.data.items() if before.data.get(k) != v}
            if changed:
                batch.updates[table].append((row_id, changed))
        if after.clock is not None and after.clock != before.clock:
            batch.clocks.append((key, after.clock, wsids.get(key)))
        for name, state in after.docs.items():
            if before.docs.get(name) != state:
                batch.docs.append((key, name, state, wsids.get(key)))
    return batch


def _describe(exc: Exception) -> str:
    text = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
    return "refused by the database: " + " ".join(text.split())[:300]


__all__ = ["DELETED", "DROPPED", "INSERTED", "NOOP", "REJECTED", "UPDATED", "Engine", "StateIO", "WriteBatch",
           "diff_states"]
