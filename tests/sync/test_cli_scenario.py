"""Issue 7, point 8, exactly as a new user runs it: `backend dev`, two data folders, the real CLI, kcat."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from cli_support import cli_env, ionflux, start_backend_dev

from ionflux.sync.backend import drop_roles
from ionflux.sync.broker import free_port

PASSWORD = "Sync-Scenario-pw-42"


@pytest.mark.slow
def test_two_devices_on_one_machine(postgres_db: str, tmp_path: Path) -> None:
    env = cli_env(tmp_path, PASSWORD)
    port = free_port()
    url = postgres_db.replace("postgresql+psycopg://", "postgresql://")
    backend, banner = start_backend_dev(env, url, port)
    a, b = tmp_path / "A", tmp_path / "B"
    try:
        ionflux(env, a, "seed-demo")
        login = ["sync", "login", "--postgres", url, "--kafka", f"127.0.0.1:{port}", "--email", "demo@ionflux.ai"]
        assert "registered the account" in ionflux(env, a, *login)
        assert "Synced" in ionflux(env, a, "sync", "now")

        assert "signed in" in ionflux(env, b, *login)
        ionflux(env, b, "sync", "now")
        assert "Demo Workspace" in ionflux(env, b, "workspace", "list")
        assert "Q4 Campaign Planning" in ionflux(env, b, "page", "list")

        ionflux(env, a, "page", "create", "Launch checklist")
        ionflux(env, a, "sync", "now")
        ionflux(env, b, "sync", "now")
        assert "Launch checklist" in ionflux(env, b, "page", "list")
        assert ionflux(env, b, "sync", "status").startswith("online · 0 pending")

        workspace = json.loads(ionflux(env, b, "workspace", "list", "--json"))[0]["id"]
        if shutil.which("kcat"):  # an independent Kafka client sees the change events on the workspace's topic
            out = subprocess.run(["kcat", "-b", f"127.0.0.1:{port}", "-C", "-t",
                                  f"ionflux.canvas.workspace_{workspace}.events", "-o", "beginning", "-e", "-q",
                                  "-f", "%h %s\n"], capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, out.stderr
            records = [line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith("ionflux-seq=")]
            events = [json.loads(body) for _seq, body in records]
            assert any(e["event_type"] == "ionflux.canvas.page.created"
                       and e["payload_json"]["data"]["title"] == "Launch checklist" for e in events), out.stdout
    finally:
        backend.send_signal(signal.SIGTERM)
        rest, _ = backend.communicate(timeout=30)
    assert backend.returncode == 0, rest
    assert "Backend stopped." in rest and any(line == "ready" for line in banner)
    for folder in (a, b):  # the password lives in the keyring only
        for path in folder.rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes(), path
    drop_roles(postgres_db)
