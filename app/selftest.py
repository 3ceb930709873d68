"""``ionflux --self-test``: prove this installation works, end to end, in a throwaway data folder.

Each check prints one line (``ok`` or ``FAIL`` with the reason and its time); the exit status is
non-zero if any check failed. Works from source and from the PyInstaller bundle, offline.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ionflux.app.context import App


def _check(name: str, fn: Callable[[], str], results: list[bool]) -> None:
    started = time.perf_counter()
    try:
        detail = fn()
        results.append(True)
        print(f"ok    {name:14} {detail} ({time.perf_counter() - started:.2f} s)", flush=True)
    except Exception as exc:  # a self-test reports every failure and carries on
        results.append(False)
        print(f"FAIL  {name:14} {type(exc).__name__}: {exc} ({time.perf_counter() - started:.2f} s)", flush=True)
        if os.environ.get("IONFLUX_SELFTEST_VERBOSE"):
            traceback.print_exc()


def run_self_test() -> int:
    """Run every check; return the process exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="ionflux-selftest-") as folder:
        from ionflux.app.logs import setup_logging

        setup_logging(Path(folder) / "data")
        app = App(Path(folder) / "data")
        state: dict[str, Any] = {}

        def store() -> str:
            from ionflux.core.migrate import HEAD, current_revision

            with app.store.engine.connect() as conn:
                rev = current_revision(conn)
            if rev != HEAD:
                raise RuntimeError(f"schema at {rev}, expected {HEAD}")
            return f"fresh store at schema {rev}"

        def seed() -> str:
            from ionflux.core.demo import seed_demo

            result = seed_demo(app.ctx)
            app.reset_user()
            state["workspace_id"] = result.workspace_id
            return f"demo workspace with {sum(result.created.values())} records"

        def agent() -> str:
            return _run_llm_agent(app, state["workspace_id"])

        def memory() -> str:
            ns = "selftest"
            app.memory.add(ns, ["Checkout errors spiked after the app update", "The cat sleeps on the sofa"])
            hits = app.memory.query(ns, "payment page failing", k=1)
            if not hits or "Checkout" not in hits[0].text:
                raise RuntimeError(f"unexpected nearest memory: {hits}")
            return f"nearest memory found (similarity {hits[0].score:.2f})"

        def window() -> str:
            from ionflux.app.gui import build_window
            from ionflux.ui.qt import QApplication

            qt_app = QApplication.instance() or QApplication(["ionflux-selftest"])
            win = build_window(app, fetch=lambda url: b"")
            win.resize(1280, 800)
            win.show()
            qt_app.processEvents()
            image = win.grab().toImage()
            win.close()
            if image.isNull() or image.width() < 100:
                raise RuntimeError("the window did not render")
            return f"main window rendered offscreen ({image.width()}x{image.height()})"

        for name, fn in (("store", store), ("seed-demo", seed), ("agent+llm", agent), ("memory", memory),
                         ("window", window)):
            _check(name, fn, results)
        app.close()
    failed = results.count(False)
    print(f"self-test: {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def _run_llm_agent(app: App, workspace_id: Any) -> str:
    """Run the demo's Persona Guardian on an off-voice post: it asks the local model for a rewrite."""
    from ionflux.core.models import TriggerType

    config = app.agent_configs.find(workspace_id, "Persona Guardian — EcoThreads Boutique")
    result = app.runtime.run(config.id, {"content_to_analyze_text": "HURRY!!! Cheap deal on fast fashion, buy now!!!"},
                             trigger_type=TriggerType.MANUAL_COMMAND, timeout_s=300)
    kpis = result.run.kpi_results_json or {}
    if not kpis.get("llm_calls"):
        raise RuntimeError("the agent ran but made no call to the local model")
    return f"{result.run.status.value}: {kpis['llm_calls']} call(s) to {', '.join(kpis.get('models') or [])}"
