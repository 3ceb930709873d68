"""The message list: a Qt model over the view-model's rows and a delegate that paints and hit-tests them.

Only visible rows are painted (QListView), and each row's layout and markdown document are
cached by id, text and width, so a channel of thousands of messages scrolls smoothly.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ionflux.ui.chat.emoji import reaction_label
from ionflux.ui.chat.model import MessageView
from ionflux.ui.qt import (
    QColor,
    QEvent,
    QFont,
    QFontMetrics,
    QModelIndex,
    QMouseEvent,
    QObject,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QPixmap,
    QRectF,
    QSignalBlocker,
    QSize,
    QStandardItem,
    QStandardItemModel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextDocument,
    Signal,
)
from ionflux.ui.theme import Theme, mono_font

MessageRole = Qt.ItemDataRole.UserRole + 1
LEFT = 52
AVATAR = 30
CACHE_ROWS = 600
#: Rows kept painted (a few MB); the rest paint again when shown.
PAINTED_ROWS = 160
QUICK_REACTIONS = ("👍", "🎉", "👀", "✅", "❤️")


class MessageListModel(QStandardItemModel):
    """The rows of one channel or thread, each with its measured size.

    A C++ model on purpose: the view lays out every row again after each insert or removal,
    asking each for its size, and with a Python model each of those questions is a call into
    Python that may wait for the GIL while a worker thread commits. Here rows are measured once,
    when they arrive (``measure``), and the view reads the sizes without entering Python.
    """

    def __init__(self, parent: QObject | None = None,
                 measure: Callable[[MessageView, Any], QSize] | None = None) -> None:
        super().__init__(parent)
        self.rows: list[MessageView] = []
        self.first_unread: Any = None
        self.measure = measure or (lambda _m, _first: QSize(360, 48))

    def set_rows(self, rows: list[MessageView], first_unread: Any = None) -> None:
        """Show ``rows``: as removals at the top, changes and appends when that is all that changed.

        A reset makes the view lay out every row again; a new message in a channel of 200 shown
        should cost one measurement.
        """
        rows = list(rows)
        old = self.rows
        start = _overlap(old, rows) if first_unread == self.first_unread else None
        if start is None:
            self.first_unread = first_unread
            items = [self._item(r) for r in rows]
            self.beginResetModel()
            with QSignalBlocker(self):  # one reset for the views, not the removals and inserts it is made of
                self.setRowCount(0)
                if items:
                    self.invisibleRootItem().appendRows(items)
            self.rows = rows
            self.endResetModel()
            return
        if start:
            self.rows = old[start:]
            self.removeRows(0, start)
        kept = len(self.rows)
        for i in range(kept):
            if self.rows[i] != rows[i]:
                self.rows[i] = rows[i]
                self._fill(self.item(i), rows[i])
        if len(rows) > kept:
            self.rows.extend(rows[kept:])
            self.invisibleRootItem().appendRows([self._item(r) for r in rows[kept:]])

    def update_row(self, row: MessageView) -> bool:
        for i, r in enumerate(self.rows):
            if r.id == row.id:
                self.rows[i] = row
                self._fill(self.item(i), row)
                return True
        return False

    def remeasure(self) -> None:
        """Measure every row again (the width changed): one layout pass for the views.

        Only rows whose height changed are stored again: a plain one-line message keeps its
        height at most widths, and each store is a Qt call that may wait for the GIL.
        """
        sizes = [self.measure(r, self.first_unread) for r in self.rows]
        with QSignalBlocker(self):
            for i, size in enumerate(sizes):
                item = self.item(i)
                if item.data(Qt.ItemDataRole.SizeHintRole) != size:
                    item.setData(size, Qt.ItemDataRole.SizeHintRole)
        self.layoutChanged.emit()

    def _item(self, m: MessageView) -> QStandardItem:
        item = QStandardItem()
        item.setEditable(False)
        self._fill(item, m)
        return item

    def _fill(self, item: QStandardItem, m: MessageView) -> None:
        """Set the row's message, text (what accessibility reads) and size: one dataChanged for a shown row."""
        shown = item.model() is self
        with QSignalBlocker(self):
            item.setData(m, MessageRole)
            item.setData(self.measure(m, self.first_unread), Qt.ItemDataRole.SizeHintRole)
            item.setText(f"{m.sender}: {m.text}")
        if shown:
            idx = item.index()
            self.dataChanged.emit(idx, idx)


