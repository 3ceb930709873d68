"""A local stand-in for SendGrid's v3 Mail Send endpoint that checks the documented request shape.

It answers as the real API does: 202 with ``X-Message-Id`` for a valid request, 400 with
``{"errors": [{"message", "field", "help"}]}`` naming the field at fault, 401 for a wrong key, and
whatever statuses a test scripts first (429 with rate-limit headers, 5xx, slow replies). Its
checks are written from the API documentation independently of the client's own, so a client bug
cannot hide behind a shared helper.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "SG.test-key"
REFUSED_DOMAIN = "@refused.test"  # addresses the fake treats as invalid recipients


def documented_errors(body: Any) -> list[dict[str, Any]]:
    """The 400 errors SendGrid documents for a Mail Send body (field paths as SendGrid writes them)."""
    errs: list[dict[str, Any]] = []

    def err(field: str | None, message: str) -> None:
        errs.append({"field": field, "message": message, "help": "https://docs.sendgrid.com/api-reference/mail-send"})

    if not isinstance(body, dict):
        err(None, "Bad Request")
        return errs
    pers = body.get("personalizations")
    if not isinstance(pers, list) or not pers:
        err("personalizations", "You must have at least one personalization.")
        return errs
    if len(pers) > 1000:
        err("personalizations", f"The personalization block is limited to 1000 personalizations per API request. "
                                f"You have provided {len(pers)} personalizations.")
    seen = set()
    for i, p in enumerate(pers):
        to = p.get("to")
        if not isinstance(to, list) or not to:
            err(f"personalizations.{i}.to", "The to parameter is required for all personalization objects.")
            continue
        for j, t in enumerate(to):
            address = str(t.get("email") or "")
            if "@" not in address or address.endswith(REFUSED_DOMAIN):
                err(f"personalizations.{i}.to.{j}.email", "Does not contain a valid address.")
            if address.lower() in seen:
                err(f"personalizations.{i}.to.{j}.email", "Each unique email address in the personalizations array "
                                                          "should only be included once.")
            seen.add(address.lower())
            if any(c in str(t.get("name") or "") for c in ";,"):
                err(f"personalizations.{i}.to.{j}.name", "The to.name cannot include ; or , characters.")
        if not (p.get("subject") or body.get("subject")):
            err("subject", "The subject is required. You can get around this requirement if you use a template.")
        if "send_at" in p and not (0 <= int(p["send_at"]) - time.time() <= 72 * 3600 + 60):
            err(f"personalizations.{i}.send_at", "send_at must be within 72 hours.")
        for key, value in (p.get("substitutions") or {}).items():
            if not isinstance(value, str):
                err(f"personalizations.{i}.substitutions.{key}", "Substitutions must be strings.")
    sender = body.get("from") or {}
    if not sender.get("email"):
        err("from.email", "The from email does not contain a valid address.")
    content = body.get("content")
    if not isinstance(content, list) or not content:
        err("content", "Unless a valid template_id is provided, the content parameter is required.")
    else:
        types = [c.get("type") for c in content]
        if "text/plain" in types and types[0] != "text/plain":
            err("content.0.type", "The text/plain content type must be first.")
        if any(not c.get("value") for c in content):
            err("content", "The content value must be a string at least one character in length.")
    if len(body.get("categories") or []) > 10:
        err("categories", "You cannot have more than 10 categories per request.")
    return errs


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up on purpose (the timeout test) is not an error here


class FakeSendGrid:
    """The server; ``script`` holds (status, headers, delay_s) replies given before normal handling."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, str], float]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with fake.lock:
                    fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    scripted = fake.script.pop(0) if fake.script else None
                if scripted is not None:
                    status, headers, delay = scripted
                    time.sleep(delay)
                    payload = {"errors": [{"field": None, "message": "too many requests" if status == 429 else
                                           "internal error"}]}
                    return self._reply(status, payload, headers)
                if self.path != "/v3/mail/send":
                    return self._reply(404, {"errors": [{"field": None, "message": "not found"}]})
                if self.headers.get("Authorization") != f"Bearer {KEY}":
                    return self._reply(401, {"errors": [{"field": None, "message": "The provided authorization grant "
                                                         "is invalid, expired, or revoked"}]})
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    return self._reply(415, {"errors": [{"field": None, "message": "Content-Type should be "
                                                         "application/json."}]})
                errors = documented_errors(body)
                if errors:
                    return self._reply(400, {"errors": errors})
                return self._reply(202, None, {"X-Message-Id": uuid.uuid4().hex[:22]})

            def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests]


@contextmanager
def fake_sendgrid() -> Iterator[FakeSendGrid]:
    fake = FakeSendGrid()
    thread = threading.Thread(target=fake.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.httpd.shutdown()
        fake.httpd.server_close()
        thread.join(5)
