"""The seed's event-driven demo: simulated orders → Sales Sentinel → #alerts, carts → playbook.

Abandoned carts run the Abandoned Cart Recovery playbook; every send is a dry run. On a device
signed in to a backend (``ionflux sync login``) the sync worker runs alongside, as in the window,
so every order, run and alert also reaches PostgreSQL and the workspace's Kafka topics.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ionflux.agents.integrations.shopify_sim import Incident, StoreSimulator, day_start
from ionflux.agents.integrations.shopify_webhooks import ShopifyIntake
from ionflux.app.context import App
from ionflux.app.platform import Platform
from ionflux.core.demo import seed_demo
from ionflux.core.errors import ValidationError
from ionflux.core.models import RunStatus, TriggerType
from ionflux.sync.remote import load_profile

SENTINEL_CONFIG = "EcoThreads Boutique - Sales Sentinel Config"
LIVE_HOURS_BEFORE_INCIDENT = 2
DEMO_TIME_SCALE = 1 / 600  # a playbook's hour-long wait takes six seconds
PLATFORM_WAIT_S = 30.0


@dataclass
class DemoSummary:
    history_orders: int = 0
    live_events: int = 0
    alerts: list[str] = field(default_factory=list)
    incident: dict[str, Any] | None = None
    incidents: int = 0
    sentinel_runs: int = 0
    playbook_runs: list[dict[str, Any]] = field(default_factory=list)
    synced: str | None = None
    seconds: float = 0.0

    def text(self) -> str:
        lines = [f"Demo finished in {self.seconds:.0f} s: {self.history_orders} orders of history, "
                 f"{self.live_events} live events, {self.sentinel_runs} Sales Sentinel runs."]
        if self.incident:
            i = self.incident
            lines.append(f"Incidents: {self.incidents}. Headline: {i['metric_label']} — observed "
                         f"{i['observed']:g} vs expected {i['expected']:g}; GMV at risk next hour "
                         f"{self.incident['gmv_at_risk']['next_hour']:,.2f}; detected "
                         f"{self.incident['time_to_detect_s'] / 60:.0f} min after it began.")
            if self.incident["probable_root_causes"]:
                lines.append(f"Top probable cause: {self.incident['probable_root_causes'][0]['cause']}")
        else:
            lines.append("No incident was detected.")
        lines += [f"#alerts: {a.splitlines()[0]}" for a in self.alerts[-3:]]
        paths = {" → ".join(r["steps"]) for r in self.playbook_runs}
        recovered = sum(r["converted"] for r in self.playbook_runs)
        lines.append(f"Abandoned Cart Recovery: {len(self.playbook_runs)} runs ({recovered} recovered); "
                     f"paths: {'; '.join(sorted(paths))}")
        lines.append(f"Backend: {self.synced}" if self.synced else "Backend: not signed in (local bus only).")
        return "\n".join(lines)

    def data(self) -> dict[str, Any]:
        return {"history_orders": self.history_orders, "live_events": self.live_events, "alerts": self.alerts,
                "incident": self.incident, "incidents": self.incidents, "sentinel_runs": self.sentinel_runs,
                "playbook_runs": self.playbook_runs, "synced": self.synced, "seconds": round(self.seconds, 1)}


def run_demo(app: App, *, days: int = 3, incident: str = "checkout_collapse", seed: int = 7,
             progress: Callable[[str], None] = lambda msg: None) -> DemoSummary:
    """Run the demo on ``app``'s data folder and say what happened."""
    if incident not in ("checkout_collapse", "app_release", "price_mistake"):
        raise ValidationError(f"{incident!r} is not one of checkout_collapse, app_release, price_mistake",
                              where="--incident")
    started = time.monotonic()
    summary = DemoSummary()
    if seed_demo(app.ctx).user_id != app.user_id:
        app.reset_user()  # only then: the window's services keep working on the same objects
    ws = app.workspace("Demo Workspace")
    config = app.agent_configs.find(ws.id, SENTINEL_CONFIG)
    day0 = day_start(days)
    incident_at = day0 + timedelta(days=days, hours=19, minutes=30)
    live_from = incident_at - timedelta(hours=LIVE_HOURS_BEFORE_INCIDENT)
    sim = StoreSimulator(day0, days + 0.95, seed=seed, incidents=[Incident(incident, incident_at, 45)])
    deliveries = [d for d in sim.deliveries() if d.at < incident_at + timedelta(hours=1, minutes=15)]
    history = [d for d in deliveries if d.at < live_from]
    live = [d for d in deliveries if d.at >= live_from]
    intake = ShopifyIntake(app.ctx)

    if app.platform_ready is not None:  # in the window: its platform (and sync worker) may still be starting
        app.platform_ready.wait(PLATFORM_WAIT_S)
    own = app.platform is None
    platform = Platform(app, schedules=False, sync=True) if own else app.platform

    progress(f"loading {days} days of shop history…")
    points = []
    with platform.triggers.events.muted():  # history is loaded, not lived: no agent reacts to each old order
        for d in history:
            if d.topic == "metrics":
                points.append(d.payload)
            elif d.topic.startswith(("orders/", "products/", "app/", "themes/")):
                intake.ingest(ws.id, d.topic, d.payload)
                summary.history_orders += d.topic.startswith("orders/")
        progress("warming up the Sales Sentinel on the history…")
        app.runtime.run(config.id, {"performance_metric_payload": {"points": points}, "backfill": True},
                        trigger_type=TriggerType.SCHEDULE)

    signed_in = load_profile(app.store) is not None
    live_started = time.time()
    if own:
        platform.start()
    alerts_channel = app.chat.channel(ws.id, "alerts")
    before = {m.id for m in app.chat.messages(alerts_channel.id, limit=1000)}
    try:
        progress(f"streaming the live evening: {len(live)} events, {incident.replace('_', ' ')} at "
                 f"{incident_at:%H:%M} UTC…")
        with platform.playbooks.compressed(ws.id, DEMO_TIME_SCALE):
            for d in live:
                intake.ingest(ws.id, d.topic, d.payload)
                summary.live_events += 1
            platform.drain()
    finally:
        if own:
            platform.stop()
    if signed_in and own:
        progress("pushing what is left to the backend…")
        summary.synced = _sync_now(app)
    elif signed_in:
        summary.synced = "the window's sync worker pushes it (see the status bar)"

    runs = [r for r in app.run_logs.list(config.id, limit=10_000) if r.start_time.timestamp() >= live_started]
    summary.sentinel_runs = len(runs)
    incidents = []
    for r in runs:
        if r.status == RunStatus.SUCCESS and r.output_data_json:
            outputs = {o["key_name"]: o["value"] for o in r.output_data_json["outputs_array"]}
            if outputs.get("incident_analysis_report"):
                incidents.append(outputs["incident_analysis_report"])
    summary.incidents = len(incidents)
    if incidents:  # the one that puts the most GMV at risk is the headline
        summary.incident = max(incidents, key=lambda i: i["gmv_at_risk"]["next_hour"])
    summary.alerts = [m.content_json.get("text_body", "") for m in app.chat.messages(alerts_channel.id, limit=1000)
                      if m.id not in before]
    pb = app.playbooks.find(ws.id, "Abandoned Cart Recovery")
    for run in app.playbooks.runs(pb.id, limit=1000):
        if run.created_at.timestamp() < live_started:
            continue
        summary.playbook_runs.append({"status": run.status.value, "converted": run.converted,
                                      "steps": [h["step_id"] for h in run.history_json]})
    summary.seconds = time.monotonic() - started
    return summary


def _sync_now(app: App) -> str:
    from ionflux.sync.session import SyncSession

    session = SyncSession.open(app.store, app.secrets)
    try:
        report = session.sync_now(timeout=600)
    finally:
        session.close()
    return (f"in sync with PostgreSQL and Kafka at {session.profile.kafka}, nothing pending "
            f"(last round: {report.line()})")
