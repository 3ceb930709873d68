"""The composer: a line editor with an autocomplete popup for slash commands, agents and inputs."""

from __future__ import annotations

from collections.abc import Callable

from ionflux.ui.chat.slash import Completion
from ionflux.ui.qt import (
    QKeyEvent,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QPoint,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QWidget,
    Signal,
)

Provider = Callable[[str, int], list[Completion]]
HintRole = Qt.ItemDataRole.UserRole + 1


class CompletionDelegate(QStyledItemDelegate):
    """A suggestion: its label on the left, cut short with "…" when long; its hint, quieter, on the right."""

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        label, hint = index.data(Qt.ItemDataRole.DisplayRole), index.data(HintRole) or ""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(style.ControlElement.CE_ItemViewItem, opt, p, opt.widget)  # background, selection
        rect = option.rect.adjusted(10, 0, -10, 0)
        fm = option.fontMetrics
        hint_w = min(fm.horizontalAdvance(hint), rect.width() // 2) if hint else 0
        p.save()
        p.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(hint, Qt.TextElideMode.ElideRight, hint_w))
        p.setPen(option.palette.color(QPalette.ColorRole.Text))
        room = rect.width() - (hint_w + 16 if hint else 0)
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(label, Qt.TextElideMode.ElideRight, room))
        p.restore()


class CompletionPopup(QListWidget):
    """The suggestions list, shown above the composer (a child widget, so it never steals focus)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Palette")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(CompletionDelegate(self))
        self.items: list[Completion] = []
        self.hide()

    def show_items(self, items: list[Completion], anchor: QWidget) -> None:
        self.items = items
        self.clear()
        for c in items:
            item = QListWidgetItem(c.label)
            item.setData(HintRole, c.hint)
            item.setToolTip(f"{c.label} · {c.hint}" if c.hint else c.label)
            self.addItem(item)
        self.setCurrentRow(0)
        rows = min(8, len(items))
        height = rows * max(self.sizeHintForRow(0), 1) + 2 * self.frameWidth() + 4
        width = anchor.width()
        top_left = anchor.mapTo(self.parentWidget(), QPoint(0, 0))
        self.setGeometry(top_left.x(), top_left.y() - height - 4, width, height)
        self.show()
        self.raise_()

    def move_selection(self, step: int) -> None:
        if self.count():
            self.setCurrentRow((self.currentRow() + step) % self.count())

    def current(self) -> Completion | None:
        row = self.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None


class Composer(QLineEdit):
    """Where messages and commands are typed.

    Signals:
        submitted(str): Enter with no suggestion open.
        draft_changed(str): the text after each change (kept on the device, never lost).
    """

    submitted = Signal(str)
    draft_changed = Signal(str)

    def __init__(self, popup_parent: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Composer")
        self.provider: Provider | None = None
        self.popup = CompletionPopup(popup_parent)
        self.textEdited.connect(self._suggest)
        self.textChanged.connect(self.draft_changed.emit)
        self.cursorPositionChanged.connect(lambda _old, _new: self._suggest() if self.popup.isVisible() else None)

    def _suggest(self, _text: str = "") -> None:
        items = self.provider(self.text(), self.cursorPosition()) if self.provider else []
        if items:
            self.popup.show_items(items, self)
        else:
            self.popup.hide()

    def accept_completion(self) -> bool:
        choice = self.popup.current() if self.popup.isVisible() else None
        if choice is None:
            return False
        text, cursor = self.text(), self.cursorPosition()
        new = text[:choice.start] + choice.insert + text[cursor:]
        self.setText(new)
        self.setCursorPosition(choice.start + len(choice.insert))
        self.popup.hide()
        self._suggest()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.popup.isVisible():
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.popup.move_selection(1 if key == Qt.Key.Key_Down else -1)
                return
            if key == Qt.Key.Key_Tab or (key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._completion_pending()):
                self.accept_completion()
                return
            if key == Qt.Key.Key_Escape:
                self.popup.hide()
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.popup.hide()
            if self.text().strip():
                self.submitted.emit(self.text())
            return
        super().keyPressEvent(event)

    def _completion_pending(self) -> bool:
        """Enter picks a suggestion only while it would change the text (else it sends)."""
        choice = self.popup.current()
        if choice is None:
            return False
        text = self.text()
        return text[choice.start:self.cursorPosition()] != choice.insert.rstrip() and \
            text[choice.start:self.cursorPosition()] != choice.insert

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab accepts the shown suggestion instead of moving the focus.

        Qt calls this only for Tab; overriding ``event()`` instead would run Python (and take the
        GIL) for every event the composer gets, each cursor blink included.
        """
        if next and self.popup.isVisible():
            self.accept_completion()
            return True
        return super().focusNextPrevChild(next)
