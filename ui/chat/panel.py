"""The chat dock's content: channel switcher, message list, composer, and the thread side panel."""

from __future__ import annotations

import uuid
from typing import Any

from ionflux.ui.chat.composer import Composer
from ionflux.ui.chat.emoji import reaction_label
from ionflux.ui.chat.messages import QUICK_REACTIONS, MessageDelegate, MessageListModel, MessageRole
from ionflux.ui.chat.model import ChannelItem, ChatViewModel, MessageView
from ionflux.ui.qt import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QListView,
    QMenu,
    QResizeEvent,
    QSize,
    QSplitter,
    QStyle,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme


class MessageList(QListView):
    """A virtualized list of messages; Enter opens the selected message's thread.

    Signals:
        open_thread(object): a message id.
        menu_requested(object): a message (MessageView) for its context menu.
    """

    open_thread = Signal(object)
    menu_requested = Signal(object)

    def __init__(self, theme: Theme, parent: QWidget | None = None, *, in_thread: bool = False) -> None:
        super().__init__(parent)
        self.delegate = MessageDelegate(theme, self, in_thread=in_thread)
        self.model_ = MessageListModel(self, measure=self._measure)
        self.setModel(self.model_)
        self.setItemDelegate(self.delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(False)
        self.setLayoutMode(QListView.LayoutMode.Batched)  # lay rows out a batch per event-loop turn
        self.setBatchSize(25)
        self.setWordWrap(True)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu_at)

    def row_width(self) -> int:
        """The width rows are laid out at: the viewport's with its scroll bar shown, shown or not.

        So the scroll bar appearing (the first time a channel overflows) does not make every row
        measure again at a width 15 px narrower; without it a row has a little room to spare.
        """
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return max(1, self.width() - 2 * self.frameWidth() - scroll_bar)

    def _measure(self, m: MessageView, first_unread: Any) -> QSize:
        return self.delegate.size_for(m, self.delegate.row_width or self.row_width(), first_unread)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.row_width()
        if width != self.delegate.row_width:
            self.delegate.row_width = width
            self.model_.remeasure()

    def remeasure(self) -> None:
        """Measure every row again (after a theme change: new fonts)."""
        self.model_.remeasure()

    def _menu_at(self, pos: Any) -> None:
        idx = self.indexAt(pos)
        if idx.isValid():
            self.menu_requested.emit(idx.data(MessageRole))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        idx = self.currentIndex()
        if idx.isValid() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_thread.emit(idx.data(MessageRole).id)
            return
        if idx.isValid() and event.key() == Qt.Key.Key_Menu:
            self.menu_requested.emit(idx.data(MessageRole))
            return
        super().keyPressEvent(event)

    def show_rows(self, rows: list[MessageView], first_unread: Any = None) -> None:
        at_bottom = self.verticalScrollBar().value() >= self.verticalScrollBar().maximum() - 40
        self.model_.set_rows(rows, first_unread)
        if at_bottom or not rows:
            self.scrollToBottom()


class ThreadPanel(QWidget):
    """The open thread: its first message, the replies, and a reply composer.

    Signals:
        closed(): the × button.
    """

    closed = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ThreadPanel")
        self.title = QLabel("Thread", self)
        self.title.setObjectName("ChannelTitle")
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close the thread (Esc)")
        close.clicked.connect(self.closed.emit)
        self.list = MessageList(theme, self, in_thread=True)
        self.composer = Composer(self, self)
        self.composer.setPlaceholderText("Reply in thread…")
        head = QHBoxLayout()
        head.setContentsMargins(14, 10, 8, 10)
        head.addWidget(self.title, 1)
        head.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        pad = QHBoxLayout()
        pad.setContentsMargins(10, 0, 10, 0)
        pad.addWidget(self.composer)
        layout.addLayout(pad)

    def prepare(self) -> None:
        """Style and lay out the hidden panel ahead of time: opening the first thread then costs no stall."""
        for widget in (self, *self.findChildren(QWidget)):
            widget.ensurePolished()
        layout = self.layout()
        if layout is not None:
            layout.activate()

    def show_thread(self, root: MessageView | None, replies: list[MessageView]) -> None:
        self.setVisible(root is not None)
        if root is not None:
            self.title.setText(f"Thread · {root.sender}")
            self.list.show_rows([root, *replies])


