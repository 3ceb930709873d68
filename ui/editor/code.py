"""The YAML code editor: highlighting, a line-number gutter with error markers, wavy underlines, completion."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ionflux.ui.editor.completion import Suggestion
from ionflux.ui.qt import (
    QColor,
    QFont,
    QKeyEvent,
    QListWidget,
    QListWidgetItem,
    QPainter,
    QPaintEvent,
    QPlainTextEdit,
    QRect,
    QRectF,
    QResizeEvent,
    QSize,
    QSyntaxHighlighter,
    Qt,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextEdit,
    QTextFormat,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme, mono_font

_RULES = (
    (re.compile(r"^\s*(-\s+)?([A-Za-z_][\w.-]*)\s*:"), "key", 2),
    (re.compile(r":\s+(\"[^\"]*\"|'[^']*')"), "string", 1),
    (re.compile(r"(?::\s+|-\s+)(-?\d+(?:\.\d+)?)\s*$"), "number", 1),
    (re.compile(r":\s+(true|false|null|yes|no)\s*$", re.IGNORECASE), "constant", 1),
    (re.compile(r"\{\{\s*\w+\s*\}\}"), "template", 0),
    (re.compile(r"(?:^|\s)(#.*)$"), "comment", 1),
)

Suggest = Callable[[str, int, int], tuple[int, list[Suggestion]]]


class YamlHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers, constants, {{placeholders}} and comments."""

    def __init__(self, doc: QTextDocument, theme: Theme) -> None:
        super().__init__(doc)
        colours = {"key": theme.accent, "string": theme.success, "number": theme.info, "constant": theme.warning,
                   "template": theme.block_colour("json_display"), "comment": theme.faint}
        self.formats: dict[str, QTextCharFormat] = {}
        for name, colour in colours.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if name == "key":
                fmt.setFontWeight(QFont.Weight.DemiBold)
            if name == "comment":
                fmt.setFontItalic(True)
            self.formats[name] = fmt

    def highlightBlock(self, text: str) -> None:
        for pattern, name, group in _RULES:
            for m in pattern.finditer(text):
                if m.group(group) is None:
                    continue
                self.setFormat(m.start(group), m.end(group) - m.start(group), self.formats[name])


class Gutter(QWidget):
    """Line numbers, with a red dot on lines that have problems."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.setObjectName("Gutter")
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(self, event)


class CodeEditor(QPlainTextEdit):
    """A plain-text editor for YAML with problem markers and a completion popup.

    Signals:
        save_requested(): Ctrl+S.
    """

    save_requested = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setFont(mono_font(10.5))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 2)
        self.highlighter = YamlHighlighter(self.document(), theme)
        self.gutter = Gutter(self)
        self.problem_lines: dict[int, str] = {}
        self.suggest: Suggest | None = None
        self.popup = QListWidget(self)
        self.popup.setObjectName("Palette")
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.hide()
        self._popup_start = 0
        self.blockCountChanged.connect(lambda _n: self.setViewportMargins(self.gutter_width(), 0, 0, 0))
        self.updateRequest.connect(self._scroll_gutter)
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    # -- gutter and markers -------------------------------------------------------------------

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 22 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self.gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def visible_lines(self, bottom: float) -> Iterator[tuple[int, float]]:
        """(1-based line, top in viewport coordinates) of each shown line down to ``bottom``."""
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid() and top <= bottom:
            if block.isVisible():
                yield block.blockNumber() + 1, top
            top += self.blockBoundingRect(block).height()  # this block's own height, then the next
            block = block.next()

    def paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        t = self.theme
        p = QPainter(gutter)
        p.fillRect(event.rect(), QColor(t.panel))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        height = self.fontMetrics().height()
        current = self.textCursor().blockNumber() + 1
        for line, top in self.visible_lines(event.rect().bottom()):
            if line in self.problem_lines:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(t.danger))
                p.drawEllipse(QRectF(5, top + height / 2 - 4, 8, 8))
            p.setPen(QColor(t.text if line == current else t.faint))
            p.drawText(QRectF(0, top, gutter.width() - 6, height), Qt.AlignmentFlag.AlignRight, str(line))
        p.end()

    def set_problems(self, problems: dict[int, str]) -> None:
        """Mark lines (1-based) with problems: a gutter dot and a wavy underline."""
        self.problem_lines = dict(problems)
        selections = []
        for line, message in problems.items():
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(self.theme.danger))
            fmt.setToolTip(message)
            danger = QColor(self.theme.danger)
            danger.setAlpha(28)
            fmt.setBackground(danger)
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            sel.format = fmt
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self.setExtraSelections(selections)
        self.gutter.update()

    def go_to_line(self, line: int, column: int = 1) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, column - 1))
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()

    # -- completion ---------------------------------------------------------------------------

    def show_completions(self) -> bool:
        if self.suggest is None:
            return False
        cursor = self.textCursor()
        start, items = self.suggest(self.toPlainText(), cursor.blockNumber(), cursor.positionInBlock())
        if not items:
            self.popup.hide()
            return False
        self._popup_start = start
        self.popup.clear()
        for s in items:
            item = QListWidgetItem(f"{s.text.strip()}    {s.hint}")
            item.setData(Qt.ItemDataRole.UserRole, s.text)
            self.popup.addItem(item)
        self.popup.setCurrentRow(0)
        rect = self.cursorRect()
        width = min(520, max(260, self.viewport().width() // 2))
        self.popup.setGeometry(rect.left() + self.gutter_width(), rect.bottom() + 6, width,
                               min(8, len(items)) * 28 + 8)
        self.popup.show()
        return True

    def accept_completion(self) -> None:
        item = self.popup.currentItem()
        self.popup.hide()
        if item is None:
            return
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=self._popup_start)
        cursor.setPosition(self.textCursor().position(), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(item.data(Qt.ItemDataRole.UserRole))
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_S and mods & Qt.KeyboardModifier.ControlModifier:
            self.save_requested.emit()
            return
        if self.popup.isVisible():
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                self.popup.setCurrentRow((self.popup.currentRow() + step) % max(1, self.popup.count()))
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                self.accept_completion()
                return
            if key == Qt.Key.Key_Escape:
                self.popup.hide()
                return
        if key == Qt.Key.Key_Space and mods & Qt.KeyboardModifier.ControlModifier:
            self.show_completions()
            return
        if key == Qt.Key.Key_Tab:
            self.insertPlainText("  ")
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # keep the indentation (and indent after "key:")
            line = self.textCursor().block().text()
            indent = line[:len(line) - len(line.lstrip())]
            if line.rstrip().endswith(":"):
                indent += "  "
            super().keyPressEvent(event)
            self.insertPlainText(indent)
            return
        super().keyPressEvent(event)
        typed = event.text()
        if (typed and (typed.isalnum() or typed in ("_", " ", ":", "-"))) or self.popup.isVisible():
            self.show_completions()
