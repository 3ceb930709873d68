"""playbook runs: per-run state and history of playbooks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Types frozen as they were at this revision.
JSON_DOC = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playbook_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("playbook_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("trigger_event_id", sa.Text(), nullable=False),
        sa.Column("trigger_event_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Enum("running", "waiting", "completed", "failed", "cancelled",
                                    name="playbookrunstatus", native_enum=False, create_constraint=True,
                                    length=9), nullable=False),
        sa.Column("current_step_id", sa.Text(), nullable=True),
        sa.Column("resume_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("context_json", JSON_DOC, nullable=False),
        sa.Column("history_json", JSON_DOC, nullable=False),
        sa.Column("converted", sa.Boolean(), nullable=False),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["playbook_id"], ["playbooks.id"], name=op.f("fk_playbook_runs_playbook_id_playbooks"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_playbook_runs_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_runs")),
        sa.UniqueConstraint("playbook_id", "trigger_event_id",
                            name=op.f("uq_playbook_runs_playbook_id_trigger_event_id")),
    )
    with op.batch_alter_table("playbook_runs") as batch:
        batch.create_index("idx_playbook_runs_playbook_id", ["playbook_id"], unique=False)


def downgrade() -> None:
    op.drop_table("playbook_runs")
