"""The one hierarchy of errors people can act on.

Every user-facing failure is an :class:`IonfluxError` whose message names what was wrong
and where (file, line, field). The CLI and the window catch these at the top and show one
line; anything else is a bug and goes to the log with its traceback.
"""

from __future__ import annotations


class IonfluxError(Exception):
    """Base of every error a user can act on.

    Args:
        message: What went wrong, in words a user can act on.
        where: The place it happened: a field path, ``file:line:column`` or an entity name.

    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as a single line, prefixed with its location when known."""
        text = " ".join(self.message.split())
        return f"{self.where}: {text}" if self.where else text


class ValidationError(IonfluxError):
    """Input that breaks a rule of the domain (bad enum, missing field, too large...)."""


class NotFoundError(IonfluxError):
    """A named thing (workspace, page, channel...) does not exist."""


class ConflictError(IonfluxError):
    """The change clashes with existing data (duplicate name, id already present)."""


class PermissionDeniedError(IonfluxError):
    """The acting user may not do this."""


class StoreError(IonfluxError):
    """The local database cannot be opened or used (corrupt, foreign, locked, too new)."""


class SecretError(IonfluxError):
    """A secret reference cannot be resolved, or a raw secret was about to leak."""