@dataclass
class RowLayout:
    """Where things are in one painted row (coordinates relative to the row's top-left)."""

    height: float
    doc: QTextDocument | None  # None until the row is first painted
    body_top: float
    head_top: float = 6.0
    divider: bool = False
    chips: list[tuple[QRectF, str]] = field(default_factory=list)
    add_chip: QRectF | None = None
    thread_link: QRectF | None = None
    buttons: list[tuple[QRectF, str]] = field(default_factory=list)
    card: QRectF | None = None
    extra: str = ""
    text_width: float = 0.0
    #: The row painted once, by (selected, width, device pixel ratio): later repaints draw it in one call.
    pixmaps: dict[tuple[bool, int, float], QPixmap] = field(default_factory=dict)


class MessageDelegate(QStyledItemDelegate):
    """Paints a message: avatar, sender and time, markdown body, run status, proposal buttons, reactions.

    Signals:
        reaction_clicked(object, str): message id and emoji (toggle).
        add_reaction(object): message id (offer the quick reactions).
        thread_clicked(object): message id (open its thread).
        decision_clicked(object, str): message id and "approved" / "rejected".
    """

    reaction_clicked = Signal(object, str)
    add_reaction = Signal(object)
    thread_clicked = Signal(object)
    decision_clicked = Signal(object, str)

    def __init__(self, theme: Theme, parent: QObject | None = None, *, in_thread: bool = False) -> None:
        super().__init__(parent)
        self.in_thread = in_thread
        self._cache: OrderedDict[tuple[Any, ...], RowLayout] = OrderedDict()
        self._fonts: dict[tuple[int, bool], QFont] = {}
        self._font_metrics: dict[tuple[int, bool], QFontMetrics] = {}
        self._one_line: float | None = None
        self._measurer: QTextDocument | None = None
        self._painted: OrderedDict[int, RowLayout] = OrderedDict()
        #: The width rows are laid out at (set by the list); 0: the painted row's own width.
        self.row_width = 0
        self.theme = theme

    @property
    def theme(self) -> Theme:
        return self._theme

    @theme.setter
    def theme(self, theme: Theme) -> None:
        """A new theme: every cached layout, font and measure is made again."""
        self._theme = theme
        self._cache.clear()
        self._fonts.clear()
        self._font_metrics.clear()
        self._one_line = None
        self._measurer = None
        self._painted.clear()

    def _font(self, size: int, bold: bool = False) -> QFont:
        """The list's font at ``size`` px (made once: every Qt call from Python may wait for the GIL)."""
        f = self._fonts.get((size, bold))
        if f is None:
            f = QFont(self.parent().font()) if self.parent() is not None else QFont()  # type: ignore[attr-defined]
            f.setPixelSize(size)
            f.setBold(bold)
            self._fonts[(size, bold)] = f
        return f

    def _fm(self, size: int, bold: bool = False) -> QFontMetrics:
        fm = self._font_metrics.get((size, bold))
        if fm is None:
            fm = self._font_metrics[(size, bold)] = QFontMetrics(self._font(size, bold))
        return fm

    @staticmethod
    def _body(m: MessageView) -> str:
        body = m.text or ("…" if m.streaming else "")
        if m.content_type == "interactive_proposal" and not body:
            body = str(m.payload.get("title") or m.payload.get("summary") or "Proposal")
        return body + (" ▍" if m.streaming else "")

    def _document(self, body: str, text_width: float) -> QTextDocument:
        t = self.theme
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(self._font(13))
        doc.setDefaultStyleSheet(f"* {{ color: {t.text}; }} a {{ color: {t.accent}; }} "
                                 f"code {{ background: {t.hover}; }} h1, h2, h3 {{ font-size: 14px; }}")
        doc.setMarkdown(body)
        doc.setTextWidth(text_width)
        return doc

    def _measured_height(self, body: str, text_width: float) -> float:
        """The body's height as a document lays it out: one document reused; rows build theirs when painted."""
        if self._measurer is None:
            self._measurer = self._document("", text_width)
        self._measurer.setMarkdown(body)
        self._measurer.setTextWidth(text_width)
        return float(self._measurer.size().height())

    def _line_height(self) -> float:
        """The height of one line of body text, as the document lays it out."""
        if self._one_line is None:
            self._one_line = self._document("Xg", 1000).size().height()
        return self._one_line

    def layout(self, m: MessageView, width: float, first_unread: Any) -> RowLayout:
        key = (m.id, m.text, m.status, m.progress, m.reactions, m.replies, m.decision, int(width), m.id == first_unread,
               m.streaming, m.sender, m.payload.get("duration_ms"))  # all a row's picture shows
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        text_w = max(60.0, width - LEFT - 16)
        divider = m.id == first_unread
        top = 26.0 if divider else 6.0
        body_top = top + 22
        extra = ""
        if m.content_type == "agent_status_update":
            body_top += 26
        if m.content_type in ("json_data", "file_attachment") and m.payload and "proposal_decision" not in m.payload:
            extra = json.dumps(m.payload, ensure_ascii=False, indent=1)[:600]
        body = self._body(m)
        if _plain_line(body) and self._fm(13).horizontalAdvance(body) <= text_w - 4:
            height = self._line_height()  # one unwrapped line of plain text
        else:
            height = self._measured_height(body, text_w)
        y = body_top + height
        lay = RowLayout(0, None, body_top, top, divider, extra=extra, text_width=text_w)  # its document: when painted
        if extra:
            lines = extra.count("\n") + 1
            lay.card = QRectF(LEFT, y + 6, text_w, min(8, lines) * 16 + 12)
            y = lay.card.bottom()
        if m.content_type == "interactive_proposal":
            if m.decision:
                lay.buttons = [(QRectF(LEFT, y + 8, 150, 28), m.decision)]
            else:
                lay.buttons = [(QRectF(LEFT, y + 8, 96, 28), "approved"),
                               (QRectF(LEFT + 104, y + 8, 90, 28), "rejected")]
            y += 40
        fm = self._fm(12)
        x = float(LEFT)
        if m.reactions:
            y += 6
            for emoji, count, _mine in m.reactions:
                w = fm.horizontalAdvance(f"{reaction_label(emoji)} {count}") + 18
                lay.chips.append((QRectF(x, y, w, 24), emoji))
                x += w + 6
        if not m.local:
            lay.add_chip = QRectF(x, y, 30, 24) if m.reactions else None
        if m.reactions:
            y += 24
        if m.replies and not self.in_thread:
            lay.thread_link = QRectF(LEFT, y + 4, 160, 20)
            y += 24
        lay.height = y + 10
        self._cache[key] = lay
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return lay

    def size_for(self, m: MessageView, width: float, first_unread: Any) -> QSize:
        """The row's size hint at ``width``: what the model stores (the view never asks the delegate).

        Only the height: a list of one column gives each row the viewport's whole width, so a
        hint without the width stays valid when only the width changes.
        """
        return QSize(0, int(self.layout(m, width, first_unread).height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Draw the row's picture, painting it first if this row (as it is now) was never painted.

        A chat list repaints whole viewports for small reasons (a row appended, a scroll); drawn
        from a picture, a row costs one Qt call instead of forty, each of which may wait for the
        GIL while a worker thread runs Python.
        """
        m: MessageView = index.data(MessageRole)
        r = option.rect
        lay = self.layout(m, self.row_width or r.width(), index.model().first_unread)  # type: ignore[attr-defined]
        ratio = painter.device().devicePixelRatioF()
        key = (bool(option.state & QStyle.StateFlag.State_Selected), r.width(), ratio)
        picture = lay.pixmaps.get(key)
        if picture is None:
            picture = QPixmap(max(1, round(r.width() * ratio)), max(1, round(r.height() * ratio)))
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.GlobalColor.transparent)
            row_painter = QPainter(picture)
            self.paint_row(row_painter, m, lay, r.width(), selected=key[0])
            row_painter.end()
            lay.pixmaps[key] = picture
            self._painted[id(lay)] = lay
            while len(self._painted) > PAINTED_ROWS:
                self._painted.popitem(last=False)[1].pixmaps.clear()
        self._painted.move_to_end(id(lay))
        painter.drawPixmap(r.topLeft(), picture)

    def paint_row(self, painter: QPainter, m: MessageView, lay: RowLayout, width: int, *, selected: bool) -> None:
        """Paint one row at the painter's origin."""
        t = self.theme
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(QRectF(0, 0, width, lay.height), QColor(t.hover))
        if lay.divider:
            painter.setPen(QPen(QColor(t.danger), 1))
            painter.drawLine(12, 12, width - 60, 12)
            painter.setFont(self._font(10, True))
            painter.drawText(QRectF(width - 54, 2, 44, 20), Qt.AlignmentFlag.AlignCenter, "NEW")
        top = lay.head_top
        colour = {"agent": t.success, "system": t.accent}.get(m.sender_type, _hashed(m.sender))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        if m.sender_type == "agent":
            painter.drawRoundedRect(QRectF(12, top + 2, AVATAR, AVATAR), 8, 8)
        else:
            painter.drawEllipse(QRectF(12, top + 2, AVATAR, AVATAR))
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self._font(13, True))
        painter.drawText(QRectF(12, top + 2, AVATAR, AVATAR), Qt.AlignmentFlag.AlignCenter,
                         "⚙" if m.sender_type == "agent" else (m.sender[:1].upper() or "?"))
        painter.setPen(QColor(t.text))
        name_font = self._font(13, True)
        painter.setFont(name_font)
        painter.drawText(QRectF(LEFT, top, width, 20), Qt.AlignmentFlag.AlignVCenter, m.sender)
        nx = LEFT + self._fm(13, True).horizontalAdvance(m.sender) + 8
        painter.setFont(self._font(11))
        painter.setPen(QColor(t.faint))
        when = "now" if m.local else m.created_at.astimezone().strftime("%H:%M")
        tag = {"agent": "  AGENT", "system": "  APP"}.get(m.sender_type, "")
        painter.drawText(QRectF(nx, top, 200, 20), Qt.AlignmentFlag.AlignVCenter, when + tag)
        if m.content_type == "agent_status_update":
            self._status(painter, m, QRectF(LEFT, top + 22, width - LEFT - 16, 22))
        if lay.doc is None:
            lay.doc = self._document(self._body(m), lay.text_width)
        painter.translate(LEFT, lay.body_top)
        lay.doc.drawContents(painter)
        painter.translate(-LEFT, -lay.body_top)
        if lay.card is not None:
            painter.setPen(QPen(QColor(t.border), 1))
            painter.setBrush(QColor(t.panel if t.dark else t.window))
            painter.drawRoundedRect(lay.card, 6, 6)
            painter.setFont(mono_font(8.5))
            painter.setPen(QColor(t.muted))
            painter.drawText(lay.card.adjusted(8, 6, -8, -6), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             lay.extra)
        for rect, choice in lay.buttons:
            self._button(painter, rect, choice, decided=bool(m.decision))
        painter.setFont(self._font(12))
        for (rect, emoji), (_e, count, mine) in zip(lay.chips, m.reactions, strict=False):
            painter.setPen(QPen(QColor(t.accent if mine else t.border), 1))
            painter.setBrush(QColor(t.accent_soft if mine else t.raised))
            painter.drawRoundedRect(rect, 12, 12)
            painter.setPen(QColor(t.text))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{reaction_label(emoji)} {count}")
        if lay.add_chip is not None:
            painter.setPen(QPen(QColor(t.border), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(lay.add_chip, 12, 12)
            painter.setPen(QColor(t.muted))
            painter.drawText(lay.add_chip, Qt.AlignmentFlag.AlignCenter, "+")
        if lay.thread_link is not None:
            painter.setFont(self._font(12, True))
            painter.setPen(QColor(t.accent))
            painter.drawText(lay.thread_link, Qt.AlignmentFlag.AlignVCenter,
                             f"{m.replies} repl{'y' if m.replies == 1 else 'ies'}  →")

    def _status(self, p: QPainter, m: MessageView, rect: QRectF) -> None:
        t = self.theme
        status = (m.status or "pending").lower()
        label = status.replace("_", " ").upper()
        duration = m.payload.get("duration_ms")
        if duration is not None:
            label += f"  ·  {duration / 1000:.1f} s"
        p.setFont(self._font(11, True))
        w = self._fm(11, True).horizontalAdvance(label) + 20
        pill = QRectF(rect.left(), rect.top(), w, 20)
        colour = QColor(t.status_colour(status))
        fill = QColor(colour)
        fill.setAlpha(45)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRoundedRect(pill, 10, 10)
        p.setPen(colour)
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        if status in ("pending", "running"):
            bar = QRectF(pill.right() + 10, rect.top() + 7, min(160.0, rect.width() - w - 12), 6)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(t.hover))
            p.drawRoundedRect(bar, 3, 3)
            fraction = m.progress if m.progress is not None and m.progress >= 0 else 0.15
            p.setBrush(colour)
            p.drawRoundedRect(QRectF(bar.left(), bar.top(), max(6.0, bar.width() * fraction), 6), 3, 3)

    def _button(self, p: QPainter, rect: QRectF, choice: str, decided: bool) -> None:
        t = self.theme
        approve = choice == "approved"
        colour = QColor(t.success if approve else t.danger)
        p.setPen(QPen(colour, 1))
        fill = QColor(colour)
        fill.setAlpha(200 if approve and not decided else 30)
        p.setBrush(fill)
        p.drawRoundedRect(rect, 8, 8)
        p.setFont(self._font(12, True))
        p.setPen(QColor("#ffffff") if approve and not decided else colour)
        text = ("✓ Approve" if approve else "✕ Reject") if not decided else \
            ("✓ Approved" if approve else "✕ Rejected")
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        m: MessageView = index.data(MessageRole)
        lay = self.layout(m, self.row_width or option.rect.width(), index.model().first_unread)  # type: ignore[attr-defined]
        pos = event.position() - option.rect.topLeft().toPointF()
        for rect, emoji in lay.chips:
            if rect.contains(pos):
                self.reaction_clicked.emit(m.id, emoji)
                return True
        if lay.add_chip is not None and lay.add_chip.contains(pos):
            self.add_reaction.emit(m.id)
            return True
        if lay.thread_link is not None and lay.thread_link.contains(pos):
            self.thread_clicked.emit(m.id)
            return True
        if not m.decision:
            for rect, choice in lay.buttons:
                if rect.contains(pos):
                    self.decision_clicked.emit(m.id, choice)
                    return True
        return False


#: Text that Markdown renders as itself: no markup characters, no list or rule marker, nothing auto-linked.
_MARKUP = re.compile(r"[*_`#\[\]<>|~\\!&@\n\r\t]|://|www\.|^\s|\s$|^(\d+[.)]|[-+=])(\s|$)|^[-=]+$")


def _plain_line(text: str) -> bool:
    return bool(text) and _MARKUP.search(text) is None


def _overlap(old: list[MessageView], new: list[MessageView]) -> int | None:
    """Where ``new`` starts in ``old`` when ``new`` is ``old`` minus some top rows plus some appended, else None."""
    if not old or not new:
        return None
    ids = [r.id for r in old]
    try:
        start = ids.index(new[0].id)
    except ValueError:
        return None
    kept = len(old) - start
    if len(new) < kept or ids[start:] != [r.id for r in new[:kept]]:
        return None
    return start


def _hashed(name: str) -> str:
    palette = ("#8b6cff", "#4ab3ff", "#f5b94a", "#ff7ab6", "#38d3e6", "#3dd68c", "#ff8a4c")
    return palette[sum(map(ord, name)) % len(palette)]
