"""Where IONFLUX keeps its files: ``--data-dir`` beats IONFLUX_DATA_DIR beats the per-user default."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "IONFLUX_DATA_DIR"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ionflux", appauthor=False))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None) -> Path:
    """The data folder for this invocation."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    return default_data_dir()
