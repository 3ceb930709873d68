"""User accounts: creation, lookup and password checks with Argon2id."""

from __future__ import annotations

import uuid
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from ionflux.core.models import User

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters

#: The hash of an account with no usable password (imported users until they set one).
LOCKED_HASH = "!locked"
MIN_PASSWORD_LENGTH = 4


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; safe to store)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"must have at least {MIN_PASSWORD_LENGTH} characters", where="password")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a locked or malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class Users:
    """The user accounts known to this device."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, email: str, password: str, *, name: str | None = None,
               profile: dict[str, Any] | None = None) -> User:
        address = v.email(email)
        if self.find_by_email(address) is not None:
            raise ConflictError(f"a user with email {address} already exists", where="email")
        user = User(
            email=address,
            name=v.name(name) if name is not None else None,
            password_hash=hash_password(password),
            profile_info_json=v.json_object(profile, "profile_info_json", max_bytes=64_000) if profile else None,
        )
        with self.ctx.write() as uow:
            uow.add(user)
        return user

    def find_by_email(self, email: str) -> User | None:
        with self.ctx.store.read() as s:
            return s.scalar(select(User).where(User.email == email.strip().lower()))

    def get(self, user_id: uuid.UUID) -> User:
        with self.ctx.store.read() as s:
            user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(f"no user with id {user_id}")
        return user

    def list(self) -> list[User]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(User).order_by(User.email)))

    def authenticate(self, email: str, password: str) -> User:
        """The user with this email and password.

        Raises:
            PermissionDeniedError: unknown email or wrong password (the same message for both).

        """
        user = self.find_by_email(email)
        if user is None or not verify_password(user.password_hash, password):
            raise PermissionDeniedError("wrong email or password")
        if _hasher.check_needs_rehash(user.password_hash):
            self.set_password(user.id, password)
        return user

    def set_password(self, user_id: uuid.UUID, password: str) -> None:
        new_hash = hash_password(password)
        with self.ctx.write() as uow:
            user = uow.session.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user with id {user_id}")
            user.password_hash = new_hash

    def update_profile(self, user_id: uuid.UUID, *, name: str | None = None,
                       profile: dict[str, Any] | None = None) -> User:
        with self.ctx.write() as uow:
            user = uow.session.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user with id {user_id}")
            if name is not None:
                user.name = v.name(name)
            if profile is not None:
                user.profile_info_json = v.json_object(profile, "profile_info_json", max_bytes=64_000)
        return user
