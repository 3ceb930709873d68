"""The chat dock's panel: the open channel's messages and a composer."""

from __future__ import annotations

from typing import Any

from ionflux.ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QColor,
    QFont,
    QLabel,
    QLineEdit,
    QListView,
    QModelIndex,
    QPainter,
    QRectF,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextDocument,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme
from ionflux.ui.workspace_vm import MessageView

MessageRole = Qt.ItemDataRole.UserRole + 1


class MessageListModel(QAbstractListModel):
    """Messages of one channel for a QListView (only visible rows are ever painted)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MessageView] = []

    def set_messages(self, rows: list[MessageView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{m.sender}: {m.text}"
        if role == MessageRole:
            return m
        return None


class MessageDelegate(QStyledItemDelegate):
    """Paints a message as sender, time and markdown body."""

    def __init__(self, theme: Theme, parent: Any = None) -> None:
        super().__init__(parent)
        self.theme = theme

    def _doc(self, m: MessageView, width: float) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultStyleSheet(f"* {{ color: {self.theme.text}; }}")
        doc.setMarkdown(m.text)
        doc.setTextWidth(max(50.0, width - 24))
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        m: MessageView = index.data(MessageRole)
        doc = self._doc(m, option.rect.width() or 300)
        extra = 18 if m.replies else 0
        return QSize(int(option.rect.width()), int(doc.size().height()) + 34 + extra)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        m: MessageView = index.data(MessageRole)
        t = self.theme
        r = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(t.accent if m.sender_type == "agent" else t.text))
        painter.drawText(QRectF(r.left() + 12, r.top() + 6, r.width() - 24, 18), m.sender)
        font.setBold(False)
        font.setPixelSize(max(9, round((font.pixelSize() if font.pixelSize() > 0 else 13) * 0.85)))
        painter.setFont(font)
        painter.setPen(QColor(t.muted))
        painter.drawText(QRectF(r.left() + 12, r.top() + 6, r.width() - 24, 18),
                         Qt.AlignmentFlag.AlignRight, m.created_at.strftime("%H:%M"))
        doc = self._doc(m, r.width())
        painter.translate(r.left() + 8, r.top() + 24)
        doc.drawContents(painter)
        if m.replies:
            painter.setPen(QColor(t.accent))
            painter.drawText(QRectF(4, doc.size().height() + 2, 200, 16),
                             f"{m.replies} repl{'y' if m.replies == 1 else 'ies'}")
        painter.restore()


class ChatPanel(QWidget):
    """Channel title, message list and composer.

    Signals:
        submitted(str): the composer's text when the user presses Enter.
    """

    submitted = Signal(str)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChatPanel")
        self.title = QLabel("", self)
        self.title.setObjectName("ChannelTitle")
        self.model = MessageListModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setItemDelegate(MessageDelegate(theme, self.list))
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.composer = QLineEdit(self)
        self.composer.setPlaceholderText("Message — Enter to send")
        self.composer.returnPressed.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        pad = QVBoxLayout()
        pad.setContentsMargins(10, 0, 10, 0)
        pad.addWidget(self.composer)
        layout.addLayout(pad)

    def show_channel(self, name: str, messages: list[MessageView]) -> None:
        self.title.setText(f"# {name}" if name else "")
        self.composer.setPlaceholderText(f"Message #{name} — Enter to send" if name else "No channel")
        self.model.set_messages(messages)
        self.list.scrollToBottom()

    def _submit(self) -> None:
        text = self.composer.text().strip()
        if text:
            self.submitted.emit(text)
