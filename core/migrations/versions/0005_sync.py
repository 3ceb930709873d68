"""sync: field clocks, text CRDT state, pull cursors and dead letters

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Types frozen as they were at this revision.
JSON_DOC = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_clocks',
    sa.Column('entity', sa.Text(), nullable=False),
    sa.Column('row_id', sa.Text(), nullable=False),
    sa.Column('base_hlc', sa.Text(), nullable=False),
    sa.Column('fields_json', JSON_DOC, nullable=True),
    sa.Column('deleted_hlc', sa.Text(), nullable=True),
    sa.Column('shadow_json', JSON_DOC, nullable=True),
    sa.PrimaryKeyConstraint('entity', 'row_id', name=op.f('pk_sync_clocks'))
    )
    op.create_table('sync_docs',
    sa.Column('entity', sa.Text(), nullable=False),
    sa.Column('row_id', sa.Text(), nullable=False),
    sa.Column('field', sa.Text(), nullable=False),
    sa.Column('state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'row_id', 'field', name=op.f('pk_sync_docs'))
    )
    op.create_table('sync_cursors',
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('seq', BIGINT, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('workspace_id', name=op.f('pk_sync_cursors'))
    )
    op.create_table('sync_dead_letters',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=True),
    sa.Column('event_id', sa.Text(), nullable=True),
    sa.Column('raw_text', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_dead_letters')),
    sqlite_autoincrement=True
    )
    op.create_index('idx_sync_dead_letters_event_id', 'sync_dead_letters', ['event_id'], unique=False)


def downgrade() -> None:
    op.drop_index('idx_sync_dead_letters_event_id', table_name='sync_dead_letters')
    op.drop_table('sync_dead_letters')
    op.drop_table('sync_cursors')
    op.drop_table('sync_docs')
    op.drop_table('sync_clocks')
