"""Opening the local SQLite file safely: checks before touching it, pragmas on every connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ionflux.core.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Written into every IONFLUX database (``PRAGMA application_id``): ASCII "IONX".
APPLICATION_ID = 0x494F4E58
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: The database file inside the data folder.
DB_FILENAME = "ionflux.db"


def check_database_file(path: Path) -> bool:
    """Refuse a file that is not an IONFLUX database, without writing to it.

    Returns:
        True when the file exists and holds IONFLUX data, False when it is missing or empty
        (a new store may be created there).

    Raises:
        StoreError: the file is corrupt, not SQLite, or another application's database.

    """
    if not path.exists() or path.stat().st_size == 0:
        return False
    if path.is_dir():
        raise StoreError("is a directory, not an IONFLUX database file", where=str(path))
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(
            "is not an SQLite database (corrupt or foreign file); it was left untouched — "
            "move it away or pass another --data-dir",
            where=str(path),
        )
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            integrity = con.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot be read as a database ({exc}); it was left untouched", where=str(path)) from None
    if integrity != "ok":
        raise StoreError(f"is damaged ({integrity}); it was left untouched", where=str(path))
    if app_id == APPLICATION_ID:
        return True
    if not tables:
        return False
    raise StoreError(
        "belongs to another application (not an IONFLUX database); it was left untouched",
        where=str(path),
    )


def create_sqlite_engine(path: Path, **kwargs: Any) -> Engine:
    """An engine on ``path`` with WAL, foreign keys, a busy timeout, and explicit BEGINs.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN is the real
    one; a unit of work asks for ``BEGIN IMMEDIATE`` to take the write lock up front and never
    deadlock on a lock upgrade.
    """
    from sqlalchemy import create_engine, event

    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"isolation_level": None, "timeout": BUSY_TIMEOUT_MS / 1000},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: sqlite3.Connection, _record: Any) -> None:
        dbapi_con.execute("PRAGMA journal_mode=WAL")
        dbapi_con.execute("PRAGMA foreign_keys=ON")
        dbapi_con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        dbapi_con.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
