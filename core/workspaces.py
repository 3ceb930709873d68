"""Workspaces: creation, membership, settings and lookup by name."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from ionflux.core.models import User, Workspace, WorkspaceStatus
from ionflux.core.secrets import check_no_raw_secrets

MAX_SETTINGS_BYTES = 64_000


def validate_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Check the seed's workspace settings (known keys typed; raw secrets refused).

    Unknown keys are kept, so newer builds' settings survive an older one.
    """
    out = v.json_object(settings, "settings_json", max_bytes=MAX_SETTINGS_BYTES)
    llm = out.get("default_llm_config")
    if llm is not None:
        llm = v.json_object(llm, "settings_json.default_llm_config")
        for key in ("provider", "model"):
            v.text(llm.get(key), f"settings_json.default_llm_config.{key}", max_len=100)
    tz = out.get("default_timezone")
    if tz is not None:
        try:
            zoneinfo.ZoneInfo(str(tz))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"{tz!r} is not a known time zone (e.g. America/New_York)",
                                  where="settings_json.default_timezone") from None
    if "regional_preferences_json" in out and out["regional_preferences_json"] is not None:
        v.json_object(out["regional_preferences_json"], "settings_json.regional_preferences_json")
    if "active_kafka_topics_list" in out:
        v.str_list(out["active_kafka_topics_list"], "settings_json.active_kafka_topics_list")
    check_no_raw_secrets(out, "settings_json")
    return out


class Workspaces:
    """The workspaces the acting user owns or belongs to."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, name: str, owner_user_id: uuid.UUID, *, settings: Mapping[str, Any] | None = None,
               members: list[uuid.UUID] | None = None) -> Workspace:
        ws_name = v.name(name)
        with self.ctx.write() as uow:
            if uow.session.get(User, owner_user_id) is None:
                raise NotFoundError(f"no user with id {owner_user_id}", where="owner_user_id")
            exists = uow.session.scalar(
                select(Workspace.id).where(Workspace.owner_user_id == owner_user_id, Workspace.name == ws_name)
            )
            if exists:
                raise ConflictError(f"you already have a workspace named {ws_name!r}", where="name")
            ws = uow.add(Workspace(
                name=ws_name,
                owner_user_id=owner_user_id,
                member_user_ids_array=sorted(set(members or [])),
                settings_json=validate_settings(settings or {}),
            ))
        return ws

    def list(self, user_id: uuid.UUID | None = None, *, include_archived: bool = False) -> list[Workspace]:
        """Workspaces visible to ``user_id`` (all of this device's when None), by name."""
        with self.ctx.store.read() as s:
            rows = list(s.scalars(select(Workspace).order_by(Workspace.name, Workspace.created_at)))
        if user_id is not None:
            rows = [w for w in rows if user_id in w.member_ids()]
        if not include_archived:
            rows = [w for w in rows if w.status != WorkspaceStatus.ARCHIVED]
        return rows

    def get(self, workspace_id: uuid.UUID) -> Workspace:
        with self.ctx.store.read() as s:
            ws = s.get(Workspace, workspace_id)
        if ws is None:
            raise NotFoundError(f"no workspace with id {workspace_id}", where="workspace")
        return ws

    def resolve(self, name: str | None, user_id: uuid.UUID | None = None) -> Workspace:
        """The workspace called ``name``, or the only one when ``name`` is None.

        Raises:
            NotFoundError: no such workspace (the message lists the ones there are).
            ValidationError: the name is missing but there are several, or it is ambiguous.

        """
        rows = self.list(user_id, include_archived=True)
        if name is None:
            active = [w for w in rows if w.status != WorkspaceStatus.ARCHIVED]
            if len(active) == 1:
                return active[0]
            if not active:
                raise NotFoundError("there is no workspace yet; run `ionflux seed-demo` or create one",
                                    where="--workspace")
            names = ", ".join(sorted(w.name for w in active))
            raise ValidationError(f"there are several workspaces ({names}); choose one", where="--workspace")
        matches = [w for w in rows if w.name == name] or [w for w in rows if w.name.lower() == name.lower()]
        if not matches:
            known = ", ".join(sorted(w.name for w in rows)) or "none"
            raise NotFoundError(f"no workspace named {name!r} (known: {known})", where="--workspace")
        if len(matches) > 1:
            raise ValidationError(f"several workspaces are named {name!r}; use its id", where="--workspace")
        return matches[0]

    def update_settings(self, workspace_id: uuid.UUID, changes: Mapping[str, Any]) -> Workspace:
        """Merge ``changes`` into the settings (a None value removes the key)."""
        with self.ctx.write() as uow:
            ws = self._owned(uow.session, workspace_id)
            merged = dict(ws.settings_json or {})
            for key, value in changes.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            ws.settings_json = validate_settings(merged)
        return ws

    def rename(self, workspace_id: uuid.UUID, name: str) -> Workspace:
        with self.ctx.write() as uow:
            ws = self._owned(uow.session, workspace_id)
            ws.name = v.name(name)
        return ws

    def add_member(self, workspace_id: uuid.UUID, user_id: uuid.UUID) -> Workspace:
        with self.ctx.write() as uow:
            ws = self._owned(uow.session, workspace_id)
            if uow.session.get(User, user_id) is None:
                raise NotFoundError(f"no user with id {user_id}", where="member")
            if user_id not in ws.member_ids():
                ws.member_user_ids_array = sorted({*(ws.member_user_ids_array or []), user_id})
        return ws

    def remove_member(self, workspace_id: uuid.UUID, user_id: uuid.UUID) -> Workspace:
        with self.ctx.write() as uow:
            ws = self._owned(uow.session, workspace_id)
            if user_id == ws.owner_user_id:
                raise ValidationError("the owner cannot be removed from their workspace", where="member")
            ws.member_user_ids_array = sorted(set(ws.member_user_ids_array or []) - {user_id})
        return ws

    def set_status(self, workspace_id: uuid.UUID, status: str) -> Workspace:
        with self.ctx.write() as uow:
            ws = self._owned(uow.session, workspace_id)
            ws.status = v.enum_value(WorkspaceStatus, status, "status")
        return ws

    def _owned(self, session: Any, workspace_id: uuid.UUID) -> Workspace:
        ws = session.get(Workspace, workspace_id)
        if ws is None:
            raise NotFoundError(f"no workspace with id {workspace_id}", where="workspace")
        if self.ctx.user_id is not None and self.ctx.user_id != ws.owner_user_id:
            raise PermissionDeniedError("only the workspace's owner may change it", where=ws.name)
        return ws


def require_member(session: Any, workspace_id: uuid.UUID, user_id: uuid.UUID | None) -> Workspace:
    """The workspace, if ``user_id`` may work in it (None: the system itself, always allowed)."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFoundError(f"no workspace with id {workspace_id}", where="workspace")
    if user_id is not None and user_id not in ws.member_ids():
        raise PermissionDeniedError("you are not a member of this workspace", where=ws.name)
    return ws
