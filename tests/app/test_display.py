"""The pre-flight check before Qt starts: no display, or a system library Qt's X11 plugin lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ionflux.app import display
from ionflux.app.display import display_problem, missing_library

needs_cc = pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to build the test libraries")


@pytest.fixture
def plugin_without_dependency(tmp_path: Path) -> Path:
    """A shared library linked against one that is then deleted: what a missing system package looks like."""
    (tmp_path / "dep.c").write_text("int dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int dep(void);\nint plugin(void) { return dep(); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", "libionfluxdep.so.3", "dep.c", "-Wl,-soname,libionfluxdep.so.3"],
                   cwd=tmp_path, check=True)
    (tmp_path / "libionfluxdep.so").symlink_to("libionfluxdep.so.3")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", "plugin.so", "plugin.c", "-L.", "-lionfluxdep"],
                   cwd=tmp_path, check=True)
    (tmp_path / "libionfluxdep.so").unlink()
    (tmp_path / "libionfluxdep.so.3").unlink()
    return tmp_path / "plugin.so"


@needs_cc
def test_the_first_missing_library_is_named(plugin_without_dependency: Path) -> None:
    assert missing_library(plugin_without_dependency) == "libionfluxdep.so.3"


@needs_cc
def test_a_library_with_everything_it_needs_is_fine(tmp_path: Path) -> None:
    (tmp_path / "ok.c").write_text("int ok(void) { return 0; }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", "ok.so", "ok.c"], cwd=tmp_path, check=True)
    assert missing_library(tmp_path / "ok.so") is None


@needs_cc
def test_x11_without_a_library_the_plugin_needs_is_one_line(plugin_without_dependency: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display, "xcb_plugin", lambda: plugin_without_dependency)
    monkeypatch.setattr(display.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    problem = display_problem()
    assert problem is not None and "\n" not in problem
    assert "libionfluxdep.so.3 is missing" in problem and "apt-get install libxcb-cursor0" in problem
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # needs no display server, so no X11 library either
    assert display_problem() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # Qt may use Wayland there: not checked
    assert display_problem() is None


def test_no_display_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert (display_problem() or "").startswith("no display found")
