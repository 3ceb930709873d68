"""Offscreen renders of the main views for review: canvas, chat, YAML editors, palette, a brand page."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ionflux.ui.qt import QApplication, QColor, QFont, QImage, QLinearGradient, QPainter, QPointF, QRectF, Qt

VIEWS = ("01-canvas.png", "02-chat.png", "03-editor.png", "04-palette.png", "05-canvas-light.png", "06-playbook.png",
         "07-brand.png", "08-brand-editor.png")


def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0, what: str = "") -> None:
    """Process events until ``condition()`` holds (screenshots only; tests use qtbot.waitUntil)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        QApplication.processEvents()
        if condition():
            return
        time.sleep(0.01)
    raise TimeoutError(f"timed out waiting for {what or condition}")


def settle(window: Any, seconds: float = 0.3) -> None:
    """Let queued loads, writes and repaints finish."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        window.bridge.flush()
        QApplication.processEvents()
        time.sleep(0.01)
    wait_for(lambda: not (window.workspace_vm.busy or window.chat_vm.busy or window.canvas_vm.pending_writes),
             10, "the window to settle")


def product_image(path: Path, width: int = 720, height: int = 480) -> Path:
    """A picture for the image block (drawn here, so screenshots need no network)."""
    img = QImage(width, height, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    grad = QLinearGradient(QPointF(0, 0), QPointF(width, height))
    grad.setColorAt(0, QColor("#1e3a8a"))
    grad.setColorAt(0.55, QColor("#3b5bdb"))
    grad.setColorAt(1, QColor("#74c0fc"))
    p.fillRect(0, 0, width, height, grad)
    p.setPen(Qt.PenStyle.NoPen)
    for i, (x, y, r, a) in enumerate(((560, 90, 150, 50), (120, 400, 190, 40), (640, 420, 90, 60))):
        colour = QColor("#ffffff")
        colour.setAlpha(a + i * 5)
        p.setBrush(colour)
        p.drawEllipse(QPointF(x, y), r, r)
    jacket = QColor("#0b1f4d")
    p.setBrush(jacket)
    p.drawRoundedRect(QRectF(width / 2 - 110, 120, 220, 250), 28, 28)
    p.drawRoundedRect(QRectF(width / 2 - 180, 140, 80, 200), 30, 30)
    p.drawRoundedRect(QRectF(width / 2 + 100, 140, 80, 200), 30, 30)
    p.setBrush(QColor("#f59f00"))
    p.drawEllipse(QPointF(width / 2, 190), 7, 7)
    p.drawEllipse(QPointF(width / 2, 240), 7, 7)
    p.drawEllipse(QPointF(width / 2, 290), 7, 7)
    font = QFont()
    font.setPixelSize(34)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#ffffff"))
    p.drawText(QRectF(0, height - 86, width, 40), Qt.AlignmentFlag.AlignCenter, "RECYCLED DENIM · FW26")
    p.end()
    img.save(str(path))
    return path


def grab(window: Any, path: Path) -> Path:
    window.resize(window.shot_size)
    QApplication.processEvents()
    window.repaint()
    QApplication.processEvents()
    window.grab().save(str(path))
    return path


def shoot_a_mistake(window: Any, pane: Any, old: str, new: str, path: Path, what: str) -> Path:
    """Render a YAML editor showing one edit its validation refuses, then put the saved text back."""
    wait_for(lambda: pane.code.toPlainText() != "", 10, f"{what}'s editor")
    pane.code.setPlainText(pane.code.toPlainText().replace(old, new, 1))
    pane._changed()
    wait_for(lambda: bool(pane.code.problem_lines), 10, f"{what}'s validation")
    settle(window)
    shot = grab(window, path)
    pane.code.setPlainText(pane.vm.saved_text)
    pane._changed()
    return shot


def render_views(window: Any, out_dir: Path, copy_config: uuid.UUID, tour_page: uuid.UUID,
                 ask: str, run_line: str) -> list[Path]:
    """Drive the window through each view and save a PNG of each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    window.shot_size = window.size()
    shots: list[Path] = []
    settle(window)

    # 1. the canvas, every block type (chat dock closed to give the board the room)
    window.chat_dock.hide()
    window.open_page(tour_page)
    wait_for(lambda: window.canvas_vm.page_id == tour_page and len(window.canvas_pane.scene.items_by_id) >= 8,
             10, "the tour page")
    window.canvas_pane.run_requested.emit(copy_config)
    wait_for(lambda: not window.runs.running, 60, "the snippet's run")
    settle(window, 0.6)
    window.canvas_pane.view.fit()
    text_block = next(i for i in window.canvas_pane.scene.block_items() if i.state.type == "kanban_board")
    window.canvas_pane.scene.select([text_block.block_id])
    settle(window)
    shots.append(grab(window, out_dir / VIEWS[0]))

    # 2. chat: an agent run and a thread answered by the local model
    window.chat_commands.ask_seed = 3
    window.canvas_pane.scene.clearSelection()
    window.chat_dock.show()
    window.resizeDocks([window.chat_dock], [780], Qt.Orientation.Horizontal)
    window.chat_commands.submit(run_line)
    wait_for(lambda: any(r.content_type == "agent_status_update" and not r.local for r in window.chat_vm.rows),
             90, "the agent's reply")
    window.chat_commands.submit(ask)
    wait_for(lambda: window.chat_vm.thread_root is not None, 10, "the thread")
    wait_for(lambda: any(r.sender_type == "system" and not r.local and r.text for r in window.chat_vm.thread_rows),
             120, "the streamed answer")
    settle(window, 0.5)
    window.chat.composer.setText("/run ")
    window.chat.composer.setFocus()
    window.chat.composer.setCursorPosition(5)
    window.chat.composer._suggest()
    settle(window)
    shots.append(grab(window, out_dir / VIEWS[1]))
    window.chat.composer.popup.hide()
    window.chat.composer.clear()
    window.chat_vm.close_thread()

    # 3. the YAML editor showing an error
    window.resizeDocks([window.chat_dock], [380], Qt.Orientation.Horizontal)
    window.chat_dock.hide()
    pane = window.open_editor(copy_config)
    wait_for(lambda: pane.code.toPlainText() != "", 10, "the editor")
    pane.code.setPlainText(pane.code.toPlainText().replace("tone: playful", "tone: loud"))
    pane._changed()
    wait_for(lambda: bool(pane.code.problem_lines), 10, "the validation")
    wait_for(lambda: pane.runs.rowCount() > 0, 10, "the run history")
    pane.runs.selectRow(0)
    pane._open_run(0)
    wait_for(lambda: "Run" in pane.run_view.toPlainText(), 10, "the run detail")
    pane.side.setCurrentIndex(0)
    settle(window)
    shots.append(grab(window, out_dir / VIEWS[2]))
    pane.code.setPlainText(pane.vm.saved_text)
    pane._changed()

    # 4. the command palette over the canvas
    window.chat_dock.show()
    window.tabs.setCurrentWidget(window.canvas_pane)
    window.open_palette()
    window.palette.input.setText("la")
    window.palette._search()
    settle(window, 0.5)
    shots.append(grab(window, out_dir / VIEWS[3]))
    window.palette.close_palette()

    # 5. the light theme
    from ionflux.ui.theme import load_theme

    window.chat_dock.show()
    window.set_theme(load_theme("light"))
    window.canvas_pane.view.fit()
    settle(window)
    shots.append(grab(window, out_dir / VIEWS[4]))

    # 6. a playbook's YAML editor (light theme) with a step that names an unknown next step
    window.chat_dock.hide()
    playbook = window.workspace_vm.library.playbooks[0]
    shots.append(shoot_a_mistake(window, window.open_playbook(playbook.id), "default_next_step_id: email_follow_up",
                                 "default_next_step_id: email_folow_up", out_dir / VIEWS[5], "the playbook"))

    # 7. a brand opened from the sidebar (light theme)
    brand = window.workspace_vm.library.brands[0]
    window.open_record(brand)
    settle(window)
    shots.append(grab(window, out_dir / VIEWS[6]))

    # 8. that brand's YAML editor (dark theme), a colour that is not one
    window.set_theme(load_theme("dark"))
    shots.append(shoot_a_mistake(window, window.open_profile(brand.kind, brand.id), "'#7BA05B'", "sage green",
                                 out_dir / VIEWS[7], "the brand"))
    return shots
