"""Alembic environment: runs on the connection handed over by ionflux.core.migrate."""

from __future__ import annotations

from alembic import context

from ionflux.core.migrate import include_name
from ionflux.core.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run IONFLUX migrations through ionflux.core.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
