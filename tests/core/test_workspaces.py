import pytest

from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, PermissionDeniedError, SecretError, ValidationError
from ionflux.core.users import Users
from ionflux.core.workspaces import Workspaces


def _two_users(ctx: Context):
    users = Users(ctx)
    return users.create("owner@example.com", "secret"), users.create("member@example.com", "secret")


def test_create_list_and_membership(ctx: Context) -> None:
    owner, member = _two_users(ctx)
    as_owner = Workspaces(Context(ctx.store, owner.id))
    ws = as_owner.create("Acme", owner.id, settings={"default_timezone": "Europe/Berlin"})
    assert [w.name for w in as_owner.list(owner.id)] == ["Acme"]
    assert as_owner.list(member.id) == []
    as_owner.add_member(ws.id, member.id)
    assert [w.name for w in as_owner.list(member.id)] == ["Acme"]
    as_owner.remove_member(ws.id, member.id)
    assert as_owner.list(member.id) == []


def test_only_the_owner_changes_a_workspace(ctx: Context) -> None:
    owner, member = _two_users(ctx)
    ws = Workspaces(Context(ctx.store, owner.id)).create("Acme", owner.id, members=[member.id])
    with pytest.raises(PermissionDeniedError):
        Workspaces(Context(ctx.store, member.id)).rename(ws.id, "Mine now")


def test_owner_cannot_be_removed(ctx: Context) -> None:
    owner, _ = _two_users(ctx)
    ws = Workspaces(Context(ctx.store, owner.id)).create("Acme", owner.id)
    with pytest.raises(ValidationError, match="owner"):
        Workspaces(Context(ctx.store, owner.id)).remove_member(ws.id, owner.id)


def test_same_name_twice_for_one_owner_is_a_conflict(ctx: Context) -> None:
    owner, _ = _two_users(ctx)
    w = Workspaces(Context(ctx.store, owner.id))
    w.create("Acme", owner.id)
    with pytest.raises(ConflictError):
        w.create("Acme", owner.id)


@pytest.mark.parametrize(("settings", "where"), [
    ({"default_timezone": "Mars/Olympus"}, "settings_json.default_timezone"),
    ({"default_llm_config": {"provider": "openai"}}, "settings_json.default_llm_config.model"),
    ({"active_kafka_topics_list": "not-a-list"}, "settings_json.active_kafka_topics_list"),
])
def test_bad_settings_are_refused_with_the_field(ctx: Context, settings: dict, where: str) -> None:
    owner, _ = _two_users(ctx)
    with pytest.raises(ValidationError) as err:
        Workspaces(Context(ctx.store, owner.id)).create("Acme", owner.id, settings=settings)
    assert err.value.where == where


def test_raw_secrets_in_settings_are_refused(ctx: Context) -> None:
    owner, _ = _two_users(ctx)
    with pytest.raises(SecretError, match="_secret_ref"):
        Workspaces(Context(ctx.store, owner.id)).create("Acme", owner.id, settings={"openai_api_key": "sk-live-123"})
    ws = Workspaces(Context(ctx.store, owner.id)).create(
        "Acme", owner.id, settings={"openai_api_key_secret_ref": "openai"})
    assert ws.settings_json == {"openai_api_key_secret_ref": "openai"}


def test_resolve_by_name_or_single(ctx: Context) -> None:
    owner, _ = _two_users(ctx)
    w = Workspaces(Context(ctx.store, owner.id))
    with pytest.raises(NotFoundError, match="no workspace yet"):
        w.resolve(None, owner.id)
    acme = w.create("Acme", owner.id)
    assert w.resolve(None, owner.id).id == acme.id
    w.create("Beta", owner.id)
    with pytest.raises(ValidationError, match="several workspaces"):
        w.resolve(None, owner.id)
    assert w.resolve("beta", owner.id).name == "Beta"
    with pytest.raises(NotFoundError, match="known: Acme, Beta"):
        w.resolve("Gamma", owner.id)


def test_update_settings_merges_and_removes(ctx: Context) -> None:
    owner, _ = _two_users(ctx)
    w = Workspaces(Context(ctx.store, owner.id))
    ws = w.create("Acme", owner.id, settings={"default_timezone": "UTC", "x": 1})
    ws = w.update_settings(ws.id, {"x": None, "y": 2})
    assert ws.settings_json == {"default_timezone": "UTC", "y": 2}
