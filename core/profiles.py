"""Brands and creators of a workspace: create, edit (also as YAML, with located errors), archive, list."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import select

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import IonfluxError, NotFoundError, SecretError, ValidationError
from ionflux.core.models import Brand, Creator, ProfileStatus
from ionflux.core.secrets import check_no_raw_secrets
from ionflux.core.workspaces import require_member
from ionflux.core.yamltext import load_form, relocated

P = TypeVar("P", Brand, Creator)

_LONG_TEXT = 20_000
_JSON_LIMIT = 64_000

#: The editable fields, in the order their YAML form lists them.
BRAND_YAML_FIELDS = ("name", "industry", "description_text", "target_audience_description_text",
                     "brand_voice_guidelines_text", "visual_identity_assets_json", "mood_board_urls_array",
                     "shopify_integration_details_json", "tiktok_integration_details_json",
                     "persona_guardian_namespace_id", "status")
CREATOR_YAML_FIELDS = ("name", "bio_text", "niche_tags_array", "portfolio_links_array", "audience_demographics_json",
                       "tiktok_integration_details_json", "persona_guardian_namespace_id", "status")


def _urls(value: Any, where: str) -> list[str]:
    """Links, each checked under its index in the list as written (blank entries are dropped after)."""
    v.str_list(value, where)
    return [str(v.url(u, f"{where}[{i}]")) for i, u in enumerate(value or []) if u.strip()]


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
            out[key] = _urls(value, where)
        elif key == "visual_identity_assets_json":
            assets = v.json_object(value or {}, where, max_bytes=_JSON_LIMIT)
            v.str_list(assets.get("color_palette_array"), f"{where}.color_palette_array")
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
            out[key] = _urls(value, where)
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
    yaml_fields: tuple[str, ...]

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

    def create_new(self, workspace_id: uuid.UUID) -> Any:
        """A blank one named "New brand" (or "New brand 2"...), to be filled in in its editor."""
        with self.ctx.store.read() as s:
            taken = {n.lower() for n in s.scalars(select(self.model.name)
                                                  .where(self.model.workspace_id == workspace_id))}
        base = f"New {self.label}"
        name = next(n for n in itertools.chain([base], (f"{base} {i}" for i in itertools.count(2)))
                    if n.lower() not in taken)
        return self.create(workspace_id, name)

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
        wanted = name.casefold()
        rows = session.execute(select(self.model.id, self.model.name).where(self.model.workspace_id == workspace_id))
        if any(row_id != own_id and row_name.casefold() == wanted for row_id, row_name in rows):
            raise ValidationError(f"a {self.label} named {name!r} already exists in this workspace",
                                  where=f"{self.label}.name")

    # -- the YAML form ------------------------------------------------------------------------

    def to_yaml(self, obj: Any) -> str:
        """A brand's or creator's editable fields as YAML (what the window's editor shows)."""
        import yaml

        doc = {k: getattr(obj, k) for k in self.yaml_fields}
        for key, value in doc.items():  # an empty list or mapping reads as what to fill in, unlike null
            if value is None and key.endswith(("_array", "_json")):
                doc[key] = [] if key.endswith("_array") else {}
        doc["status"] = obj.status.value
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)

    def parse_yaml(self, text: str, source: str | None = None) -> dict[str, Any]:
        """Check a YAML form: every error names ``source:line:column`` and the field.

        A field left out is cleared (but ``status``, which is kept).
        """
        source = source or f"{self.label}.yaml"
        doc = load_form(text, source, self.yaml_fields, f"a {self.label}")
        try:
            wanted = {k: doc.get(k) for k in self.yaml_fields if k != "status" or "status" in doc}
            return self._fields(wanted)
        except (ValidationError, SecretError) as exc:
            raise self._located(exc, text, source) from None

    def save_yaml(self, profile_id: uuid.UUID, text: str, source: str | None = None, *,
                  base: str | None = None) -> Any:
        """Apply a YAML form; an invalid text (or a name another one has) changes nothing.

        Args:
            base: The form the edit started from. Only the fields the edit changed are written then,
                so what changed meanwhile in the others (a sync, an agent, another device) is kept.
        """
        source = source or f"{self.label}.yaml"
        values = self.parse_yaml(text, source)
        if base is not None:
            try:
                before = self.parse_yaml(base, source)
            except (ValidationError, SecretError):
                before = {}
            values = {k: value for k, value in values.items() if k not in before or before[k] != value}
        try:
            return self.update(profile_id, **values)
        except ValidationError as exc:
            raise self._located(exc, text, source) from None

    def _located(self, exc: ValidationError | SecretError, text: str, source: str) -> IonfluxError:
        return relocated(exc, text, source, prefix=f"{self.label}.")

    def archive(self, profile_id: uuid.UUID) -> Any:
        return self.update(profile_id, status=ProfileStatus.ARCHIVED)

    def list(self, workspace_id: uuid.UUID, *, include_archived: bool = False) -> list[Any]:
        """By name in any case, oldest first among equal names.

        Any case in any script (SQLite's ``lower`` knows only ASCII). Two devices may each have created
        one offline; oldest first, every device picks the same one when an agent looks it up by name.
        """
        with self.ctx.store.read() as s:
            q = select(self.model).where(self.model.workspace_id == workspace_id)
            if not include_archived:
                q = q.where(self.model.status == ProfileStatus.ACTIVE)
            rows = list(s.scalars(q))
        return sorted(rows, key=lambda r: (r.name.casefold(), r.created_at, str(r.id)))

    def find(self, workspace_id: uuid.UUID, name: str) -> Any:
        """The one called ``name`` (any case) in the workspace, archived ones included."""
        with self.ctx.store.read() as s:
            require_member(s, workspace_id, self.ctx.user_id)
        wanted = name.strip().casefold()
        found = [r for r in self.list(workspace_id, include_archived=True) if r.name.casefold() == wanted]
        if not found:
            raise NotFoundError(f"no {self.label} named {name!r}", where=self.label)
        return found[0]

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
    yaml_fields = BRAND_YAML_FIELDS

    def _fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return _brand_fields(data)


class Creators(_Profiles):
    """The creators a workspace works with."""

    model = Creator
    label = "creator"
    yaml_fields = CREATOR_YAML_FIELDS

    def _fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return _creator_fields(data)
