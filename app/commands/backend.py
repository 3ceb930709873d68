"""Backend commands: set up a shared backend, or run a local one for trying sync on one machine."""

from __future__ import annotations

import os
import signal
import sys
import threading

from ionflux.app.commands import registry
from ionflux.app.context import App
from ionflux.core.commands import Output

DEV_DATABASE = "ionflux_dev"
DEV_KAFKA_PORT = 9092


def _default_postgres() -> str:
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    return f"postgresql://{user}@{host}:{port}/{DEV_DATABASE}"


@registry.command("backend.init", title="Set up a sync backend")
def backend_init(app: App, *, postgres: str, kafka: str) -> Output:
    """Create or upgrade the shared backend: PostgreSQL schema, change log, roles and row-level security, topics.

    Args:
        postgres: An administrator's PostgreSQL URL, e.g. postgresql://postgres@db.example.com/ionflux.
        kafka: The Kafka bootstrap address, e.g. kafka.example.com:9092.

    """
    from ionflux.sync.backend import existing_workspaces, init_database
    from ionflux.sync.kafka_io import ensure_topics
    from ionflux.sync.wire import workspace_topics

    info = init_database(postgres)
    topics = [t for ws in existing_workspaces(postgres) for t in workspace_topics(ws)]
    created = ensure_topics(kafka, topics)
    return Output(f"Backend ready (id {info.backend_id}): {info.workspaces} workspace(s), {created} topic(s) created. "
                  f"Devices sign in with `ionflux sync login --postgres URL --kafka {kafka} --email EMAIL`; "
                  f"give them a URL for role {info.gateway_role} (it may only register and sign in).",
                  {"backend_id": info.backend_id, "gateway_role": info.gateway_role, "topics_created": created})


@registry.command("backend.dev", title="Run a local sync backend")
def backend_dev(app: App, *, postgres: str | None = None, kafka_port: int = DEV_KAFKA_PORT) -> Output:
    """Run a local backend in the foreground: initialise PostgreSQL, start a Kafka-compatible broker, print `ready`.

    Stops cleanly on Ctrl+C or SIGTERM. The broker (tansu) keeps topics in memory; PostgreSQL keeps everything
    that matters.

    Args:
        postgres: The database to use (default: ionflux_dev on the local server, created if missing).
        kafka_port: The port the broker listens on (default 9092).

    """
    from ionflux.sync.backend import create_database, init_database
    from ionflux.sync.broker import Broker

    url = postgres or _default_postgres()
    create_database(url)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    broker = Broker(int(kafka_port), compat=True)  # compat: Debian's kcat (librdkafka 2.0) can read it too
    try:
        broker.start()
        info = init_database(url)
        from ionflux.sync.backend import existing_workspaces
        from ionflux.sync.kafka_io import ensure_topics
        from ionflux.sync.wire import workspace_topics

        ensure_topics(broker.bootstrap, [t for ws in existing_workspaces(url) for t in workspace_topics(ws)])
        print(f"PostgreSQL: {url} (backend {info.backend_id})")
        print(f"Kafka:      {broker.bootstrap}")
        print(f"Sign in:    ionflux sync login --postgres {url} --kafka {broker.bootstrap} --email EMAIL")
        print("ready", flush=True)
        while not stop.wait(0.5):
            if not broker.running():
                return Output("The broker stopped unexpectedly.")
    finally:
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sys.stdout.flush()
    return Output("Backend stopped.")
