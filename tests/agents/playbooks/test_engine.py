"""The playbook engine on the seeded Abandoned Cart Recovery: branches, delays, restarts, metrics."""

from __future__ import annotations

import time
import uuid

import pytest

from ionflux.agents.integrations.messaging import WhatsAppClient
from ionflux.agents.integrations.shopify_webhooks import ShopifyIntake
from ionflux.agents.playbooks.actions import Channels
from ionflux.agents.playbooks.engine import PlaybookEngine, choose_next
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.models import PlaybookRunStatus
from ionflux.core.playbooks import Playbooks

SCALE = 0.0003  # the hour-long wait becomes about a second

CUSTOMER = {"id": 7001, "email": "ava@example.com", "first_name": "Ava", "phone": "+15550102030"}


def _engine(ctx: Context) -> PlaybookEngine:
    engine = PlaybookEngine(ctx, Channels(WhatsAppClient("1055", None)), time_scale=SCALE)
    engine.start()
    return engine


def _abandon(ctx: Context, ws: uuid.UUID, token: str, total: str = "180.00") -> None:
    ShopifyIntake(ctx).ingest(ws, "checkouts/update", {
        "id": abs(hash(token)) % 10**9, "cart_token": token, "abandoned": True, "email": CUSTOMER["email"],
        "total_price": total, "currency": "USD", "customer": CUSTOMER,
        "abandoned_checkout_url": f"https://shop.example/r/{token}"})


def _wait_final(ctx: Context, pb_id: uuid.UUID, n: int = 1, timeout: float = 20.0) -> list:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        runs = Playbooks(ctx).runs(pb_id)
        if len(runs) >= n and all(r.status in (PlaybookRunStatus.COMPLETED, PlaybookRunStatus.FAILED) for r in runs):
            return runs
        time.sleep(0.05)
    raise AssertionError(f"runs not finished: {[(r.status, r.current_step_id) for r in Playbooks(ctx).runs(pb_id)]}")


@pytest.fixture
def playbook_id(demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> uuid.UUID:
    Commerce(demo).upsert_customer(demo_ws, CUSTOMER)
    return Playbooks(demo).find(demo_ws, "Abandoned Cart Recovery").id


def test_not_recovered_cart_gets_whatsapp_then_email(demo: Context, demo_ws: uuid.UUID, playbook_id: uuid.UUID) -> None:
    engine = _engine(demo)
    try:
        _abandon(demo, demo_ws, "cart-lost")
        (run,) = _wait_final(demo, playbook_id)
    finally:
        engine.stop()
    assert run.status == PlaybookRunStatus.COMPLETED and not run.converted
    steps = [h["step_id"] for h in run.history_json]
    assert steps == ["whatsapp_reminder", "check_after_an_hour", "email_follow_up"]
    wa = run.history_json[0]["output"]
    assert wa["dry_run"] and wa["request"]["template"]["name"] == "cart_reminder" and wa["to"] == "15550102030"
    assert wa["request"]["template"]["components"][0]["parameters"][0]["text"] == "Ava"
    assert run.history_json[2]["output"]["to"] == "ava@example.com"
    assert "cart-abandoner" in Commerce(demo).customers(demo_ws)[0].tags_array
    metrics = Playbooks(demo).get(playbook_id).performance_metrics_json
    assert metrics["total_triggered"] == 1 and metrics["total_completed"] == 1 and metrics["conversion_rate"] == 0


def test_recovered_cart_branches_to_the_recovered_tag(demo: Context, demo_ws: uuid.UUID,
                                                      playbook_id: uuid.UUID) -> None:
    engine = _engine(demo)
    try:
        _abandon(demo, demo_ws, "cart-back")
        Commerce(demo).upsert_order(demo_ws, {"id": 88, "created_at": "2026-11-20T12:00:00Z", "currency": "USD",
                                              "total_price": "180.00", "cart_token": "cart-back",
                                              "customer": CUSTOMER, "line_items": []})
        (run,) = _wait_final(demo, playbook_id)
    finally:
        engine.stop()
    assert [h["step_id"] for h in run.history_json] == ["whatsapp_reminder", "check_after_an_hour", "tag_recovered"]
    assert run.converted
    assert Playbooks(demo).get(playbook_id).performance_metrics_json["conversion_rate"] == 1.0


def test_small_carts_and_duplicate_events_do_not_start_runs(demo: Context, demo_ws: uuid.UUID,
                                                            playbook_id: uuid.UUID) -> None:
    engine = _engine(demo)
    try:
        _abandon(demo, demo_ws, "cart-small", total="40.00")
        _abandon(demo, demo_ws, "cart-big")
        _wait_final(demo, playbook_id)
        event = Playbooks(demo).runs(playbook_id)[0].trigger_event_id
        from ionflux.core.models import Playbook

        with demo.store.read() as s:
            pb = s.get(Playbook, playbook_id)
        assert Playbooks(demo).start_run(pb, event, "x", {}) is None  # a re-delivered event never runs twice
        engine.drain()
    finally:
        engine.stop()
    assert len(Playbooks(demo).runs(playbook_id)) == 1


def test_a_waiting_run_survives_a_restart(demo: Context, demo_ws: uuid.UUID, playbook_id: uuid.UUID) -> None:
    engine = _engine(demo)
    _abandon(demo, demo_ws, "cart-restart")
    end = time.monotonic() + 10
    while time.monotonic() < end and not any(r.status == PlaybookRunStatus.WAITING
                                             for r in Playbooks(demo).runs(playbook_id)):
        time.sleep(0.02)
    engine.stop()  # closed while the hour-long wait is pending
    (waiting,) = Playbooks(demo).runs(playbook_id)
    assert waiting.status == PlaybookRunStatus.WAITING and waiting.resume_at is not None
    time.sleep(1.3)
    again = _engine(demo)  # next start: the due run is resumed from the store
    try:
        (run,) = _wait_final(demo, playbook_id)
    finally:
        again.stop()
    assert run.status == PlaybookRunStatus.COMPLETED and len(run.history_json) == 3


def test_unknown_agent_fails_the_run_clearly(demo: Context, demo_ws: uuid.UUID) -> None:
    pb = Playbooks(demo).create(demo_ws, "Ask an agent", {"event_type": "ionflux.canvas.page.created"}, [
        {"step_id": "a", "step_name": "A", "delay_seconds": 0, "action_type": "trigger_agent",
         "action_config_json": {"target_agent_definition_id": "agent_999"}}], status="active")
    engine = _engine(demo)
    try:
        from ionflux.core.pages import Pages

        Pages(demo).create(demo_ws, "Trigger page")
        (run,) = _wait_final(demo, pb.id)
    finally:
        engine.stop()
    assert run.status == PlaybookRunStatus.FAILED and "agent_999" in run.error_text


def test_choose_next() -> None:
    step = {"next_step_conditions_json_array": [{"condition_on_output_key": "score", "operator": "gt", "value": 5,
                                                  "next_step_id": "high"}], "default_next_step_id": "low"}
    assert choose_next(step, {"score": 9}) == "high"
    assert choose_next(step, {"score": 1}) == "low"
    assert choose_next(step, {}) == "low"
