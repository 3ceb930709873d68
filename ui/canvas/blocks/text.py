"""Text blocks: markdown rendered on the card, its source edited in place (double-click or Enter)."""

from __future__ import annotations

from ionflux.ui.canvas.blocks import BlockContent, markdown_document
from ionflux.ui.canvas.inline import InlineText
from ionflux.ui.qt import QColor, QLinearGradient, QPainter, QPointF, QRectF, QTextCursor, QTextDocument
from ionflux.ui.theme import mono_font


class TextContent(BlockContent):
    label = "text"

    def __init__(self, item) -> None:  # type: ignore[no-untyped-def]
        super().__init__(item)
        self._doc: QTextDocument | None = None
        self.editor: InlineText | None = None

    def reset(self) -> None:
        self._doc = None

    @property
    def markdown(self) -> str:
        return str(self.content.get("markdown_text") or "")

    def paint(self, p: QPainter, rect: QRectF) -> None:
        if not self.markdown.strip():
            self.muted(p, rect, "Empty note — double-click to write")
            return
        if self._doc is None:
            self._doc = markdown_document(self.markdown, rect.width(), self.theme, p.font())
        p.save()
        p.translate(rect.topLeft())
        self._doc.drawContents(p, QRectF(0, 0, rect.width(), rect.height()))
        p.restore()
        if self._doc.size().height() > rect.height():  # fade the overflow into the card
            fade = QLinearGradient(QPointF(0, rect.bottom() - 28), QPointF(0, rect.bottom()))
            base = QColor(self.theme.raised)
            clear = QColor(base)
            clear.setAlpha(0)
            fade.setColorAt(0, clear)
            fade.setColorAt(1, base)
            p.fillRect(QRectF(rect.left(), rect.bottom() - 28, rect.width(), 30), fade)

    def double_click(self, pos: QPointF | None) -> bool:
        self.open_editor(self.scene().draft_for(self.state.id) or self.markdown)
        return True

    def open_editor(self, text: str) -> InlineText:
        editor = InlineText(text)
        editor.setFont(mono_font(10))
        editor.setPlaceholderText("Markdown — Ctrl+Enter to save, Esc to cancel")
        editor.committed.connect(self._commit)
        editor.cancelled.connect(self._cancel)
        editor.edited.connect(lambda t: self.scene().draft_changed.emit(self.state.id, t))
        self.editor = editor
        self.item.open_editor(editor, self.item.body_rect().adjusted(-4, -2, 4, 4))
        editor.moveCursor(QTextCursor.MoveOperation.End)
        return editor

    def _commit(self, text: str) -> None:
        self.editor = None
        self.item.close_editor()
        self.scene().draft_changed.emit(self.state.id, None)
        self.item.edit_content({**self.content, "markdown_text": text})

    def _cancel(self) -> None:
        self.editor = None
        self.item.close_editor()
        self.scene().draft_changed.emit(self.state.id, None)
