"""A relay in front of tansu so that librdkafka 2.0 clients (Debian's kcat 1.7) can read from it.

tansu answers ApiVersions v3 with four tagged fields (feature flags) that librdkafka 2.0 fails to
parse, so kcat never gets past the handshake. The relay forwards every byte unchanged except
those replies, which lose their tagged fields. Only ``ionflux backend dev`` uses it; production
runs a real Kafka, and kafka-python talks to tansu directly.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7


def _skip_tags(buf: bytes, i: int) -> int:
    count, i = _varint(buf, i)
    for _ in range(count):
        _tag, i = _varint(buf, i)
        size, i = _varint(buf, i)
        i += size
    return i


def strip_api_versions_tags(body: bytes) -> bytes:
    """An ApiVersions v3+ response without its trailing tagged fields (feature flags nobody needs here).

    tansu sends four of them; librdkafka 2.0 (Debian's kcat 1.7) fails to parse that reply and
    never connects. Anything that does not parse as expected is returned unchanged.
    """
    try:
        i = 4 + 2  # correlation id, error code
        count, i = _varint(body, i)
        for _ in range(max(count - 1, 0)):
            i = _skip_tags(body, i + 6)
        i += 4  # throttle time
        if i >= len(body):
            return body
        return body[:i] + b"\x00"
    except IndexError:
        return body


class CompatRelay:
    """A TCP relay in front of tansu that only rewrites ApiVersions replies (see :func:`strip_api_versions_tags`).

    Args:
        host: Address to listen on. port: Public port. upstream: tansu's private port.

    """

    def __init__(self, host: str, port: int, upstream: int) -> None:
        self.host, self.port, self.upstream = host, port, upstream
        self._server: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> CompatRelay:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, name="kafka-relay", daemon=True).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(), freeing the port
            server.close()
        with self._lock:
            for sock in list(self._sockets):
                _close(sock)
            self._sockets.clear()

    def _accept(self) -> None:
        while self._server is not None:
            try:
                client, _addr = self._server.accept()
                upstream = socket.create_connection((self.host, self.upstream), timeout=5)
                upstream.settimeout(None)
            except OSError:
                if self._server is None:
                    return
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            versions: dict[int, int] = {}
            threading.Thread(target=self._pump, args=(client, upstream, versions, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, versions, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, versions: dict[int, int], requests: bool) -> None:
        try:
            while True:
                size = _recv(src, 4)
                body = _recv(src, struct.unpack(">i", size)[0])
                if requests:
                    api_key, api_version, corr = struct.unpack(">hhi", body[:8])
                    if api_key == 18 and api_version >= 3:
                        versions[corr] = api_version
                elif versions.pop(struct.unpack(">i", body[:4])[0], None) is not None:
                    body = strip_api_versions_tags(body)
                dst.sendall(struct.pack(">i", len(body)) + body)
        except (OSError, EOFError, struct.error):
            pass
        finally:
            _close(src)
            _close(dst)
            with self._lock:
                self._sockets -= {src, dst}


def _recv(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv() and tells the peer at once
    with contextlib.suppress(OSError):
        sock.close()
