"""``sync login``: the first device of a user registers the account; later devices sign in to it.

Registering creates the user's own PostgreSQL login role (its password is the account's), so
every later connection of every device is checked and confined by PostgreSQL itself. The
password goes to the keyring only; the device keeps the backend's address without credentials.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError

from ionflux.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from ionflux.core.models import User
from ionflux.core.secrets import SecretStore
from ionflux.core.serialize import json_value, row_to_json
from ionflux.core.settings import CURRENT_USER_KEY
from ionflux.core.store import Store
from ionflux.core.users import hash_password, verify_password
from ionflux.sync.backend import BackendError
from ionflux.sync.remote import Profile, check_schema, gateway_engine, public_url, save_profile, user_engine


@dataclass(frozen=True)
class LoginResult:
    """Who signed in, and whether this device created the account."""

    profile: Profile
    registered: bool


def login(store: Store, secrets: SecretStore, postgres: str, kafka: str, email: str, password: str) -> LoginResult:
    """Sign this device in (registering the account on the backend if it has none yet).

    Raises:
        PermissionDeniedError: wrong email or password.
        NotFoundError: neither the backend nor this device knows the email.
        ConflictError: this device holds a different account with that email.
        BackendError: the backend cannot be reached or is on another schema.

    """
    address = email.strip().lower()
    gateway = gateway_engine(postgres)
    try:
        check_schema(gateway)
        with gateway.begin() as conn:
            found = conn.execute(text("SELECT user_id, role_name FROM ionflux_sync.login(:e, :p)"),
                                 {"e": address, "p": password}).first()
        with store.read() as s:
            local = s.scalar(select(User).where(User.email == address))
        registered = False
        if found is None:
            if local is None:
                raise NotFoundError(f"no account for {address} on the backend or on this device; create it on a "
                                    "device that has it (e.g. `ionflux seed-demo`) and sign in there first",
                                    where="--email")
            if not verify_password(local.password_hash, password):
                raise PermissionDeniedError("wrong email or password")
            data = {k: json_value(v) for k, v in row_to_json(local).items() if k != "password_hash"}
            with gateway.begin() as conn:
                role = conn.execute(text("SELECT ionflux_sync.register(CAST(:u AS jsonb), :p)"),
                                    {"u": json.dumps(data), "p": password}).scalar()
            user_id, registered = local.id, True
        else:
            user_id, role = found
            if local is not None and local.id != user_id:
                raise ConflictError(f"this device already has another account with email {address}",
                                    where="--email")
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "28P01":
            raise PermissionDeniedError("wrong email or password") from None
        if isinstance(exc, OperationalError):
            raise BackendError(f"cannot reach PostgreSQL: {' '.join(str(exc.orig).split())[:200]}",
                               where="--postgres") from None
        raise BackendError(f"the backend refused: {' '.join(str(exc.orig).split())[:200]}", where="--postgres") \
            from None
    finally:
        gateway.dispose()
    profile = Profile(postgres=public_url(postgres), kafka=kafka, user_id=str(user_id), email=address, role=role,
                      backend_id=role.split("_")[1])
    secrets.set(profile.secret_ref, password)
    engine = user_engine(profile, password)
    try:
        if local is None:
            _fetch_own_user(store, engine, user_id, password)
    finally:
        engine.dispose()
    save_profile(store, profile)
    store.set_local(CURRENT_USER_KEY, str(user_id))
    return LoginResult(profile, registered)


def _fetch_own_user(store: Store, engine: Engine, user_id: uuid.UUID, password: str) -> None:
    """Copy the user's row to a new device, with a local password hash so sign-in works offline too."""
    from ionflux.sync.apply import adopt_server_state
    from ionflux.sync.state_io import server_io

    key = ("users", str(user_id))
    with engine.connect() as conn:
        state = server_io(conn).load([key]).get(key)
        conn.rollback()
    if state is None or state.data is None:
        raise BackendError("the backend has no user row for this account", where="backend")
    with store.unit_of_work(record_outbox=False) as uow:
        adopt_server_state(uow.session, key, state)
        t = User.__table__  # Core, with updated_at kept: a local password is not a change of the user's row
        uow.session.execute(update(t).where(t.c.id == user_id).values(password_hash=hash_password(password),
                                                                     updated_at=t.c.updated_at))
    store.clock.observe(state.clock.base if state.clock else None)
