"""The SendGrid client against a local server that checks the documented request shape and replies as SendGrid."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from ew_fake_sendgrid import KEY, REFUSED_DOMAIN, FakeSendGrid, documented_errors, fake_sendgrid

from ionflux.agents.email_wizard.mailer import BatchOutcome, SendGridAuthError, SendGridClient
from ionflux.agents.email_wizard.sendgrid import Message, Recipient, body_problems, build_bodies
from ionflux.agents.llm.base import Cancelled, CancelToken

MESSAGE = Message(from_email="hello@ecothreads.example", from_name="EcoThreads", subject="Fallback subject",
                  text="Hi -first_name-,\n\nMeet the Recycled Denim Jacket.", html="<p>Hi -first_name-,</p>",
                  categories=("ionflux", "email_wizard", "segment:loyal"), custom_args={"ionflux_run": "r1"})


def recipients(n: int, domain: str = "@example.com", send_at: int | None = None) -> list[Recipient]:
    return [Recipient(key=f"id:{i}", email=f"c{i}{domain}", name=f"Customer, {i}", subject="Your early access",
                      substitutions={"-first_name-": f"C{i}"}, custom_args={"customer": f"id:{i}"}, send_at=send_at)
            for i in range(n)]


@pytest.fixture
def server() -> Iterator[FakeSendGrid]:
    with fake_sendgrid() as fake:
        yield fake


def client(fake: FakeSendGrid, key: str = KEY, **kw: object) -> SendGridClient:
    return SendGridClient(key, base_url=fake.url, base_delay_s=0.01, **kw)  # type: ignore[arg-type]


def send_one(fake: FakeSendGrid, people: list[Recipient], **kw: object) -> BatchOutcome:
    ((chunk, body),) = build_bodies(MESSAGE, people)
    return client(fake, **kw).send(chunk, body)


def test_an_accepted_batch_has_the_documented_shape(server: FakeSendGrid) -> None:
    later = int(time.time()) + 3600
    outcome = send_one(server, recipients(3, send_at=later))
    assert outcome.status == "accepted" and outcome.http_status == 202 and outcome.attempts == 1
    assert outcome.message_id
    (request,) = server.requests
    assert request["path"] == "/v3/mail/send" and request["headers"]["Authorization"] == f"Bearer {KEY}"
    body = request["body"]
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["from"] == {"email": "hello@ecothreads.example", "name": "EcoThreads"}
    first = body["personalizations"][0]
    assert first == {"to": [{"email": "c0@example.com", "name": "Customer  0"}], "subject": "Your early access",
                     "substitutions": {"-first_name-": "C0"}, "custom_args": {"customer": "id:0"}, "send_at": later}
    assert body["tracking_settings"] == {"subscription_tracking": {"enable": True}}
    assert body["categories"] == ["ionflux", "email_wizard", "segment:loyal"]


def test_large_audiences_go_in_batches_of_1000(server: FakeSendGrid) -> None:
    people = recipients(2500)
    batches = build_bodies(MESSAGE, people)
    assert [len(chunk) for chunk, _ in batches] == [1000, 1000, 500]
    sg = client(server)
    assert all(sg.send(chunk, body).status == "accepted" for chunk, body in batches)
    assert [len(b["personalizations"]) for b in server.bodies()] == [1000, 1000, 500]


def test_429_waits_for_retry_after_then_succeeds(server: FakeSendGrid) -> None:
    server.script = [(429, {"Retry-After": "0.3", "X-RateLimit-Remaining": "0"}, 0.0)]
    started = time.monotonic()
    outcome = send_one(server, recipients(2))
    assert outcome.status == "accepted" and outcome.attempts == 2
    assert time.monotonic() - started >= 0.3


def test_429_without_retry_after_waits_for_the_rate_limit_reset(server: FakeSendGrid) -> None:
    now = 1_700_000_000.0
    server.script = [(429, {"X-RateLimit-Limit": "150", "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": str(int(now) + 1)}, 0.0)]
    started = time.monotonic()
    outcome = send_one(server, recipients(1), clock=lambda: now + 0.6)  # 0.4 s before the reset
    assert outcome.status == "accepted" and 0.35 <= time.monotonic() - started < 5


def test_a_long_rate_limit_fails_the_batch_instead_of_hanging(server: FakeSendGrid) -> None:
    server.script = [(429, {"Retry-After": "3600"}, 0.0)]
    outcome = send_one(server, recipients(1))
    assert outcome.status == "failed" and "rate limited for 3600 s" in outcome.error and len(server.requests) == 1


def test_server_errors_are_retried_with_backoff(server: FakeSendGrid) -> None:
    server.script = [(503, {}, 0.0), (500, {}, 0.0)]
    outcome = send_one(server, recipients(1))
    assert outcome.status == "accepted" and outcome.attempts == 3


def test_persistent_server_errors_give_up(server: FakeSendGrid) -> None:
    server.script = [(502, {}, 0.0)] * 3
    outcome = send_one(server, recipients(1), attempts=3)
    assert outcome.status == "failed" and outcome.http_status == 502 and len(server.requests) == 3


def test_a_400_naming_recipients_drops_them_and_sends_the_rest(server: FakeSendGrid) -> None:
    people = recipients(3)
    people[1] = Recipient("id:bad", f"bad{REFUSED_DOMAIN}", None, "Your early access")
    outcome = send_one(server, people)
    assert outcome.status == "accepted" and outcome.attempts == 2
    assert [(r.key, why) for r, why in outcome.dropped] == [("id:bad", "Does not contain a valid address.")]
    assert [r.key for r in outcome.recipients] == ["id:0", "id:2"]
    assert len(server.bodies()[1]["personalizations"]) == 2


def test_other_400s_fail_without_retrying(server: FakeSendGrid) -> None:
    ((chunk, body),) = build_bodies(MESSAGE, recipients(1))
    body["from"] = {}
    outcome = client(server).send(chunk, body)
    assert outcome.status == "failed" and outcome.http_status == 400
    assert "from.email: The from email does not contain a valid address." in outcome.error
    assert len(server.requests) == 1


def test_a_wrong_key_stops_everything(server: FakeSendGrid) -> None:
    ((chunk, body),) = build_bodies(MESSAGE, recipients(1))
    with pytest.raises(SendGridAuthError, match="HTTP 401"):
        client(server, key="SG.wrong").send(chunk, body)


def test_no_server_is_retried_then_fails() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    ((chunk, body),) = build_bodies(MESSAGE, recipients(1))
    outcome = SendGridClient(KEY, base_url=f"http://127.0.0.1:{port}", base_delay_s=0.01, attempts=3).send(chunk, body)
    assert outcome.status == "failed" and outcome.attempts == 3 and "cannot connect" in outcome.error


def test_a_timeout_after_sending_is_unknown_and_not_retried(server: FakeSendGrid) -> None:
    server.script = [(202, {}, 1.0)]
    http = httpx.Client(timeout=httpx.Timeout(0.3, connect=1.0))
    ((chunk, body),) = build_bodies(MESSAGE, recipients(1))
    outcome = SendGridClient(KEY, base_url=server.url, http=http, base_delay_s=0.01).send(chunk, body)
    assert outcome.status == "unknown" and "not retried" in outcome.error and len(server.requests) == 1


def test_cancelling_interrupts_a_rate_limit_wait(server: FakeSendGrid) -> None:
    server.script = [(429, {"Retry-After": "30"}, 0.0)]
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        send_one(server, recipients(1), cancel=token)


def test_body_checks_match_the_documented_rules() -> None:
    ((_, good),) = build_bodies(MESSAGE, recipients(2))
    assert body_problems(good) == [] and documented_errors(good) == []
    dup = build_bodies(MESSAGE, [*recipients(1), *recipients(1)])[0][1]
    assert "appears more than once" in body_problems(dup)[0] and documented_errors(dup)
    html_first = {**good, "content": list(reversed(good["content"]))}
    assert body_problems(html_first) == ["content: text/plain must come first"] and documented_errors(html_first)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    far = build_bodies(MESSAGE, recipients(1, send_at=int(now.timestamp()) + 80 * 3600))[0][1]
    assert "within the next 72 hours" in body_problems(far, now)[0] and documented_errors(far)
    assert body_problems({"personalizations": []}) == ["personalizations: at least one is required"]
