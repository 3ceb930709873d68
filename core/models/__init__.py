"""The IONFLUX data model: one module per aggregate, all re-exported here."""

from ionflux.core.enums import (
    BlockType,
    ChannelType,
    ConfigurationStatus,
    DefinitionStatus,
    MessageContentType,
    PageStatus,
    PlaybookActionType,
    PlaybookRunStatus,
    PlaybookStatus,
    ProfileStatus,
    RunStatus,
    SenderType,
    TriggerType,
    WorkspaceStatus,
)
from ionflux.core.models.agents import AgentConfiguration, AgentDefinition, AgentRunLog
from ionflux.core.models.base import Base
from ionflux.core.models.canvas import CanvasBlock, CanvasPage
from ionflux.core.models.chat import ChatChannel, ChatMessage
from ionflux.core.models.commerce import AgentState, MetricPoint, ShopCustomer, ShopOrder, ShopProduct
from ionflux.core.models.events import LocalSetting, PlatformEvent
from ionflux.core.models.playbooks import Playbook, PlaybookRun
from ionflux.core.models.profiles import Brand, Creator
from ionflux.core.models.prompts import Prompt, PromptLibrary, PromptVersion
from ionflux.core.models.users import User, Workspace

#: The seed's name for ChatChannel.
ChatDockChannel = ChatChannel

__all__ = [
    "AgentConfiguration",
    "AgentDefinition",
    "AgentRunLog",
    "AgentState",
    "Base",
    "BlockType",
    "Brand",
    "CanvasBlock",
    "CanvasPage",
    "ChannelType",
    "ChatChannel",
    "ChatDockChannel",
    "ChatMessage",
    "ConfigurationStatus",
    "Creator",
    "DefinitionStatus",
    "LocalSetting",
    "MessageContentType",
    "MetricPoint",
    "PageStatus",
    "PlatformEvent",
    "Playbook",
    "PlaybookActionType",
    "PlaybookRun",
    "PlaybookRunStatus",
    "PlaybookStatus",
    "ProfileStatus",
    "Prompt",
    "PromptLibrary",
    "PromptVersion",
    "RunStatus",
    "SenderType",
    "ShopCustomer",
    "ShopOrder",
    "ShopProduct",
    "TriggerType",
    "User",
    "Workspace",
    "WorkspaceStatus",
]
