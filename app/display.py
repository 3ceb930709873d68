"""Can this machine show the window? Checked before Qt starts, because Qt aborts the process instead.

Without a display, or without a system library its X11 plugin needs, Qt prints a few lines and
calls abort(): the user sees a core dump, not a reason. These checks turn both into one line.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

#: Platforms that need no display server.
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")
#: What Qt 6's X11 plugin needs beyond a desktop's usual libraries (Debian and Ubuntu package names).
X11_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0")
_MISSING = re.compile(r"^(\S+\.so[.\d]*): cannot open shared object file")


def display_problem() -> str | None:
    """Why the window cannot open here, in one line, or None."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in HEADLESS_PLATFORMS:
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset); run IONFLUX on a desktop, "
                "under `xvfb-run ionflux`, or with QT_QPA_PLATFORM=offscreen")
    if platform == "xcb" or (not platform and not os.environ.get("WAYLAND_DISPLAY")):
        plugin = xcb_plugin()
        missing = missing_library(plugin) if plugin is not None else None
        if missing is not None:
            return (f"Qt cannot open a window on X11: the system library {missing} is missing (on Debian or "
                    f"Ubuntu: sudo apt-get install {' '.join(X11_PACKAGES)}); or run with "
                    "QT_QPA_PLATFORM=offscreen")
    return None


def xcb_plugin() -> Path | None:
    """Qt's X11 platform plugin as PySide6 ships it, or None when it is not where PySide6 keeps it."""
    import PySide6

    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def missing_library(path: Path) -> str | None:
    """The first shared library that ``path`` needs and the system lacks, or None.

    Found by loading it (symbols resolved lazily, then unloaded): the loader names the first
    library it could not find. Qt would load the same file a moment later.
    """
    try:
        library = ctypes.CDLL(str(path), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError as exc:
        found = _MISSING.match(str(exc))
        return found.group(1) if found and found.group(1) != str(path) else None
    import _ctypes

    _ctypes.dlclose(library._handle)
    return None
