"""Secrets live in the OS keyring; settings only ever hold references to them.

A reference is a string such as ``projects/ionflux-demo/secrets/sendgrid_demo_ws/versions/latest``
(the seed's ``*_secret_ref`` values) or ``keyring:sendgrid``. It resolves through
:class:`SecretStore`, which is the only code that touches keyring. Values never reach SQLite,
logs, events or exports: settings refuse raw secrets, and the log filter masks known values.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Protocol

from ionflux.core.errors import SecretError

SERVICE = "ionflux"

#: Settings keys whose value must be a secret reference, never the secret itself.
_SECRETISH_KEY = re.compile(r"(api_?key|token|secret|password|passwd|credential)s?$", re.IGNORECASE)
_REF_KEY = re.compile(r"_secret_ref$|_ref$|secrets_config_json$")


class KeyringBackend(Protocol):
    """The part of the ``keyring`` module IONFLUX uses."""

    def get_password(self, service_name: str, username: str) -> str | None: ...
    def set_password(self, service_name: str, username: str, password: str) -> None: ...
    def delete_password(self, service_name: str, username: str) -> None: ...


class SecretStore:
    """Get, set and delete secrets by reference, through a keyring backend.

    Args:
        backend: Anything with keyring's get/set/delete_password; the ``keyring`` module itself
            in the app, a test keyring in tests.

    """

    def __init__(self, backend: KeyringBackend) -> None:
        self._backend = backend
        self._known_values: set[str] = set()

    def set(self, ref: str, value: str) -> None:
        if not ref or not value:
            raise SecretError("a secret needs a reference and a non-empty value", where="secret")
        self._backend.set_password(SERVICE, _normalise(ref), value)
        self._known_values.add(value)

    def get(self, ref: str) -> str:
        """The secret behind ``ref``.

        Raises:
            SecretError: nothing is stored under ``ref`` (the message says how to add it).

        """
        value = self._backend.get_password(SERVICE, _normalise(ref))
        if value is None:
            raise SecretError(
                f"no secret stored for {ref!r}; add it with `ionflux secret set {ref}`", where="secret"
            )
        self._known_values.add(value)
        return value

    def get_optional(self, ref: str | None) -> str | None:
        if not ref:
            return None
        try:
            return self.get(ref)
        except SecretError:
            return None

    def delete(self, ref: str) -> None:
        try:
            self._backend.delete_password(SERVICE, _normalise(ref))
        except Exception as exc:  # keyring raises PasswordDeleteError for a missing entry
            raise SecretError(f"no secret stored for {ref!r}", where="secret") from exc

    def redact(self, text: str) -> str:
        """``text`` with every secret value this process has seen replaced by ``***``."""
        for value in sorted(self._known_values, key=len, reverse=True):
            if len(value) >= 4:
                text = text.replace(value, "***")
        return text

    def log_filter(self) -> logging.Filter:
        """A logging filter that masks secret values in every record."""
        store = self

        class _Redact(logging.Filter):
            def filter(self, record: logging.LogRecord) -> bool:
                message = record.getMessage()
                redacted = store.redact(message)
                if redacted != message:
                    record.msg, record.args = redacted, None
                return True

        return _Redact()


def _normalise(ref: str) -> str:
    return ref.removeprefix("keyring:").strip()


#: How the credentials of the services IONFLUX talks to begin (Shopify, OpenAI/Stripe, SendGrid, Slack, GitHub...).
_KEY_PREFIXES = ("shpat_", "shpca_", "shppa_", "shpss_", "sk-", "sk_live_", "sk_test_", "rk_live_", "SG.", "xoxb-",
                 "xoxp-", "ghp_", "github_pat_", "AIza")
_TOKEN_RUN = re.compile(r"[A-Za-z0-9+=]{20,}")


def looks_like_a_key(value: str) -> bool:
    """Whether ``value`` reads as a credential rather than a secret's name.

    A service's key prefix, or (outside paths and URIs, which name secrets in a manager) a run of 20+
    letters and digits mixed: names are words joined by ``_ - .``; tokens are not.
    """
    value = _normalise(value)
    if value.startswith(_KEY_PREFIXES):
        return True
    if "/" in value or ":" in value:
        return False  # a path or URI names a secret in a manager (its version ids may look random)
    return any(any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
               for run in _TOKEN_RUN.findall(value))


def check_no_raw_secrets(settings: Mapping[str, Any], where: str) -> None:
    """Refuse settings that hold a secret value where only a reference may go.

    A key named like a credential (``api_key``, ``access_token``, ``password``...) must end in
    ``_secret_ref``; the value of a ``*_secret_ref`` key must look like a reference, not a key.
    Mappings inside lists are checked too.
    """
    for key, value in settings.items():
        path = f"{where}.{key}"
        if isinstance(value, Mapping):
            check_no_raw_secrets(value, path)
            continue
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    check_no_raw_secrets(item, f"{path}[{i}]")
        if _REF_KEY.search(key):
            if value is not None and not isinstance(value, str):
                raise SecretError("must be a secret reference (text)", where=path)
            if key.endswith("_secret_ref") and value and looks_like_a_key(value):
                raise SecretError("holds what looks like the secret itself, not its name; store it with "
                                  "`ionflux secret set NAME` and put NAME here", where=path)
            continue
        if _SECRETISH_KEY.search(key) and value not in (None, ""):
            raise SecretError(
                "holds a secret value; store it with `ionflux secret set NAME` and put "
                f"'{key}_secret_ref: NAME' in the settings instead",
                where=path,
            )


_YAML_PAIR = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z0-9_]+):(?P<gap>\s+)(?P<value>\S.*?)\s*$")
REDACTED_NOTE = "# removed here: store it with `ionflux secret set NAME`, put NAME in a *_secret_ref"


def redact_yaml_secrets(text: str) -> str:
    """``text`` (YAML, as typed) with raw secret values blanked, for keeping it on disk as a draft.

    A value under a credential-like key (``access_token: shpat_...``), or a ``*_secret_ref`` that
    holds the secret itself, becomes ``''`` with a note saying why; everything else is kept as typed.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = _YAML_PAIR.match(line)
        if m is None or m["value"] in ("''", '""', "null", "~") or m["value"].startswith(("#", "{", "[", "|", ">")):
            continue
        key, value = m["key"], m["value"].strip("'\"")
        plain = value.lower() in ("true", "false") or value.replace(".", "", 1).isdigit()  # max_tokens: 200
        raw = (_REF_KEY.search(key) is None and _SECRETISH_KEY.search(key) is not None and not plain) or (
            key.endswith("_secret_ref") and looks_like_a_key(value))
        if raw:
            lines[i] = f"{m['lead']}{key}:{m['gap']}''  {REDACTED_NOTE}"
    return "\n".join(lines)
