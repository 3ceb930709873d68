"""Secret commands: put values into the OS keyring so settings can reference them."""

from __future__ import annotations

import getpass
import os
import sys

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output
from ionflux.core.errors import ValidationError

SECRET_VALUE_ENV = "IONFLUX_SECRET_VALUE"


@registry.command("secret.set", title="Store a secret")
def secret_set(app: App, name: str) -> Output:
    """Store a secret in the OS keyring under NAME (the value is asked for, or read from IONFLUX_SECRET_VALUE).

    Args:
        name: The reference settings will use, e.g. sendgrid or projects/x/secrets/y/versions/latest.

    """
    value = os.environ.get(SECRET_VALUE_ENV)
    if value is None:
        interactive = sys.stdin.isatty()
        value = getpass.getpass(f"Value for {name}: ") if interactive else sys.stdin.readline().rstrip("\n")
    if not value:
        raise ValidationError("the secret value is empty", where=name)
    app.secrets.set(name, value)
    return Output(f"Stored secret {name!r} in the keyring.")


@registry.command("secret.delete", title="Delete a secret")
def secret_delete(app: App, name: str) -> Output:
    """Remove a secret from the OS keyring.

    Args:
        name: The secret's reference.

    """
    app.secrets.delete(name)
    return Output(f"Deleted secret {name!r}.")
