"""search index: SQLite FTS5 over page titles, blocks, chat messages and prompts, kept by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

The index lives only in the local SQLite mirror (PostgreSQL needs none). Triggers keep it in
step inside the writing transaction, so the index can never disagree with committed data.
``search_refs`` maps each indexed row to a stable FTS rowid, so updates and deletes touch one
index entry instead of scanning.
"""

from __future__ import annotations

from alembic import op

from ionflux.core.search_schema import create_search_index, drop_search_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        create_search_index(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        drop_search_index(op.get_bind())
