"""The application object: data folder, store, acting user, secrets and services, built lazily.

This is the composition root's one container. Every part is imported and created on first use:
``ionflux --help`` stays instant, and the window paints before the database layer has loaded.
"""

from __future__ import annotations

import threading
import uuid
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ionflux.agents.llm.router import LLMRouter
    from ionflux.agents.memory.store import MemoryStore
    from ionflux.agents.registry import AgentRegistry
    from ionflux.agents.runtime import AgentRuntime
    from ionflux.core.agent_configs import AgentConfigs, RunLogs
    from ionflux.core.blocks import Blocks
    from ionflux.core.chat import Chat
    from ionflux.core.context import Context
    from ionflux.core.models import Workspace
    from ionflux.core.pages import Pages
    from ionflux.core.playbooks import Playbooks
    from ionflux.core.profiles import Brands, Creators
    from ionflux.core.prompts import Prompts
    from ionflux.core.search import Search
    from ionflux.core.secrets import SecretStore
    from ionflux.core.settings import DeviceSettings
    from ionflux.core.store import Store
    from ionflux.core.users import Users
    from ionflux.core.workspaces import Workspaces


class App:
    """Everything one IONFLUX process works with.

    Args:
        data_dir: The data folder (already resolved from --data-dir / IONFLUX_DATA_DIR / default).
        store: A store already open on that folder (tests share one); by default opened on first use.

    """

    def __init__(self, data_dir: Path, store: Store | None = None) -> None:
        self.data_dir = data_dir
        if store is not None:
            self.__dict__["_store"] = store
        #: The ``app.platform.Platform`` this process runs in the background (the window's), so
        #: commands such as ``demo`` use it instead of starting a second one; None headless.
        self.platform: Any = None
        #: Set once that background platform has started (or failed to); None when there is none.
        self.platform_ready: threading.Event | None = None
        self._store_lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The local store, opened once even when several threads ask at once (the window's start-up)."""
        store = self.__dict__.get("_store")
        if store is None:
            with self._store_lock:
                store = self.__dict__.get("_store")
                if store is None:
                    from ionflux.core.store import Store

                    store = self.__dict__["_store"] = Store(self.data_dir)
        return store

    @cached_property
    def user_id(self) -> uuid.UUID | None:
        """The device's current user: the one set by seed-demo or login, else the only user."""
        from ionflux.core.context import Context
        from ionflux.core.settings import CURRENT_USER_KEY
        from ionflux.core.users import Users

        stored = self.store.get_local(CURRENT_USER_KEY)
        if stored:
            return uuid.UUID(stored)
        users = Users(Context(self.store)).list()
        return users[0].id if len(users) == 1 else None

    @cached_property
    def ctx(self) -> Context:
        from ionflux.core.context import Context

        return Context(self.store, self.user_id)

    @cached_property
    def secrets(self) -> SecretStore:
        from ionflux.app.keyring_backend import choose_backend
        from ionflux.core.secrets import SecretStore

        return SecretStore(choose_backend(self.data_dir))

    # -- services ---------------------------------------------------------------------------
    @cached_property
    def users(self) -> Users:
        from ionflux.core.users import Users

        return Users(self.ctx)

    @cached_property
    def workspaces(self) -> Workspaces:
        from ionflux.core.workspaces import Workspaces

        return Workspaces(self.ctx)

    @cached_property
    def pages(self) -> Pages:
        from ionflux.core.pages import Pages

        return Pages(self.ctx)

    @cached_property
    def blocks(self) -> Blocks:
        from ionflux.core.blocks import Blocks

        return Blocks(self.ctx)

    @cached_property
    def chat(self) -> Chat:
        from ionflux.core.chat import Chat

        return Chat(self.ctx)

    @cached_property
    def prompts(self) -> Prompts:
        from ionflux.core.prompts import Prompts

        return Prompts(self.ctx)

    @cached_property
    def brands(self) -> Brands:
        from ionflux.core.profiles import Brands

        return Brands(self.ctx)

    @cached_property
    def creators(self) -> Creators:
        from ionflux.core.profiles import Creators

        return Creators(self.ctx)

    @cached_property
    def agent_configs(self) -> AgentConfigs:
        from ionflux.core.agent_configs import AgentConfigs

        return AgentConfigs(self.ctx)

    @cached_property
    def run_logs(self) -> RunLogs:
        from ionflux.core.agent_configs import RunLogs

        return RunLogs(self.ctx)

    @cached_property
    def playbooks(self) -> Playbooks:
        from ionflux.core.playbooks import Playbooks

        return Playbooks(self.ctx)

    @cached_property
    def search(self) -> Search:
        from ionflux.core.search import Search

        return Search(self.ctx)

    @cached_property
    def settings(self) -> DeviceSettings:
        from ionflux.core.settings import DeviceSettings

        return DeviceSettings(self.store)

    # -- agents (heavy parts are created on first use) ----------------------------------
    @cached_property
    def registry(self) -> AgentRegistry:
        from ionflux.agents.registry import AgentRegistry

        return AgentRegistry()

    @cached_property
    def router(self) -> LLMRouter:
        from ionflux.agents.llm.router import LLMRouter

        return LLMRouter(self.settings.nested(), lambda ref: self.secrets.get_optional(ref))  # keyring on demand

    @cached_property
    def memory(self) -> MemoryStore:
        from ionflux.agents.memory.store import MemoryStore

        return MemoryStore(self.data_dir / "memory")

    @cached_property
    def runtime(self) -> AgentRuntime:
        from ionflux.agents.runtime import AgentRuntime
        from ionflux.core.context import Context
        from ionflux.core.definitions import sync_definitions

        sync_definitions(Context(self.store), self.registry.definitions())
        runtime = AgentRuntime(self.ctx, self.registry, self.router, lambda: self.memory,
                               secrets=lambda ref: self.secrets.get_optional(ref))
        runtime.recover_interrupted()
        return runtime

    def workspace(self, name: str | None) -> Workspace:
        """The workspace a command means: by name, or the only one the user has."""
        return self.workspaces.resolve(name, self.user_id)

    def reset_user(self) -> None:
        """Forget the cached acting user (after seeding or logging in)."""
        for attr in ("user_id", "ctx", "users", "workspaces", "pages", "blocks", "chat", "prompts", "brands",
                     "creators", "agent_configs", "run_logs", "playbooks", "search", "runtime"):
            self.__dict__.pop(attr, None)

    def close(self) -> None:
        if "memory" in self.__dict__:
            self.memory.close()
        if "_store" in self.__dict__:
            self.store.close()
