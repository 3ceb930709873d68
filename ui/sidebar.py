"""The sidebar: workspace switcher, page tree (drag to nest and reorder), agents and the library."""

from __future__ import annotations

import uuid

from ionflux.ui.qt import (
    QAbstractItemView,
    QColor,
    QComboBox,
    QDropEvent,
    QHBoxLayout,
    QIcon,
    QLabel,
    QModelIndex,
    QPainter,
    QPixmap,
    QPushButton,
    QSize,
    QSizePolicy,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QToolButton,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme
from ionflux.ui.workspace_vm import AgentItem, Library, LibraryItem, PageNode

IdRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

_Drop = QAbstractItemView.DropIndicatorPosition


class PageTree(QTreeView):
    """The page tree; a drop asks for a move instead of changing the model (the store is the truth).

    Signals:
        page_moved(uuid.UUID, object, int): page id, new parent id (None: top level), index among siblings.
    """

    page_moved = Signal(object, object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setIndentation(14)
        self.setAnimated(True)

    def drop_target(self, source: QModelIndex, target: QModelIndex,
                    where: QAbstractItemView.DropIndicatorPosition) -> tuple[uuid.UUID | None, int] | None:
        """Where a drop of ``source`` on ``target`` puts the page: (parent id, index), or None for no move."""
        model = self.model()
        if where == _Drop.OnItem and target.isValid():
            if target == source:
                return None
            return target.data(IdRole), model.rowCount(target)
        if where == _Drop.OnViewport or not target.isValid():
            parent_index, row = QModelIndex(), model.rowCount(QModelIndex())
        else:
            parent_index = target.parent()
            row = target.row() + (1 if where == _Drop.BelowItem else 0)
        if source.parent() == parent_index and source.row() < row:
            row -= 1  # the page leaves its old place first
        return (parent_index.data(IdRole) if parent_index.isValid() else None), row

    def dropEvent(self, event: QDropEvent) -> None:
        source = self.currentIndex()
        target = self.indexAt(event.position().toPoint())
        found = self.drop_target(source, target, self.dropIndicatorPosition()) if source.isValid() else None
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if found is not None:
            self.page_moved.emit(source.data(IdRole), found[0], found[1])


class FitTree(QTreeWidget):
    """A list as tall as its shown rows (up to ``max_rows``): a short one leaves the room to the page tree."""

    def __init__(self, max_rows: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self.setHeaderHidden(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.itemExpanded.connect(lambda _i: self.updateGeometry())
        self.itemCollapsed.connect(lambda _i: self.updateGeometry())

    def shown_rows(self) -> int:
        count = 0
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            count += 1 + (top.childCount() if top.isExpanded() else 0)
        return count

    def _height(self, rows: int) -> int:
        row = self.sizeHintForRow(0) if self.topLevelItemCount() else self.fontMetrics().height() + 10
        return max(1, rows) * max(row, 1) + 2 * self.frameWidth() + 4

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height(min(self.shown_rows(), self.max_rows)))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height(min(self.shown_rows(), 2)))


def _header(text: str, parent: QWidget, button: QToolButton | None = None) -> QWidget:
    row = QWidget(parent)
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 10, 0)
    label = QLabel(text, row)
    label.setObjectName("SidebarHeader")
    lay.addWidget(label, 1)
    if button is not None:
        lay.addWidget(button)
    return row


class Sidebar(QWidget):
    """Workspace switcher, page tree, agent configurations and the library.

    Signals:
        workspace_chosen(str): a workspace name.
        page_chosen(uuid.UUID), agent_chosen(uuid.UUID): what was clicked.
        item_chosen(LibraryItem): a brand, creator, playbook or prompt.
        new_page_requested(), palette_requested()
        new_item_requested(str): a new brand or creator ("brand", "creator") was asked for.
    """

    workspace_chosen = Signal(str)
    page_chosen = Signal(object)
    agent_chosen = Signal(object)
    item_chosen = Signal(object)
    new_page_requested = Signal()
    palette_requested = Signal()
    new_item_requested = Signal(str)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setObjectName("Sidebar")
        self.badge = QLabel("", self)
        self.badge.setObjectName("WorkspaceBadge")
        self.badge.setFixedSize(30, 30)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel("", self)
        self.title.setObjectName("WorkspaceTitle")
        self.user_line = QLabel("", self)
        self.user_line.setObjectName("UserLine")
        self.workspaces = QComboBox(self)
        self.workspaces.setToolTip("Switch workspace")
        self.workspaces.activated.connect(lambda i: self.workspace_chosen.emit(self.workspaces.itemText(i)))
        self.search = QPushButton("⌕   Search or run a command…", self)
        self.search.setObjectName("SearchButton")
        self.search.clicked.connect(self.palette_requested.emit)

        self.page_model = QStandardItemModel(self)
        self.page_tree = PageTree(self)
        self.page_tree.setModel(self.page_model)
        self.page_tree.clicked.connect(lambda idx: self.page_chosen.emit(idx.data(IdRole)))
        self.page_tree.activated.connect(lambda idx: self.page_chosen.emit(idx.data(IdRole)))
        add_page = QToolButton(self)
        add_page.setText("+")
        add_page.setToolTip("New page (Ctrl+N)")
        add_page.clicked.connect(self.new_page_requested.emit)

        self.agent_list = FitTree(8, self)
        self.agent_list.setRootIsDecorated(False)
        self.agent_list.itemActivated.connect(lambda it, _c: self.agent_chosen.emit(it.data(0, IdRole)))
        self.agent_list.itemClicked.connect(lambda it, _c: self.agent_chosen.emit(it.data(0, IdRole)))

        self.library = FitTree(14, self)
        self.library.setIndentation(12)
        self.library.itemActivated.connect(self._library_clicked)
        self.library.itemClicked.connect(self._library_clicked)

        head = QHBoxLayout()
        head.setContentsMargins(14, 14, 12, 6)
        head.setSpacing(10)
        head.addWidget(self.badge)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.title)
        names.addWidget(self.user_line)
        head.addLayout(names, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(0)
        layout.addLayout(head)
        pad = QVBoxLayout()
        pad.setContentsMargins(12, 4, 12, 4)
        pad.setSpacing(6)
        pad.addWidget(self.workspaces)
        pad.addWidget(self.search)
        layout.addLayout(pad)
        layout.addWidget(_header("PAGES", self, add_page))
        layout.addWidget(self.page_tree, 1)  # the room the two lists below leave
        layout.addWidget(_header("AGENTS", self))
        layout.addWidget(self.agent_list)
        layout.addWidget(_header("LIBRARY", self))
        layout.addWidget(self.library)

    # -- rendering ------------------------------------------------------------------------------

    def set_workspace(self, name: str, names: list[str]) -> None:
        self.workspaces.blockSignals(True)
        self.workspaces.clear()
        self.workspaces.addItems(names)
        self.workspaces.setCurrentText(name)
        self.workspaces.blockSignals(False)
        self.workspaces.setVisible(len(names) > 1)
        self.title.setText(name or "No workspace")
        self.badge.setText((name or "?")[:1].upper())

    def set_user(self, text: str) -> None:
        self.user_line.setText(text)

    def set_pages(self, pages: list[PageNode]) -> None:
        current = self.page_tree.currentIndex().data(IdRole)
        self.page_model.clear()
        items: dict[uuid.UUID, QStandardItem] = {}
        for p in pages:
            item = QStandardItem(f"▤  {p.title}")
            item.setData(p.id, IdRole)
            item.setData(p.title, ItemRole)
            item.setDropEnabled(True)
            parent = items.get(p.parent_id) if p.parent_id else None
            (parent or self.page_model.invisibleRootItem()).appendRow(item)
            items[p.id] = item
        self.page_tree.expandAll()
        self.select_page(current)

    def select_page(self, page_id: uuid.UUID | None) -> None:
        if page_id is None:
            return
        hits = self.page_model.match(self.page_model.index(0, 0), IdRole, page_id, 1,
                                     Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        if hits:
            self.page_tree.setCurrentIndex(hits[0])

    def page_titles(self) -> list[str]:
        """The tree as indented titles (for tests and the palette)."""
        out: list[str] = []

        def walk(parent: QModelIndex, depth: int) -> None:
            for row in range(self.page_model.rowCount(parent)):
                idx = self.page_model.index(row, 0, parent)
                out.append("  " * depth + idx.data(ItemRole))
                walk(idx, depth + 1)

        walk(QModelIndex(), 0)
        return out

    def set_agents(self, agents: list[AgentItem]) -> None:
        self.agent_list.clear()
        for a in agents:
            item = QTreeWidgetItem([a.name])
            item.setData(0, IdRole, a.id)
            item.setToolTip(0, f"{a.definition_name} · last run: {a.status}")
            item.setIcon(0, _dot(self.theme.status_colour(a.status)))
            self.agent_list.addTopLevelItem(item)
        self.agent_list.updateGeometry()

    def set_library(self, library: Library) -> None:
        self.library.clear()
        for title, items, new_kind in (("Brands", library.brands, "brand"), ("Creators", library.creators, "creator"),
                                       ("Playbooks", library.playbooks, None), ("Prompts", library.prompts, None)):
            group = QTreeWidgetItem([f"{title}  ·  {len(items)}"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setForeground(0, self.theme.qcolor("muted"))
            for it in items:
                child = QTreeWidgetItem([it.name])
                child.setToolTip(0, it.subtitle)
                child.setData(0, ItemRole, it)
                group.addChild(child)
            if new_kind is not None:
                add = QTreeWidgetItem([f"+ New {new_kind}"])
                add.setForeground(0, self.theme.qcolor("accent"))
                add.setData(0, ItemRole, new_kind)
                group.addChild(add)
            self.library.addTopLevelItem(group)
            group.setExpanded(len(items) <= 6 and (bool(items) or new_kind is not None))
        self.library.updateGeometry()

    def _library_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, ItemRole)
        if isinstance(data, LibraryItem):
            self.item_chosen.emit(data)
        elif isinstance(data, str):
            self.new_item_requested.emit(data)


def _dot(colour: str) -> QIcon:
    """A small round status icon."""
    pix = QPixmap(12, 12)
    pix.fill(QColor(0, 0, 0, 0))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(QColor(0, 0, 0, 0))
    p.drawEllipse(2, 2, 8, 8)
    p.end()
    return QIcon(pix)
