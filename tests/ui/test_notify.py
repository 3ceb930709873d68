"""Toasts, tray notifications, errors with "copy details" (and the log), and which events raise alerts."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

from ionflux.core.errors import ValidationError
from ionflux.core.models import PlatformEvent
from ionflux.ui.alerts import alert_for
from ionflux.ui.qt import QApplication

pytestmark = pytest.mark.gui


def test_user_errors_are_one_line_and_bugs_offer_details(qtbot: Any, window: Any, caplog: Any) -> None:
    n = window.notifier
    toast = n.error(ValidationError("must be a number", where="inputs.times"), "save the configuration")
    assert toast.notice.body == "inputs.times: must be a number"
    assert toast.notice.details is None
    try:
        raise KeyError("boom")
    except KeyError as exc:
        with caplog.at_level(logging.ERROR):
            toast = n.error(exc, "opening the page")
    assert "Traceback" in (toast.notice.details or "")
    assert "unexpected error while opening the page" in caplog.text
    toast.copy_details()
    assert "KeyError" in QApplication.clipboard().text()
    assert len([t for t in n.toasts if t.isVisible()]) >= 2


def test_toasts_stay_in_the_top_right_corner_when_the_window_is_resized(qtbot: Any, window: Any) -> None:
    toast = window.notifier.info("Saved", "all good")
    right = lambda: toast.geometry().right()  # noqa: E731
    assert 0 <= window.width() - right() < 40
    window.resize(window.width() - 200, window.height())
    qtbot.waitUntil(lambda: 0 <= window.width() - right() < 40, timeout=2000)


def test_an_unexpected_error_in_an_op_is_shown(qtbot: Any, window: Any) -> None:
    def broken() -> None:
        raise RuntimeError("disk on fire")

    with qtbot.waitSignal(window.notifier.shown, timeout=2000) as shown:
        window.ops.run(broken, label="testing")
    assert shown.args[0].kind == "error" and "disk on fire" in shown.args[0].body


def test_alerts_from_events(qtbot: Any, window: Any, app: Any, copy_config: uuid.UUID, demo_ws: uuid.UUID) -> None:
    alerts = app.chat.channel(demo_ws, "alerts")
    with qtbot.waitSignal(window.notifier.shown, timeout=3000) as shown:
        app.chat.post(alerts.id, "Checkout errors above 2% for 10 minutes", sender_type="system")
    assert shown.args[0].kind == "alert" and "Checkout errors" in shown.args[0].body


def test_which_events_alert() -> None:
    channel = uuid.uuid4()
    names = {channel: "alerts"}
    failed = PlatformEvent(event_type="ionflux.agent.run.failed", payload_json={
        "trigger_type": "schedule", "agent_configuration_name": "Sentinel", "error_message_text": "API down"})
    assert alert_for(failed, names) == ("Sentinel failed", "API down")
    manual = PlatformEvent(event_type="ionflux.agent.run.failed", payload_json={"trigger_type": "manual_ui"})
    assert alert_for(manual, names) is None
    anomaly = PlatformEvent(event_type="ionflux.agent.salessentinel.anomaly_detected",
                            payload_json={"summary": "Orders down 40%"})
    assert alert_for(anomaly, names) == ("Alert", "Orders down 40%")
    posted = PlatformEvent(event_type="ionflux.chat.message.created", payload_json={"data": {
        "channel_id": str(channel), "sender_type": "agent", "content_json": {"text_body": "Low stock"}}})
    assert alert_for(posted, names) == ("#alerts", "Low stock")
    chatter = PlatformEvent(event_type="ionflux.chat.message.created", payload_json={"data": {
        "channel_id": str(uuid.uuid4()), "sender_type": "agent", "content_json": {"text_body": "hi"}}})
    assert alert_for(chatter, names) is None
