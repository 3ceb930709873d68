"""WhatsApp Cloud API and Slack incoming webhooks against local servers checking the documented shapes."""

from __future__ import annotations

import pytest
from fake_services import Call, FakeService

from ionflux.agents.integrations.http import IntegrationError
from ionflux.agents.integrations.messaging import GRAPH_VERSION, SlackWebhook, WhatsAppClient
from ionflux.agents.retry import RetryPolicy
from ionflux.core.errors import ValidationError

FAST = RetryPolicy(base_delay_s=0.01, max_delay_s=0.02)


def whatsapp_api():  # type: ignore[no-untyped-def]
    state = {"n": 0}

    def handler(call: Call):  # type: ignore[no-untyped-def]
        state["n"] += 1
        if call.path != f"/{GRAPH_VERSION}/1055/messages" or call.headers.get("authorization") != "Bearer wa-token":
            return 401, {}, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
        body = call.json()
        if body.get("messaging_product") != "whatsapp" or body.get("type") not in ("text", "template"):
            return 400, {}, {"error": {"message": "(#100) Invalid parameter", "code": 100}}
        if body["type"] == "template" and not body["template"].get("language", {}).get("code"):
            return 400, {}, {"error": {"message": "template language required", "code": 100}}
        if state["n"] == 1:
            return 429, {"Retry-After": "0"}, {"error": {"message": "rate limit", "code": 130429}}
        return 200, {}, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                         "messages": [{"id": f"wamid.{state['n']}"}]}

    return FakeService(handler)


def test_whatsapp_template_and_text_are_sent_in_the_documented_shape() -> None:
    server = whatsapp_api()
    try:
        client = WhatsAppClient("1055", "wa-token", base_url=server.url, policy=FAST)
        sent = client.template("+1 (555) 010-2030", "cart_reminder", body_params=["Ava", "$120.00"], dry_run=False)
        assert sent.provider_id and not sent.dry_run
        body = server.calls[-1].json()
        assert body["to"] == "15550102030" and body["template"]["components"][0]["parameters"][1]["text"] == "$120.00"
        text = client.text("+15550102030", "Your cart is waiting", dry_run=False)
        assert server.calls[-1].json()["text"] == {"preview_url": False, "body": "Your cart is waiting"}
        assert text.provider_id.startswith("wamid.")
        assert len(server.calls) == 3  # one 429, retried
    finally:
        server.close()


def test_whatsapp_dry_run_sends_nothing_and_bad_numbers_are_refused() -> None:
    server = whatsapp_api()
    try:
        result = WhatsAppClient("1055", "wa-token", base_url=server.url).text("+15550102030", "hi")
        assert result.dry_run and result.request["type"] == "text" and server.calls == []
        with pytest.raises(ValidationError, match="international form"):
            WhatsAppClient("1055", None).text("call me maybe", "hi")
        with pytest.raises(IntegrationError, match="Invalid OAuth"):
            WhatsAppClient("1055", "bad", base_url=server.url, policy=FAST).text("+15550102030", "x", dry_run=False)
    finally:
        server.close()


def test_slack_brief() -> None:
    def handler(call: Call):  # type: ignore[no-untyped-def]
        body = call.json()
        if not body.get("text") or body["blocks"][0]["type"] != "header":
            return 400, {}, "invalid_payload"
        return 200, {}, None

    server = FakeService(handler)
    try:
        hook = SlackWebhook(f"{server.url}/services/T000/B000/XXXX", policy=FAST)
        result = hook.brief("Checkout anomaly", "*Orders* dropped 90%", fields={"GMV at risk": "$1,240"},
                            dry_run=False)
        assert not result.dry_run
        sent = server.calls[0].json()
        assert sent["blocks"][2]["fields"][0]["text"] == "*GMV at risk*\n$1,240"
        assert SlackWebhook(None).brief("t", "m").dry_run
    finally:
        server.close()
