"""How one change meets the state of its row: per-field last-writer-wins by HLC, text by CRDT.

The same function merges on the server (inside the push transaction) and on every device (when
pulling), so all replicas decide alike. The rules:

- A field takes an incoming value when the change's HLC is greater than the field's clock
  (ties cannot happen between different changes: the node id is part of the stamp).
- Text block content (``content_json.markdown_text``) comes from the row's Yrs document, which
  absorbs every update in any order; the rest of ``content_json`` is last-writer-wins.
- Deletes leave a tombstone. A delete newer than the row's creation removes it; an update of a
  deleted row never brings it back (it is folded into the tombstone's last values, and dropped
  when there are none); a create newer than the tombstone restores the row (undo of a delete),
  merged with those last values field by field. Creates of a row that exists are duplicates
  (append-only chat messages and run logs simply deduplicate by id).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ionflux.core import crdt_text
from ionflux.core.sync_state import TEXT_FIELDS, doc_key, text_field_applies
from ionflux.sync.wire import Event

INSERTED, UPDATED, DELETED, NOOP, DROPPED = "inserted", "updated", "deleted", "noop", "dropped"


@dataclass
class Clock:
    """Field clocks of one row in normal form: ``fields`` only lists stamps newer than ``base``."""

    base: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    deleted: str | None = None
    shadow: dict[str, Any] | None = None

    def of(self, name: str) -> str:
        return self.fields.get(name, self.base)

    def normalise(self) -> Clock:
        self.fields = {k: v for k, v in self.fields.items() if v > self.base}
        return self


@dataclass
class RowState:
    """What a replica knows of one row: its live values (None when absent), clocks and documents."""

    data: dict[str, Any] | None = None
    clock: Clock | None = None
    docs: dict[str, bytes] = field(default_factory=dict)

    def copy(self) -> RowState:
        clock = None if self.clock is None else Clock(self.clock.base, dict(self.clock.fields), self.clock.deleted,
                                                      copy.deepcopy(self.clock.shadow))
        return RowState(copy.deepcopy(self.data), clock, dict(self.docs))


@dataclass
class Merged:
    """The result of :func:`merge`: the row's new state and what happened to it."""

    state: RowState
    outcome: str
    reason: str = ""


def merge(state: RowState, change: Event) -> Merged:
    """Merge ``change`` into ``state`` (which is not modified)."""
    if change.op == "created" and state.data is None and state.clock is None and not state.docs:
        fresh = RowState(dict(change.data), Clock(change.hlc))  # a new row: the common case, kept cheap
        _merge_text(fresh, change, fresh.data)  # type: ignore[arg-type]
        return Merged(fresh, INSERTED)
    new = state.copy()
    clock = new.clock or Clock()
    new.clock = clock
    h = change.hlc
    live = new.data is not None
    if change.op == "deleted":
        clock.deleted = max(clock.deleted or "", h)
        if live and h > clock.base:
            clock.shadow, new.data = new.data, None
            return Merged(new, DELETED)
        return Merged(new, NOOP, "" if live else "already deleted")
    if change.op == "created":
        return _create(new, clock, change, live)
    if live:
        applied = _fold(new.data, clock, change.data, h)  # type: ignore[arg-type]
        texted = _merge_text(new, change, new.data)  # type: ignore[arg-type]
        return Merged(new, UPDATED if applied or texted else NOOP)
    if clock.shadow is not None:
        _fold(clock.shadow, clock, change.data, h)
        _merge_text(new, change, clock.shadow)
        return Merged(new, NOOP, "row is deleted")
    return Merged(state, DROPPED, "row is deleted or unknown")


def _create(new: RowState, clock: Clock, change: Event, live: bool) -> Merged:
    h = change.hlc
    if live:
        applied = _fold(new.data, clock, change.data, h)  # type: ignore[arg-type]
        texted = _merge_text(new, change, new.data)  # type: ignore[arg-type]
        return Merged(new, UPDATED if applied or texted else NOOP, "" if applied else "duplicate")
    if clock.deleted is not None and h <= clock.deleted:
        if clock.shadow is None:
            clock.shadow = dict(change.data)
            clock.base = max(clock.base, h)
            clock.normalise()
        else:
            _fold(clock.shadow, clock, change.data, h)
        _merge_text(new, change, clock.shadow)
        return Merged(new, NOOP, "created before its delete")
    if clock.shadow is not None:
        data = clock.shadow
        _fold(data, clock, change.data, h)
    else:
        data = dict(change.data)
        clock.base, clock.fields = h, {}  # clocks without values (a cascaded child's) mean nothing
    clock.shadow = None
    new.data = data
    _merge_text(new, change, data)
    return Merged(new, INSERTED)


def _fold(data: dict[str, Any], clock: Clock, incoming: dict[str, Any], h: str) -> bool:
    """Take each incoming field whose clock is older than ``h``; returns whether a value changed."""
    changed = False
    taken = []
    for name, value in incoming.items():
        if h > clock.of(name):
            taken.append(name)
            if data.get(name) != value:
                data[name] = value
                changed = True
    if taken:
        if all(h > clock.of(n) for n in data) and set(taken) >= set(data):
            clock.base = h
        else:
            for n in taken:
                clock.fields[n] = h
        clock.normalise()
    return changed


def _merge_text(state: RowState, change: Event, data: dict[str, Any]) -> bool:
    """Feed the change's CRDT update (if any) to the row's document and render the text into ``data``."""
    table = change.entity
    if table not in TEXT_FIELDS or not text_field_applies(table, data):
        return False
    key = doc_key(table)
    column, name = TEXT_FIELDS[table]
    update = change.crdt.get(key)
    if update is not None:
        state.docs[key], rendered = crdt_text.merge(state.docs.get(key), [update])
    elif key in state.docs:
        rendered = crdt_text.render(state.docs[key])
    else:
        return False  # no document yet (rows from before sync): the text is last-writer-wins
    content = dict(data.get(column) or {})
    if content.get(name) == rendered and data.get(column) is not None:
        return False
    content[name] = rendered
    data[column] = content
    return True
