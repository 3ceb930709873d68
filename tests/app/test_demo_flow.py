"""Issue 8, point 5: the seed's demo end to end on the real broker and PostgreSQL, run as a user would.

`ionflux backend dev` starts tansu and initialises a PostgreSQL database; device A seeds the demo,
signs in and runs `ionflux demo`; kcat, an independent Kafka client, then reads the orders and
the Sales Sentinel's ionflux.agent.run.completed off the workspace's topics, and device B, signed
in to the same backend, finds the alert in #alerts.
"""

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

PASSWORD = "Demo-Flow-pw-7"
SENTINEL = "EcoThreads Boutique - Sales Sentinel Config"


def kcat_events(bootstrap: str, topic: str) -> list[dict]:
    out = subprocess.run(["kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed (apt-get install kcat)")
def test_demo_through_the_dev_backend(postgres_db: str, tmp_path: Path) -> None:
    env = cli_env(tmp_path, PASSWORD)
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    url = postgres_db.replace("postgresql+psycopg://", "postgresql://")
    backend, _banner = start_backend_dev(env, url, port)
    a, b = tmp_path / "A", tmp_path / "B"
    login = ["sync", "login", "--postgres", url, "--kafka", bootstrap, "--email", "demo@ionflux.ai"]
    try:
        ionflux(env, a, "seed-demo")
        ionflux(env, a, *login)
        summary = json.loads(ionflux(env, a, "demo", "--json", timeout=900))

        # The Sentinel caught the injected checkout collapse and said so in #alerts.
        assert summary["incidents"] >= 1, summary
        assert summary["incident"]["probable_root_causes"], summary["incident"]
        assert summary["alerts"] and any("checkout" in a.lower() for a in summary["alerts"]), summary["alerts"]
        # Abandoned carts ran the playbook: WhatsApp first, then email or the recovered branch.
        runs = summary["playbook_runs"]
        assert runs and all(r["status"] == "completed" for r in runs), runs
        assert all(r["steps"][0] == "whatsapp_reminder" for r in runs), runs
        assert "nothing pending" in summary["synced"], summary["synced"]

        workspace = json.loads(ionflux(env, a, "workspace", "list", "--json"))[0]["id"]
        orders = kcat_events(bootstrap, f"ionflux.shopify.workspace_{workspace}.events_raw")
        assert sum(e["event_type"] == "ionflux.shopify.order.created" for e in orders) >= summary["history_orders"]
        agent = kcat_events(bootstrap, f"ionflux.agent.workspace_{workspace}.events")
        completed = [e for e in agent if e["event_type"] == "ionflux.agent.run.completed"
                     and SENTINEL in json.dumps(e["payload_json"])]
        assert len(completed) >= summary["sentinel_runs"], (len(completed), summary["sentinel_runs"])
        assert any(e["event_type"] == "ionflux.agent.salessentinel.anomaly_detected" for e in agent)

        # PostgreSQL is the durable record: a second device gets the alert from it.
        ionflux(env, b, *login)
        ionflux(env, b, "sync", "now", timeout=600)
        alerts = json.loads(ionflux(env, b, "chat", "list", "--channel", "alerts", "--limit", "500", "--json"))
        bodies = [m["content_json"].get("text_body", "") for m in alerts]
        assert summary["alerts"][-1] in bodies
    finally:
        backend.send_signal(signal.SIGTERM)
        backend.communicate(timeout=30)
    drop_roles(postgres_db)


@pytest.mark.slow
def test_the_demo_in_the_window_uses_the_windows_platform(tmp_path: Path) -> None:
    from ionflux.agents.playbooks.engine import _ENGINES
    from ionflux.app.context import App
    from ionflux.app.demo_flow import run_demo
    from ionflux.app.gui import BackgroundServices

    app = App(tmp_path / "data")
    app.settings.set("llm.preload_local_model", False)
    background = BackgroundServices(app)  # what the window starts after its first paint
    background.start_soon()  # the demo waits for it rather than starting a second platform
    try:
        summary = run_demo(app, days=1)
        platform = background.platform
        assert app.platform is platform is not None
        assert _ENGINES[platform.playbooks.host_key] is platform.playbooks  # still the window's engine
        assert platform.playbooks._scales == {}  # the demo's compressed delays ended with it
        assert summary.incidents >= 1 and summary.playbook_runs
        assert summary.synced is None  # not signed in
        platform.playbooks.drain()  # and the window's platform still runs
    finally:
        background.stop()
        app.close()
