"""Agent definitions (from resources/), their per-workspace configurations and run logs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ionflux.core.clock import new_id
from ionflux.core.enums import ConfigurationStatus, DefinitionStatus, RunStatus, TriggerType
from ionflux.core.models.base import Base, created_column, enum_type, id_column, updated_column
from ionflux.core.types import JSONDoc, TextArray


class AgentDefinition(Base):
    """What an agent is: loaded from its YAML under resources/agents, never edited by users."""

    __tablename__ = "agent_definitions"
    __event_prefix__ = "ionflux.agent.definition"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[str] = mapped_column(Text, nullable=False)
    definition_status: Mapped[DefinitionStatus] = mapped_column(
        enum_type(DefinitionStatus), nullable=False, default=DefinitionStatus.PRM_ACTIVE
    )
    prm_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    triggers_config_json_array: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    inputs_schema_json_array: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    outputs_config_json_array: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    stack_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    deployment_info_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    memory_config_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    category_tags_array: Mapped[list[str] | None] = mapped_column(TextArray)
    underlying_platform_services_required_array: Mapped[list[str] | None] = mapped_column(TextArray)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class AgentConfiguration(Base):
    """One instance of a definition in a workspace, configured by YAML."""

    __tablename__ = "agent_configurations"
    __event_prefix__ = "ionflux.agent.configuration"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        Index("idx_agent_configurations_workspace_id", "workspace_id"),
        Index("idx_agent_configurations_agent_definition_id", "agent_definition_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    agent_definition_id: Mapped[str] = mapped_column(
        ForeignKey("agent_definitions.id", ondelete="RESTRICT"), nullable=False
    )
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description_text: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    yaml_config_text: Mapped[str] = mapped_column(Text, nullable=False)
    effective_config_cache_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    resolved_memory_namespace_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ConfigurationStatus] = mapped_column(
        enum_type(ConfigurationStatus), nullable=False, default=ConfigurationStatus.ACTIVE
    )
    last_run_summary_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()


class AgentRunLog(Base):
    """One execution of a configuration: inputs, outputs, status, errors and KPIs."""

    __tablename__ = "agent_run_logs"
    __event_prefix__ = "ionflux.agent.run_log"
    __table_args__ = (
        Index("idx_agent_run_logs_agent_configuration_id", "agent_configuration_id"),
        Index("idx_agent_run_logs_run_id", "run_id"),
        Index("idx_agent_run_logs_workspace_id", "workspace_id"),
    )

    id: Mapped[uuid.UUID] = id_column()
    run_id: Mapped[uuid.UUID] = mapped_column(unique=True, nullable=False, default=new_id)
    agent_configuration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agent_configurations.id", ondelete="CASCADE"), nullable=False
    )
    agent_definition_id_version: Mapped[str] = mapped_column(Text, nullable=False)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    triggered_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trigger_type: Mapped[TriggerType] = mapped_column(enum_type(TriggerType), nullable=False)
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus), nullable=False)
    start_time: Mapped[datetime] = created_column()
    end_time: Mapped[datetime | None] = mapped_column()
    input_params_resolved_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    output_data_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    output_preview_text: Mapped[str | None] = mapped_column(Text)
    error_details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    logs_storage_ref_url: Mapped[str | None] = mapped_column(Text)
    kpi_results_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = created_column()
