"""Running the real ``ionflux`` command in subprocesses, as a user would, with a private file keyring."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

IONFLUX = str(Path(sys.executable).with_name("ionflux"))


def cli_env(tmp_path: Path, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "IONFLUX_DATA_DIR"}
    env.update(IONFLUX_PASSWORD=password, IONFLUX_DEMO_PASSWORD=password, XDG_DATA_HOME=str(tmp_path / "xdg"),
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", QT_QPA_PLATFORM="offscreen")
    return env


def ionflux(env: dict[str, str], data_dir: Path, *args: str, timeout: float = 180) -> str:
    """Run ``ionflux --data-dir DATA_DIR ARGS...``; returns stdout, fails the test on a non-zero exit."""
    res = subprocess.run([IONFLUX, "--data-dir", str(data_dir), *args], env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert res.returncode == 0, f"ionflux {' '.join(args)} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return res.stdout


def start_backend_dev(env: dict[str, str], postgres: str, kafka_port: int,
                      timeout: float = 60) -> tuple[subprocess.Popen[str], list[str]]:
    """Start ``ionflux backend dev`` and wait for its ``ready`` line; returns the process and its output so far."""
    proc = subprocess.Popen([IONFLUX, "backend", "dev", "--postgres", postgres, "--kafka-port", str(kafka_port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.strip() == "ready":
            return proc, lines
    proc.kill()
    raise AssertionError("backend dev never printed ready:\n" + "\n".join(lines))
