"""The agent YAML editor: live validation with line markers, completion, drafts, save, run and run history."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import wait_idle

from ionflux.ui.qt import Qt, QTextCursor

pytestmark = pytest.mark.gui


def _open(qtbot: Any, window: Any, config_id: uuid.UUID) -> Any:
    pane = window.open_editor(config_id)
    qtbot.waitUntil(lambda: pane.code.toPlainText() != "" and pane.problems.count() > 0, timeout=3000)
    return pane


def test_opening_shows_the_yaml_and_the_definition(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    window.sidebar.agent_chosen.emit(copy_config)
    pane = window.editors[copy_config]
    qtbot.waitUntil(lambda: pane.code.toPlainText() == "inputs:\n  brief: spring sale\n", timeout=3000)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "⚙ Copy Desk"
    html = pane.definition.toPlainText()
    for text in ("Copy Tester", "Headlines on demand", "brief", "tone", "headline"):
        assert text in html
    qtbot.waitUntil(lambda: '"brief": "spring sale"' in pane.effective.toPlainText(), timeout=3000)
    assert pane.problems.item(0).text().startswith("✓")


def test_a_yaml_error_shows_its_marker(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    pane.code.setPlainText("inputs:\n  brief: spring sale\n  tone: loud\n")
    qtbot.waitUntil(lambda: 3 in pane.code.problem_lines, timeout=3000)
    assert "'loud' is not one of" in pane.code.problem_lines[3]
    assert pane.problems.item(0).text().startswith("●  line 3:")
    assert any(sel.cursor.blockNumber() == 2 for sel in pane.code.extraSelections())  # the wavy underline
    assert "1 problem" in pane.state.text()
    pane.code.grab()  # the gutter paints its red dot
    pane.problems.itemClicked.emit(pane.problems.item(0))
    assert pane.code.textCursor().blockNumber() == 2
    pane.code.setPlainText("inputs:\n  brief: spring sale\n  tone: calm\n")
    qtbot.waitUntil(lambda: not pane.code.problem_lines, timeout=3000)


def test_each_line_number_sits_beside_its_line(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    """The last, empty line too: its number used to drift down by the document's bottom margin."""
    pane = _open(qtbot, window, copy_config)
    code = pane.code
    code.setPlainText("inputs:\n  brief: spring sale\n  tone: loud\n")
    code.show()
    qtbot.waitUntil(code.isVisible, timeout=3000)
    lines = list(code.visible_lines(code.viewport().height()))
    assert [line for line, _ in lines] == [1, 2, 3, 4]
    for line, top in lines:
        cursor = QTextCursor(code.document().findBlockByNumber(line - 1))
        assert abs(code.cursorRect(cursor).top() - top) <= 1, line


def test_broken_yaml_is_located_too(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    pane.code.setPlainText("inputs:\n  brief: [unclosed\n")
    qtbot.waitUntil(lambda: bool(pane.code.problem_lines), timeout=3000)
    assert min(pane.code.problem_lines) >= 2


def test_completion_offers_input_keys_and_accepted_values(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    code = pane.code
    code.setPlainText("inputs:\n  brief: spring sale\n  ")
    code.moveCursor(QTextCursor.MoveOperation.End)
    code.setFocus()
    qtbot.keyClick(code, Qt.Key.Key_T)
    assert code.popup.isVisible()
    assert code.popup.item(0).text().startswith("tone:")
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert code.toPlainText().endswith("  tone: ")
    qtbot.keyClick(code, Qt.Key.Key_C)
    assert [code.popup.item(i).text().split()[0] for i in range(code.popup.count())] == ["calm"]
    qtbot.keyClick(code, Qt.Key.Key_Tab)
    assert code.toPlainText().endswith("  tone: calm")


def test_an_invalid_save_is_kept_as_a_draft_and_restored(qtbot: Any, window: Any, app: Any,
                                                         copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    broken = "inputs:\n  brief: spring sale\n  tone: loud\n"
    pane.code.setPlainText(broken)
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        qtbot.keyClick(pane.code, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0] is False and "draft" in saved.args[1]
    assert app.agent_configs.get(copy_config).yaml_config_text == "inputs:\n  brief: spring sale\n"
    window._close_tab(window.tabs.indexOf(pane))
    wait_idle(qtbot, window)
    again = _open(qtbot, window, copy_config)
    assert again.code.toPlainText() == broken
    assert again.banner.isVisible()


def test_a_valid_save_applies_and_clears_the_draft(qtbot: Any, window: Any, app: Any, copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    good = "inputs:\n  brief: winter sale\n  tone: calm\ntimeout_seconds: 60\n"
    pane.code.setPlainText(good)
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    wait_idle(qtbot, window)
    cfg = app.agent_configs.get(copy_config)
    assert cfg.yaml_config_text == good
    assert cfg.effective_config_cache_json["inputs"]["tone"] == "calm"
    assert str(copy_config) not in (app.store.get_local("ui.drafts.yaml") or {})
    assert "Saved" in pane.state.text()


def test_run_and_dry_run_fill_the_history_and_open_a_run(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    pane.run_button.click()
    qtbot.waitUntil(lambda: pane.runs.rowCount() == 1 and pane.runs.item(0, 0).text() == "success", timeout=10000)
    pane.dry_button.click()
    qtbot.waitUntil(lambda: pane.runs.rowCount() == 2 and pane.runs.item(0, 0).text() == "success", timeout=10000)
    assert pane.runs.item(0, 3).text() == "Spring Sale!"
    pane.runs.cellDoubleClicked.emit(0, 0)
    qtbot.waitUntil(lambda: "Spring Sale!" in pane.run_view.toPlainText(), timeout=3000)
    text = pane.run_view.toPlainText()
    assert "manual_ui" in text and "Inputs" in text and "Log" in text


def test_running_an_invalid_edit_is_refused(qtbot: Any, window: Any, copy_config: uuid.UUID) -> None:
    pane = _open(qtbot, window, copy_config)
    pane.code.setPlainText("inputs:\n  nope: 1\n")
    qtbot.waitUntil(lambda: bool(pane.code.problem_lines), timeout=3000)
    with qtbot.waitSignal(pane.message, timeout=1000) as said:
        pane.run_button.click()
    assert "Fix the problems" in said.args[0]


def test_a_change_made_elsewhere_is_followed_or_announced(qtbot: Any, window: Any, app: Any,
                                                          copy_config: uuid.UUID) -> None:
    """E.g. /schedule rewrote the YAML while its editor was open: a stale Save must not pass unnoticed."""
    pane = _open(qtbot, window, copy_config)
    app.runtime.save_yaml(copy_config, "inputs:\n  brief: summer sale\n")
    qtbot.waitUntil(lambda: pane.code.toPlainText() == "inputs:\n  brief: summer sale\n", timeout=3000)
    assert not pane.banner.isVisible() and "Saved" in pane.state.text()
    pane.code.setPlainText("inputs:\n  brief: summer sale\n  tone: calm\n")
    app.runtime.save_yaml(copy_config, "inputs:\n  brief: autumn sale\n")
    qtbot.waitUntil(pane.banner.isVisible, timeout=3000)
    assert "changed elsewhere" in pane.banner.text() and "replaces it" in pane.banner.text()
    assert pane.code.toPlainText() == "inputs:\n  brief: summer sale\n  tone: calm\n"
