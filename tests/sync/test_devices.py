"""Devices converge through the real backend: two and three of them, offline edits, conflicts, no echo."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select
from sync_support import differences, outbox, replica, server_replica

from ionflux.core.blocks import Blocks
from ionflux.core.chat import Chat
from ionflux.core.errors import ConflictError
from ionflux.core.models import ChatChannel
from ionflux.core.models.sync import SyncDeadLetter
from ionflux.core.pages import Pages
from ionflux.core.workspaces import Workspaces


def _same_everywhere(backend, *devices) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(backend.url)
    with engine.connect() as conn:
        server = server_replica(conn)
    engine.dispose()
    for d in devices:
        assert d.store.pending_outbox_count() == 0
        mine = replica(d.store)
        assert mine == server, "\n".join(differences(mine, server))


def test_a_second_device_gets_the_workspace_and_both_converge(backend, devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices["a"], devices["b"]
    a.sync()
    report = b.sync()
    assert report.pull.snapshots == 1
    ws = Workspaces(b.ctx).resolve("Demo Workspace", b.user_id)
    assert [p.title for p in Pages(b.ctx).list(ws.id)] == ["Q4 Campaign Planning"]
    Pages(a.ctx).create(ws.id, "Made on A")
    Pages(b.ctx).create(ws.id, "Made on B")
    a.sync()
    b.sync()
    a.sync()
    assert {p.title for p in Pages(a.ctx).list(ws.id)} == {"Q4 Campaign Planning", "Made on A", "Made on B"}
    _same_everywhere(backend, a, b)
    assert [e.event_type for e in outbox(b.store)] == ["ionflux.canvas.page.created"]  # b's own page only: no echo


def test_three_devices_edit_one_paragraph_and_keep_every_word(backend, devices) -> None:  # type: ignore[no-untyped-def]
    a, b, c = devices["a"], devices["b"], devices["c"]
    a.sync()
    ws = Workspaces(a.ctx).resolve("Demo Workspace", a.user_id).id
    page = Pages(a.ctx).find(ws, "Q4 Campaign Planning")
    block = Blocks(a.ctx).create(page.id, "text", {"markdown_text": "Autumn sale starts Friday."})
    a.sync()
    b.sync()
    c.sync()
    Blocks(a.ctx).update_content(block.id, {"markdown_text": "Big autumn sale starts Friday."})
    Blocks(b.ctx).update_content(block.id, {"markdown_text": "Autumn sale starts Friday at 9."})
    Blocks(c.ctx).update_content(block.id, {"markdown_text": "Autumn shoe sale starts Friday."})
    Pages(b.ctx).rename(page.id, "Q4 plan (B)")
    Pages(c.ctx).set_status(page.id, "archived", with_children=False)
    for d in (a, b, c, a, b):
        d.sync()
    text = Blocks(a.ctx).get(block.id).content_json["markdown_text"]
    assert text == "Big autumn shoe sale starts Friday at 9."
    got = Pages(a.ctx).get(page.id)
    assert (got.title, got.status.value) == ("Q4 plan (B)", "archived")
    _same_everywhere(backend, a, b, c)


def test_two_offline_creates_of_one_unique_name_end_with_one_and_a_dead_letter(backend, devices) -> None:  # type: ignore[no-untyped-def]
    a, b = devices["a"], devices["b"]
    a.sync()
    b.sync()
    ws = Workspaces(a.ctx).resolve("Demo Workspace", a.user_id).id
    Chat(a.ctx).create_channel(ws, "launch-room")
    Chat(b.ctx).create_channel(ws, "launch-room")
    a.sync()
    b.sync()
    a.sync()
    for d in (a, b):
        with d.store.read() as s:
            assert s.scalar(select(func.count()).select_from(ChatChannel).where(ChatChannel.name == "launch-room")) == 1
    with b.store.read() as s:
        letters = list(s.scalars(select(SyncDeadLetter)))
    assert [d.source for d in letters] == ["push"] and "refused by the database" in letters[0].reason
    _same_everywhere(backend, a, b)
    try:
        Chat(b.ctx).create_channel(ws, "launch-room")
    except ConflictError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the name is taken on b too")


def test_changes_made_before_sync_existed_are_stamped_on_their_first_push(backend, tmp_path, demo_template) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import sqlite3

    from sync_support import Device

    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copyfile(demo_template[0], folder / "ionflux.db")
    con = sqlite3.connect(folder / "ionflux.db")  # as a database upgraded from schema 0004 looks
    con.execute("UPDATE platform_events SET payload_json = json_remove(payload_json, '$.hlc', '$.crdt')")
    con.execute("DELETE FROM sync_clocks")
    con.execute("DELETE FROM sync_docs")
    con.commit()
    con.close()
    old = Device(folder, backend.url, backend.kafka)
    old.login()
    report = old.sync()
    assert report.push.refused == 0
    fresh = Device(tmp_path / "fresh", backend.url, backend.kafka)
    fresh.login()
    fresh.sync()
    _same_everywhere(backend, old, fresh)
    ws = Workspaces(fresh.ctx).resolve("Demo Workspace", fresh.user_id).id
    page = Pages(fresh.ctx).find(ws, "Q4 Campaign Planning")
    block = next(b for b in Blocks(fresh.ctx).list(page.id) if b.type.value == "text")
    Blocks(fresh.ctx).update_content(block.id, {**block.content_json,
                                                "markdown_text": block.content_json["markdown_text"] + " (fresh)"})
    Blocks(old.ctx).update_content(block.id, {**block.content_json,
                                              "markdown_text": "(old) " + block.content_json["markdown_text"]})
    for d in (fresh, old, fresh):
        d.sync()
    text = Blocks(old.ctx).get(block.id).content_json["markdown_text"]
    assert text.startswith("(old) ") and text.endswith(" (fresh)") and text.count("(old)") == 1
    _same_everywhere(backend, old, fresh)
    old.close()
    fresh.close()
