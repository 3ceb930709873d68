"""The backend enforces access itself: roles without BYPASSRLS, row-level security, fail-closed tenancy."""

from __future__ import annotations

import uuid

import pytest
from conftest import Backend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sync_support import Device

from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, PermissionDeniedError
from ionflux.core.pages import Pages
from ionflux.core.users import Users
from ionflux.core.workspaces import Workspaces
from ionflux.sync.backend import init_database
from ionflux.sync.remote import connect_args, load_profile, user_engine

DATA_TABLES = ["workspaces", "canvas_pages", "canvas_blocks", "chat_channels", "chat_messages", "prompt_libraries",
               "prompts", "agent_configurations", "playbooks", "ionflux_sync.changes", "ionflux_sync.clocks",
               "ionflux_sync.docs"]


def _second_user(tmp_path, backend: Backend) -> tuple[Device, uuid.UUID]:  # type: ignore[no-untyped-def]
    dev = Device(tmp_path / "other", backend.url, backend.kafka)
    user = Users(Context(dev.store)).create("bea@example.com", "bea-secret", name="Bea")
    ws = Workspaces(Context(dev.store, user.id)).create("Bea's Shop", user.id)
    Pages(Context(dev.store, user.id)).create(ws.id, "Bea's private plan")
    dev.login("bea@example.com", "bea-secret")
    dev.sync(use_kafka=False)
    return dev, ws.id


def _as_role(device: Device, *, tenant: str | None = "own"):  # type: ignore[no-untyped-def]
    profile = load_profile(device.store)
    password = device.secrets.get(profile.secret_ref)
    if tenant == "own":
        return user_engine(profile, password)
    url = make_url(profile.postgres.replace("postgresql://", "postgresql+psycopg://", 1)) \
        .set(username=profile.role, password=password)
    return create_engine(url, connect_args=connect_args(tenant))


def test_init_is_idempotent_and_no_role_can_bypass_row_security(backend: Backend, devices) -> None:  # type: ignore[no-untyped-def]
    again = init_database(backend.url)
    assert again.backend_id == backend.info.backend_id
    role = load_profile(devices["a"].store).role
    engine = create_engine(backend.url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT rolname, rolbypassrls, rolsuper, rolcanlogin FROM pg_roles "
                                 "WHERE rolname IN (:a, :g, :u)"), {"a": again.app_role, "g": again.gateway_role,
                                                                   "u": role}).all()
        member = conn.execute(text("SELECT pg_has_role(:u, :a, 'MEMBER')"), {"u": role, "a": again.app_role}).scalar()
        forced = conn.execute(text("SELECT count(*) FROM pg_class WHERE relname IN ('canvas_pages', 'changes') "
                                   "AND relrowsecurity")).scalar()
    engine.dispose()
    assert {r[0]: r[1:] for r in rows} == {again.app_role: (False, False, False),
                                          again.gateway_role: (False, False, True), role: (False, False, True)}
    assert member and forced == 2


def test_a_user_role_cannot_read_or_write_another_users_workspace(backend: Backend, devices, tmp_path) -> None:  # type: ignore[no-untyped-def]
    devices["a"].sync(use_kafka=False)
    bea, bea_ws = _second_user(tmp_path, backend)
    engine = _as_role(devices["a"])
    with engine.connect() as conn:
        for table in DATA_TABLES:
            col = "id" if table == "workspaces" else "workspace_id"
            if table in ("canvas_blocks", "chat_messages", "prompts"):
                continue
            assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE {col} = :w"), {"w": bea_ws}).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM canvas_pages")).scalar() >= 1  # its own rows are there
        assert conn.execute(text("SELECT count(*) FROM users WHERE email = 'bea@example.com'")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM ionflux_sync.heads_of(ARRAY[CAST(:w AS uuid)])"),
                            {"w": bea_ws}).scalar() == 0
        updated = conn.execute(text("UPDATE canvas_pages SET title = 'pwned' WHERE workspace_id = :w"),
                               {"w": bea_ws}).rowcount
        assert updated == 0
        conn.rollback()
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(text("INSERT INTO canvas_pages (id, workspace_id, title, status, sort_index, created_at, "
                              "updated_at) VALUES (:i, :w, 'intruder', 'active', 0, now(), now())"),
                         {"i": uuid.uuid4(), "w": bea_ws})
        conn.rollback()
        with pytest.raises(DBAPIError, match="not reachable"):
            conn.execute(text("SELECT * FROM ionflux_sync.lock_heads(ARRAY[CAST(:w AS uuid)])"), {"w": bea_ws})
        conn.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("SELECT * FROM ionflux_sync.accounts"))
    engine.dispose()
    bea.close()


@pytest.mark.parametrize("tenant", [None, "someone-else"])
def test_a_missing_or_foreign_tenant_setting_sees_and_writes_nothing(backend: Backend, devices, tenant) -> None:  # type: ignore[no-untyped-def]
    devices["a"].sync(use_kafka=False)
    setting = None if tenant is None else str(uuid.uuid4())
    engine = _as_role(devices["a"], tenant=setting)
    with engine.connect() as conn:
        for table in ("workspaces", "canvas_pages", "canvas_blocks", "users", "ionflux_sync.changes"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        ws = conn.execute(text("SELECT count(*) FROM agent_definitions")).scalar()
        assert ws > 0  # shipped definitions are public; nothing else is
        with pytest.raises(DBAPIError):
            conn.execute(text("SELECT * FROM ionflux_sync.lock_heads(ARRAY[gen_random_uuid()])"))
    engine.dispose()


def test_login_refuses_a_wrong_password_and_an_unknown_account(backend: Backend, devices, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stranger = Device(tmp_path / "stranger", backend.url, backend.kafka)
    with pytest.raises(PermissionDeniedError):
        stranger.login("demo@ionflux.ai", "not-the-password")
    with pytest.raises(NotFoundError):
        stranger.login("nobody@example.com", "whatever")
    assert load_profile(stranger.store) is None
    stranger.close()


def test_credentials_stay_out_of_the_database_file(backend: Backend, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bea, _ws = _second_user(tmp_path, backend)
    profile = load_profile(bea.store)
    assert "@" not in profile.postgres  # no user name, no password
    assert bea.secrets.get(profile.secret_ref) == "bea-secret"
    for path in bea.path.iterdir():
        if path.is_file():
            assert b"bea-secret" not in path.read_bytes(), path.name
    bea.close()


def test_a_backend_on_another_schema_revision_is_refused_and_nothing_is_dropped(backend: Backend, devices) -> None:  # type: ignore[no-untyped-def]
    from ionflux.sync.backend import BackendError

    a = devices["a"]
    pending = a.store.pending_outbox_count()
    engine = create_engine(backend.url)
    with engine.begin() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        with pytest.raises(BackendError, match="newer than this IONFLUX"):
            a.sync()
        assert a.store.pending_outbox_count() == pending
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        engine.dispose()
    a.sync()
    assert a.store.pending_outbox_count() == 0


def test_a_log_that_went_backwards_is_an_error_not_up_to_date(backend: Backend, devices) -> None:  # type: ignore[no-untyped-def]
    from ionflux.sync.backend import BackendError

    devices["a"].sync()
    devices["b"].sync()
    engine = create_engine(backend.url)
    with engine.begin() as conn:  # as if the backend had been restored from an old backup
        conn.execute(text("DELETE FROM ionflux_sync.changes"))
        conn.execute(text("UPDATE ionflux_sync.heads SET head = 0"))
    engine.dispose()
    with pytest.raises(BackendError, match="was the backend reset"):
        devices["b"].sync()
