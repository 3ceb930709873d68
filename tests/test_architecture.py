"""The layers of ARCHITECTURE.md, checked by machine: import contracts and a Qt-free core."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(tmp_path: Path) -> None:
    """import-linter over a copy laid out as installed (``ionflux/<layer>``), as grimp needs real folders."""
    pkg = tmp_path / "ionflux"
    for layer in ("app", "core", "agents", "sync", "ui", "resources"):
        shutil.copytree(ROOT / layer, pkg / layer, ignore=shutil.ignore_patterns("__pycache__", "*.gguf", "*.onnx"))
    (pkg / "__init__.py").write_text('"""IONFLUX."""\n')
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    res = subprocess.run([str(lint), str(ROOT / "pyproject.toml")], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: " in res.stdout and " 0 broken" in res.stdout


def test_core_agents_and_sync_import_with_qt_absent() -> None:
    """Every module outside ui/ and app/gui imports in a process where PySide6 cannot be imported."""
    script = textwrap.dedent("""
        import importlib, pkgutil, sys
        class NoQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "qasync"):
                    raise ImportError("Qt is not installed here")
        sys.meta_path.insert(0, NoQt())
        import ionflux.core, ionflux.agents, ionflux.sync
        failed = []
        for pkg in (ionflux.core, ionflux.agents, ionflux.sync):
            for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                if ".migrations" in mod.name:
                    continue
                try:
                    importlib.import_module(mod.name)
                except ImportError as exc:
                    if "Qt is not installed" in str(exc):
                        failed.append(mod.name)
        print(failed)
        sys.exit(1 if failed else 0)
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_folder_with_code_is_packaged() -> None:
    """setup.py maps each top-level folder; any sub-folder with .py files must be a package."""
    for root in ("app", "core", "agents", "sync", "ui", "resources"):
        for folder in (ROOT / root).rglob("*"):
            skip = "__pycache__" in folder.parts or "migrations" in folder.parts
            if folder.is_dir() and not skip and any(folder.glob("*.py")):
                assert (folder / "__init__.py").exists(), f"{folder} has modules but no __init__.py"
