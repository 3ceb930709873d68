"""Choose the keyring: the OS keychain when there is one, else a private file in the data folder.

Headless Linux machines (CI, servers, minimal desktops) often have no Secret Service. Rather
than failing every secret operation there, IONFLUX falls back to keyrings.alt's plaintext file
backend kept in the data folder with owner-only permissions, and says so once in the log.
``PYTHON_KEYRING_BACKEND`` still forces any backend (the tests use an in-memory one).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FALLBACK_FILE = "secrets.cfg"


def choose_backend(data_dir: Path) -> Any:
    """A keyring backend object with get/set/delete_password."""
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    usable = not isinstance(backend, fail.Keyring)
    if isinstance(backend, chainer.ChainerBackend):
        usable = bool(backend.backends)
    if usable and os.environ.get("PYTHON_KEYRING_BACKEND") is None and getattr(backend, "priority", 1) < 1:
        usable = False
    if usable:
        return backend
    return _file_backend(data_dir)


def _file_backend(data_dir: Path) -> Any:
    from keyrings.alt.file import PlaintextKeyring

    path = data_dir / FALLBACK_FILE

    class DataDirKeyring(PlaintextKeyring):  # type: ignore[misc]
        """keyrings.alt's file backend, kept in the IONFLUX data folder with mode 0600."""

        @property
        def file_path(self) -> str:
            return str(path)

        def set_password(self, service: str, username: str, password: str) -> None:
            super().set_password(service, username, password)
            os.chmod(path, 0o600)

    log.warning("no OS keychain available; secrets are kept in %s (readable only by you)", path)
    return DataDirKeyring()
