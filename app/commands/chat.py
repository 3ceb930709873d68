"""Chat commands."""

from __future__ import annotations

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError


@registry.command("chat.post", title="Post message")
def chat_post(app: App, text: str, *, channel: str, workspace: str | None = None) -> Output:
    """Post a message to a channel.

    Args:
        text: The message.
        channel: The channel's name (with or without #).
        workspace: The workspace's name (optional when you have only one).

    """
    if app.user_id is None:
        raise ValidationError("no current user on this device; run `ionflux seed-demo` or sign in", where="chat")
    ws = app.workspace(workspace)
    chan = app.chat.channel(ws.id, channel)
    msg = app.chat.post(chan.id, text)
    return Output(f"Posted to #{chan.name}", {"id": str(msg.id), "channel": chan.name})


@registry.command("chat.list", title="List messages", json_output=True)
def chat_list(app: App, *, channel: str, workspace: str | None = None, limit: int = 50) -> Output:
    """Show the latest messages of a channel, oldest first.

    Args:
        channel: The channel's name (with or without #).
        workspace: The workspace's name (optional when you have only one).
        limit: How many messages to show.

    """
    from ionflux.core.serialize import row_to_json

    ws = app.workspace(workspace)
    chan = app.chat.channel(ws.id, channel)
    msgs = app.chat.messages(chan.id, limit=limit)
    names = {u.id: (u.name or u.email) for u in app.users.list()}
    lines = []
    for m in msgs:
        who = names.get(m.sender_id, m.sender_type.value)
        body = m.content_json.get("text_body") or m.content_type.value
        lines.append(f"[{m.created_at:%Y-%m-%d %H:%M}] {who}: {body}")
    return Output("\n".join(lines) if lines else f"#{chan.name} has no messages yet.",
                  [row_to_json(m) for m in msgs])
