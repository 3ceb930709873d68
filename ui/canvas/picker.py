"""The "/" block picker: type to filter the eight block types, Enter to add one (then a URL or an agent)."""

from __future__ import annotations

import uuid

from ionflux.ui.canvas.blocks import KINDS, BlockKind
from ionflux.ui.qt import (
    QEvent,
    QFrame,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme

KindRole = Qt.ItemDataRole.UserRole + 1


class BlockPicker(QFrame):
    """A small popup over the canvas.

    Signals:
        chosen(str, object): a block type and what it needs (a URL or path, an agent configuration id, or None).
    """

    chosen = Signal(str, object)

    def __init__(self, theme: Theme, parent: QWidget) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setObjectName("Palette")
        self.setFixedWidth(400)
        self.input = QLineEdit(self)
        self.input.setObjectName("PaletteInput")
        self.list = QListWidget(self)
        self.hint = QLabel("", self)
        self.hint.setObjectName("PaletteHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.input)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.hint.setContentsMargins(14, 0, 14, 0)
        self.input.textChanged.connect(self._filter)
        self.input.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self._stage: BlockKind | None = None
        self._agents: list[tuple[uuid.UUID, str]] = []
        self.hide()

    def open(self, agents: list[tuple[uuid.UUID, str]]) -> None:
        """Show the picker with the block types (``agents``: configurations for agent snippets)."""
        self._agents = agents
        self._stage = None
        self.input.clear()
        self.input.setPlaceholderText("Add a block…  (type to filter)")
        self.hint.setText("↑↓ choose  ·  Enter add  ·  Esc close")
        self._fill_kinds("")
        parent = self.parentWidget()
        self.adjustSize()
        self.setFixedHeight(min(420, 60 + 44 * self.list.count() + 30))
        self.move((parent.width() - self.width()) // 2, 70)
        self.show()
        self.raise_()
        self.input.setFocus()

    def _fill_kinds(self, text: str) -> None:
        self.list.clear()
        needle = text.lower().strip()
        for kind in KINDS:
            if needle and needle not in f"{kind.title} {kind.type} {kind.description}".lower():
                continue
            item = QListWidgetItem(f"{kind.title}\n{kind.description}")
            item.setData(KindRole, kind.type)
            item.setForeground(self.theme.qcolor("text"))
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def _fill_agents(self, text: str) -> None:
        self.list.clear()
        for cid, name in self._agents:
            if text.lower() in name.lower():
                item = QListWidgetItem(name)
                item.setData(KindRole, cid)
                self.list.addItem(item)
        self.list.setCurrentRow(0)

    def _filter(self, text: str) -> None:
        if self._stage is None:
            self._fill_kinds(text)
        elif self._stage.needs == "agent":
            self._fill_agents(text)

    def accept(self) -> None:
        if self._stage is None:
            item = self.list.currentItem()
            if item is None:
                return
            kind = next(k for k in KINDS if k.type == item.data(KindRole))
            if kind.needs is None:
                self._choose(kind.type, None)
                return
            self._stage = kind
            self.input.clear()
            if kind.needs == "agent":
                self.input.setPlaceholderText("Which agent configuration?")
                self._fill_agents("")
                if not self._agents:
                    self.hint.setText("No agent configurations in this workspace yet")
            else:
                self.list.clear()
                self.input.setPlaceholderText("Image URL or file path" if kind.needs == "image" else "https://…")
                self.hint.setText("Paste a link, then Enter")
            return
        if self._stage.needs == "agent":
            item = self.list.currentItem()
            if item is not None:
                self._choose(self._stage.type, item.data(KindRole))
        elif self.input.text().strip():
            self._choose(self._stage.type, self.input.text().strip())

    def _choose(self, block_type: str, extra: object) -> None:
        self.hide()
        self.chosen.emit(block_type, extra)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
            if key == Qt.Key.Key_Escape:
                self.hide()
                return True
        return False
