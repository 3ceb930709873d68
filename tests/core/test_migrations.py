"""Migrations: an old database upgrades in place with every row intact; SQLite and PostgreSQL agree."""

import json
import sqlite3
import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from ionflux.core import migrate
from ionflux.core.context import Context
from ionflux.core.db import create_sqlite_engine
from ionflux.core.models import Base, CanvasBlock, ChatMessage, User, Workspace
from ionflux.core.search import Search
from ionflux.core.store import DB_FILENAME, Store

FIRST = "0001"


def _migration_context(conn):  # type: ignore[no-untyped-def]
    return MigrationContext.configure(conn, opts={"compare_type": True, "include_name": migrate.include_name})


def _hex() -> str:
    return uuid.uuid4().hex


def _fill_at_first_revision(db: Path) -> dict[str, list[tuple]]:
    """Rows as IONFLUX at revision 0001 wrote them (raw SQL, as an old build would have)."""
    ids = {k: _hex() for k in ("user", "ws", "page", "block", "chan", "msg", "lib", "prompt")}
    now = "2026-01-02 03:04:05.000006"
    con = sqlite3.connect(db)
    con.executescript(f"""
      INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
        VALUES ('{ids['user']}', 'old@example.com', 'Old User', 'h', '{now}', '{now}');
      INSERT INTO workspaces (id, name, owner_user_id, settings_json, status, created_at, updated_at)
        VALUES ('{ids['ws']}', 'Old WS', '{ids['user']}', '{{"default_timezone": "Europe/Paris"}}', 'active',
                '{now}', '{now}');
      INSERT INTO canvas_pages (id, workspace_id, title, status, created_at, updated_at)
        VALUES ('{ids['page']}', '{ids['ws']}', 'Roadmap for autumn', 'active', '{now}', '{now}');
      INSERT INTO canvas_blocks (id, page_id, type, content_json, position_x, position_y, width, height, z_index,
                                 created_at, updated_at)
        VALUES ('{ids['block']}', '{ids['page']}', 'text', '{{"markdown_text": "pumpkin spice launch"}}',
                10, 20, 300, 200, 1, '{now}', '{now}');
      INSERT INTO chat_channels (id, workspace_id, name, type, created_at, updated_at)
        VALUES ('{ids['chan']}', '{ids['ws']}', 'general', 'public', '{now}', '{now}');
      INSERT INTO chat_messages (id, channel_id, sender_id, sender_type, content_type, content_json, created_at)
        VALUES ('{ids['msg']}', '{ids['chan']}', '{ids['user']}', 'user', 'text',
                '{{"text_body": "the harvest sale starts friday"}}', '{now}');
      INSERT INTO prompt_libraries (id, workspace_id, name, created_at, updated_at)
        VALUES ('{ids['lib']}', '{ids['ws']}', 'Lib', '{now}', '{now}');
      INSERT INTO prompts (id, library_id, name, prompt_text, version, created_at, updated_at)
        VALUES ('{ids['prompt']}', '{ids['lib']}', 'Teaser', 'Write a teaser about {{{{product}}}}', 3,
                '{now}', '{now}');
    """)
    con.commit()
    snapshot = {t: _rows(con, t) for t in ("users", "workspaces", "canvas_pages", "canvas_blocks", "chat_channels",
                                           "chat_messages", "prompt_libraries", "prompts")}
    con.close()
    return snapshot


def _rows(con: sqlite3.Connection, table: str, columns: list[str] | None = None) -> list[dict]:
    cur = con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    if columns is not None:
        rows = [{c: r[c] for c in columns} for r in rows]
    return sorted(rows, key=lambda r: r["id"])


def test_database_at_first_revision_upgrades_in_place_with_every_row_intact(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    db = data_dir / DB_FILENAME
    engine = create_sqlite_engine(db)
    with engine.connect() as conn:
        migrate.upgrade(conn, FIRST)
        conn.exec_driver_sql("PRAGMA application_id=1229934168")
        conn.commit()
    engine.dispose()
    before = _fill_at_first_revision(db)

    store = Store(data_dir)  # the app's start-up path: detects the old revision and upgrades
    with store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    store.close()
    con = sqlite3.connect(db)
    after = {t: _rows(con, t, list(before[t][0])) for t in before}  # the columns of revision 0001
    con.close()
    assert after == before
    backups = list(data_dir.glob(f"{DB_FILENAME}.before-{FIRST}.bak"))
    assert len(backups) == 1

    store = Store(data_dir)
    hits = Search(Context(store)).query("harvest")
    assert [h.kind for h in hits] == ["message"]
    assert {h.kind for h in Search(Context(store)).query("pumpkin")} == {"block"}
    assert {h.kind for h in Search(Context(store)).query("roadmap")} == {"page"}
    with store.read() as s:
        ws = s.scalar(select(Workspace))
        assert ws.settings_json == {"default_timezone": "Europe/Paris"}
        assert ws.created_at.tzinfo is not None
        assert s.scalar(select(CanvasBlock)).content_json == {"markdown_text": "pumpkin spice launch"}
    store.close()


def test_models_match_the_head_migration_on_sqlite(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "x.db")
    with engine.connect() as conn:
        migrate.upgrade(conn)
        diffs = compare_metadata(_migration_context(conn), Base.metadata)
    assert diffs == []


def test_migrations_run_on_postgresql_and_store_native_types(postgres_db: str) -> None:
    engine = create_engine(postgres_db)
    with engine.begin() as conn:
        migrate.upgrade(conn)
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        diffs = compare_metadata(_migration_context(conn), Base.metadata)
        assert diffs == []
        types = dict(conn.execute(text(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'workspaces'")).all())
    assert types["settings_json"] == "jsonb"
    assert types["member_user_ids_array"] == "ARRAY"
    assert types["id"] == "uuid"
    assert types["created_at"] == "timestamp with time zone"

    from sqlalchemy.orm import Session

    with Session(engine) as s, s.begin():
        u = User(email="pg@example.com", password_hash="h")
        s.add(u)
        s.flush()
        uid = u.id
        w = Workspace(name="PG", owner_user_id=uid, member_user_ids_array=[uid], settings_json={"a": [1, 2]})
        s.add(w)
    with Session(engine) as s:
        got = s.scalar(select(Workspace))
        assert got.member_user_ids_array == [uid]
        assert got.settings_json == {"a": [1, 2]}
        assert got.created_at.utcoffset().total_seconds() == 0
        raw = s.execute(text("SELECT settings_json->'a' FROM workspaces")).scalar()
        assert json.loads(json.dumps(raw)) == [1, 2]
    engine.dispose()


def test_upgrading_keeps_chat_history_queryable(data_dir: Path, demo: Context) -> None:
    with demo.store.read() as s:
        assert s.scalar(select(ChatMessage)) is not None


def test_head_constant_matches_the_scripts() -> None:
    assert migrate.script_head() == migrate.HEAD
