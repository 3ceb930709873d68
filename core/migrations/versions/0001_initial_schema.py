"""initial schema: the seed's data model and the outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Types frozen as they were at this revision: JSONB and arrays on PostgreSQL, JSON text on SQLite.
JSON_DOC = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
TEXT_ARRAY = sa.JSON(none_as_null=True).with_variant(postgresql.ARRAY(sa.Text()), "postgresql")
UUID_ARRAY = sa.JSON(none_as_null=True).with_variant(postgresql.ARRAY(sa.Uuid()), "postgresql")


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_definitions',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('version', sa.Text(), nullable=False),
    sa.Column('definition_status', sa.Enum('prm_active', 'experimental', 'beta', 'production', 'deprecated', 'archived', name='definitionstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('prm_details_json', JSON_DOC, nullable=True),
    sa.Column('triggers_config_json_array', JSON_DOC, nullable=True),
    sa.Column('inputs_schema_json_array', JSON_DOC, nullable=True),
    sa.Column('outputs_config_json_array', JSON_DOC, nullable=True),
    sa.Column('stack_details_json', JSON_DOC, nullable=True),
    sa.Column('deployment_info_json', JSON_DOC, nullable=True),
    sa.Column('memory_config_json', JSON_DOC, nullable=True),
    sa.Column('category_tags_array', TEXT_ARRAY, nullable=True),
    sa.Column('underlying_platform_services_required_array', TEXT_ARRAY, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_definitions'))
    )
    op.create_table('local_settings',
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('value_json', JSON_DOC, nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_local_settings'))
    )
    op.create_table('platform_events',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.Text(), nullable=False),
    sa.Column('event_timestamp', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_service_name', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('correlation_id', sa.Uuid(), nullable=True),
    sa.Column('payload_schema_version', sa.Text(), nullable=False),
    sa.Column('payload_json', JSON_DOC, nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_platform_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_platform_events_event_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('platform_events', schema=None) as batch_op:
        batch_op.create_index('idx_platform_events_pending', ['sent_at', 'seq'], unique=False)
        batch_op.create_index('idx_platform_events_workspace_id', ['workspace_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('profile_info_json', JSON_DOC, nullable=True),
    sa.Column('stripe_customer_id', sa.Text(), nullable=True),
    sa.Column('payment_provider_details_json', JSON_DOC, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('workspaces',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('owner_user_id', sa.Uuid(), nullable=False),
    sa.Column('member_user_ids_array', UUID_ARRAY, nullable=True),
    sa.Column('settings_json', JSON_DOC, nullable=True),
    sa.Column('status', sa.Enum('active', 'archived', 'suspended', name='workspacestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_workspaces_owner_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workspaces')),
    sa.UniqueConstraint('owner_user_id', 'name', name=op.f('uq_workspaces_owner_user_id_name'))
    )
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.create_index('idx_workspaces_owner_user_id', ['owner_user_id'], unique=False)

    op.create_table('agent_configurations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('agent_definition_id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description_text', sa.Text(), nullable=True),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('yaml_config_text', sa.Text(), nullable=False),
    sa.Column('effective_config_cache_json', JSON_DOC, nullable=True),
    sa.Column('resolved_memory_namespace_text', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('active', 'inactive', 'archived', 'error_requires_review', name='configurationstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('last_run_summary_json', JSON_DOC, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_definition_id'], ['agent_definitions.id'], name=op.f('fk_agent_configurations_agent_definition_id_agent_definitions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_agent_configurations_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_agent_configurations_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_configurations')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_agent_configurations_workspace_id_name'))
    )
    with op.batch_alter_table('agent_configurations', schema=None) as batch_op:
        batch_op.create_index('idx_agent_configurations_agent_definition_id', ['agent_definition_id'], unique=False)
        batch_op.create_index('idx_agent_configurations_workspace_id', ['workspace_id'], unique=False)

    op.create_table('brands',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description_text', sa.Text(), nullable=True),
    sa.Column('industry', sa.Text(), nullable=True),
    sa.Column('target_audience_description_text', sa.Text(), nullable=True),
    sa.Column('brand_voice_guidelines_text', sa.Text(), nullable=True),
    sa.Column('visual_identity_assets_json', JSON_DOC, nullable=True),
    sa.Column('mood_board_urls_array', TEXT_ARRAY, nullable=True),
    sa.Column('persona_guardian_namespace_id', sa.Text(), nullable=True),
    sa.Column('shopify_integration_details_json', JSON_DOC, nullable=True),
    sa.Column('tiktok_integration_details_json', JSON_DOC, nullable=True),
    sa.Column('status', sa.Enum('active', 'archived', name='profilestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_brands_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_brands'))
    )
    with op.batch_alter_table('brands', schema=None) as batch_op:
        batch_op.create_index('idx_brands_workspace_id', ['workspace_id'], unique=False)

    op.create_table('canvas_pages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('parent_page_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('icon_url', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('active', 'archived', 'template_draft', name='pagestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_page_id'], ['canvas_pages.id'], name=op.f('fk_canvas_pages_parent_page_id_canvas_pages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_canvas_pages_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canvas_pages'))
    )
    with op.batch_alter_table('canvas_pages', schema=None) as batch_op:
        batch_op.create_index('idx_canvas_pages_workspace_id', ['workspace_id'], unique=False)

    op.create_table('chat_channels',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('type', sa.Enum('public', 'private', 'dm', 'agent_dedicated', name='channeltype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description_text', sa.Text(), nullable=True),
    sa.Column('member_user_ids_array', UUID_ARRAY, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_chat_channels_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_channels')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_chat_channels_workspace_id_name'))
    )
    with op.batch_alter_table('chat_channels', schema=None) as batch_op:
        batch_op.create_index('idx_chat_channels_workspace_id', ['workspace_id'], unique=False)

    op.create_table('creators',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('niche_tags_array', TEXT_ARRAY, nullable=True),
    sa.Column('bio_text', sa.Text(), nullable=True),
    sa.Column('portfolio_links_array', TEXT_ARRAY, nullable=True),
    sa.Column('audience_demographics_json', JSON_DOC, nullable=True),
    sa.Column('persona_guardian_namespace_id', sa.Text(), nullable=True),
    sa.Column('tiktok_integration_details_json', JSON_DOC, nullable=True),
    sa.Column('status', sa.Enum('active', 'archived', name='profilestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_creators_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creators'))
    )
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.create_index('idx_creators_workspace_id', ['workspace_id'], unique=False)

    op.create_table('playbooks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description_text', sa.Text(), nullable=True),
    sa.Column('trigger_event_schema_json', JSON_DOC, nullable=False),
    sa.Column('target_audience_segment_id', sa.Text(), nullable=True),
    sa.Column('steps_json_array', JSON_DOC, nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'paused', 'archived', name='playbookstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('performance_metrics_json', JSON_DOC, nullable=True),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_playbooks_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_playbooks_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbooks'))
    )
    with op.batch_alter_table('playbooks', schema=None) as batch_op:
        batch_op.create_index('idx_playbooks_workspace_id', ['workspace_id'], unique=False)

    op.create_table('prompt_libraries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description_text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_prompt_libraries_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prompt_libraries')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_prompt_libraries_workspace_id_name'))
    )
    with op.batch_alter_table('prompt_libraries', schema=None) as batch_op:
        batch_op.create_index('idx_prompt_libraries_workspace_id', ['workspace_id'], unique=False)

    op.create_table('agent_run_logs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('agent_configuration_id', sa.Uuid(), nullable=False),
    sa.Column('agent_definition_id_version', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('triggered_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('trigger_type', sa.Enum('manual_ui', 'manual_command', 'schedule', 'webhook', 'event_api_call', name='triggertype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'success', 'error', 'cancelled_by_user', 'cancelled_by_system', name='runstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('start_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('input_params_resolved_json', JSON_DOC, nullable=True),
    sa.Column('output_data_json', JSON_DOC, nullable=True),
    sa.Column('output_preview_text', sa.Text(), nullable=True),
    sa.Column('error_details_json', JSON_DOC, nullable=True),
    sa.Column('logs_storage_ref_url', sa.Text(), nullable=True),
    sa.Column('kpi_results_json', JSON_DOC, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_configuration_id'], ['agent_configurations.id'], name=op.f('fk_agent_run_logs_agent_configuration_id_agent_configurations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['triggered_by_user_id'], ['users.id'], name=op.f('fk_agent_run_logs_triggered_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_agent_run_logs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_run_logs')),
    sa.UniqueConstraint('run_id', name=op.f('uq_agent_run_logs_run_id'))
    )
    with op.batch_alter_table('agent_run_logs', schema=None) as batch_op:
        batch_op.create_index('idx_agent_run_logs_agent_configuration_id', ['agent_configuration_id'], unique=False)
        batch_op.create_index('idx_agent_run_logs_run_id', ['run_id'], unique=False)
        batch_op.create_index('idx_agent_run_logs_workspace_id', ['workspace_id'], unique=False)

    op.create_table('canvas_blocks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('page_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.Enum('text', 'agent_snippet', 'embed_panel', 'table_view', 'kanban_board', 'image', 'video', 'json_display', name='blocktype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('content_json', JSON_DOC, nullable=True),
    sa.Column('position_x', sa.Integer(), nullable=False),
    sa.Column('position_y', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('z_index', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['canvas_pages.id'], name=op.f('fk_canvas_blocks_page_id_canvas_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canvas_blocks'))
    )
    with op.batch_alter_table('canvas_blocks', schema=None) as batch_op:
        batch_op.create_index('idx_canvas_blocks_page_id', ['page_id'], unique=False)

    op.create_table('chat_messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel_id', sa.Uuid(), nullable=False),
    sa.Column('sender_id', sa.Uuid(), nullable=False),
    sa.Column('sender_type', sa.Enum('user', 'agent', 'system', name='sendertype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('content_type', sa.Enum('text', 'markdown', 'json_data', 'interactive_proposal', 'file_attachment', 'agent_status_update', name='messagecontenttype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('content_json', JSON_DOC, nullable=False),
    sa.Column('thread_id', sa.Uuid(), nullable=True),
    sa.Column('reactions_json_array', JSON_DOC, nullable=True),
    sa.Column('read_by_user_ids_array', UUID_ARRAY, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['chat_channels.id'], name=op.f('fk_chat_messages_channel_id_chat_channels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['chat_messages.id'], name=op.f('fk_chat_messages_thread_id_chat_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages'))
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index('idx_chat_messages_channel_id', ['channel_id'], unique=False)
        batch_op.create_index('idx_chat_messages_thread_id', ['thread_id'], unique=False)

    op.create_table('prompts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('library_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('prompt_text', sa.Text(), nullable=False),
    sa.Column('variables_schema_json_array', JSON_DOC, nullable=True),
    sa.Column('tags_array', TEXT_ARRAY, nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_prompts_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['library_id'], ['prompt_libraries.id'], name=op.f('fk_prompts_library_id_prompt_libraries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prompts'))
    )
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.create_index('idx_prompts_library_id', ['library_id'], unique=False)

    op.create_table('prompt_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('prompt_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('prompt_text', sa.Text(), nullable=False),
    sa.Column('variables_schema_json_array', JSON_DOC, nullable=True),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_prompt_versions_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prompt_id'], ['prompts.id'], name=op.f('fk_prompt_versions_prompt_id_prompts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prompt_versions')),
    sa.UniqueConstraint('prompt_id', 'version', name=op.f('uq_prompt_versions_prompt_id_version'))
    )


def downgrade() -> None:
    op.drop_table('prompt_versions')
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.drop_index('idx_prompts_library_id')

    op.drop_table('prompts')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('idx_chat_messages_thread_id')
        batch_op.drop_index('idx_chat_messages_channel_id')

    op.drop_table('chat_messages')
    with op.batch_alter_table('canvas_blocks', schema=None) as batch_op:
        batch_op.drop_index('idx_canvas_blocks_page_id')

    op.drop_table('canvas_blocks')
    with op.batch_alter_table('agent_run_logs', schema=None) as batch_op:
        batch_op.drop_index('idx_agent_run_logs_workspace_id')
        batch_op.drop_index('idx_agent_run_logs_run_id')
        batch_op.drop_index('idx_agent_run_logs_agent_configuration_id')

    op.drop_table('agent_run_logs')
    with op.batch_alter_table('prompt_libraries', schema=None) as batch_op:
        batch_op.drop_index('idx_prompt_libraries_workspace_id')

    op.drop_table('prompt_libraries')
    with op.batch_alter_table('playbooks', schema=None) as batch_op:
        batch_op.drop_index('idx_playbooks_workspace_id')

    op.drop_table('playbooks')
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.drop_index('idx_creators_workspace_id')

    op.drop_table('creators')
    with op.batch_alter_table('chat_channels', schema=None) as batch_op:
        batch_op.drop_index('idx_chat_channels_workspace_id')

    op.drop_table('chat_channels')
    with op.batch_alter_table('canvas_pages', schema=None) as batch_op:
        batch_op.drop_index('idx_canvas_pages_workspace_id')

    op.drop_table('canvas_pages')
    with op.batch_alter_table('brands', schema=None) as batch_op:
        batch_op.drop_index('idx_brands_workspace_id')

    op.drop_table('brands')
    with op.batch_alter_table('agent_configurations', schema=None) as batch_op:
        batch_op.drop_index('idx_agent_configurations_workspace_id')
        batch_op.drop_index('idx_agent_configurations_agent_definition_id')

    op.drop_table('agent_configurations')
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_index('idx_workspaces_owner_user_id')

    op.drop_table('workspaces')
    op.drop_table('users')
    with op.batch_alter_table('platform_events', schema=None) as batch_op:
        batch_op.drop_index('idx_platform_events_workspace_id')
        batch_op.drop_index('idx_platform_events_pending')

    op.drop_table('platform_events')
    op.drop_table('local_settings')
    op.drop_table('agent_definitions')
