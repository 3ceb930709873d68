"""The chat dock: slash commands, autocomplete, agent runs with live status, /ask streamed, threads, reactions."""

from __future__ import annotations

import itertools
import threading
import uuid
from typing import Any

import pytest
from conftest import wait_idle

from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.ui.qt import Qt

pytestmark = pytest.mark.gui


def _rows(window: Any) -> list[Any]:
    return list(window.chat.list.model_.rows)


def _type(qtbot: Any, window: Any, text: str, submit: bool = True) -> None:
    composer = window.chat.composer
    composer.setFocus()
    qtbot.keyClicks(composer, text)
    if submit:
        composer.popup.hide()
        qtbot.keyClick(composer, Qt.Key.Key_Return)


def test_typing_a_message_posts_it(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "Launch checklist is ready")
    qtbot.waitUntil(lambda: len(_rows(window)) == 2, timeout=3000)
    assert window.chat.composer.text() == ""
    assert (_rows(window)[-1].sender, _rows(window)[-1].text) == ("Demo User", "Launch checklist is ready")


def test_typing_run_and_a_config_runs_the_agent_and_the_reply_appears(qtbot: Any, window: Any, demo: Context) -> None:
    _type(qtbot, window, "/run Copy Desk brief=flash sale")
    qtbot.waitUntil(lambda: any(r.content_type == "agent_status_update" for r in _rows(window)), timeout=3000)
    live = next(r for r in _rows(window) if r.content_type == "agent_status_update")
    assert live.status in ("pending", "running", "success")

    def replied() -> bool:
        return any(r.content_type == "agent_status_update" and not r.local and r.status == "success"
                   for r in _rows(window))

    qtbot.waitUntil(replied, timeout=10000)
    wait_idle(qtbot, window)
    rows = _rows(window)
    assert [r.text for r in rows if r.sender_type == "user"][-1] == "/run Copy Desk brief=flash sale"
    reply = next(r for r in rows if r.content_type == "agent_status_update")
    assert (reply.sender, reply.text) == ("Copy Desk", "Flash Sale!")
    assert reply.payload["outputs"]["stats"] == {"chars": 11}
    assert not any(r.local for r in rows)  # the live row gave way to the stored reply
    window.chat.list.viewport().grab()


def test_a_failing_run_shows_its_error(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "/run Copy Desk brief=x tone=fail")
    qtbot.waitUntil(lambda: any(r.status == "error" and not r.local for r in _rows(window)), timeout=10000)
    reply = next(r for r in _rows(window) if r.status == "error")
    assert "asked to fail" in reply.text


def test_mentioning_an_agent_runs_it_with_the_message(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "@Copy Desk summer drop")
    qtbot.waitUntil(lambda: any(r.status == "success" and not r.local for r in _rows(window)), timeout=10000)
    reply = next(r for r in _rows(window) if r.status == "success")
    assert reply.text == "Summer Drop!"


def test_autocomplete_offers_commands_configs_and_input_values(qtbot: Any, window: Any) -> None:
    composer = window.chat.composer
    composer.setFocus()
    qtbot.keyClicks(composer, "/r")
    assert composer.popup.isVisible()
    assert [c.label for c in composer.popup.items] == ["/run"]
    qtbot.keyClick(composer, Qt.Key.Key_Tab)
    assert composer.text() == "/run "
    assert "Copy Desk" in [c.label for c in composer.popup.items]
    qtbot.keyClicks(composer, "Cop")
    qtbot.keyClick(composer, Qt.Key.Key_Tab)
    assert composer.text() == '/run "Copy Desk" '
    assert {c.label for c in composer.popup.items} >= {"brief=", "tone="}
    qtbot.keyClicks(composer, "tone=")
    assert [c.label for c in composer.popup.items] == ["tone=bold", "tone=calm", "tone=fail", "tone=slow", "tone=model"]
    composer.clear()
    qtbot.keyClicks(composer, "/")
    labels = [c.label for c in composer.popup.items]
    assert {"/run", "/ask", "/page", "/search", "/schedule", "/help"} <= set(labels)



