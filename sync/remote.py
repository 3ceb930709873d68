"""The device's sync profile and its connection to the backend, as the user's own database role.

The profile (backend address, Kafka address, user, role) is a device-local setting; the password
is only ever in the keyring. Every connection carries the tenant setting ``ionflux.user_id`` from
its first packet (a libpq option), so it cannot be lost on a pooled connection after a commit.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from ionflux.core import migrate
from ionflux.core.secrets import SecretStore
from ionflux.core.store import Store
from ionflux.sync.backend import BackendError, sqlalchemy_url

PROFILE_KEY = "sync.profile"
STATE_KEY = "sync.state"
CONNECT_TIMEOUT_S = 5
#: A device that drops off the network mid-transaction sends no goodbye; without this its backend
#: would hold the workspace's push lock until the server's TCP keepalive gives up (hours).
IDLE_IN_TRANSACTION_MS = 30_000


@dataclass(frozen=True)
class Profile:
    """Where this device syncs, and as whom (no secrets in here)."""

    postgres: str
    kafka: str
    user_id: str
    email: str
    role: str
    backend_id: str

    @property
    def user(self) -> uuid.UUID:
        return uuid.UUID(self.user_id)

    @property
    def secret_ref(self) -> str:
        return f"ionflux-sync/{self.backend_id}/{self.user_id}"

    def group_id(self, device_id: str) -> str:
        """The device's own consumer group (one per device, so every device gets every record)."""
        return f"ionflux-{self.backend_id}-device-{device_id}"


def public_url(url: str) -> str:
    """``url`` without user name and password: what may be stored on the device."""
    u = make_url(sqlalchemy_url(url))
    return u._replace(username=None, password=None).render_as_string(hide_password=False)


def load_profile(store: Store) -> Profile | None:
    raw = store.get_local(PROFILE_KEY)
    return Profile(**raw) if raw else None


def save_profile(store: Store, profile: Profile | None) -> None:
    store.set_local(PROFILE_KEY, asdict(profile) if profile else None)


def save_state(store: Store, **values: Any) -> None:
    """Remember sync facts for ``sync status`` (last error, last success...), merged into one setting."""
    state = dict(store.get_local(STATE_KEY) or {})
    state.update(values)
    store.set_local(STATE_KEY, json.loads(json.dumps(state, default=str)))


def load_state(store: Store) -> dict[str, Any]:
    return dict(store.get_local(STATE_KEY) or {})


def connect_args(user_id: str | None = None) -> dict[str, Any]:
    """Connection options for libpq: short timeouts (a dead network fails fast, on both ends) and the tenant setting."""
    options = f"-c statement_timeout=60000 -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
    if user_id:
        options += f" -c ionflux.user_id={user_id}"
    return {"connect_timeout": CONNECT_TIMEOUT_S, "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
            "keepalives_count": 3, "tcp_user_timeout": 15000, "options": options}


def user_engine(profile: Profile, password: str) -> Engine:
    """An engine that logs in as the profile's own role."""
    url = make_url(sqlalchemy_url(profile.postgres)).set(username=profile.role, password=password)
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2,
                         connect_args=connect_args(profile.user_id))


def gateway_engine(url: str) -> Engine:
    return create_engine(sqlalchemy_url(url), pool_pre_ping=True, connect_args=connect_args())


def check_schema(engine: Engine) -> None:
    """Refuse to sync with a backend on another schema revision (nothing is pushed or pulled).

    Raises:
        BackendError: which side needs upgrading.

    """
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT ionflux_sync.schema_revision()")).scalar()
    head = migrate.head_revision()
    if revision == head:
        return
    if revision is not None and revision in migrate.known_revisions() and revision < head:
        raise BackendError(f"the backend is at schema {revision}, this IONFLUX at {head}: run "
                           "`ionflux backend init` with this version to upgrade it", where="backend")
    raise BackendError(f"the backend is at schema {revision}, newer than this IONFLUX ({head}): update IONFLUX",
                       where="backend")


def password_for(profile: Profile, secrets: SecretStore) -> str:
    return secrets.get(profile.secret_ref)
