"""What the UI needs from the application: core services, passed in by the composition root."""

from __future__ import annotations

import uuid
from typing import Protocol

from ionflux.core.blocks import Blocks
from ionflux.core.chat import Chat
from ionflux.core.pages import Pages
from ionflux.core.store import Store
from ionflux.core.users import Users
from ionflux.core.workspaces import Workspaces


class Services(Protocol):
    """The slice of ``ionflux.app.context.App`` the window uses (the UI never builds these itself)."""

    @property
    def store(self) -> Store: ...
    @property
    def user_id(self) -> uuid.UUID | None: ...
    @property
    def workspaces(self) -> Workspaces: ...
    @property
    def pages(self) -> Pages: ...
    @property
    def blocks(self) -> Blocks: ...
    @property
    def chat(self) -> Chat: ...
    @property
    def users(self) -> Users: ...
