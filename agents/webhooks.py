"""Webhook triggers: ``POST /hooks/<configuration id><webhook_path_suffix>`` on the loopback listener.

Each configuration has its own secret (created on first use, kept in the keyring under
``webhook:<configuration id>``). A call must carry ``X-Ionflux-Timestamp`` (Unix seconds, within
five minutes) and ``X-Ionflux-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with
the secret>``; anything else is refused (401), and a signature is accepted once (replays get 409).
The body becomes the run's inputs (a JSON object of input values); the reply is 202 Accepted and
the run goes to the background pool (its outcome is in the run history).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from ionflux.agents.dispatch import RunDispatcher
from ionflux.agents.http_listener import HttpListener, Reply, Request
from ionflux.core.errors import IonfluxError
from ionflux.core.models import TriggerType
from ionflux.core.secrets import SecretStore

PREFIX = "/hooks/"
MAX_SKEW_S = 300
SIGNATURE_HEADER = "X-Ionflux-Signature"
TIMESTAMP_HEADER = "X-Ionflux-Timestamp"


def webhook_secret_ref(config_id: uuid.UUID) -> str:
    return f"webhook:{config_id}"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body (what a caller computes)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


class ReplayGuard:
    """Remembers delivery ids (signatures, webhook ids) for ``ttl_s`` so each is accepted once."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True (and remembered) the first time ``key`` is seen within the TTL."""
        with self._lock:
            self._expire()
            if key in self._seen:
                return False
            self._seen[key] = time.time()
            return True

    def seen(self, key: str) -> bool:
        with self._lock:
            self._expire()
            return key in self._seen

    def remember(self, key: str) -> None:
        with self._lock:
            self._seen[key] = time.time()

    def _expire(self) -> None:
        now = time.time()
        while self._seen and next(iter(self._seen.values())) < now - self.ttl_s:
            self._seen.popitem(last=False)


class AgentWebhooks:
    """The ``/hooks/`` route: signed calls that start agent runs.

    Args:
        secrets_store: Where per-configuration secrets live.
        resolve: True when that configuration has an enabled webhook trigger with that path suffix.
        dispatcher: Where accepted calls become runs.
    """

    def __init__(self, secrets_store: SecretStore, resolve: Callable[[uuid.UUID, str], bool],
                 dispatcher: RunDispatcher) -> None:
        self.secrets = secrets_store
        self.resolve = resolve
        self.dispatcher = dispatcher
        self._replays = ReplayGuard(2 * MAX_SKEW_S)

    def mount(self, listener: HttpListener) -> None:
        listener.route(PREFIX, self.handle)

    def secret_for(self, config_id: uuid.UUID) -> str:
        """The configuration's webhook secret, created (and stored in the keyring) on first use."""
        ref = webhook_secret_ref(config_id)
        value = self.secrets.get_optional(ref)
        if value is None:
            value = secrets.token_urlsafe(32)
            self.secrets.set(ref, value)
        return value

    def handle(self, request: Request) -> Reply:
        rest = request.path[len(PREFIX):]
        head, _, suffix = rest.partition("/")
        try:
            config_id = uuid.UUID(head)
        except ValueError:
            return Reply(404, {"error": "unknown configuration"})
        if not self.resolve(config_id, "/" + suffix if suffix else ""):
            return Reply(404, {"error": "no enabled webhook trigger at this path"})
        stamp = request.headers.get(TIMESTAMP_HEADER.lower(), "")
        signature = request.headers.get(SIGNATURE_HEADER.lower(), "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > MAX_SKEW_S:
            return Reply(401, {"error": f"missing or stale {TIMESTAMP_HEADER}"})
        if not signature or not hmac.compare_digest(signature, sign(self.secret_for(config_id), stamp, request.body)):
            return Reply(401, {"error": "missing or wrong signature"})
        if not self._replays.first_time(signature):
            return Reply(409, {"error": "this delivery was already received"})
        try:
            inputs = json.loads(request.body or b"{}")
        except json.JSONDecodeError as exc:
            return Reply(400, {"error": f"body is not JSON: {exc.msg}"})
        if not isinstance(inputs, dict):
            return Reply(400, {"error": "body must be a JSON object of inputs"})
        try:
            self.dispatcher.submit(config_id, inputs, TriggerType.WEBHOOK)
        except IonfluxError as exc:
            return Reply(400, {"error": exc.one_line()})
        return Reply(202, {"accepted": True, "configuration_id": str(config_id)})
