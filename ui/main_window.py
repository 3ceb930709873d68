"""The IONFLUX main window: sidebar, canvas and editors in the centre, chat dock, status bar.

Thin by design: state lives in the view-models (workspace, canvas, chat, editor), work runs
through the op runner, and every action is a registry command (so the palette, menus, shortcuts
and the shortcuts sheet agree).
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ionflux.core.commands import Command, CommandRegistry
from ionflux.core.enums import TriggerType
from ionflux.core.errors import IonfluxError
from ionflux.core.settings import THEME_KEY
from ionflux.ui.actions import ActionHub, KeyMap, attach_window, detach_window
from ionflux.ui.agent_runs import RunCenter
from ionflux.ui.alerts import alert_for
from ionflux.ui.canvas.media import Fetch, MediaCache
from ionflux.ui.canvas.model import BlockState, CanvasViewModel
from ionflux.ui.canvas.pane import CanvasPane
from ionflux.ui.chat import slash
from ionflux.ui.chat.commands import ChatCommands
from ionflux.ui.chat.model import ChatViewModel
from ionflux.ui.chat.panel import ChatPanel
from ionflux.ui.drafts import Drafts
from ionflux.ui.event_batch import EventBatch
from ionflux.ui.events import EventBridge
from ionflux.ui.first_paint import after_first_paint
from ionflux.ui.notify import Notifier
from ionflux.ui.ops import OpRunner
from ionflux.ui.palette import Palette
from ionflux.ui.palette_sources import palette_searcher, palette_sources
from ionflux.ui.qt import (
    QApplication,
    QByteArray,
    QCloseEvent,
    QDockWidget,
    QIcon,
    QMainWindow,
    QResizeEvent,
    QSettings,
    Qt,
    QTabWidget,
    QTimer,
    QToolButton,
    QUndoStack,
    QWidget,
)
from ionflux.ui.record_view import RecordView
from ionflux.ui.services import Services
from ionflux.ui.shortcuts import ShortcutsSheet
from ionflux.ui.sidebar import Sidebar
from ionflux.ui.status import StatusArea
from ionflux.ui.theme import THEME_NAMES, Theme, apply_theme, icon_path, load_theme
from ionflux.ui.workspace_vm import LibraryItem, PageNode, WorkspaceViewModel

if TYPE_CHECKING:
    from ionflux.core.first_view import FirstView
    from ionflux.ui.editor.pane import EditorPane  # the editor (and YAML) load when one first opens

log = logging.getLogger(__name__)

#: When the window prepares widgets it has not shown yet (after the first paint, before anyone clicks).
WARM_UP_MS = 400
#: When the store opens if the window has not painted by then (it is never shown, as in some tests).
OPEN_STORE_MS = 3000

MENUS = (("File", ("page.create", "palette.open")), ("Edit", ("edit.undo", "edit.redo", "canvas.copy", "canvas.cut",
         "canvas.paste", "canvas.duplicate", "canvas.delete", "canvas.select_all")),
         ("Canvas", ("canvas.new_block", "canvas.edit_block", "canvas.run_block", "canvas.bring_front",
                     "canvas.send_back", "canvas.fit", "canvas.zoom_in", "canvas.zoom_out", "canvas.zoom_reset")),
         ("View", ("view.toggle_theme", "view.toggle_chat", "view.focus_sidebar", "view.focus_canvas",
                   "view.focus_chat")),
         ("Help", ("shortcuts.show", "platform.demo")))


class MainWindow(QMainWindow):
    """The window people live in."""

    def __init__(self, services: Services, theme: Theme, registry: CommandRegistry, *,
                 settings_path: Path | None = None, fetch: Fetch | None = None,
                 keybindings: dict[str, str] | None = None) -> None:
        super().__init__()
        self.services, self.theme, self.registry = services, theme, registry
        self.setWindowTitle("IONFLUX")
        self.resize(1440, 900)
        self._settings = QSettings(str(settings_path), QSettings.Format.IniFormat) if settings_path else None
        self.ops = OpRunner(self)
        self.ops.hold()  # nothing runs before start(): the store may not be open yet
        icon = QIcon(icon_path("ionflux.svg"))
        self.setWindowIcon(icon)
        self.notifier = Notifier(self, theme, icon)
        self.ops.error.connect(self.notifier.error)
        self.runs = RunCenter(services, self.ops, self)
        self.undo_stack = QUndoStack(self)
        self.drafts = Drafts(lambda: services.store, self.ops, self)
        self.media = MediaCache(self.ops, services.data_dir / "cache" / "media", fetch, self)

        self.workspace_vm = WorkspaceViewModel(services, self.ops, defer=lambda fn: QTimer.singleShot(0, fn))
        self.canvas_vm = CanvasViewModel(services, self.ops)
        self.chat_vm = ChatViewModel(services, self.ops)
        self.chat_commands = ChatCommands(services, registry, self.chat_vm, self.ops, self.runs)

        self.sidebar = Sidebar(theme, self)
        left = QDockWidget("Workspace", self)
        left.setObjectName("SidebarDock")
        left.setTitleBarWidget(QWidget(left))
        left.setWidget(self.sidebar)
        left.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        left.setMinimumWidth(250)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, left)

        self.canvas_pane = CanvasPane(self.canvas_vm, self.undo_stack, theme, self.media, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabBar().setDrawBase(False)
        self.tabs.addTab(self.canvas_pane, "Canvas")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.setCentralWidget(self.tabs)
        self.editors: dict[uuid.UUID, EditorPane] = {}

        self.chat = ChatPanel(self.chat_vm, theme, self)
        self.chat_dock = QDockWidget("Chat", self)
        self.chat_dock.setObjectName("ChatDock")
        self.chat_dock.setWidget(self.chat)
        self.chat_dock.setMinimumWidth(360)
        self.chat_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                   | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                                   | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.chat_dock)
        self.resizeDocks([left, self.chat_dock], [270, 420], Qt.Orientation.Horizontal)

        self._model_text = "Local model · not loaded"
        self.status = StatusArea(self.statusBar(), theme, self.ops, self.runs, self._model_state)
        self.palette = Palette(theme, self)
        self.keymap = KeyMap(registry, keybindings)
        self.hub = ActionHub(services, registry, self.keymap, self.ops, self.notifier, self,
                             scopes={"canvas.": self.canvas_pane.view})
        self.hub.needs_arguments.connect(self._ask_arguments)
        self.palette.sources = palette_sources(self)
        self.palette.searcher = palette_searcher(self)
        self._menus()
        self._toolbar()
        self._wire()
        self.bridge = EventBridge(None, parent=self)  # subscribed by start(), once the store is open
        self._store_lock = threading.Lock()
        self._store_tried = False
        self._closed = False
        self.bridge.batch.connect(self.on_events)
        attach_window(services, self)

    # -- wiring ----------------------------------------------------------------------------------

    def _wire(self) -> None:
        wvm, cvm = self.workspace_vm, self.canvas_vm
        wvm.workspace_changed.connect(self._workspace_opened)
        wvm.pages_changed.connect(self.sidebar.set_pages)
        wvm.pages_changed.connect(self._pages_changed)
        wvm.agents_changed.connect(self._agents_changed)
        wvm.library_changed.connect(self.sidebar.set_library)
        wvm.library_changed.connect(self._refresh_records)
        self.sidebar.workspace_chosen.connect(wvm.load)
        self.sidebar.page_chosen.connect(self.open_page)
        self.sidebar.page_tree.page_moved.connect(wvm.reorder_page)
        self.sidebar.agent_chosen.connect(self.open_editor)
        self.sidebar.item_chosen.connect(self.open_record)
        self.sidebar.new_item_requested.connect(self.new_profile)
        self.sidebar.new_page_requested.connect(lambda: self.hub.trigger(self.registry.get("page.create")))
        self.sidebar.palette_requested.connect(self.open_palette)
        self.canvas_pane.run_requested.connect(self.run_snippet)
        self.canvas_pane.cancel_requested.connect(self.runs.cancel)
        self.canvas_pane.problem.connect(lambda text: self.notifier.info("Canvas", text, "error"))
        self.canvas_pane.drafts_changed.connect(lambda d: self.drafts.set("blocks", d))
        self.chat.submitted.connect(self._submit_chat)
        self.chat.draft_changed.connect(lambda cid, text: self.drafts.update("chat", str(cid), text))
        for composer in (self.chat.composer, self.chat.thread.composer):
            composer.textChanged.connect(self.chat_commands.typing)
        self.runs.progressed.connect(lambda cid, _rid, f, m: cvm.set_progress(cid, f, m, "running"))
        self.runs.finished.connect(self._run_finished)
        self.undo_stack.indexChanged.connect(lambda _i: self._undo_titles())
        self.chat.composer.provider = self._complete
        self.chat.thread.composer.provider = self._complete

    def _complete(self, text: str, cursor: int) -> list[Any]:
        """Composer suggestions: slash commands, agent configurations, their inputs and accepted values."""
        return slash.complete(text, cursor, self.registry, [a.name for a in self.workspace_vm.agents],
                              self._inputs_of)

    def _inputs_of(self, config_name: str) -> list[tuple[str, list[Any]]]:
        agent = next((a for a in self.workspace_vm.agents if a.name.lower() == config_name.lower()), None)
        if agent is None:
            return []
        try:
            definition = self.services.registry.get(agent.definition_id).definition
        except IonfluxError:
            return []
        return [(s["key_name"], list(s.get("accepted_values_list") or []))
                for s in definition.get("inputs_schema_json_array") or []]

    def _menus(self) -> None:
        bar = self.menuBar()
        for title, ids in MENUS:
            menu = bar.addMenu(title)
            for cid in ids:
                if cid in self.hub.actions:
                    menu.addAction(self.hub.actions[cid])

    def _toolbar(self) -> None:
        for cid, label in (("canvas.new_block", "+ Block"), ("edit.undo", "↶"), ("edit.redo", "↷"),
                           ("canvas.zoom_out", "−"), ("canvas.zoom_in", "+"), ("canvas.fit", "Fit"),
                           ("platform.demo", "▶ Demo")):
            button = QToolButton(self.canvas_pane)
            button.setDefaultAction(self.hub.actions[cid])
            button.setText(label)
            keys = self.keymap.native(cid)
            button.setToolTip(f"{self.registry.get(cid).title}{f'  ({keys})' if keys else ''}")
            self.canvas_pane.add_tool(button)

    def start(self, first: FirstView | None = None) -> None:
        """Show the workspace in the first paint, and restore drafts and layout.

        With ``first`` (read by ``core.first_view`` without the ORM), the window shows it at once
        and opens the store on a worker; work asked for meanwhile waits for it. Without, the store
        is open already and the workspace loads inline. Widgets shown later for the first time (the
        thread panel) are prepared shortly after the first paint, so opening them never stalls.
        """
        QTimer.singleShot(WARM_UP_MS, self.chat.thread.prepare)
        if first is None:
            self._open_store()
            with self.ops.inline():
                self.drafts.load()
                self._restore_drafts()
                self.workspace_vm.load()
            user = self.services.users.get(self.services.user_id) if self.services.user_id else None
            email, name = (user.email, user.name or user.email) if user else ("", "")
        else:
            # The store opens right after the first paint: loading the ORM must not delay it.
            after_first_paint(self, lambda: self.ops.run(self._open_store, label="opening the database", ungated=True,
                                                         on_failure=self._store_failed), fallback_ms=OPEN_STORE_MS)
            self.drafts.restore(first.drafts)
            self._restore_drafts()
            if first.page is not None:
                page, rows = first.page
                self.canvas_vm.preload(page.id, page.title, [BlockState.from_row(b) for b in rows])
            self.workspace_vm.show(first.workspace_id, first.workspace_name, first.workspace_names,
                                   [PageNode(p.id, p.title, depth, p.parent_page_id) for p, depth in first.pages])
            email, name = first.user_email, first.user_name or first.user_email
        self.sidebar.set_user(email or "no user")
        self.status.user.setText(name)
        if self._settings is not None:
            geometry = self._settings.value("window/geometry")
            state = self._settings.value("window/state")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            if isinstance(state, QByteArray):
                self.restoreState(state)

    def _restore_drafts(self) -> None:
        self.canvas_pane.scene.drafts = {uuid.UUID(k): v for k, v in self.drafts.get("blocks").items()}
        self.chat.drafts = dict(self.drafts.get("chat"))

    def _open_store(self) -> None:
        """Open the store, subscribe to its events, then let waiting work run (once; on a worker, or inline)."""
        with self._store_lock:
            if self._store_tried:
                return
            self._store_tried = True
            try:
                self.bridge.attach(self.services.store.bus)
                _ = self.services.ctx  # the acting user, read once here rather than by the first op
            finally:
                self.ops.release()

    def _store_failed(self, exc: BaseException) -> None:
        self.notifier.error(exc, "open the database")

    # -- workspace, pages, agents --------------------------------------------------------------

    def _workspace_opened(self, name: str, names: list[str]) -> None:
        self.sidebar.set_workspace(name, names)
        self.setWindowTitle(f"{name} — IONFLUX" if name else "IONFLUX")
        self.undo_stack.clear()
        for config_id in list(self.editors):
            self._close_tab(self.tabs.indexOf(self.editors[config_id]))
        with self.ops.in_background():  # the canvas is in the first paint; the chat fills in right after it
            self.chat_vm.load(self.workspace_vm.workspace_id)
        self._first_page_pending = True

    def _pages_changed(self, pages: list[Any]) -> None:
        if getattr(self, "_first_page_pending", False) or (
                self.canvas_vm.page_id is not None and all(p.id != self.canvas_vm.page_id for p in pages)):
            self._first_page_pending = False
            if pages:
                self.open_page(pages[0].id)
            else:
                self.canvas_vm.close_page()

    def _agents_changed(self, agents: list[Any]) -> None:
        self.sidebar.set_agents(agents)
        self.canvas_pane.agents = [(a.id, a.name) for a in agents]
        self.chat_commands.agents = {a.name: a.id for a in agents}

    def open_page(self, page_id: uuid.UUID) -> None:
        self.canvas_vm.open_page(page_id)
        self.sidebar.select_page(page_id)
        self.tabs.setCurrentWidget(self.canvas_pane)

    def open_editor(self, config_id: uuid.UUID) -> EditorPane:
        """Open (or show) the YAML editor of an agent configuration in a tab."""
        from ionflux.ui.editor.model import EditorViewModel

        return self._open_yaml(config_id, lambda: EditorViewModel(self.services, self.ops, config_id), "⚙")

    def open_playbook(self, playbook_id: uuid.UUID) -> EditorPane:
        """Open (or show) a playbook's YAML editor with its runs in a tab."""
        from ionflux.ui.editor.playbook_model import PlaybookEditorViewModel  # the YAML layer: loaded on demand

        return self._open_yaml(playbook_id, lambda: PlaybookEditorViewModel(self.services, self.ops, playbook_id), "⇶")

    def open_profile(self, kind: str, profile_id: uuid.UUID) -> EditorPane:
        """Open (or show) a brand's or creator's YAML editor in a tab."""
        from ionflux.ui.editor.profile_model import ProfileEditorViewModel

        return self._open_yaml(profile_id, lambda: ProfileEditorViewModel(self.services, self.ops, kind, profile_id),
                               "✎")

    def open_prompt(self, prompt_id: uuid.UUID) -> EditorPane:
        """Open (or show) a library prompt's YAML editor in a tab."""
        from ionflux.ui.editor.prompt_model import PromptEditorViewModel

        return self._open_yaml(prompt_id, lambda: PromptEditorViewModel(self.services, self.ops, prompt_id), "✎")

    def edit_record(self, item: LibraryItem) -> EditorPane:
        """The editor of what a record page shows."""
        return self.open_prompt(item.id) if item.kind == "prompt" else self.open_profile(item.kind, item.id)

    def new_profile(self, kind: str) -> None:
        """Create a blank brand or creator ("New brand") and open its editor to fill it in."""
        ws = self.workspace_vm.workspace_id
        if ws is None:
            return
        service = self.services.brands if kind == "brand" else self.services.creators
        self.ops.write(lambda: service.create_new(ws), label=f"create a {kind}",
                       on_success=lambda obj: self.open_profile(kind, obj.id))

    def _open_yaml(self, key: uuid.UUID, make_vm: Any, icon: str) -> EditorPane:
        pane = self.editors.get(key)
        if pane is None:
            vm = make_vm()
            from ionflux.ui.editor.pane import EditorPane

            pane = EditorPane(vm, self.theme, self)
            pane.run_requested.connect(self.run_from_editor)
            pane.message.connect(lambda text, kind: self.notifier.info(text, "", kind))
            vm.loaded.connect(lambda name, *_: self.tabs.setTabText(self.tabs.indexOf(pane), f"{icon} {name}"))
            vm.saved.connect(lambda ok, _m: ok and self.tabs.setTabText(self.tabs.indexOf(pane), f"{icon} {vm.name}"))
            self.editors[key] = pane
            self.tabs.addTab(pane, f"{icon} …")
            vm.load()
        self.tabs.setCurrentWidget(pane)
        return pane

    def open_record(self, item: LibraryItem) -> None:
        if item.kind == "playbook":
            self.open_playbook(item.id)
            return
        for i in range(self.tabs.count()):  # opened already: show that tab, not a second one
            open_view = self.tabs.widget(i)
            if isinstance(open_view, RecordView) and (open_view.item.kind, open_view.item.id) == (item.kind, item.id):
                self.tabs.setCurrentWidget(open_view)
                open_view.setFocus()
                return
        view = RecordView(item, self.theme, self)
        view.edit_requested.connect(self.edit_record)
        self.tabs.addTab(view, item.name)
        self.tabs.setCurrentWidget(view)
        view.setFocus()  # its keys (Ctrl+E) work at once, even when it was opened from the sidebar

    def _refresh_records(self, library: Any) -> None:
        """Open record pages show their item as it is now (edited here, or synced in)."""
        items = {(i.kind, i.id): i for group in (library.brands, library.creators, library.prompts) for i in group}
        for index in reversed(range(self.tabs.count())):
            view = self.tabs.widget(index)
            if isinstance(view, RecordView):
                item = items.get((view.item.kind, view.item.id))
                if item is not None:
                    view.set_item(item)
                    self.tabs.setTabText(index, item.name)
                else:  # archived or deleted (here or elsewhere): its page goes with it from the sidebar
                    self._close_tab(index)

    def _close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if index <= 0 or widget is None:
            return
        if widget in self.editors.values():
            widget.vm.keep_draft(widget.code.toPlainText())
            self.editors.pop(widget.config_id, None)
        self.tabs.removeTab(index)
        widget.deleteLater()

    # -- runs ------------------------------------------------------------------------------------

    def run_snippet(self, config_id: uuid.UUID) -> None:
        self.canvas_vm.set_progress(config_id, 0.0, "queued", "pending")
        name = next((a.name for a in self.workspace_vm.agents if a.id == config_id), "agent")
        self.runs.run(config_id, {}, trigger=TriggerType.MANUAL_UI, label=f"running {name}")

    def run_from_editor(self, config_id: uuid.UUID, dry: bool) -> None:
        name = next((a.name for a in self.workspace_vm.agents if a.id == config_id), "agent")
        self.runs.run(config_id, {}, trigger=TriggerType.MANUAL_UI, dry_run=dry,
                      label=f"{'dry-running' if dry else 'running'} {name}")

    def _run_finished(self, config_id: uuid.UUID, result: Any, exc: BaseException | None) -> None:
        self.canvas_vm.set_progress(config_id, None, "")
        self.status.refresh_model()
        self.canvas_vm.refresh_snippets({config_id})
        if exc is not None:
            message = exc.one_line() if hasattr(exc, "one_line") else f"{type(exc).__name__}: {exc}"
            self.notifier.info("Agent run failed", message, "error")

    # -- chat ------------------------------------------------------------------------------------

    def _submit_chat(self, text: str, thread_id: uuid.UUID | None) -> None:
        self.chat_commands.submit(text, thread_id)

    # -- events ----------------------------------------------------------------------------------

    def on_events(self, events: EventBatch) -> None:
        """A batch of committed changes: each view-model refreshes what it shows; alerts are raised."""
        self.workspace_vm.on_events(events)
        self.canvas_vm.on_events(events)
        self.chat_vm.on_events(events)
        for pane in self.editors.values():
            pane.vm.on_events(events)
        names = {c.id: c.name for c in self.chat_vm.channels}
        for ev in events[-200:]:
            alert = alert_for(ev, names)
            if alert is not None:
                self.notifier.alert(*alert)

    # -- commands' targets -----------------------------------------------------------------------

    def open_palette(self) -> None:
        self.palette.open()

    def _ask_arguments(self, cmd: Command) -> None:
        self.palette.ask_arguments(cmd, lambda c, raw: self.hub.execute(c, self._with_workspace(c, raw),
                                                                        on_done=self._command_done(c)))

    def _with_workspace(self, cmd: Command, raw: dict[str, Any]) -> dict[str, Any]:
        if cmd.param("workspace") is not None and "workspace" not in raw and self.workspace_vm.workspace_name:
            return {**raw, "workspace": self.workspace_vm.workspace_name}
        return raw

    def _command_done(self, cmd: Command) -> Any:
        def done(out: Any) -> None:
            if out is not None and out.text:
                self.notifier.info(cmd.title, out.text[:400], "success")
            if cmd.id == "page.create" and out is not None and isinstance(out.data, dict) and out.data.get("id"):
                self.open_page(uuid.UUID(out.data["id"]))

        return done

    def show_shortcuts(self) -> ShortcutsSheet:
        sheet = ShortcutsSheet(self.keymap, self)
        sheet.show()
        return sheet

    def toggle_theme(self) -> None:
        name = THEME_NAMES[(THEME_NAMES.index(self.theme.name) + 1) % len(THEME_NAMES)]
        self.set_theme(load_theme(name))
        self.ops.write(lambda: self.services.store.set_local(THEME_KEY, name), label="remember the theme")

    def set_theme(self, theme: Theme) -> None:
        """Switch themes live: the style sheet, and every widget that paints itself."""
        self.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        for holder in (self.sidebar, self.canvas_pane, self.canvas_pane.scene, self.canvas_pane.view,
                       self.chat.list.delegate, self.chat.thread.list.delegate, self.notifier, self.status):
            holder.theme = theme
        self.canvas_pane.view.setBackgroundBrush(theme.qcolor("canvas"))
        for item in self.canvas_pane.scene.block_items():
            item.theme = theme
            item.content.reset()
            item.update()
        self.sidebar.set_agents(self.workspace_vm.agents)
        for messages in (self.chat.list, self.chat.thread.list):
            messages.remeasure()
            messages.viewport().update()
        self.canvas_pane.view.viewport().update()

    def toggle_chat(self) -> None:
        self.chat_dock.setVisible(not self.chat_dock.isVisible())
        if self.chat_dock.isVisible():
            self.chat.focus_composer()

    def focus_area(self, area: str) -> None:
        if area == "sidebar":
            self.sidebar.page_tree.setFocus()
        elif area == "canvas":
            self.tabs.setCurrentWidget(self.canvas_pane)
            self.canvas_pane.view.setFocus()
        elif area == "chat":
            self.chat_dock.show()
            self.chat.focus_composer()

    def set_sync_status(self, text: str, state: str) -> None:
        """Called by the sync worker: ``state`` is one of off, ok, syncing, offline, error."""
        self.status.set_sync_status(text, state)

    def _model_state(self) -> str:
        def probe() -> str:
            local = self.services.router.local()
            return f"Local model · {local.model} · {'ready' if local.loaded else 'loads on first use'}"

        def show(text: str) -> None:  # at once, not at the next poll
            self._model_text = text
            self.status.model.setText(text)

        self.ops.run(probe, label="", on_success=show, on_failure=lambda _exc: show("Local model · unavailable"))
        return self._model_text

    def _undo_titles(self) -> None:
        undo, redo = self.hub.actions.get("edit.undo"), self.hub.actions.get("edit.redo")
        if undo is not None:
            undo.setText(f"Undo {self.undo_stack.undoText()}".strip())
        if redo is not None:
            redo.setText(f"Redo {self.undo_stack.redoText()}".strip())

    def resizeEvent(self, event: QResizeEvent) -> None:
        # An override, not an event filter on the window: a filter would take the GIL for every event
        # the window gets (each repaint of any part of it), and workers holding the GIL make each take wait.
        super().resizeEvent(event)
        self.notifier.place()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:  # a second close (a window closed before it was shown gets one from its owner too)
            super().closeEvent(event)
            return
        self._closed = True
        try:
            self._open_store()  # closed before it opened (just after start): the drafts still need it
        except Exception:
            log.exception("the database did not open; drafts typed since start-up are not saved")
        self.undo_stack.indexChanged.disconnect()
        if self._settings is not None:
            self._settings.setValue("window/geometry", self.saveGeometry())
            self._settings.setValue("window/state", self.saveState())
            self._settings.sync()
        for pane in self.editors.values():
            pane.vm.keep_draft(pane.code.toPlainText())
        self.drafts.flush()
        self.bridge.close()
        self.ops.close()
        detach_window(self.services)
        super().closeEvent(event)


__all__ = ["MainWindow"]
