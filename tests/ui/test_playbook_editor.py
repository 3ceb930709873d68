"""Playbooks edited as YAML in the window: located problems, drafts kept, save applies, run history."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import refused_save, wait_idle

from ionflux.core.models import PlaybookRunStatus

pytestmark = pytest.mark.gui


def _open(qtbot: Any, window: Any) -> Any:
    item = next(p for p in window.workspace_vm.library.playbooks if p.name == "Abandoned Cart Recovery")
    window.sidebar.item_chosen.emit(item)
    pane = window.editors[item.id]
    qtbot.waitUntil(lambda: pane.code.toPlainText() != "" and pane.problems.count() > 0, timeout=3000)
    return pane


def test_opening_a_playbook_shows_its_yaml_and_reference(qtbot: Any, window: Any) -> None:
    pane = _open(qtbot, window)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "⇶ Abandoned Cart Recovery"
    text = pane.code.toPlainText()
    assert "step_id: whatsapp_reminder" in text and "default_next_step_id: email_follow_up" in text
    assert pane.problems.item(0).text().startswith("✓")
    assert "steps_json_array" in pane.definition.toPlainText() and "send_whatsapp_message" in \
        pane.definition.toPlainText()
    assert pane.run_button.isHidden() and pane.dry_button.isHidden()
    assert "playbook (YAML)" in pane.subtitle.text()


def test_a_bad_step_is_marked_at_its_line_and_an_invalid_save_stays_a_draft(qtbot: Any, window: Any,
                                                                             app: Any) -> None:
    pane = _open(qtbot, window)
    original = pane.code.toPlainText()
    broken = original.replace("default_next_step_id: email_follow_up", "default_next_step_id: email_folow_up", 1)
    _line, problem = refused_save(qtbot, pane, broken, "email_folow_up")
    assert "unknown step 'email_folow_up'" in problem
    pb = app.playbooks.get(pane.config_id)
    assert all(s.get("default_next_step_id") != "email_folow_up" for s in pb.steps_json_array)
    window._close_tab(window.tabs.indexOf(pane))
    wait_idle(qtbot, window)
    again = _open(qtbot, window)
    assert again.code.toPlainText() == broken and again.banner.isVisible()


def test_a_valid_save_applies(qtbot: Any, window: Any, app: Any) -> None:
    pane = _open(qtbot, window)
    edited = pane.code.toPlainText().replace("status: active", "status: paused", 1)
    assert edited != pane.code.toPlainText()
    pane.code.setPlainText(edited)
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    assert app.playbooks.get(pane.config_id).status.value == "paused"


def test_runs_fill_the_history_and_open_their_path(qtbot: Any, window: Any, app: Any) -> None:
    pane = _open(qtbot, window)
    pb = app.playbooks.get(pane.config_id)
    run = app.playbooks.start_run(pb, "evt-1", "shopify.abandoned_cart.created", {"cart_value": 180})
    entry = {"step_id": "whatsapp_reminder", "status": "done", "output": {"sent": True}}
    app.playbooks.save_run(run.id, status=PlaybookRunStatus.COMPLETED, current_step_id=None, history_entry=entry,
                           converted=True)
    qtbot.waitUntil(lambda: pane.runs.rowCount() == 1 and pane.runs.item(0, 0).text() == "success", timeout=5000)
    assert pane.runs.item(0, 3).text() == "converted · whatsapp_reminder"
    pane.runs.cellDoubleClicked.emit(0, 0)
    qtbot.waitUntil(lambda: "path: whatsapp_reminder" in pane.run_view.toPlainText(), timeout=3000)
    assert "cart_value" in pane.run_view.toPlainText()
