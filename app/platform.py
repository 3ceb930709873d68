"""Everything that runs by itself while IONFLUX is open: triggers, playbooks and the webhook listener.

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

log = logging.getLogger(__name__)


class Platform:
    """Start/stop the background machinery of one data folder.

    Args:
        app: The application.
        webhook_port: Port of the loopback HTTP listener (agent and Shopify webhooks); None for none.
        schedules: Run scheduled triggers.
        playbook_time_scale: Multiplies playbook delays (demos compress hours into seconds).
    """

    def __init__(self, app: App, *, webhook_port: int | None = None, schedules: bool = True,
                 playbook_time_scale: float = 1.0) -> None:
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
        self.playbooks = PlaybookEngine(app.ctx, channels, schedule=schedule, time_scale=playbook_time_scale)

    @property
    def url(self) -> str | None:
        return self.triggers.listener.url if self.triggers.listener is not None else None

    def start(self) -> None:
        self.triggers.start()
        self.playbooks.start()

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
        self.playbooks.stop()
        self.triggers.stop()
