"""Webhook triggers: an optional HTTP listener on 127.0.0.1 that runs a configuration per signed call.

``POST /hooks/<configuration id><webhook_path_suffix>`` with a JSON body. Each configuration has
its own secret (created on first use, kept in the keyring under ``webhook:<configuration id>``).
A call must carry ``X-Ionflux-Timestamp`` (Unix seconds, within five minutes) and
``X-Ionflux-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>``;
anything else is refused (401) and a signature is accepted once (replays get 409). The body
becomes the run's inputs (a JSON object of input values); the reply is 202 Accepted and the run
goes to the background pool (its outcome is in the run history).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ionflux.agents.dispatch import RunDispatcher
from ionflux.core.errors import IonfluxError
from ionflux.core.models import TriggerType
from ionflux.core.secrets import SecretStore

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
MAX_SKEW_S = 300
SIGNATURE_HEADER = "X-Ionflux-Signature"
TIMESTAMP_HEADER = "X-Ionflux-Timestamp"


def webhook_secret_ref(config_id: uuid.UUID) -> str:
    return f"webhook:{config_id}"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body (what a caller computes)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


class WebhookServer:
    """A small threaded HTTP server bound to 127.0.0.1 only.

    Args:
        secrets_store: Where per-configuration secrets live.
        resolve: Maps (config id, path suffix) to True when that configuration has an enabled
            webhook trigger with that suffix.
        dispatcher: Where accepted calls become runs.
        port: 0 for any free port.
    """

    def __init__(self, secrets_store: SecretStore, resolve: Callable[[uuid.UUID, str], bool],
                 dispatcher: RunDispatcher, port: int = 0) -> None:
        self.secrets = secrets_store
        self.resolve = resolve
        self.dispatcher = dispatcher
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._seen_lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def secret_for(self, config_id: uuid.UUID) -> str:
        """The configuration's webhook secret, created (and stored in the keyring) on first use."""
        ref = webhook_secret_ref(config_id)
        value = self.secrets.get_optional(ref)
        if value is None:
            value = secrets.token_urlsafe(32)
            self.secrets.set(ref, value)
        return value

    def start(self) -> None:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="ionflux-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
            self.httpd.shutdown()
            self._thread = None
        self.httpd.server_close()

    def _replayed(self, signature: str) -> bool:
        now = time.time()
        with self._seen_lock:
            while self._seen and next(iter(self._seen.values())) < now - 2 * MAX_SKEW_S:
                self._seen.popitem(last=False)
            if signature in self._seen:
                return True
            self._seen[signature] = now
            return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                log.info("webhook %s", fmt % args)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                parts = self.path.split("?", 1)[0].split("/", 3)
                if len(parts) < 3 or parts[1] != "hooks":
                    return self._reply(404, {"error": "unknown path"})
                try:
                    config_id = uuid.UUID(parts[2])
                except ValueError:
                    return self._reply(404, {"error": "unknown configuration"})
                suffix = "/" + parts[3] if len(parts) > 3 else ""
                if not server.resolve(config_id, suffix):
                    return self._reply(404, {"error": "no enabled webhook trigger at this path"})
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    return self._reply(413, {"error": f"body larger than {MAX_BODY_BYTES} bytes"})
                body = self.rfile.read(length)
                stamp = self.headers.get(TIMESTAMP_HEADER, "")
                signature = self.headers.get(SIGNATURE_HEADER, "")
                if not stamp.isdigit() or abs(time.time() - int(stamp)) > MAX_SKEW_S:
                    return self._reply(401, {"error": f"missing or stale {TIMESTAMP_HEADER}"})
                expected = sign(server.secret_for(config_id), stamp, body)
                if not signature or not hmac.compare_digest(signature, expected):
                    return self._reply(401, {"error": "missing or wrong signature"})
                if server._replayed(signature):
                    return self._reply(409, {"error": "this delivery was already received"})
                try:
                    inputs = json.loads(body or b"{}")
                except json.JSONDecodeError as exc:
                    return self._reply(400, {"error": f"body is not JSON: {exc.msg}"})
                if not isinstance(inputs, dict):
                    return self._reply(400, {"error": "body must be a JSON object of inputs"})
                try:
                    server.dispatcher.submit(config_id, inputs, TriggerType.WEBHOOK)
                except IonfluxError as exc:
                    return self._reply(400, {"error": exc.one_line()})
                return self._reply(202, {"accepted": True, "configuration_id": str(config_id)})

        return Handler
