import uuid

import pytest
from sqlalchemy import func, select

from ionflux.core.clock import new_id
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, ValidationError
from ionflux.core.models import CanvasBlock, CanvasPage, ChatMessage, PlatformEvent, User, Workspace
from ionflux.core.store import Store
from ionflux.core.uow import ReadOnlySessionError
from ionflux.core.users import Users


def _count(store: Store, model: type) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _setup(store: Store) -> tuple[uuid.UUID, uuid.UUID]:
    user = Users(Context(store)).create("a@example.com", "secret!")
    with store.unit_of_work(user_id=user.id) as uow:
        ws = uow.add(Workspace(name="W", owner_user_id=user.id))
        uow.flush()
        page = uow.add(CanvasPage(workspace_id=ws.id, title="P"))
    return ws.id, page.id


def test_each_change_writes_its_outbox_event_in_the_same_commit(store: Store) -> None:
    ws_id, page_id = _setup(store)
    before = _count(store, PlatformEvent)
    with store.unit_of_work() as uow:
        block = uow.add(CanvasBlock(page_id=page_id, type="text", content_json={"markdown_text": "hi"}))
    with store.unit_of_work() as uow:
        uow.session.get(CanvasBlock, block.id).position_x = 42
    with store.read() as s:
        events = list(s.scalars(select(PlatformEvent).order_by(PlatformEvent.seq)))[before:]
    assert [e.event_type for e in events] == ["ionflux.canvas.block.created", "ionflux.canvas.block.updated"]
    created, updated = events
    assert created.workspace_id == ws_id
    assert created.payload_json["id"] == str(block.id)
    assert created.payload_json["data"]["content_json"] == {"markdown_text": "hi"}
    assert set(updated.payload_json["data"]) == {"position_x", "updated_at"}
    assert updated.payload_json["data"]["position_x"] == 42
    assert created.seq < updated.seq
    assert all(e.sent_at is None for e in events)


def test_a_failing_write_leaves_neither_row_nor_event(store: Store) -> None:
    _ws, page_id = _setup(store)
    rows, events = _count(store, CanvasBlock), _count(store, PlatformEvent)
    with pytest.raises(ConflictError), store.unit_of_work() as uow:
        uow.add(CanvasBlock(page_id=page_id, type="text", content_json={"markdown_text": "ok"}))
        uow.flush()  # the row and its event are written inside the transaction...
        uow.add(CanvasBlock(page_id=uuid.uuid4(), type="text", content_json={}))  # ...then a broken FK
    assert _count(store, CanvasBlock) == rows
    assert _count(store, PlatformEvent) == events


def test_an_exception_inside_the_unit_of_work_rolls_everything_back(store: Store) -> None:
    _ws, page_id = _setup(store)
    rows, events = _count(store, CanvasBlock), _count(store, PlatformEvent)
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.add(CanvasBlock(page_id=page_id, type="text", content_json={"markdown_text": "x"}))
        uow.flush()
        raise RuntimeError("crash between the row and the commit")
    assert (_count(store, CanvasBlock), _count(store, PlatformEvent)) == (rows, events)


def test_bus_hears_events_only_after_commit(store: Store) -> None:
    heard: list[str] = []
    store.bus.subscribe("ionflux.canvas.*", lambda e: heard.append(e.event_type))
    _ws, page_id = _setup(store)
    assert heard == ["ionflux.canvas.page.created"]
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.add(CanvasBlock(page_id=page_id, type="text", content_json={}))
        uow.flush()
        raise RuntimeError
    assert heard == ["ionflux.canvas.page.created"]


def test_a_failing_subscriber_does_not_undo_the_commit(store: Store) -> None:
    def boom(_e: PlatformEvent) -> None:
        raise RuntimeError("subscriber bug")

    store.bus.subscribe("*", boom)
    _setup(store)
    assert _count(store, CanvasPage) == 1


def test_remote_apply_path_writes_no_outbox_record(store: Store) -> None:
    _ws, page_id = _setup(store)
    events = _count(store, PlatformEvent)
    with store.unit_of_work(record_outbox=False) as uow:
        uow.add(CanvasBlock(page_id=page_id, type="text", content_json={}))
    assert _count(store, PlatformEvent) == events


def test_read_sessions_refuse_writes(store: Store) -> None:
    with pytest.raises(ReadOnlySessionError), store.read() as s:
        s.add(User(email="x@y.z", password_hash="h"))
        s.flush()


def test_password_hash_never_reaches_an_event(store: Store) -> None:
    user = Users(Context(store)).create("b@example.com", "secret!")
    Users(Context(store)).set_password(user.id, "another-secret")
    with store.read() as s:
        payloads = [e.payload_json for e in s.scalars(select(PlatformEvent))]
    assert payloads and all("password_hash" not in p.get("data", {}) for p in payloads)
    assert all("$argon2" not in str(p) for p in payloads)


def test_delete_event_and_correlation_id(store: Store) -> None:
    ws_id, page_id = _setup(store)
    corr = new_id()
    with store.unit_of_work(correlation_id=corr) as uow:
        uow.delete(uow.session.get(CanvasPage, page_id))
    with store.read() as s:
        last = s.scalars(select(PlatformEvent).order_by(PlatformEvent.seq.desc())).first()
    assert last.event_type == "ionflux.canvas.page.deleted"
    assert last.correlation_id == corr
    assert last.workspace_id == ws_id


def test_bulk_insert_writes_rows_and_events_together(store: Store) -> None:
    from ionflux.core.chat import Chat

    user = Users(Context(store)).create("c@example.com", "secret!")
    ctx = Context(store, user.id)
    with store.unit_of_work(user_id=user.id) as uow:
        ws = uow.add(Workspace(name="W", owner_user_id=user.id))
    chan = Chat(ctx).create_channel(ws.id, "bulk")
    events = _count(store, PlatformEvent)
    assert Chat(ctx).post_many(chan.id, [f"message {i}" for i in range(50)]) == 50
    assert _count(store, ChatMessage) == 50
    assert _count(store, PlatformEvent) == events + 50
    with store.read() as s:
        ev = s.scalars(select(PlatformEvent).order_by(PlatformEvent.seq.desc())).first()
    assert ev.event_type == "ionflux.chat.message.created" and ev.workspace_id == ws.id


def test_enum_values_are_validated_on_assignment() -> None:
    with pytest.raises(ValidationError, match=r"canvas_blocks\.type"):
        CanvasBlock(type="sticker")
    assert CanvasBlock(type="text").type.value == "text"
