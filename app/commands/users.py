"""User account commands."""

from __future__ import annotations

import getpass
import os
import sys

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import NotFoundError

PASSWORD_ENV = "IONFLUX_PASSWORD"


def read_password(prompt: str) -> str:
    """IONFLUX_PASSWORD when set (scripts, CI), else a hidden prompt, else a line of stdin."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


@registry.command("user.list", title="List users", json_output=True)
def user_list(app: App) -> Output:
    """List the user accounts on this device."""
    users = app.users.list()
    data = [{"id": str(u.id), "email": u.email, "name": u.name, "current": u.id == app.user_id} for u in users]
    text = "\n".join(f"{'*' if d['current'] else ' '} {d['email']}  {d['name'] or ''}" for d in data)
    return Output(text or "No users yet.", data)


@registry.command("user.set_password", title="Set password", cli="user set-password")
def user_set_password(app: App, email: str) -> Output:
    """Set a user's password (asked for, or read from IONFLUX_PASSWORD).

    Args:
        email: The account's email address.

    """
    user = app.users.find_by_email(email)
    if user is None:
        raise NotFoundError(f"no user with email {email}", where="email")
    app.users.set_password(user.id, read_password(f"New password for {user.email}: "))
    return Output(f"Password set for {user.email}.")
