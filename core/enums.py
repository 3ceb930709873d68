"""Every enumerated field of the seed schema, as string enums stored by value."""

from __future__ import annotations

from enum import StrEnum


class WorkspaceStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    SUSPENDED = "suspended"


class ProfileStatus(StrEnum):
    """Status of brands and creators."""

    ACTIVE = "active"
    ARCHIVED = "archived"


class DefinitionStatus(StrEnum):
    PRM_ACTIVE = "prm_active"
    EXPERIMENTAL = "experimental"
    BETA = "beta"
    PRODUCTION = "production"
    DEPRECATED = "deprecated"
    ARCHIVED = "archived"


class ConfigurationStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ARCHIVED = "archived"
    ERROR_REQUIRES_REVIEW = "error_requires_review"


class TriggerType(StrEnum):
    """What started an agent run (AgentRunLog.trigger_type)."""

    MANUAL_UI = "manual_ui"
    MANUAL_COMMAND = "manual_command"
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"
    EVENT_API_CALL = "event_api_call"


class RunStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    CANCELLED_BY_USER = "cancelled_by_user"
    CANCELLED_BY_SYSTEM = "cancelled_by_system"

    @property
    def is_final(self) -> bool:
        return self not in (RunStatus.PENDING, RunStatus.RUNNING)


class PlaybookStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class PlaybookRunStatus(StrEnum):
    RUNNING = "running"
    WAITING = "waiting"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PlaybookActionType(StrEnum):
    SEND_WHATSAPP_MESSAGE = "send_whatsapp_message"
    SEND_EMAIL = "send_email"
    UPDATE_CRM_TAG = "update_crm_tag"
    TRIGGER_AGENT = "trigger_agent"


class PageStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    TEMPLATE_DRAFT = "template_draft"


class BlockType(StrEnum):
    TEXT = "text"
    AGENT_SNIPPET = "agent_snippet"
    EMBED_PANEL = "embed_panel"
    TABLE_VIEW = "table_view"
    KANBAN_BOARD = "kanban_board"
    IMAGE = "image"
    VIDEO = "video"
    JSON_DISPLAY = "json_display"


class ChannelType(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    DM = "dm"
    AGENT_DEDICATED = "agent_dedicated"


class SenderType(StrEnum):
    USER = "user"
    AGENT = "agent"
    SYSTEM = "system"


class MessageContentType(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON_DATA = "json_data"
    INTERACTIVE_PROPOSAL = "interactive_proposal"
    FILE_ATTACHMENT = "file_attachment"
    AGENT_STATUS_UPDATE = "agent_status_update"