def test_long_suggestions_are_cut_short_not_scrolled_and_the_rows_fill_the_popup(qtbot: Any) -> None:
    from ionflux.ui.chat.composer import Composer
    from ionflux.ui.chat.slash import Completion
    from ionflux.ui.qt import QWidget

    host = QWidget()
    qtbot.addWidget(host)
    host.resize(320, 400)
    composer = Composer(host, host)
    composer.setGeometry(10, 350, 300, 30)
    host.show()
    qtbot.waitExposed(host)
    name = "EcoThreads Boutique - Sales Sentinel Configuration for the autumn launch"
    composer.popup.show_items([Completion(n, n, "agent", 0) for n in (name, "B", "C", "D", "E")], composer)
    popup = composer.popup
    assert not popup.horizontalScrollBar().isVisible()
    assert popup.item(0).toolTip() == f"{name} · agent"  # the whole name, on hover
    last = popup.visualItemRect(popup.item(4))
    assert 0 <= popup.viewport().height() - last.bottom() < last.height() / 2  # no blank band below the rows

def test_help_lists_the_slash_commands(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "/help")
    qtbot.waitUntil(lambda: any("Slash commands" in r.text for r in _rows(window)), timeout=3000)
    text = next(r.text for r in _rows(window) if "Slash commands" in r.text)
    for name in ("/run", "/ask", "/page", "/search", "/schedule"):
        assert name in text


def test_page_command_creates_a_page(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "/page Launch week")
    qtbot.waitUntil(lambda: "Launch week" in window.sidebar.page_titles(), timeout=3000)
    qtbot.waitUntil(lambda: any("Created page" in r.text for r in _rows(window)), timeout=3000)


def test_search_command_shows_results(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "/search denim")
    qtbot.waitUntil(lambda: any("result" in r.text for r in _rows(window)), timeout=3000)
    text = next(r.text for r in _rows(window) if "result" in r.text)
    assert "Q4 Campaign Planning" in text


def test_schedule_command_edits_the_schedule_trigger(qtbot: Any, window: Any, app: Any,
                                                     copy_config: uuid.UUID) -> None:
    _type(qtbot, window, '/schedule "Copy Desk" */15 * * * *')
    qtbot.waitUntil(lambda: any("now runs on" in r.text for r in _rows(window)), timeout=3000)
    cfg = app.agent_configs.get(copy_config)
    assert "cron_expression: '*/15 * * * *'" in cfg.yaml_config_text
    assert app.runtime.effective_config(cfg).triggers[0]["cron_expression"] == "*/15 * * * *"


def test_unknown_command_says_so_and_keeps_nothing(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "/frobnicate now")
    qtbot.waitUntil(lambda: any("unknown command /frobnicate" in r.text for r in _rows(window)), timeout=3000)


def test_ask_streams_the_local_models_answer_into_a_thread(qtbot: Any, window: Any, demo: Context) -> None:
    window.chat_commands.ask_max_tokens = 48  # a long answer (seeded) streams over several frames
    window.chat_commands.ask_seed = 3
    question = "/ask How do I make a product launch email stand out?"
    pieces: list[str] = []
    window.chat_vm.row_changed.connect(lambda row: pieces.append(row.text) if row.streaming else None)
    _type(qtbot, window, question)
    qtbot.waitUntil(lambda: window.chat.thread.isVisible(), timeout=3000)
    root = window.chat_vm.thread_root
    assert root is not None and root.text == question

    def answered() -> bool:
        replies = Chat(demo).messages(window.chat_vm.channel_id, thread_id=root.id)
        return any(m.sender_type.value == "system" for m in replies)

    qtbot.waitUntil(answered, timeout=30000)
    assert len(pieces) >= 2  # streamed: the row grew piece by piece
    assert all(b.startswith(a) for a, b in itertools.pairwise(pieces))
    wait_idle(qtbot, window)
    assert any(r.sender_type == "system" and r.text for r in window.chat.thread.list.model_.rows)


