"""Fixtures for window tests: the demo store with a test agent configuration, and an open window."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ui_support import COPY_DEFINITION, CopyAgent

from ionflux.core.context import Context

pytestmark = pytest.mark.gui


def offline_fetch(url: str) -> bytes:
    raise ConnectionError(f"offline in tests: {url}")


@pytest.fixture
def app(demo: Context, data_dir: Path) -> Iterator[Any]:
    """An App on the demo store whose registry and runtime know the test agent (and the shipped ones)."""
    from ionflux.agents.llm.router import LLMRouter
    from ionflux.agents.registry import AgentRegistry
    from ionflux.agents.runtime import AgentRuntime
    from ionflux.app.context import App
    from ionflux.core.definitions import sync_definitions

    application = App(data_dir, store=demo.store)
    registry = AgentRegistry()
    registry.add(dict(COPY_DEFINITION), CopyAgent)
    sync_definitions(Context(demo.store), registry.definitions())
    application.__dict__["registry"] = registry
    application.__dict__["router"] = LLMRouter({}, lambda ref: None)
    application.__dict__["runtime"] = AgentRuntime(application.ctx, registry, application.router, None,
                                                   data_dir / "run-logs")
    yield application


@pytest.fixture
def copy_config(app: Any, demo_ws: uuid.UUID) -> uuid.UUID:
    return app.agent_configs.create(demo_ws, "test_copywriter", "Copy Desk", "inputs:\n  brief: spring sale\n").id


@pytest.fixture
def window(qtbot: Any, app: Any, copy_config: uuid.UUID) -> Iterator[Any]:
    from ionflux.app.gui import build_window

    win = build_window(app, fetch=offline_fetch)
    qtbot.addWidget(win)
    win.resize(1400, 880)
    win.show()
    qtbot.waitExposed(win)
    wait_idle(qtbot, win)
    yield win
    win.close()


def wait_idle(qtbot: Any, win: Any, timeout: int = 5000) -> None:
    """Wait until every view-model has applied its last load and queued writes committed."""
    def idle() -> bool:
        win.bridge.flush()
        return not (win.workspace_vm.busy or win.chat_vm.busy or win.canvas_vm.pending_writes)

    qtbot.waitUntil(idle, timeout=timeout)
    win.ops.drain()
    win.bridge.flush()
    qtbot.waitUntil(idle, timeout=timeout)


def refused_save(qtbot: Any, pane: Any, broken: str, marker: str) -> tuple[int, str]:
    """Type ``broken`` into a YAML editor, wait for the marker on the line holding ``marker``, press Ctrl+S.

    Returns:
        The marked line and its problem; the save is asserted to be refused and kept as a draft.
    """
    from ionflux.ui.qt import Qt

    line = next(i for i, row in enumerate(broken.splitlines(), 1) if marker in row)
    pane.code.setPlainText(broken)
    qtbot.waitUntil(lambda: line in pane.code.problem_lines, timeout=3000)
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        qtbot.keyClick(pane.code, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0] is False and "draft" in saved.args[1]
    return line, pane.code.problem_lines[line]
