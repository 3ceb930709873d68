"""The IONFLUX main window: sidebar (workspace, pages, channels), canvas, chat dock, status bar."""

from __future__ import annotations

import uuid
from pathlib import Path

from ionflux.core.errors import IonfluxError
from ionflux.core.models import PlatformEvent
from ionflux.ui.canvas_view import CanvasView
from ionflux.ui.chat_panel import ChatPanel
from ionflux.ui.qt import (
    QAbstractItemView,
    QByteArray,
    QComboBox,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QObject,
    QSettings,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.services import Services
from ionflux.ui.theme import Theme
from ionflux.ui.workspace_vm import ChannelItem, PageNode, WorkspaceViewModel

IdRole = Qt.ItemDataRole.UserRole + 1


class EventBridge(QObject):
    """Carries store events from any thread to the GUI thread (a queued Qt signal).

    Signals:
        event(PlatformEvent): a committed event, delivered on the GUI thread.
    """

    event = Signal(object)


class Sidebar(QWidget):
    """Workspace switcher, page tree and channel list.

    Signals:
        workspace_chosen(str), page_chosen(uuid.UUID), channel_chosen(uuid.UUID)
    """

    workspace_chosen = Signal(str)
    page_chosen = Signal(object)
    channel_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.workspaces = QComboBox(self)
        self.workspaces.currentTextChanged.connect(lambda name: name and self.workspace_chosen.emit(name))
        self.title = QLabel("", self)
        self.title.setObjectName("WorkspaceTitle")
        self.page_model = QStandardItemModel(self)
        self.page_tree = QTreeView(self)
        self.page_tree.setModel(self.page_model)
        self.page_tree.setHeaderHidden(True)
        self.page_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.page_tree.clicked.connect(lambda idx: self.page_chosen.emit(idx.data(IdRole)))
        self.channel_list = QListWidget(self)
        self.channel_list.itemClicked.connect(lambda item: self.channel_chosen.emit(item.data(IdRole)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        pad = QVBoxLayout()
        pad.setContentsMargins(10, 4, 10, 4)
        pad.addWidget(self.workspaces)
        layout.addLayout(pad)
        for header, widget, stretch in (("PAGES", self.page_tree, 3), ("CHANNELS", self.channel_list, 2)):
            label = QLabel(header, self)
            label.setObjectName("SidebarHeader")
            layout.addWidget(label)
            layout.addWidget(widget, stretch)

    def set_workspaces(self, names: list[str], current: str) -> None:
        self.workspaces.blockSignals(True)
        self.workspaces.clear()
        self.workspaces.addItems(names)
        self.workspaces.setCurrentText(current)
        self.workspaces.blockSignals(False)
        self.title.setText(current or "No workspace")

    def set_pages(self, pages: list[PageNode]) -> None:
        self.page_model.clear()
        items: dict[uuid.UUID, QStandardItem] = {}
        for p in pages:
            item = QStandardItem(p.title)
            item.setData(p.id, IdRole)
            parent = items.get(p.parent_id) if p.parent_id else None
            (parent or self.page_model.invisibleRootItem()).appendRow(item)
            items[p.id] = item
        self.page_tree.expandAll()

    def set_channels(self, channels: list[ChannelItem]) -> None:
        self.channel_list.clear()
        for c in channels:
            label = f"#  {c.name}" + (f"   ({c.unread})" if c.unread else "")
            item = QListWidgetItem(label)
            item.setData(IdRole, c.id)
            self.channel_list.addItem(item)


class MainWindow(QMainWindow):
    """The window people live in. Thin: all state is in :class:`WorkspaceViewModel`."""

    def __init__(self, services: Services, theme: Theme, settings_path: Path | None = None) -> None:
        super().__init__()
        self.services = services
        self.theme = theme
        self.vm = WorkspaceViewModel(services)
        self.setWindowTitle("IONFLUX")
        self.resize(1400, 860)
        self._settings = QSettings(str(settings_path), QSettings.Format.IniFormat) if settings_path else None

        self.sidebar = Sidebar(self)
        left = QDockWidget("Workspace", self)
        left.setObjectName("SidebarDock")
        left.setTitleBarWidget(QWidget(left))
        left.setWidget(self.sidebar)
        left.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        left.setMinimumWidth(240)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, left)

        center = QWidget(self)
        self.page_title = QLabel("", center)
        self.page_title.setObjectName("PageTitle")
        self.canvas = CanvasView(theme, center)
        col = QVBoxLayout(center)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.page_title)
        col.addWidget(self.canvas, 1)
        self.setCentralWidget(center)

        self.chat = ChatPanel(theme, self)
        self.chat_dock = QDockWidget("Chat", self)
        self.chat_dock.setObjectName("ChatDock")
        self.chat_dock.setWidget(self.chat)
        self.chat_dock.setMinimumWidth(340)
        self.chat_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                   | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.chat_dock)

        self.sync_label = QLabel("Local · sync off", self)
        self.user_label = QLabel("", self)
        self.statusBar().addWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.user_label)

        self.vm.workspace_changed.connect(self._on_workspace)
        self.vm.pages_changed.connect(self.sidebar.set_pages)
        self.vm.channels_changed.connect(self.sidebar.set_channels)
        self.vm.page_opened.connect(self._on_page)
        self.vm.messages_changed.connect(self.chat.show_channel)
        self.sidebar.workspace_chosen.connect(self.vm.load)
        self.sidebar.page_chosen.connect(self.vm.open_page)
        self.sidebar.channel_chosen.connect(self.vm.open_channel)
        self.chat.submitted.connect(self._post)

        self.bridge = EventBridge(self)
        self.bridge.event.connect(self._on_store_event)
        self._unsubscribe = services.store.bus.subscribe("ionflux.*", self.bridge.event.emit)

    def start(self) -> None:
        """Load the current workspace and restore the saved layout."""
        self.vm.load()
        user = self.services.users.get(self.services.user_id) if self.services.user_id else None
        self.user_label.setText(user.email if user else "no user")
        if self._settings is not None:
            geometry = self._settings.value("window/geometry")
            state = self._settings.value("window/state")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            if isinstance(state, QByteArray):
                self.restoreState(state)

    def _on_workspace(self, name: str) -> None:
        self.sidebar.set_workspaces(self.vm.workspace_names(), name)

    def _on_page(self, title: str, blocks: list) -> None:  # type: ignore[type-arg]
        self.page_title.setText(title)
        self.canvas.show_blocks(blocks)

    def _post(self, text: str) -> None:
        if self.vm.channel_id is None:
            return
        try:
            self.services.chat.post(self.vm.channel_id, text)
        except IonfluxError as exc:
            self.statusBar().showMessage(exc.one_line(), 8000)
            return  # the draft stays in the composer
        self.chat.composer.clear()

    def _on_store_event(self, event: PlatformEvent) -> None:
        self.vm.on_event(event)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self._settings is not None:
            self._settings.setValue("window/geometry", self.saveGeometry())
            self._settings.setValue("window/state", self.saveState())
            self._settings.sync()
        self._unsubscribe()
        super().closeEvent(event)