class ChatPanel(QWidget):
    """Channels, messages, composer and thread.

    Signals:
        submitted(str, object): composer text and the thread id it replies in (None: the channel).
        draft_changed(object, str): the channel id and its composer draft.
    """

    submitted = Signal(str, object)
    draft_changed = Signal(object, str)

    def __init__(self, vm: ChatViewModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm, self.theme = vm, theme
        self.setObjectName("ChatPanel")
        self.drafts: dict[str, str] = {}
        main = QWidget(self)
        header = QWidget(main)
        header.setObjectName("ChatHeader")
        self.channel_box = QComboBox(header)
        self.channel_box.setToolTip("Switch channel")
        # Channels arrive after the first show, so the default (sized once, on show) would clip them.
        self.channel_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.channel_box.setMaximumWidth(220)
        self.channel_box.activated.connect(self._channel_chosen)
        self.title = QLabel("", header)
        self.title.setObjectName("ChannelTitle")
        self.topic = QLabel("", header)
        self.topic.setObjectName("ChannelTopic")
        head = QVBoxLayout(header)
        head.setContentsMargins(14, 10, 14, 10)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.channel_box)
        head.addLayout(top)
        head.addWidget(self.topic)
        self.list = MessageList(theme, main)
        self.composer = Composer(main, main)
        self.hint = QLabel("Enter to send  ·  / for commands  ·  @ to run an agent", main)
        self.hint.setObjectName("Hint")
        col = QVBoxLayout(main)
        col.setContentsMargins(0, 0, 0, 8)
        col.setSpacing(6)
        col.addWidget(header)
        col.addWidget(self.list, 1)
        pad = QVBoxLayout()
        pad.setContentsMargins(12, 0, 12, 0)
        pad.setSpacing(4)
        pad.addWidget(self.composer)
        pad.addWidget(self.hint)
        col.addLayout(pad)
        self.thread = ThreadPanel(theme, self)
        self.thread.hide()
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(main)
        split.addWidget(self.thread)
        split.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        vm.channels_changed.connect(self._channels)
        vm.messages_changed.connect(self._messages)
        vm.row_changed.connect(self._row)
        vm.thread_changed.connect(self.thread.show_thread)
        vm.posted.connect(self._posted)
        self.composer.submitted.connect(lambda text: self.submitted.emit(text, None))
        self.composer.draft_changed.connect(self._draft)
        self.thread.composer.submitted.connect(self._reply)
        self.thread.closed.connect(vm.close_thread)
        for lst in (self.list, self.thread.list):
            lst.delegate.reaction_clicked.connect(vm.react)
            lst.delegate.add_reaction.connect(self._offer_reactions)
            lst.delegate.thread_clicked.connect(vm.open_thread)
            lst.delegate.decision_clicked.connect(vm.decide)
            lst.open_thread.connect(vm.open_thread)
            lst.menu_requested.connect(self._message_menu)

    # -- rendering -----------------------------------------------------------------------------

    def _channels(self, channels: list[ChannelItem]) -> None:
        self.channel_box.blockSignals(True)
        self.channel_box.clear()
        for c in channels:
            unread = c.unread if c.id != self.vm.channel_id else 0  # the open channel is being read
            self.channel_box.addItem(f"{c.sigil} {c.name}" + (f"  ({unread})" if unread else ""), c.id)
        chan = self.vm.channel
        if chan is not None:
            self.channel_box.setCurrentIndex(self.channel_box.findData(chan.id))
        self.channel_box.blockSignals(False)

    def _messages(self, name: str, rows: list[MessageView]) -> None:
        chan = self.vm.channel
        self.title.setText(f"{chan.sigil} {name}" if chan else "No channel")
        self.topic.setText(chan.description if chan and chan.description else
                           {"agent_dedicated": "Agent channel", "private": "Private channel",
                            "dm": "Direct messages"}.get(chan.type if chan else "", "Everyone in the workspace"))
        self.composer.setPlaceholderText(f"Message {chan.sigil}{name}" if chan else "No channel")
        self.list.show_rows(rows, self.vm.first_unread)
        if chan is not None and self.composer.text() == "" and self.drafts.get(str(chan.id)):
            self.composer.setText(self.drafts[str(chan.id)])

    def _row(self, row: MessageView) -> None:
        self.list.model_.update_row(row)
        if self.thread.list.model_.update_row(row):
            self.thread.list.scrollToBottom()

    def _posted(self) -> None:
        self.composer.clear()
        self.thread.composer.clear()
        self.list.scrollToBottom()

    def _draft(self, text: str) -> None:
        if self.vm.channel_id is not None:
            self.drafts[str(self.vm.channel_id)] = text
            self.draft_changed.emit(self.vm.channel_id, text)

    # -- actions -------------------------------------------------------------------------------

    def _channel_chosen(self, index: int) -> None:
        channel_id = self.channel_box.itemData(index)
        if isinstance(channel_id, uuid.UUID):
            self.composer.clear()
            self.vm.open_channel(channel_id)

    def _reply(self, text: str) -> None:
        root = self.vm.thread_root
        if root is not None and not root.local:
            self.submitted.emit(text, root.id)

    def _offer_reactions(self, message_id: uuid.UUID) -> None:
        menu = QMenu(self)
        for emoji in QUICK_REACTIONS:
            menu.addAction(reaction_label(emoji), lambda e=emoji: self.vm.react(message_id, e))
        menu.popup(self.cursor().pos())

    def _message_menu(self, m: MessageView) -> None:
        if m.local:
            return
        menu = QMenu(self)
        menu.addAction("Reply in thread", lambda: self.vm.open_thread(m.id))
        react = menu.addMenu("React")
        for emoji in QUICK_REACTIONS:
            react.addAction(reaction_label(emoji), lambda e=emoji: self.vm.react(m.id, e))
        if m.content_type == "interactive_proposal" and not m.decision:
            menu.addAction("Approve", lambda: self.vm.decide(m.id, "approved"))
            menu.addAction("Reject", lambda: self.vm.decide(m.id, "rejected"))
        menu.addAction("Copy text", lambda: QApplication.clipboard().setText(m.text))
        menu.popup(self.cursor().pos())

    def focus_composer(self) -> None:
        self.composer.setFocus()
