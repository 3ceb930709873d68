"""The Email Wizard through the real runtime: dry runs, a live send to a local SendGrid, events, bad payloads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import keyring
import pytest
import yaml
from ew_data import customer_payload, order_payload
from ew_fake_sendgrid import KEY, FakeSendGrid, fake_sendgrid
from sqlalchemy import select

from ionflux.agents.email_wizard.agent import EmailWizard
from ionflux.agents.runtime import AgentRuntime
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.agent_state import AgentStates
from ionflux.core.clock import utcnow
from ionflux.core.commerce import Commerce
from ionflux.core.context import Context
from ionflux.core.models import PlatformEvent
from ionflux.core.profiles import Brands
from ionflux.core.secrets import SecretStore

VOICE = "Warm, upbeat and down to earth; talk to the reader as a friend. Avoid: cheap, deal, hurry."
CAMPAIGN = {"name": "denim-launch", "product_name": "Recycled Denim Jacket",
            "key_benefits": "100% recycled cotton, built to last", "call_to_action_url": "https://ecothreads.example/d"}


@pytest.fixture
def shop(demo: Context, demo_ws: uuid.UUID, no_demo_shop: None) -> None:
    """Six customers: two mailable (one new, one loyal), the others each skipped for a different reason."""
    brands = Brands(demo)
    eco = next(b for b in brands.list(demo_ws) if b.name == "EcoThreads Boutique")  # the demo's brand
    brands.update(eco.id, brand_voice_guidelines_text=VOICE)
    commerce, now = Commerce(demo), utcnow()
    people = [(1, "new@example.com", {}), (2, "loyal@example.com", {"tz": "Europe/Lisbon"}),
              (3, "gone@example.com", {"consent": "unsubscribed"}),
              (4, "bounce@example.com", {"email_deliverability": "bounced"}),
              (5, "pending@example.com", {"consent": "pending"}), (6, "sleepy@example.com", {})]
    for cid, email, extra in people:
        commerce.upsert_customer(demo_ws, customer_payload(cid, email, **extra))
    orders = {1: [2], 2: [40, 80, 120], 3: [10], 4: [12], 5: [15], 6: [500]}
    oid = 5000
    for cid, days in orders.items():
        for d in days:
            oid += 1
            commerce.upsert_order(demo_ws, order_payload(oid, cid, people[cid - 1][1], now - timedelta(days=d)))


def make_config(demo: Context, demo_ws: uuid.UUID, **inputs: Any) -> uuid.UUID:
    text = yaml.safe_dump({"inputs": {"campaign": CAMPAIGN, "max_llm_copies": 0, "quiet_hours_start": 0,
                                      "quiet_hours_end": 0, **inputs}})
    return AgentConfigs(demo).create(demo_ws, "agent_001", f"Email {uuid.uuid4().hex[:6]}", text).id


@pytest.fixture
def sendgrid(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSendGrid]:
    """The local SendGrid, and the runtime giving agents the keyring (as the app will)."""
    SecretStore(keyring.get_keyring()).set("keyring:sendgrid", KEY)
    original = AgentRuntime._context

    def with_secrets(self: AgentRuntime, *args: Any, **kw: Any) -> Any:
        ctx = original(self, *args, **kw)
        ctx.secrets = SecretStore(keyring.get_keyring()).get_optional
        return ctx

    monkeypatch.setattr(AgentRuntime, "_context", with_secrets)
    with fake_sendgrid() as fake:
        monkeypatch.setattr(EmailWizard, "api_bases", {"global": fake.url})
        yield fake


def by_email(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["email"]: e for e in entries}


def test_a_dry_run_by_default_says_who_would_get_what(demo: Context, demo_ws: uuid.UUID, shop: None,
                                                      runtime: AgentRuntime) -> None:
    result = runtime.run(make_config(demo, demo_ws))
    report = result.outputs["send_report"]
    assert report["mode"] == "dry_run" and "dry_run is on" in report["mode_reason"]
    would = by_email(report["sent"])
    assert set(would) == {"new@example.com", "loyal@example.com"}
    assert would["new@example.com"]["step"] == "welcome" and would["new@example.com"]["status"] == "would_send"
    assert would["loyal@example.com"]["timezone"] == "Europe/Lisbon"
    skipped = {e["email"]: e["reason"] for e in report["skipped"]}
    assert skipped == {"gone@example.com": "unsubscribed from marketing email",
                       "bounce@example.com": "address is not deliverable (bounced)",
                       "pending@example.com": "double opt-in not confirmed yet",
                       "sleepy@example.com": "inactive for 500 days (more than 365)"}
    assert report["counts"]["would_send"] == 2 and report["counts"]["audience_by_segment"]["new"] == 4
    assert {c["source"] for c in report["copy"]} == {"template"}
    assert all(b["status"] == "dry_run" for b in report["batches"])
    assert report["problems"][0]["reason"].startswith("from.email")  # no sender yet: a real send would fail
    assert "would send (dry run): 2 email(s)" in result.run.output_preview_text


def test_a_live_send_goes_to_sendgrid_once(demo: Context, demo_ws: uuid.UUID, shop: None, runtime: AgentRuntime,
                                           sendgrid: FakeSendGrid) -> None:
    config = make_config(demo, demo_ws, dry_run=False, sender_email="hello@ecothreads.example",
                         sendgrid_api_key_secret_ref="keyring:sendgrid")
    heard: list[Any] = []
    demo.store.bus.subscribe("ionflux.agent.emailwizard.*", lambda e: heard.append(e.payload_json))
    report = runtime.run(config).outputs["send_report"]
    assert report["mode"] == "live" and report["counts"]["sent"] == 2 and not report["failed"]
    assert all(e["status"] == "accepted" and e["message_id"] for e in report["sent"])
    bodies = sendgrid.bodies()
    assert len(bodies) == 2 and all(b["from"]["email"] == "hello@ecothreads.example" for b in bodies)
    addresses = sorted(p["to"][0]["email"] for b in bodies for p in b["personalizations"])
    assert addresses == ["loyal@example.com", "new@example.com"]
    assert any("segment:new" in b["categories"] for b in bodies)
    assert heard and heard[0]["sent"] == 2 and heard[0]["campaign"]["name"] == "denim-launch"
    history = AgentStates(demo).get(config, "send_history")
    assert set(history) == {"id:1", "id:2"} and history["id:1"]["steps"].keys() == {"welcome"}
    again = runtime.run(config).outputs["send_report"]  # the next tick: nothing new is due
    assert again["counts"]["sent"] == 0 and len(sendgrid.requests) == 2
    assert by_email(again["skipped"])["new@example.com"]["reason"].startswith("next step 'tips' is due on")


def test_an_order_event_mails_only_that_customer(demo: Context, demo_ws: uuid.UUID, shop: None,
                                                 runtime: AgentRuntime) -> None:
    Commerce(demo).upsert_customer(demo_ws, customer_payload(7, "fresh@example.com", first_name="Rui"))
    event = order_payload(9001, 7, "fresh@example.com", utcnow())
    report = runtime.run(make_config(demo, demo_ws), {"shopify_event": {"order": event}}).outputs["send_report"]
    assert [e["email"] for e in report["sent"]] == ["fresh@example.com"] and not report["skipped"]
    assert report["sent"][0]["step"] == "welcome"
    assert "9001" in {o.shop_order_id for o in Commerce(demo).orders(demo_ws)}


def test_bad_payloads_are_reported_and_change_nothing(demo: Context, demo_ws: uuid.UUID, shop: None,
                                                      runtime: AgentRuntime) -> None:
    config = make_config(demo, demo_ws)
    bad_order = order_payload(9002, 8, "x@example.com", utcnow())
    bad_order["line_items"][0]["quantity"] = -3
    report = runtime.run(config, {"shopify_event": bad_order}).outputs["send_report"]
    assert report["problems"][0]["where"] == "shopify_event: order 9002: line_items[0].quantity"
    assert report["sent"] == [] and "9002" not in {o.shop_order_id for o in Commerce(demo).orders(demo_ws)}
    report = runtime.run(config, {"manual_payload": {"mode": "blast"}}).outputs["send_report"]
    assert report["problems"][0]["where"] == "manual_payload.mode" and report["sent"] == []
    assert AgentStates(demo).get(config, "send_history") is None


def test_a_broadcast_to_one_segment_with_llm_copy(demo: Context, demo_ws: uuid.UUID, shop: None,
                                                  runtime: AgentRuntime) -> None:
    config = make_config(demo, demo_ws, max_llm_copies=1, copy_max_tokens=64)
    payload = {"mode": "broadcast", "segments": ["new"], "campaign": {"name": "bf-preview"}}
    result = runtime.run(config, {"manual_payload": payload})
    report = result.outputs["send_report"]
    assert [e["email"] for e in report["sent"]] == ["new@example.com"]
    assert report["sent"][0]["step"] == "campaign:bf-preview"
    (copy,) = report["copy"]
    assert copy["source"] in ("llm", "template") and (copy["source"] == "llm" or copy["note"])
    assert result.run.kpi_results_json["llm_calls"] == 1
    with demo.store.read() as s:  # dry runs announce nothing
        assert not list(s.scalars(select(PlatformEvent).where(
            PlatformEvent.event_type == "ionflux.agent.emailwizard.campaign_sent")))


def test_unknown_segments_are_refused(demo: Context, demo_ws: uuid.UUID, shop: None, runtime: AgentRuntime) -> None:
    report = runtime.run(make_config(demo, demo_ws, segments=["vips"])).outputs["send_report"]
    assert report["problems"][0]["where"] == "segments" and report["sent"] == []
    payload = {"segments": ["champs"]}
    report = runtime.run(make_config(demo, demo_ws), {"manual_payload": payload}).outputs["send_report"]
    assert report["problems"][0]["where"] == "manual_payload.segments"


def test_out_of_range_sending_rules_are_refused(demo: Context, demo_ws: uuid.UUID, shop: None,
                                                runtime: AgentRuntime) -> None:
    report = runtime.run(make_config(demo, demo_ws, quiet_hours_end=25)).outputs["send_report"]
    assert report["problems"][0] == {"where": "quiet_hours_end", "reason": "must be a whole number from 0 to 23",
                                     "effect": "nothing was sent"}
