"""The backend's own tables (schema ``ionflux_sync``): accounts, change log, heads, clocks, documents.

The data tables themselves are the app's (same Alembic migrations as every device); these hold
what only the shared backend needs. Devices reach them as their own database role, under
row-level security, and the few operations that must see past it (registering, assigning
sequence numbers) are SECURITY DEFINER functions declared in :mod:`ionflux.sync.backend_sql`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, LargeBinary, MetaData, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "ionflux_sync"
metadata = MetaData(schema=SCHEMA)

#: One row: the backend's id (role names are prefixed with it, so test databases never collide).
backend = Table(
    "backend", metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: User accounts and their database roles; only SECURITY DEFINER functions read it.
accounts = Table(
    "accounts", metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("email", Text, nullable=False, unique=True),
    Column("role_name", Text, nullable=False, unique=True),
    Column("pw_hash", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The last sequence number given out per workspace (locked while a push assigns numbers).
heads = Table(
    "heads", metadata,
    Column("workspace_id", Uuid, primary_key=True),
    Column("head", BigInteger, nullable=False, server_default="0"),
)

#: The change log: every accepted change of a workspace, numbered without gaps by the server.
changes = Table(
    "changes", metadata,
    Column("workspace_id", Uuid, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("pushed_by", Uuid, nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("accepted_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("uq_changes_workspace_event", "workspace_id", "event_id", unique=True),
    Index("ix_changes_event_id", "event_id"),
)

#: Every event a device pushed, by id: what makes a second push of the same event a no-op.
received = Table(
    "received", metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("pushed_by", Uuid, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Field clocks and tombstones of the server's rows (see ``ionflux.core.models.sync.SyncClock``).
clocks = Table(
    "clocks", metadata,
    Column("entity", Text, primary_key=True),
    Column("row_id", Text, primary_key=True),
    Column("workspace_id", Uuid),
    Column("base_hlc", Text, nullable=False, server_default=""),
    Column("fields_json", JSONB),
    Column("deleted_hlc", Text),
    Column("shadow_json", JSONB),
    Index("ix_clocks_workspace", "workspace_id"),
)

#: CRDT documents of the server's text fields.
docs = Table(
    "docs", metadata,
    Column("entity", Text, primary_key=True),
    Column("row_id", Text, primary_key=True),
    Column("field", Text, primary_key=True),
    Column("workspace_id", Uuid),
    Column("state", LargeBinary, nullable=False),
    Index("ix_docs_workspace", "workspace_id"),
)
