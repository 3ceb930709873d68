"""Alembic, driven from code: upgrade any IONFLUX database (SQLite or PostgreSQL) to head.

Alembic is imported only when a migration actually runs, so opening an up-to-date store (every
CLI command) stays fast, and this module loads without SQLAlchemy (the window's first paint reads
:data:`HEAD`). :data:`HEAD` must name the newest revision; a test checks it against Alembic's own
view of the scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: The newest revision of this build (update with every new migration).
HEAD = "0006"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave tables made outside Alembic (the search index, APScheduler's jobs) out of schema comparisons."""
    ignored = name is not None and (name.startswith("search_") or name in ("sqlite_sequence", "apscheduler_jobs"))
    return not (type_ == "table" and ignored)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the bundled migrations, optionally bound to an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision this build of IONFLUX knows."""
    return HEAD


def script_head() -> str | None:
    """The head according to Alembic's scripts (slow; for checks)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    value: Any = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return value


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the database on ``connection`` to ``revision`` (migrations never drop user data)."""
    from alembic import command

    command.upgrade(alembic_config(connection), revision)
