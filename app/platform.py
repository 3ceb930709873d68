"""Everything that runs by itself while IONFLUX is open: triggers, playbooks, the webhook listener, sync.

The window, ``ionflux serve`` and ``ionflux demo`` all start the same :class:`Platform` on an
:class:`~ionflux.app.context.App`, so an order that arrives by webhook reaches the Sales Sentinel
and the playbooks the same way everywhere.
"""

from __future__ import annotations

import logging

from ionflux.agents.integrations.messaging import WhatsAppClient
from ionflux.agents.integrations.shopify_webhooks import ShopifyWebhooks
from ionflux.agents.playbooks.actions import Channels
from ionflux.agents.playbooks.engine import PlaybookEngine
from ionflux.agents.triggers import TriggerService
from ionflux.app.context import App
from ionflux.sync.worker import SyncWorker

log = logging.getLogger(__name__)


class Platform:
    """Start/stop the background machinery of one data folder.

    Args:
        app: The application.
        webhook_port: Port of the loopback HTTP listener (agent and Shopify webhooks); None for none.
        schedules: Run scheduled triggers.
        sync: Run the sync worker (it idles as "signed out" until ``ionflux sync login``).
    """

    def __init__(self, app: App, *, webhook_port: int | None = None, schedules: bool = True,
                 sync: bool = False) -> None:
        self.app = app
        self.triggers = TriggerService(app.runtime, app.secrets, schedules=schedules, webhook_port=webhook_port)
        self.shopify = ShopifyWebhooks(app.ctx, app.secrets)
        if self.triggers.listener is not None:
            self.shopify.mount(self.triggers.listener)
        settings = app.settings.values()
        whatsapp = WhatsAppClient(str(settings.get("whatsapp.phone_number_id") or "0"),
                                  app.secrets.get_optional(str(settings.get("whatsapp.access_token_secret_ref"))))
        channels = Channels(whatsapp=whatsapp, run_agent=app.runtime.run)
        schedule = self.triggers.scheduler.schedule_once if self.triggers.scheduler is not None else None
        self.playbooks = PlaybookEngine(app.ctx, channels, schedule=schedule)
        self.sync: SyncWorker | None = SyncWorker(app.store, app.secrets) if sync else None

    @property
    def url(self) -> str | None:
        return self.triggers.listener.url if self.triggers.listener is not None else None

    def start(self) -> None:
        self.triggers.start()
        self.playbooks.start()
        if self.sync is not None:
            self.sync.start()

    def drain(self, timeout_s: float = 600.0) -> None:
        """Wait until queued agent runs and playbook steps are done (demos, tests)."""
        import time

        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            self.playbooks.drain()
            if self.triggers.dispatcher.pending() == 0 and self.triggers.dispatcher.idle():
                self.playbooks.drain()
                return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        self.playbooks.stop()
        self.triggers.stop()
