"""Logging to a rotating file in the data folder, with secret values masked."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "logs/ionflux.log"


def setup_logging(data_dir: Path, extra_filter: logging.Filter | None = None, *, verbose: bool = False) -> Path:
    """Send INFO and above to ``<data_dir>/logs/ionflux.log``; warnings to stderr only when verbose."""
    path = data_dir / LOG_FILE
    root = logging.getLogger()
    if any(getattr(h, "_ionflux", False) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                                       encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if extra_filter is not None:
        handler.addFilter(extra_filter)
    handler._ionflux = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if verbose:
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        root.addHandler(console)
    return path
