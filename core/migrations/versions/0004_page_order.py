"""page order: canvas_pages.sort_index keeps the order of sibling pages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("canvas_pages") as batch:
        batch.add_column(sa.Column("sort_index", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("canvas_pages") as batch:
        batch.drop_column("sort_index")
