"""Finding (or starting) the real backing services the tests use: PostgreSQL now, Kafka later."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

PG_HOST = os.environ.get("IONFLUX_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("IONFLUX_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("IONFLUX_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("IONFLUX_TEST_PG_DB", "test")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """Make sure PostgreSQL answers on PG_HOST:PG_PORT, starting the local cluster if needed."""
    if port_open(PG_HOST, PG_PORT):
        return
    if shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql"):
        for version in sorted(os.listdir("/etc/postgresql")):
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                           capture_output=True, check=False)
        for _ in range(50):
            if port_open(PG_HOST, PG_PORT):
                return
            time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT} and could not be started")


def admin_dsn(dbname: str = PG_ADMIN_DB) -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={dbname}"


def sqlalchemy_url(dbname: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"
