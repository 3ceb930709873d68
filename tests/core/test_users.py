import pytest

from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, PermissionDeniedError, ValidationError
from ionflux.core.users import LOCKED_HASH, Users, hash_password, verify_password


def test_password_is_hashed_with_argon2id_and_verifies(ctx: Context) -> None:
    user = Users(ctx).create("Someone@Example.com", "correct horse")
    assert user.email == "someone@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash
    assert Users(ctx).authenticate("someone@example.com", "correct horse").id == user.id


def test_wrong_password_and_unknown_email_give_the_same_error(ctx: Context) -> None:
    Users(ctx).create("a@example.com", "right-one")
    with pytest.raises(PermissionDeniedError, match="wrong email or password"):
        Users(ctx).authenticate("a@example.com", "wrong-one")
    with pytest.raises(PermissionDeniedError, match="wrong email or password"):
        Users(ctx).authenticate("nobody@example.com", "right-one")


def test_locked_hash_never_verifies() -> None:
    assert not verify_password(LOCKED_HASH, "")
    assert not verify_password(LOCKED_HASH, "anything")
    assert verify_password(hash_password("pass1"), "pass1")


@pytest.mark.parametrize(("email", "password", "where"), [
    ("not-an-email", "secret", "email"),
    ("", "secret", "email"),
    ("x@example.com", "abc", "password"),
])
def test_bad_input_names_the_field(ctx: Context, email: str, password: str, where: str) -> None:
    with pytest.raises(ValidationError) as err:
        Users(ctx).create(email, password)
    assert err.value.where == where


def test_duplicate_email_is_a_conflict(ctx: Context) -> None:
    Users(ctx).create("dup@example.com", "secret")
    with pytest.raises(ConflictError, match="already exists"):
        Users(ctx).create("DUP@example.com", "secret")


def test_set_password_replaces_the_old_one(ctx: Context) -> None:
    users = Users(ctx)
    u = users.create("p@example.com", "first-pass")
    users.set_password(u.id, "second-pass")
    with pytest.raises(PermissionDeniedError):
        users.authenticate("p@example.com", "first-pass")
    assert users.authenticate("p@example.com", "second-pass").id == u.id
