"""The installable app: `make bundle` builds the PyInstaller bundle from a regular install and self-tests it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.bundle, pytest.mark.slow]


@pytest.mark.timeout(45 * 60)
def test_bundle_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.fail("make is required to build the bundle (see README)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IONFLUX_", "VIRTUAL_ENV"))}
    started = time.monotonic()
    res = subprocess.run(["make", "bundle"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=40 * 60)
    took = time.monotonic() - started
    tail = (res.stdout + res.stderr)[-4000:]
    assert res.returncode == 0, tail
    assert "self-test: 5 passed, 0 failed" in res.stdout, tail
    for check in ("store", "seed-demo", "agent+llm", "memory", "window"):
        assert any(line.startswith("ok") and check in line for line in res.stdout.splitlines()), check
    bundle = ROOT / "dist" / "ionflux"
    assert (bundle / "ionflux").is_file()
    version = subprocess.run([str(bundle / "ionflux"), "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.startswith("ionflux 0.")
    print(f"bundle built and self-tested in {took:.0f} s")
