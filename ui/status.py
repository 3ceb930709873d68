"""The status bar: sync state, running agents, background work (with Cancel), and the local model's state."""

from __future__ import annotations

from collections.abc import Callable

from ionflux.ui.agent_runs import RunCenter
from ionflux.ui.ops import OpRunner
from ionflux.ui.qt import QLabel, QMenu, QProgressBar, QStatusBar, QTimer, QToolButton, QWidget
from ionflux.ui.theme import Theme

SYNC_STATES = ("off", "ok", "syncing", "offline", "error")
MODEL_POLL_MS = 2000


class StatusArea:
    """Fills a QStatusBar and keeps it current (not a QObject: it only holds widgets and timers)."""

    def __init__(self, bar: QStatusBar, theme: Theme, ops: OpRunner, runs: RunCenter,
                 model_state: Callable[[], str] | None = None) -> None:
        self.bar, self.theme, self.ops, self.runs = bar, theme, ops, runs
        self.sync = QLabel("", bar)
        self.agents = QToolButton(bar)
        self.agents.setToolTip("Agent runs started in this window")
        self.agents.clicked.connect(self._runs_menu)
        self.work = QLabel("", bar)
        self.progress = QProgressBar(bar)
        self.progress.setFixedWidth(120)
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.cancel = QToolButton(bar)
        self.cancel.setText("Cancel")
        self.cancel.clicked.connect(self._cancel_latest)
        self.model = QLabel("", bar)
        self.user = QLabel("", bar)
        bar.addWidget(self.sync)
        bar.addWidget(self.agents)
        bar.addWidget(self.work)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel)
        bar.addPermanentWidget(self.model)
        bar.addPermanentWidget(self.user)
        self.set_sync_status("sync off", "off")
        ops.changed.connect(self.refresh)
        runs.changed.connect(self.refresh)
        self._model_state = model_state
        self._timer = QTimer(bar)
        self._timer.setInterval(MODEL_POLL_MS)
        self._timer.timeout.connect(self.refresh_model)
        self._timer.start()
        self.refresh()
        self.refresh_model()

    def set_sync_status(self, text: str, state: str) -> None:
        """Show the sync worker's state: ``state`` is one of off, ok, syncing, offline, error."""
        colour = {"ok": self.theme.success, "syncing": self.theme.info, "offline": self.theme.warning,
                  "error": self.theme.danger}.get(state, self.theme.faint)
        self.sync.setText(f"<span style='color:{colour}'>●</span>  {text}")
        self.sync.setToolTip(f"Sync: {state}")

    def refresh(self) -> None:
        n = len(self.runs.running)
        self.agents.setText(f"⚙  {n} agent{'s' if n != 1 else ''} running" if n else "⚙  no agents running")
        active = [op for op in self.ops.active()]
        latest = active[-1] if active else None
        self.work.setVisible(latest is not None)
        self.progress.setVisible(latest is not None)
        self.cancel.setVisible(bool(latest and latest.cancellable))
        if latest is not None:
            more = f"  (+{len(active) - 1})" if len(active) > 1 else ""
            message = latest.message if latest.fraction >= 0 else ""
            self.work.setText(f"{latest.label.capitalize()}{': ' + message[:40] if message else ''}{more}")
            if latest.fraction >= 0:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(latest.fraction * 100))
            else:
                self.progress.setRange(0, 0)

    def refresh_model(self) -> None:
        if self._model_state is not None:
            self.model.setText(self._model_state())

    def _cancel_latest(self) -> None:
        active = [op for op in self.ops.active() if op.cancellable]
        if active:
            active[-1].cancel()

    def _runs_menu(self) -> None:
        if not self.runs.running:
            return
        menu = QMenu(self.agents)
        for handle in list(self.runs.running):
            menu.addAction(f"Stop {handle.label.removeprefix('running ')}", handle.op.cancel)
        menu.popup(self.agents.mapToGlobal(self.agents.rect().topLeft()))

    def widgets(self) -> list[QWidget]:
        return [self.sync, self.agents, self.work, self.progress, self.cancel, self.model, self.user]
