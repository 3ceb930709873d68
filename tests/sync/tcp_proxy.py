"""A TCP proxy the fault tests control: cut every connection, refuse new ones, or cut after N bytes."""

from __future__ import annotations

import contextlib
import socket
import threading

from ionflux.sync.broker import free_port


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream``; :meth:`cut` simulates the backend going away."""

    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.upstream = upstream_port
        self.port = free_port()
        self._server: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.refusing = False
        self._budget: int | None = None  # bytes client->server before everything is cut
        self._silent: set[socket.socket] = set()

    def start(self) -> TcpProxy:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((self.host, self.port))
        srv.listen(64)
        self._server = srv
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        srv, self._server = self._server, None
        if srv is not None:
            srv.close()
        self._close_all()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until :meth:`heal`."""
        self.refusing = True
        self._close_all()

    def heal(self) -> None:
        self.refusing = False
        self._budget = None

    def silence(self) -> None:
        """The connections open now stop carrying anything, both ways, and nobody is told (Wi-Fi gone).

        New connections work as before.
        """
        with self._lock:
            self._silent |= self._conns

    def cut_after(self, nbytes: int) -> None:
        """Let ``nbytes`` more bytes through towards the server, then cut (mid-transaction, mid-batch)."""
        with self._lock:
            self._budget = nbytes

    def _close_all(self) -> None:
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                c.close()

    def _accept(self) -> None:
        while self._server is not None:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                up = socket.create_connection((self.host, self.upstream), timeout=5)
                up.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns |= {client, up}
            threading.Thread(target=self._pump, args=(client, up, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if src in self._silent:
                    continue
                if upstream:
                    with self._lock:
                        if self._budget is not None:
                            self._budget -= len(data)
                            over = self._budget < 0
                        else:
                            over = False
                    if over:
                        self._budget = None
                        self.cut()
                        return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            # shutdown() first: a bare close() does not wake the other pump, blocked in recv() on
            # the same socket, so the server would never see the client go (and keep its locks).
            with self._lock:
                self._silent -= {src, dst}
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    s.close()
