"""The command palette (Ctrl+K): fuzzy search over commands, pages, blocks, messages, agents and more.

Local sources (commands, pages, agents, channels, the library) are matched as you type;
blocks and messages on every page and channel come from full-text search off the GUI thread.
Commands that need arguments ask for them here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ionflux.core.commands import Command
from ionflux.ui.chat.slash import parse_args
from ionflux.ui.fuzzy import score
from ionflux.ui.qt import (
    QColor,
    QEvent,
    QFont,
    QFrame,
    QGraphicsDropShadowEffect,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QMouseEvent,
    QObject,
    QPainter,
    QPaintEvent,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme

SEARCH_DELAY_MS = 120
MAX_ROWS = 40


@dataclass(frozen=True)
class Entry:
    """One palette row."""

    kind: str
    title: str
    subtitle: str
    run: Callable[[], Any]
    keys: str = ""


Source = Callable[[], list[Entry]]
EntryRole = Qt.ItemDataRole.UserRole + 1
ROW_H = 46


class EntryDelegate(QStyledItemDelegate):
    """Paints a palette row: title, a muted subtitle, the kind as a badge and the keys."""

    def __init__(self, theme: Theme, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.theme = theme

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(option.rect.width(), ROW_H)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        entry: Entry = index.data(EntryRole)
        t, r = self.theme, QRectF(option.rect)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(t.accent_soft))
            p.drawRoundedRect(r.adjusted(6, 1, -6, -1), 8, 8)
        font = QFont(option.font)
        font.setPixelSize(11)
        font.setBold(True)
        p.setFont(font)
        badge = entry.kind.upper()
        bw = p.fontMetrics().horizontalAdvance(badge) + 16
        right = r.right() - 16
        if entry.keys:
            kw = p.fontMetrics().horizontalAdvance(entry.keys) + 14
            keys = QRectF(right - kw, r.top() + (ROW_H - 22) / 2, kw, 22)
            p.setPen(QColor(t.border))
            p.setBrush(QColor(t.panel))
            p.drawRoundedRect(keys, 6, 6)
            p.setPen(QColor(t.muted))
            p.drawText(keys, Qt.AlignmentFlag.AlignCenter, entry.keys)
            right = keys.left() - 8
        pill = QRectF(right - bw, r.top() + (ROW_H - 20) / 2, bw, 20)
        colour = QColor({"page": t.accent, "agent": t.success, "block": t.info, "message": t.warning,
                         "command": t.muted}.get(entry.kind, t.faint))
        fill = QColor(colour)
        fill.setAlpha(36)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRoundedRect(pill, 10, 10)
        p.setPen(colour)
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, badge)
        width = int(pill.left() - r.left() - 34)
        font.setPixelSize(14)
        font.setBold(False)
        p.setFont(font)
        p.setPen(QColor(t.text))
        top, height = (r.top() + 5, 22) if entry.subtitle else (r.top(), ROW_H)
        title_rect = QRectF(r.left() + 20, top, width, height)
        p.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(entry.title, Qt.TextElideMode.ElideRight, width))
        if entry.subtitle:
            font.setPixelSize(12)
            p.setFont(font)
            p.setPen(QColor(t.muted))
            p.drawText(QRectF(r.left() + 20, r.top() + 24, width, 18), Qt.AlignmentFlag.AlignVCenter,
                       p.fontMetrics().elidedText(entry.subtitle, Qt.TextElideMode.ElideRight, width))
        p.restore()


class Scrim(QWidget):
    """Dims the window behind a popup; a click on it closes the popup.

    Signals:
        clicked()
    """

    clicked = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.hide()

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0, 90))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
Searcher = Callable[[str, Callable[[list[Entry]], None]], None]


class Palette(QFrame):
    """A popup over the window.

    Signals:
        ran(str): an entry was run (its title).
    """

    ran = Signal(str)

    def __init__(self, theme: Theme, parent: QWidget) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setObjectName("Palette")
        self.input = QLineEdit(self)
        self.input.setObjectName("PaletteInput")
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(EntryDelegate(theme, self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scrim = Scrim(parent)
        self.scrim.clicked.connect(self.close_palette)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(40)
        shadow.setOffset(0, 12)
        shadow.setColor(QColor(0, 0, 0, 140))
        self.setGraphicsEffect(shadow)
        self.hint = QLabel("↑↓ move  ·  Enter run  ·  Esc close  ·  Ctrl+/ all shortcuts", self)
        self.hint.setObjectName("PaletteHint")
        self.hint.setContentsMargins(16, 0, 16, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.setSpacing(6)
        layout.addWidget(self.input)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.sources: list[Source] = []
        self.searcher: Searcher | None = None
        self.entries: list[Entry] = []
        self._found: list[Entry] = []
        self._pending: Command | None = None
        self._on_arguments: Callable[[Command, dict[str, Any]], None] | None = None
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)
        self.input.textChanged.connect(self._typed)
        self.input.installEventFilter(self)
        self.list.itemActivated.connect(lambda _i: self.accept())
        self.hide()

    # -- opening -------------------------------------------------------------------------------

    def open(self, text: str = "") -> None:
        self._pending = None
        self.input.setPlaceholderText("Search pages, blocks, messages, agents — or type a command")
        self._place()
        self.show()
        self.raise_()
        self.input.setText(text)
        self._typed(text)
        self.input.setFocus()

    def ask_arguments(self, cmd: Command, on_arguments: Callable[[Command, dict[str, Any]], None]) -> None:
        """Ask for a command's arguments (``page.create`` needs a title), then run it."""
        self._pending = cmd
        self._on_arguments = on_arguments
        names = " ".join(f"<{p.name}>" for p in cmd.params if p.required)
        self._place()
        self.show()
        self.raise_()
        self.input.clear()
        self.input.setPlaceholderText(f"{cmd.title}: {names}")
        self.list.clear()
        item = QListWidgetItem(cmd.title)
        item.setData(EntryRole, Entry("command", cmd.title, cmd.help, lambda: None, ""))
        self.list.addItem(item)
        self.input.setFocus()

    def _place(self) -> None:
        self.scrim.cover()
        parent = self.parentWidget()
        width = min(640, parent.width() - 80)
        height = min(460, parent.height() - 140)
        self.setGeometry((parent.width() - width) // 2, 90, width, height)

    def close_palette(self) -> None:
        self.hide()
        self.scrim.hide()
        self._pending = None

    # -- matching ------------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if self._pending is not None:
            return
        self._found = []
        self._render(text)
        if len(text.strip()) >= 2 and self.searcher is not None:
            self._search_timer.start()

    def _search(self) -> None:
        query = self.input.text()
        if self.searcher is not None and self._pending is None:
            self.searcher(query, lambda found: self._results(query, found))

    def _results(self, query: str, found: list[Entry]) -> None:
        if query == self.input.text() and self.isVisible():
            self._found = found
            self._render(query)

    def matches(self, text: str) -> list[Entry]:
        """Entries matching ``text`` best first (all commands, in order, when it is empty)."""
        entries = [e for source in self.sources for e in source()]
        if not text.strip():
            commands = [e for e in entries if e.kind == "command"]
            others = [e for e in entries if e.kind == "page"]
            return (others[:6] + commands)[:MAX_ROWS]
        scored = []
        for e in entries:
            s = score(text, e.title)
            if s is None:
                s2 = score(text, f"{e.title} {e.subtitle}")
                s = None if s2 is None else s2 - 20
            if s is not None:
                scored.append((s + (5 if e.kind in ("page", "agent") else 0), e))
        scored.sort(key=lambda pair: -pair[0])
        return [e for _, e in scored][:MAX_ROWS]

    def _render(self, text: str) -> None:
        self.entries = self.matches(text) + self._found
        self.list.clear()
        for e in self.entries:
            item = QListWidgetItem(e.title)
            item.setData(EntryRole, e)
            self.list.addItem(item)
        if self.entries:
            self.list.setCurrentRow(0)

    # -- running -------------------------------------------------------------------------------

    def accept(self) -> None:
        if self._pending is not None:
            cmd, callback = self._pending, self._on_arguments
            raw = parse_args(cmd, self.input.text())
            self.close_palette()
            if callback is not None:
                callback(cmd, raw)
            return
        row = self.list.currentRow()
        if 0 <= row < len(self.entries):
            entry = self.entries[row]
            self.close_palette()
            entry.run()
            self.ran.emit(entry.title)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                if self.list.count():
                    self.list.setCurrentRow((self.list.currentRow() + step) % self.list.count())
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
            if key == Qt.Key.Key_Escape:
                self.close_palette()
                return True
        return False
