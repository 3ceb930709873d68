"""Brands and creators of a workspace: create, edit, archive, list."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import func, select, true

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.models import Brand, Creator, ProfileStatus
from ionflux.core.secrets import check_no_raw_secrets
from ionflux.core.workspaces import require_member

P = TypeVar("P", Brand, Creator)

_LONG_TEXT = 20_000
_JSON_LIMIT = 64_000


def _brand_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        where = f"brand.{key}"
        if key == "name":
            out[key] = v.name(value, where)
        elif key in ("description_text", "target_audience_description_text", "brand_voice_guidelines_text"):
            out[key] = v.text(value, where, max_len=_LONG_TEXT, required=False)
        elif key in ("industry", "persona_guardian_namespace_id"):
            out[key] = v.text(value, where, max_len=200, required=False)
        elif key == "mood_board_urls_array":
            out[key] = [v.url(u, f"{where}[{i}]") for i, u in enumerate(v.str_list(value, where))]
        elif key == "visual_identity_assets_json":
            assets = v.json_object(value or {}, where, max_bytes=_JSON_LIMIT)
            for i, colour in enumerate(assets.get("color_palette_array") or []):
                v.hex_color(colour, f"{where}.color_palette_array[{i}]")
            if assets.get("logo_url"):
                v.url(assets["logo_url"], f"{where}.logo_url")
            out[key] = assets
        elif key in ("shopify_integration_details_json", "tiktok_integration_details_json"):
            details = v.json_object(value or {}, where, max_bytes=_JSON_LIMIT)
            check_no_raw_secrets(details, where)
            for url_key in ("store_url", "profile_url"):
                if details.get(url_key):
                    v.url(details[url_key], f"{where}.{url_key}")
            out[key] = details
        elif key == "status":
            out[key] = v.enum_value(ProfileStatus, value, where)
        else:
            raise ValidationError("is not a brand field", where=where)
    return out


def _creator_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        where = f"creator.{key}"
        if key == "name":
            out[key] = v.name(value, where)
        elif key == "bio_text":
            out[key] = v.text(value, where, max_len=_LONG_TEXT, required=False)
        elif key == "persona_guardian_namespace_id":
            out[key] = v.text(value, where, max_len=200, required=False)
        elif key == "niche_tags_array":
            out[key] = v.str_list(value, where)
        elif key == "portfolio_links_array":
            out[key] = [v.url(u, f"{where}[{i}]") for i, u in enumerate(v.str_list(value, where))]
        elif key == "audience_demographics_json":
            out[key] = v.json_object(value, where, max_bytes=_JSON_LIMIT) if value is not None else None
        elif key == "tiktok_integration_details_json":
            details = v.json_object(value or {}, where, max_bytes=_JSON_LIMIT)
            check_no_raw_secrets(details, where)
            out[key] = details
        elif key == "status":
            out[key] = v.enum_value(ProfileStatus, value, where)
        else:
            raise ValidationError("is not a creator field", where=where)
    return out


class _Profiles:
    model: type[Brand] | type[Creator]
    label: str

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def create(self, workspace_id: uuid.UUID, name: str, **fields: Any) -> Any:
        values = self._fields({"name": name, **fields})
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            self._check_name_free(uow.session, workspace_id, values["name"], None)
            obj = uow.add(self.model(workspace_id=workspace_id, **values))
        return obj

    def update(self, profile_id: uuid.UUID, **fields: Any) -> Any:
        values = self._fields(fields)
        with self.ctx.write() as uow:
            obj = self._get(uow.session, profile_id)
            if "name" in values:
                self._check_name_free(uow.session, obj.workspace_id, values["name"], obj.id)
            for key, value in values.items():
                setattr(obj, key, value)
        return obj

    def _check_name_free(self, session: Any, workspace_id: uuid.UUID, name: str, own_id: uuid.UUID | None) -> None:
        """Agents find a brand or creator by its name, so two of one kind may not share one in a workspace."""
        taken = session.scalar(select(self.model.id).where(
            self.model.workspace_id == workspace_id, func.lower(self.model.name) == name.lower(),
            self.model.id != own_id if own_id is not None else true()))
        if taken is not None:
            raise ValidationError(f"a {self.label} named {name!r} already exists in this workspace",
                                  where=f"{self.label}.name")

    def archive(self, profile_id: uuid.UUID) -> Any:
        return self.update(profile_id, status=ProfileStatus.ARCHIVED)

    def list(self, workspace_id: uuid.UUID, *, include_archived: bool = False) -> list[Any]:
        with self.ctx.store.read() as s:
            q = select(self.model).where(self.model.workspace_id == workspace_id).order_by(self.model.name)
            if not include_archived:
                q = q.where(self.model.status == ProfileStatus.ACTIVE)
            return list(s.scalars(q))

    def get(self, profile_id: uuid.UUID) -> Any:
        with self.ctx.store.read() as s:
            return self._get(s, profile_id)

    def _get(self, session: Any, profile_id: uuid.UUID) -> Any:
        obj = session.get(self.model, profile_id)
        if obj is None:
            raise NotFoundError(f"no {self.label} with id {profile_id}", where=self.label)
        require_member(session, obj.workspace_id, self.ctx.user_id)
        return obj


class Brands(_Profiles):
    """The brands a workspace markets."""

    model = Brand
    label = "brand"

    def _fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return _brand_fields(data)


class Creators(_Profiles):
    """The creators a workspace works with."""

    model = Creator
    label = "creator"

    def _fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return _creator_fields(data)
