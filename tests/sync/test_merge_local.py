"""Merging on devices, without a backend: a replayed log gives identical replicas; conflicts resolve alike."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sync_support import LogHarness, outbox, replica

from ionflux.core.blocks import Blocks
from ionflux.core.context import Context
from ionflux.core.crdt_text import create, edit, merge
from ionflux.core.models import CanvasBlock, PlatformEvent
from ionflux.core.pages import Pages
from ionflux.core.store import Store


@pytest.fixture
def pair(demo: Context, tmp_path: Path):  # type: ignore[no-untyped-def]
    b_store = Store(tmp_path / "b")
    harness = LogHarness()
    harness.push(demo.store)
    harness.pull(b_store)
    harness.pull(demo.store)
    yield demo, Context(b_store, demo.user_id), harness
    b_store.close()


def _exchange(h: LogHarness, *stores: Store) -> None:
    for s in stores:
        h.push(s)
    for s in stores:
        h.pull(s)


def test_replaying_the_log_gives_an_identical_replica_without_echo(pair) -> None:  # type: ignore[no-untyped-def]
    a, b, _h = pair
    assert replica(b.store) == replica(a.store)
    with b.store.read() as s:
        assert s.scalar(select(func.count()).select_from(PlatformEvent)) == 0


def test_fields_merge_separately_and_the_later_stamp_wins(pair, demo_ws) -> None:  # type: ignore[no-untyped-def]
    a, b, h = pair
    page = Pages(a).find(demo_ws, "Q4 Campaign Planning")
    Pages(a).rename(page.id, "Renamed on A")
    Pages(b).set_status(page.id, "archived", with_children=False)
    Pages(b).rename(page.id, "Renamed on B, later")
    _exchange(h, a.store, b.store)
    assert replica(a.store) == replica(b.store)
    got = Pages(a).get(page.id)
    assert (got.title, got.status.value) == ("Renamed on B, later", "archived")


def test_offline_edits_of_one_paragraph_keep_both_devices_words(pair, demo_ws) -> None:  # type: ignore[no-untyped-def]
    a, b, h = pair
    page = Pages(a).find(demo_ws, "Q4 Campaign Planning")
    block = Blocks(a).create(page.id, "text", {"markdown_text": "Launch the autumn sale on Friday."})
    _exchange(h, a.store, b.store)
    Blocks(a).update_content(block.id, {"markdown_text": "Launch the big autumn sale on Friday."})
    Blocks(b).update_content(block.id, {"markdown_text": "Launch the autumn sale on Friday at noon."})
    _exchange(h, a.store, b.store)
    text = Blocks(a).get(block.id).content_json["markdown_text"]
    assert text == "Launch the big autumn sale on Friday at noon."
    assert Blocks(b).get(block.id).content_json["markdown_text"] == text
    assert replica(a.store) == replica(b.store)


def test_a_delete_beats_a_concurrent_edit_and_an_undo_restores(pair, demo_ws) -> None:  # type: ignore[no-untyped-def]
    a, b, h = pair
    page = Pages(a).find(demo_ws, "Q4 Campaign Planning")
    block = Blocks(a).create(page.id, "text", {"markdown_text": "to be deleted"})
    _exchange(h, a.store, b.store)
    from ionflux.core.serialize import row_to_json

    snapshot = row_to_json(Blocks(a).get(block.id))
    Blocks(a).delete([block.id])
    Blocks(b).update_content(block.id, {"markdown_text": "edited meanwhile"})
    _exchange(h, a.store, b.store)
    for ctx in (a, b):
        with ctx.store.read() as s:
            assert s.get(CanvasBlock, block.id) is None
    Blocks(a).restore(snapshot)  # undo of the delete: newer than it, so it wins
    _exchange(h, a.store, b.store)
    assert Blocks(b).get(block.id).content_json["markdown_text"] == "to be deleted"
    assert replica(a.store) == replica(b.store)


def test_text_updates_merge_the_same_in_every_order_with_duplicates() -> None:
    base = create("one two three", "00000000000000a1")
    updates = []
    for node, new in (("00000000000000b2", "one 2 two three"), ("00000000000000c3", "one two three four"),
                      ("00000000000000d4", "zero one two three")):
        updates.append(edit(base, new, node)[1])
    results = set()
    for order in itertools.permutations(updates):
        _state, text = merge(base, [*order, order[0]])
        results.add(text)
    assert results == {"zero one 2 two three four"}


def test_outbox_events_carry_a_stamp_and_text_updates(demo: Context) -> None:
    events = outbox(demo.store)
    assert all(e.hlc for e in events if e.entity)
    stamps = [e.hlc for e in events if e.entity]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert any(e.crdt for e in events if e.entity == "canvas_blocks")
