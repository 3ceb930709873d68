"""The command registry as Qt actions: shortcuts, menus and the palette all come from it.

Key bindings are data: each command's default ``keys`` from the registry, overridden by the
user's bindings stored on the device (``ionflux keybind COMMAND KEYS``). Commands whose id starts
with ``canvas.`` are bound on the canvas only (arrow keys must still move a text cursor elsewhere).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ionflux.core.commands import Command, CommandRegistry, Output, parse_values
from ionflux.core.errors import IonfluxError
from ionflux.ui.qt import QAction, QKeySequence, QObject, Qt, QWidget, Signal

log = logging.getLogger(__name__)

#: Command id prefixes bound on a widget rather than the whole window.
LOCAL_SCOPES = ("canvas.",)

_windows: dict[int, Any] = {}


def attach_window(app: object, window: Any) -> None:
    """Make ``window`` the target of the GUI-only commands run with ``app``."""
    _windows[id(app)] = window


def detach_window(app: object) -> None:
    _windows.pop(id(app), None)


def window_for(app: object) -> Any:
    """The window a GUI-only command acts on.

    Raises:
        IonfluxError: no window is open (e.g. the command was typed in a terminal).
    """
    try:
        return _windows[id(app)]
    except KeyError:
        raise IonfluxError("this command only works in the IONFLUX window", where="command") from None


class KeyMap:
    """Default key bindings from the registry, with the user's overrides on top."""

    def __init__(self, registry: CommandRegistry, overrides: dict[str, str] | None = None) -> None:
        self.registry = registry
        self.overrides = dict(overrides or {})

    def keys(self, command_id: str) -> str:
        """The binding in portable text (``Ctrl+K``), or '' for none."""
        if command_id in self.overrides:
            return self.overrides[command_id]
        cmd = self.registry.get(command_id)
        return cmd.keys or ""

    def native(self, command_id: str) -> str:
        """The binding as the platform shows it (``⌘K`` on macOS)."""
        keys = self.keys(command_id)
        return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) if keys else ""

    def bound(self) -> list[tuple[Command, str]]:
        return [(c, self.keys(c.id)) for c in self.registry if self.keys(c.id)]


class ActionHub(QObject):
    """One QAction per command, with its shortcut; runs commands on the right thread.

    Signals:
        ran(str, object): a command finished: its id and its Output (or None for window actions).
        needs_arguments(object): a command was chosen without its required arguments (the palette asks).
    """

    ran = Signal(str, object)
    needs_arguments = Signal(object)

    def __init__(self, app: Any, registry: CommandRegistry, keymap: KeyMap, ops: Any, notifier: Any,
                 window: QWidget, scopes: dict[str, QWidget] | None = None) -> None:
        super().__init__(window)
        self.app, self.registry, self.keymap, self.ops, self.notifier = app, registry, keymap, ops, notifier
        self.actions: dict[str, QAction] = {}
        scopes = scopes or {}
        for cmd in registry:
            action = QAction(cmd.title, window)
            action.setToolTip(cmd.help)
            action.setData(cmd.id)
            keys = keymap.keys(cmd.id)
            if keys:
                action.setShortcut(QKeySequence(keys))
            scope = next((w for prefix, w in scopes.items() if cmd.id.startswith(prefix)), None)
            if scope is not None:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                scope.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)
            action.triggered.connect(lambda _checked=False, c=cmd: self.trigger(c))
            self.actions[cmd.id] = action

    def commands(self, ids: Iterable[str] | None = None) -> list[Command]:
        return [c for c in self.registry if ids is None or c.id in ids]

    def trigger(self, cmd: Command) -> None:
        """Run ``cmd`` from a shortcut, menu or the palette; ask for arguments when it needs some."""
        if any(p.required for p in cmd.params):
            self.needs_arguments.emit(cmd)
            return
        self.execute(cmd, {})

    def execute(self, cmd: Command, raw: dict[str, Any], on_done: Callable[[Output | None], Any] | None = None) -> None:
        """Run a command: window actions at once on the GUI thread, everything else off it."""
        try:
            values = parse_values(cmd, raw)
        except IonfluxError as exc:
            self.notifier.error(exc, cmd.title.lower())
            return
        if cmd.gui_only:
            try:
                out = cmd.func(self.app, **values)
            except IonfluxError as exc:
                self.notifier.error(exc, cmd.title.lower())
                return
            self._done(cmd, out, on_done)
            return
        self.ops.run(lambda: cmd.func(self.app, **values), label=cmd.title.lower(), visible=True,
                     on_success=lambda out: self._done(cmd, out, on_done, announce=True),
                     on_failure=lambda exc: self.notifier.error(exc, cmd.title.lower()))

    def _done(self, cmd: Command, out: Any, on_done: Callable[[Output | None], Any] | None,
              announce: bool = False) -> None:
        if announce and isinstance(out, Output) and out.text and on_done is None:
            self.notifier.info(cmd.title, out.text[:400], "success")
        self.ran.emit(cmd.id, out)
        if on_done is not None:
            on_done(out if isinstance(out, Output) else None)