def test_typing_a_question_loads_the_local_model_before_it_is_sent(qtbot: Any, window: Any) -> None:
    model = window.services.router.local()
    model.close()  # shared by the process: start cold
    _type(qtbot, window, "Launch checklist", submit=False)
    assert "ionflux-warm-model" not in {t.name for t in threading.enumerate()}  # only a question warms it
    window.chat.composer.clear()
    _type(qtbot, window, "/ask how", submit=False)
    qtbot.waitUntil(lambda: model.loaded, timeout=30000)
    assert window.chat.composer.text() == "/ask how"  # nothing was sent


def test_reactions_toggle_and_threads_open(qtbot: Any, window: Any, demo: Context) -> None:
    chat = Chat(demo)
    channel_id = window.chat_vm.channel_id
    root = chat.messages(channel_id)[0]
    chat.post(channel_id, "Agreed", thread_id=root.id)
    qtbot.waitUntil(lambda: _rows(window)[0].replies == 1, timeout=3000)
    window.chat.list.delegate.reaction_clicked.emit(root.id, "🎉")
    qtbot.waitUntil(lambda: _rows(window)[0].reactions == (("🎉", 1, True),), timeout=3000)
    window.chat.list.delegate.reaction_clicked.emit(root.id, "🎉")
    qtbot.waitUntil(lambda: _rows(window)[0].reactions == (), timeout=3000)
    window.chat.list.setCurrentIndex(window.chat.list.model_.index(0, 0))
    window.chat.list.setFocus()
    qtbot.keyClick(window.chat.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.chat.thread.list.model_.rowCount() == 2, timeout=3000)
    window.chat.thread.composer.setFocus()
    qtbot.keyClicks(window.chat.thread.composer, "Shipping it")
    qtbot.keyClick(window.chat.thread.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.chat.thread.list.model_.rowCount() == 3, timeout=3000)
    assert [m.content_json["text_body"] for m in chat.messages(channel_id, thread_id=root.id)] == [
        "Agreed", "Shipping it"]


def test_proposal_approval_is_stored_and_emitted(qtbot: Any, window: Any, demo: Context,
                                                copy_config: uuid.UUID) -> None:
    chat = Chat(demo)
    channel_id = window.chat_vm.channel_id
    events: list[Any] = []
    demo.store.bus.subscribe("ionflux.chat.message.created", events.append)
    proposal = chat.post(channel_id, {"json_payload": {"title": "Send the teaser to 4,200 VIPs?"},
                                      "text_body": "**Send the teaser** to 4,200 VIPs at 6am?"},
                         content_type="interactive_proposal", sender_type="agent", sender_id=copy_config)
    qtbot.waitUntil(lambda: any(r.id == proposal.id for r in _rows(window)), timeout=3000)
    window.chat.list.delegate.decision_clicked.emit(proposal.id, "approved")
    qtbot.waitUntil(lambda: next(r for r in _rows(window) if r.id == proposal.id).decision == "approved",
                    timeout=3000)
    reply = chat.messages(channel_id, thread_id=proposal.id)[0]
    assert reply.content_json["json_payload"]["proposal_decision"]["choice"] == "approved"
    assert any((e.payload_json["data"].get("thread_id") == str(proposal.id)) for e in events)
    window.chat.list.viewport().grab()


def test_failed_post_keeps_the_draft(qtbot: Any, window: Any, demo: Context) -> None:
    from ionflux.core.models import ChatChannel

    gone = window.chat_vm.channel_id
    window.chat.composer.setText("my carefully typed draft")
    with demo.store.unit_of_work() as uow:  # the channel vanishes (e.g. deleted on another device)
        uow.delete(uow.session.get(ChatChannel, gone))
    window.chat_commands.submit("my carefully typed draft")  # before the window has heard of it
    qtbot.waitUntil(lambda: any("no channel" in r.text for r in window.chat_vm.local.get(gone, [])), timeout=3000)
    assert window.chat.composer.text() == "my carefully typed draft"


