"""Inline editors shown over a block: commit on Enter / Ctrl+Enter / focus out, cancel on Escape."""

from __future__ import annotations

from ionflux.ui.qt import QFocusEvent, QKeyEvent, QLineEdit, QPlainTextEdit, Qt, QWidget, Signal


class InlineLine(QLineEdit):
    """A one-line editor.

    Signals:
        committed(str): Enter or focus out, with the text.
        cancelled(): Escape.
    """

    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, text: str = "", placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setPlaceholderText(placeholder)
        self.selectAll()
        self._done = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish(True)
            return
        if event.key() == Qt.Key.Key_Escape:
            self._finish(False)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._finish(True)

    def _finish(self, commit: bool) -> None:
        if self._done:
            return
        self._done = True
        if commit:
            self.committed.emit(self.text())
        else:
            self.cancelled.emit()


class InlineText(QPlainTextEdit):
    """A multi-line editor (markdown, JSON): Ctrl+Enter or focus out commits, Escape cancels.

    Signals:
        committed(str), cancelled(), edited(str): the text after every change (drafts are kept from it).
    """

    committed = Signal(str)
    cancelled = Signal()
    edited = Signal(str)

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlainText(text)
        self.setTabChangesFocus(False)
        self.textChanged.connect(lambda: self.edited.emit(self.toPlainText()))
        self._done = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._finish(True)
            return
        if event.key() == Qt.Key.Key_Escape:
            self._finish(False)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self._finish(True)

    def finish(self, commit: bool = True) -> None:
        self._finish(commit)

    def _finish(self, commit: bool) -> None:
        if self._done:
            return
        self._done = True
        if commit:
            self.committed.emit(self.toPlainText())
        else:
            self.cancelled.emit()
