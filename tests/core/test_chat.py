import uuid

import pytest

from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from ionflux.core.models import MessageContentType
from ionflux.core.users import Users
from ionflux.core.workspaces import Workspaces


def test_channels_of_the_demo(demo: Context, demo_ws: uuid.UUID) -> None:
    assert [c.name for c in Chat(demo).channels(demo_ws)] == ["alerts", "general"]


def test_post_list_and_threads(demo: Context, demo_ws: uuid.UUID) -> None:
    chat = Chat(demo)
    general = chat.channel(demo_ws, "#general")
    root = chat.post(general.id, "Who owns the launch email?")
    r1 = chat.post(general.id, "I do", thread_id=root.id)
    chat.post(general.id, "me too", thread_id=r1.id)  # a reply to a reply joins the same thread
    top = chat.messages(general.id)
    assert [m.content_json["text_body"] for m in top][-1] == "Who owns the launch email?"
    assert [m.content_json["text_body"] for m in chat.messages(general.id, thread_id=root.id)] == ["I do", "me too"]
    assert chat.thread_counts(general.id) == {root.id: 2}


def test_thread_root_must_be_in_the_channel(demo: Context, demo_ws: uuid.UUID) -> None:
    chat = Chat(demo)
    general, alerts = chat.channel(demo_ws, "general"), chat.channel(demo_ws, "alerts")
    root = chat.post(general.id, "root")
    with pytest.raises(NotFoundError, match="thread"):
        chat.post(alerts.id, "reply", thread_id=root.id)


def test_reactions_toggle_and_read_receipts(demo: Context, demo_ws: uuid.UUID) -> None:
    chat = Chat(demo)
    general = chat.channel(demo_ws, "general")
    msg = chat.post(general.id, "ship it")
    msg = chat.react(msg.id, "🚀")
    assert msg.reactions_json_array == [{"emoji": "🚀", "user_ids_array": [str(demo.user_id)]}]
    assert chat.react(msg.id, "🚀").reactions_json_array == []
    assert chat.unread_count(general.id, demo.user_id) == 1  # the system welcome message
    assert chat.mark_read(general.id) == 1
    assert chat.unread_count(general.id, demo.user_id) == 0


@pytest.mark.parametrize(("content_type", "content", "where"), [
    ("text", "", "content_json.text_body"),
    ("text", "x" * 40_001, "content_json.text_body"),
    ("json_data", {"json_payload": [1, 2]}, "content_json.json_payload"),
    ("interactive_proposal", {"text_body": "ok?", "extra": 1}, "content_json"),
    ("carrier_pigeon", "hi", "content_type"),
])
def test_bad_messages_name_the_field(demo: Context, demo_ws: uuid.UUID, content_type: str, content: object,
                                     where: str) -> None:
    general = Chat(demo).channel(demo_ws, "general")
    with pytest.raises(ValidationError) as err:
        Chat(demo).post(general.id, content, content_type=content_type)  # type: ignore[arg-type]
    assert err.value.where == where


def test_interactive_proposal_content(demo: Context, demo_ws: uuid.UUID) -> None:
    general = Chat(demo).channel(demo_ws, "general")
    msg = Chat(demo).post(general.id, {"text_body": "Pause the discount?", "json_payload": {"options": ["yes", "no"]}},
                          content_type=MessageContentType.INTERACTIVE_PROPOSAL, sender_type="agent")
    assert msg.content_json["json_payload"] == {"options": ["yes", "no"]}


def test_private_channels_are_visible_to_members_only(demo: Context, demo_ws: uuid.UUID) -> None:
    other = Users(Context(demo.store)).create("pal@example.com", "secret")
    Workspaces(demo).add_member(demo_ws, other.id)
    Chat(demo).create_channel(demo_ws, "leadership", type="private")
    assert "leadership" in [c.name for c in Chat(demo).channels(demo_ws)]
    assert "leadership" not in [c.name for c in Chat(Context(demo.store, other.id)).channels(demo_ws)]
    with pytest.raises(ValidationError, match="exactly two"):
        Chat(demo).create_channel(demo_ws, "dm-x", type="dm")


