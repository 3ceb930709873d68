"""``backend init``: the shared PostgreSQL (schema, change log, roles, row-level security) and Kafka topics.

The data tables come from the app's own Alembic migrations, so the backend and every device
share one schema. Everything here is idempotent: running init again upgrades and repairs.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from ionflux.core import migrate
from ionflux.core.definitions import shipped_definitions
from ionflux.core.errors import IonfluxError
from ionflux.core.models import AgentDefinition, Workspace
from ionflux.sync import backend_sql
from ionflux.sync import server_tables as st

log = logging.getLogger(__name__)

class BackendError(IonfluxError):
    """The backend cannot be reached, set up or used."""


@dataclass(frozen=True)
class BackendInfo:
    """What init did: the backend id, its role names, the workspaces found and topics made."""

    backend_id: str
    app_role: str
    gateway_role: str
    workspaces: int
    topics: int


def sqlalchemy_url(url: str) -> str:
    """Accept ``postgresql://`` / ``postgres://`` URLs and use the psycopg 3 driver for them."""
    u = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if u.drivername in ("postgresql", "postgresql+psycopg2"):
        u = u.set(drivername="postgresql+psycopg")
    if not u.drivername.startswith("postgresql"):
        raise BackendError(f"{u.drivername} is not PostgreSQL", where="--postgres")
    return u.render_as_string(hide_password=False)


def role_names(backend_id: str) -> tuple[str, str]:
    return f"ifx_{backend_id}_app", f"ifx_{backend_id}_gateway"


def init_database(url: str) -> BackendInfo:
    """Create or upgrade the backend database at ``url`` (an administrator's connection)."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(7344521)"))  # one init at a time
            migrate.upgrade(conn)
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {st.SCHEMA}"))
            st.metadata.create_all(conn, checkfirst=True)
            backend_id = conn.execute(select(st.backend.c.id)).scalar()
            if backend_id is None:
                backend_id = secrets.token_hex(4)
                conn.execute(st.backend.insert().values(id=backend_id))
            app_role, gateway_role = role_names(backend_id)
            crypto = _pgcrypto(conn)
            _roles(conn, app_role, gateway_role)
            sql = backend_sql.FUNCTIONS.replace("{app_role}", app_role)
            sql = sql.replace("{pw_hash}", "crypt(p_password, gen_salt('bf', 8))" if crypto else "NULL")
            sql = sql.replace("{pw_check}", "(a.pw_hash = crypt(p_password, a.pw_hash))" if crypto else "true")
            _ddl(conn, sql)
            for table in backend_sql.rls_tables():
                _ddl(conn, f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            for statement in [*backend_sql.policies(), *backend_sql.grants(app_role, gateway_role)]:
                _ddl(conn, statement)
            _definitions(conn)
            workspaces = list(conn.execute(select(Workspace.id)).scalars())
    except OperationalError as exc:
        raise BackendError(f"cannot reach PostgreSQL: {_first_line(exc)}", where="--postgres") from None
    except DBAPIError as exc:
        raise BackendError(f"PostgreSQL refused the setup: {_first_line(exc)}", where="--postgres") from None
    finally:
        engine.dispose()
    return BackendInfo(backend_id, app_role, gateway_role, len(workspaces), 0)


def create_database(url: str) -> bool:
    """Create the database ``url`` names if it does not exist (connecting to the server's ``postgres`` database).

    Returns:
        True when it was created.

    """
    u = make_url(sqlalchemy_url(url))
    if not u.database:
        raise BackendError("the URL names no database", where="--postgres")
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": u.database}).scalar():
                return False
            conn.exec_driver_sql(f'CREATE DATABASE "{u.database}"')
            return True
    except OperationalError as exc:
        raise BackendError(f"cannot reach PostgreSQL: {_first_line(exc)}", where="--postgres") from None
    finally:
        admin.dispose()


def existing_workspaces(url: str) -> list[uuid.UUID]:
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(Workspace.id)).scalars())
    finally:
        engine.dispose()


def drop_roles(url: str) -> None:
    """Remove this backend's roles from the server (after its database is dropped: test clean-up)."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.begin() as conn:
            backend_id = conn.execute(select(st.backend.c.id)).scalar()
            if backend_id is None:
                return
            roles = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
                                 {"p": f"ifx\\_{backend_id}\\_%"}).scalars().all()
            for role in roles:
                conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            for role in roles:
                conn.exec_driver_sql(f'DROP ROLE "{role}"')
    finally:
        engine.dispose()


def _ddl(conn: Connection, sql: str) -> None:
    """Run DDL text as is (through the driver's cursor, so a ``%`` in it is not a placeholder)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _pgcrypto(conn: Connection) -> bool:
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        return True
    except DBAPIError:
        log.warning("pgcrypto is not available: passwords are checked by PostgreSQL's own login only")
        return False


def _roles(conn: Connection, app_role: str, gateway_role: str) -> None:
    for role, login in ((app_role, "NOLOGIN"), (gateway_role, "LOGIN")):
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
        verb = "ALTER" if exists else "CREATE"
        conn.exec_driver_sql(f'{verb} ROLE "{role}" {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                             "NOBYPASSRLS")
    db = conn.exec_driver_sql("SELECT current_database()").scalar()
    conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{db}" TO "{app_role}", "{gateway_role}"')


def _definitions(conn: Connection) -> None:
    rows = shipped_definitions()
    if rows:
        conn.execute(pg_insert(AgentDefinition.__table__).on_conflict_do_nothing(), rows)


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return " ".join(str(orig).split())[:300]
