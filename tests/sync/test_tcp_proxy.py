"""The fault tests' proxy: a client that goes away must end the server's side too."""

from __future__ import annotations

import socket
import time

from tcp_proxy import TcpProxy


def test_a_client_gone_while_the_server_is_quiet_closes_the_server_side() -> None:
    """Like PostgreSQL idle in a transaction when its client is killed: it must see EOF and let go."""
    server = socket.create_server(("127.0.0.1", 0))
    proxy = TcpProxy(server.getsockname()[1]).start()
    try:
        client = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        upstream, _ = server.accept()
        upstream.settimeout(5)
        client.sendall(b"BEGIN")
        assert upstream.recv(5) == b"BEGIN"
        time.sleep(0.3)  # both pumps parked in recv(), as when PostgreSQL waits for the next statement
        client.close()
        assert upstream.recv(1) == b"", "the server never saw its client go"
        upstream.close()
    finally:
        proxy.stop()
        server.close()