@pytest.mark.parametrize("name", ["Has Space", "", "UPPER!", "a" * 81])
def test_channel_names(demo: Context, demo_ws: uuid.UUID, name: str) -> None:
    with pytest.raises(ValidationError):
        Chat(demo).create_channel(demo_ws, name)


def test_channel_name_unique(demo: Context, demo_ws: uuid.UUID) -> None:
    with pytest.raises(ConflictError):
        Chat(demo).create_channel(demo_ws, "General")


def test_only_the_sender_edits(demo: Context, demo_ws: uuid.UUID) -> None:
    general = Chat(demo).channel(demo_ws, "general")
    msg = Chat(demo).post(general.id, "typo hree")
    assert Chat(demo).edit(msg.id, "typo here").content_json["text_body"] == "typo here"
    other = Users(Context(demo.store)).create("pal@example.com", "secret")
    Workspaces(demo).add_member(demo_ws, other.id)
    with pytest.raises(PermissionDeniedError):
        Chat(Context(demo.store, other.id)).edit(msg.id, "hijack")


def test_proposals_are_decided_once_with_an_event(demo: Context, demo_ws: uuid.UUID) -> None:
    from sqlalchemy import select

    from ionflux.core.models import PlatformEvent

    chat = Chat(demo)
    general = chat.channel(demo_ws, "general")
    proposal = {"text_body": "Pause the discount?", "json_payload": {"options": ["approve", "reject"]}}
    msg = chat.post(general.id, proposal, content_type=MessageContentType.INTERACTIVE_PROPOSAL, sender_type="agent",
                    sender_id=uuid.uuid4())
    with pytest.raises(ValidationError, match="not one of"):
        chat.decide(msg.id, "maybe")
    decided = chat.decide(msg.id, "approve")
    assert decided.content_json["json_payload"]["decision"]["choice"] == "approve"
    assert chat.get(msg.id).content_json["json_payload"]["decision"]["user_id"] == str(demo.user_id)
    with pytest.raises(ValidationError, match="already decided"):
        chat.decide(msg.id, "reject")
    with demo.store.read() as s:
        ev = s.scalars(select(PlatformEvent).where(PlatformEvent.event_type == "ionflux.chat.proposal.decided")).one()
    assert ev.payload_json["choice"] == "approve" and ev.workspace_id == demo_ws
    with pytest.raises(ValidationError, match="only an interactive proposal"):
        chat.decide(chat.post(general.id, "plain").id, "approve")


def test_mark_read_in_batches(demo: Context, demo_ws: uuid.UUID) -> None:
    chat = Chat(demo)
    chan = chat.create_channel(demo_ws, "busy")
    chat.post_many(chan.id, [f"m{i}" for i in range(1200)], sender_id=uuid.uuid4(), sender_type="system")
    assert chat.unread_count(chan.id, demo.user_id) == 1200
    assert chat.mark_read(chan.id) == 1200
    assert chat.unread_count(chan.id, demo.user_id) == 0 and chat.mark_read(chan.id) == 0


def test_mark_read_of_the_shown_messages_leaves_the_others_unread(demo: Context, demo_ws: uuid.UUID) -> None:
    chat = Chat(demo)
    chan = chat.create_channel(demo_ws, "burst")
    chat.post_many(chan.id, [f"m{i}" for i in range(30)], sender_id=uuid.uuid4(), sender_type="system")
    shown = [m.id for m in chat.messages(chan.id)[-10:]]
    assert chat.mark_read(chan.id, message_ids=shown) == 10
    assert chat.unread_count(chan.id, demo.user_id) == 20
    assert chat.mark_read(chan.id, message_ids=shown) == 0
    someone_else = uuid.uuid4()
    assert chat.unread_count(chan.id, someone_else) == 30  # other readers' receipts are not theirs
    assert chat.mark_read(chan.id, user_id=someone_else) == 30
    assert chat.unread_count(chan.id, demo.user_id) == 20
