"""A small threaded HTTP listener on 127.0.0.1 for inbound calls (agent webhooks, Shopify webhooks).

One listener, several routes by path prefix. It enforces what every route needs — loopback only,
a body size limit, JSON replies — so each route's handler only checks its own signature rules.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class Request:
    """What a route handler sees of one call."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


Handler = Callable[[Request], Reply]


class HttpListener:
    """``route(prefix, handler)`` then ``start()``; handlers run on the listener's threads.

    Args:
        port: 0 for any free port (see :attr:`port`).
        max_body_bytes: Larger bodies are refused with 413 before being read.
    """

    def __init__(self, port: int = 0, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self._routes: list[tuple[str, Handler]] = []
        self.max_body_bytes = max_body_bytes
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, prefix: str, handler: Handler) -> None:
        """Send POSTs whose path starts with ``prefix`` to ``handler`` (longest prefix wins)."""
        self._routes.append((prefix, handler))
        self._routes.sort(key=lambda r: -len(r[0]))

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.httpd.serve_forever, name="ionflux-http", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
            self.httpd.shutdown()
            self._thread = None
        self.httpd.server_close()

    def _dispatch(self, request: Request) -> Reply:
        for prefix, handler in self._routes:
            if request.path.startswith(prefix):
                try:
                    return handler(request)
                except Exception:
                    log.exception("handler for %s failed", request.path)
                    return Reply(500, {"error": "internal error"})
        return Reply(404, {"error": "unknown path"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                log.info("http %s", fmt % args)

            def _send(self, reply: Reply) -> None:
                data = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    return self._send(Reply(400, {"error": "bad Content-Length"}))
                if length > listener.max_body_bytes:
                    self.close_connection = True
                    return self._send(Reply(413, {"error": f"body larger than {listener.max_body_bytes} bytes"}))
                body = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                self._send(listener._dispatch(Request(path, {k.lower(): v for k, v in self.headers.items()}, body)))

        return _Handler
