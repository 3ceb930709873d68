"""Sync commands: sign this device in to a backend, sync now, show the sync status."""

from __future__ import annotations

import contextlib
from typing import Any

from ionflux.app.commands import registry
from ionflux.app.commands.users import read_password
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import IonfluxError


class OfflineError(IonfluxError):
    """The backend cannot be reached right now (local changes stay queued)."""


@registry.command("sync.login", title="Sign in to a sync backend")
def sync_login(app: App, *, postgres: str, kafka: str, email: str) -> Output:
    """Sign this device in to a backend (the first device of an account registers it there).

    The password is asked for (or read from IONFLUX_PASSWORD) and kept in the keyring only.

    Args:
        postgres: The backend's PostgreSQL URL (e.g. postgresql://postgres@127.0.0.1:5432/ionflux_dev).
        kafka: The Kafka bootstrap address (e.g. 127.0.0.1:9092).
        email: The account's email address.

    """
    from ionflux.sync.accounts import login
    from ionflux.sync.remote import user_engine

    result = login(app.store, app.secrets, postgres, kafka, email, read_password(f"Password for {email}: "))
    app.reset_user()
    engine = user_engine(result.profile, app.secrets.get(result.profile.secret_ref))
    try:
        from ionflux.sync.pull import Puller

        workspaces = Puller(app.store, engine).discover()
    finally:
        engine.dispose()
    what = "registered the account on the backend" if result.registered else "signed in"
    return Output(f"{result.profile.email}: {what}; {len(workspaces)} workspace(s) on the backend. "
                  "Run `ionflux sync now` to sync.",
                  {"email": result.profile.email, "user_id": result.profile.user_id, "registered": result.registered,
                   "workspaces": [str(w) for w in workspaces]})


@registry.command("sync.now", title="Sync now", json_output=True)
def sync_now(app: App) -> Output:
    """Push this device's changes and pull everyone else's until both are drained."""
    from sqlalchemy.exc import OperationalError

    from ionflux.sync.kafka_io import KafkaUnavailableError
    from ionflux.sync.push_process import BackendUnavailableError
    from ionflux.sync.remote import save_state
    from ionflux.sync.session import SyncSession

    session = SyncSession.open(app.store, app.secrets)
    try:
        report = session.sync_now()
    except (OperationalError, KafkaUnavailableError, BackendUnavailableError) as exc:
        message = exc.one_line() if isinstance(exc, IonfluxError) else " ".join(str(exc.orig).split())[:200]
        save_state(app.store, last_error=message)
        raise OfflineError(f"offline ({message}); {app.store.pending_outbox_count()} change(s) stay queued",
                           where="sync") from None
    finally:
        session.close()
    app.reset_user()
    return Output(f"Synced: {report.line()}.", {"pushed": report.push.sent, "applied": report.pull.applied,
                                                 "snapshots": report.pull.snapshots,
                                                 "quarantined": report.pull.quarantined + report.push.refused})


@registry.command("sync.status", title="Sync status", json_output=True)
def sync_status(app: App) -> Output:
    """Show whether the backend is reachable, how many changes wait to be pushed, and the last error."""
    from sqlalchemy import func, select, text

    from ionflux.core.models.sync import SyncDeadLetter
    from ionflux.sync.remote import load_profile, load_state, user_engine

    profile = load_profile(app.store)
    pending = app.store.pending_outbox_count()
    state = load_state(app.store)
    with app.store.read() as s:
        quarantined = s.scalar(select(func.count()).select_from(SyncDeadLetter)) or 0
        recent = [f"{d.source}: {d.reason}" for d in s.scalars(select(SyncDeadLetter)
                                                                 .order_by(SyncDeadLetter.id.desc()).limit(3))]
    data: dict[str, Any] = {"signed_in": profile is not None, "pending": pending, "quarantined": quarantined,
                            "last_error": state.get("last_error"), "last_sync_at": state.get("last_sync_at")}
    if profile is None:
        data["state"] = "signed out"
    else:
        data.update(email=profile.email, postgres=profile.postgres, kafka=profile.kafka)
        try:
            engine = user_engine(profile, app.secrets.get(profile.secret_ref))
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                data["state"] = "online"
            finally:
                engine.dispose()
        except Exception as exc:  # any failure to connect means offline here; the reason is shown
            data["state"] = "offline"
            data["last_error"] = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
    lines = [f"{data['state']} · {pending} pending" + (f" · as {profile.email}" if profile else "")]
    if data["last_error"]:
        lines.append(f"last error: {data['last_error']}")
    if data["last_sync_at"]:
        lines.append(f"last synced: {data['last_sync_at']}")
    if quarantined:
        lines.append(f"quarantined: {quarantined} (latest: {'; '.join(recent)})")
    return Output("\n".join(lines), data)


@registry.command("sync.logout", title="Sign out of the sync backend")
def sync_logout(app: App) -> Output:
    """Forget the backend and its password on this device (local data and queued changes are kept)."""
    from ionflux.sync.remote import load_profile, save_profile

    profile = load_profile(app.store)
    if profile is None:
        return Output("This device is not signed in.")
    with contextlib.suppress(IonfluxError):
        app.secrets.delete(profile.secret_ref)
    save_profile(app.store, None)
    return Output(f"Signed out {profile.email}; queued changes stay on this device.")
