"""What the UI needs from the application: core services and the agent runtime, passed in by the composition root."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ionflux.agents.llm.router import LLMRouter
    from ionflux.agents.registry import AgentRegistry
    from ionflux.agents.runtime import AgentRuntime
    from ionflux.core.agent_configs import AgentConfigs, RunLogs
    from ionflux.core.blocks import Blocks
    from ionflux.core.chat import Chat
    from ionflux.core.pages import Pages
    from ionflux.core.playbooks import Playbooks
    from ionflux.core.profiles import Brands, Creators
    from ionflux.core.prompts import Prompts
    from ionflux.core.search import Search
    from ionflux.core.settings import DeviceSettings
    from ionflux.core.store import Store
    from ionflux.core.users import Users
    from ionflux.core.workspaces import Workspaces


class Services(Protocol):
    """The slice of ``ionflux.app.context.App`` the window uses (the UI never builds these itself)."""

    @property
    def data_dir(self) -> Path: ...
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
    @property
    def brands(self) -> Brands: ...
    @property
    def creators(self) -> Creators: ...
    @property
    def prompts(self) -> Prompts: ...
    @property
    def playbooks(self) -> Playbooks: ...
    @property
    def agent_configs(self) -> AgentConfigs: ...
    @property
    def run_logs(self) -> RunLogs: ...
    @property
    def search(self) -> Search: ...
    @property
    def settings(self) -> DeviceSettings: ...
    @property
    def registry(self) -> AgentRegistry: ...
    @property
    def router(self) -> LLMRouter: ...
    @property
    def runtime(self) -> AgentRuntime: ...