def test_composer_drafts_survive_a_restart(qtbot: Any, window: Any, app: Any, copy_config: uuid.UUID) -> None:
    from conftest import offline_fetch

    from ionflux.app.gui import build_window

    window.chat.composer.setText("half-written thought")
    qtbot.waitUntil(lambda: (app.store.get_local("ui.drafts.chat") or {}).get(str(window.chat_vm.channel_id))
                    == "half-written thought", timeout=3000)
    window.close()
    again = build_window(app, fetch=offline_fetch)
    qtbot.addWidget(again)
    again.show()
    wait_idle(qtbot, again)
    assert again.chat.composer.text() == "half-written thought"
    again.close()


def test_channels_of_every_type_show_with_unread_counts(qtbot: Any, window: Any, demo: Context,
                                                        demo_ws: uuid.UUID) -> None:
    chat = Chat(demo)
    ops = chat.create_channel(demo_ws, "ops-agents", type="agent_dedicated", description="Sentinel alerts")
    chat.post(ops.id, "Stock is low on the denim jacket", sender_type="system")
    qtbot.waitUntil(lambda: any(c.name == "ops-agents" for c in window.chat_vm.channels), timeout=3000)
    labels = [window.chat.channel_box.itemText(i) for i in range(window.chat.channel_box.count())]
    assert "⚙ ops-agents  (1)" in labels
    window.chat.channel_box.activated.emit(labels.index("⚙ ops-agents  (1)"))
    qtbot.waitUntil(lambda: window.chat.title.text() == "⚙ ops-agents", timeout=3000)
    assert window.chat.topic.text() == "Sentinel alerts"


def test_a_long_run_shows_progress_and_can_be_cancelled(qtbot: Any, window: Any) -> None:
    _type(qtbot, window, "/run Copy Desk brief=x tone=slow")
    qtbot.waitUntil(lambda: window.status.cancel.isVisible(), timeout=5000)
    assert "1 agent running" in window.status.agents.text()
    qtbot.waitUntil(lambda: any(r.status == "running" for r in _rows(window)), timeout=5000)
    window.status.cancel.click()
    qtbot.waitUntil(lambda: any(r.status == "cancelled_by_user" and not r.local for r in _rows(window)),
                    timeout=10000)
    assert "no agents running" in window.status.agents.text()


def test_an_agent_run_streams_its_model_text_into_the_status_message(qtbot: Any, window: Any) -> None:
    streamed: list[str] = []
    window.chat_vm.row_changed.connect(
        lambda row: streamed.append(row.text) if row.streaming and row.content_type == "agent_status_update" else None)
    _type(qtbot, window, "/run Copy Desk brief=denim tone=model")

    def replied() -> bool:
        return any(r.content_type == "agent_status_update" and not r.local and r.status == "success"
                   for r in _rows(window))

    qtbot.waitUntil(replied, timeout=60000)
    assert len(streamed) >= 2 and all(b.startswith(a) for a, b in itertools.pairwise(streamed))
    reply = next(r for r in _rows(window) if r.content_type == "agent_status_update" and not r.local)
    assert reply.text.strip() == streamed[-1].strip()  # the stored reply is what was streamed


def test_the_status_bar_shows_the_local_model_once_it_is_loaded(qtbot: Any, window: Any) -> None:
    window.status._timer.stop()  # one check at a time, by hand: each must show its own answer
    model = window.services.router.local()
    model.close()
    window.status.refresh_model()
    qtbot.waitUntil(lambda: window.status.model.text().endswith("loads on first use"), timeout=5000)
    model.load()
    window.status.refresh_model()
    qtbot.waitUntil(lambda: window.status.model.text().endswith("ready"), timeout=5000)
