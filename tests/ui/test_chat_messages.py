"""The message list's model and delegate: incremental updates and rows measured without a document."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from ionflux.ui.chat.messages import MessageDelegate, MessageListModel, _plain_line
from ionflux.ui.chat.model import MessageView
from ionflux.ui.theme import load_theme

pytestmark = pytest.mark.gui


def row(text: str) -> MessageView:
    return MessageView(uuid.uuid4(), "Ada", "user", "markdown", text, datetime.now(UTC))


@pytest.fixture
def model(qtbot: Any) -> Any:
    m = MessageListModel()
    signals: list[tuple[str, Any]] = []
    m.modelReset.connect(lambda: signals.append(("reset", None)))
    m.rowsInserted.connect(lambda _p, first, last: signals.append(("inserted", (first, last))))
    m.rowsRemoved.connect(lambda _p, first, last: signals.append(("removed", (first, last))))
    m.dataChanged.connect(lambda a, b, *_: signals.append(("changed", (a.row(), b.row()))))
    m.signals = signals  # type: ignore[attr-defined]
    return m


def test_a_new_message_is_one_inserted_row_not_a_reset(model: Any) -> None:
    rows = [row(f"m{i}") for i in range(5)]
    model.set_rows(rows)
    model.signals.clear()
    new = [*rows, row("m5")]
    model.set_rows(new)
    assert model.signals == [("inserted", (5, 5))]
    assert model.rows == new


def test_a_sliding_window_removes_at_the_top_and_appends(model: Any) -> None:
    rows = [row(f"m{i}") for i in range(5)]
    model.set_rows(rows)
    model.signals.clear()
    edited = replace(rows[3], reactions=(("👍", 1, True),))
    new = [rows[2], edited, rows[4], row("m5"), row("m6")]
    model.set_rows(new)
    assert model.signals == [("removed", (0, 1)), ("changed", (1, 1)), ("inserted", (3, 4))]
    assert model.rows == new


def test_anything_else_resets(model: Any) -> None:
    rows = [row(f"m{i}") for i in range(5)]
    model.set_rows(rows)
    for other in ([rows[0], rows[2]], [row("x"), *rows], [], [rows[1], rows[0]]):
        model.signals.clear()
        model.set_rows(other)
        assert model.signals == [("reset", None)]
        assert model.rows == other
        model.set_rows(rows)
    model.signals.clear()
    model.set_rows(rows, first_unread=rows[2].id)  # the NEW divider moves: every row's layout may change
    assert model.signals == [("reset", None)]


PLAIN = ["load test message 42", "Shipped 3 orders today 🎉", "ok", "Revenue is up 12% vs last week.",
         "Ça marche, merci beaucoup", "Price-drop alert-ready, 2-3 days"]
MARKED = ["**bold** move", "see https://example.com", "mail bob@example.com", "1. first", "- item", "# Title",
          "a `code` span", "line one\nline two", "---", "www.ionflux.ai", "x < y", "trailing space ", "[link](x)"]


def test_plain_lines_are_told_apart_from_markdown(qtbot: Any) -> None:
    from ionflux.ui.qt import QTextDocument

    for text in PLAIN:
        assert _plain_line(text), text
        doc = QTextDocument()
        doc.setMarkdown(text)
        assert doc.toPlainText() == text and "href" not in doc.toHtml(), text
    for text in MARKED:
        assert not _plain_line(text), text


def test_a_plain_line_is_measured_as_its_document_would_be(qtbot: Any) -> None:
    from ionflux.ui.qt import QListView

    view = QListView()
    qtbot.addWidget(view)
    delegate = MessageDelegate(load_theme("dark"), view)
    width = 360.0
    for text in [*PLAIN, "a much longer plain line that cannot fit on one line of a narrow chat dock at all, "
                 "so it wraps onto two or three lines"]:
        m = row(text)
        fast = delegate.layout(m, width, None)
        delegate._cache.clear()
        body = delegate._document(text, fast.text_width)
        assert fast.height == pytest.approx(fast.body_top + body.size().height() + 10), text
        if len(text) < 40:
            assert fast.doc is None, text  # measured without building a document


def shown_list(qtbot: Any, width: int, height: int) -> Any:
    """A message list on screen at ``width`` x ``height``."""
    from ionflux.ui.chat.panel import MessageList

    view = MessageList(load_theme("dark"))
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_rows_carry_their_measured_size_and_a_narrower_list_measures_them_again(qtbot: Any) -> None:
    from ionflux.ui.qt import Qt

    view = shown_list(qtbot, 600, 400)
    long = row("word " * 60)
    view.show_rows([row("hi"), long])
    size = view.model_.index(1, 0).data(Qt.ItemDataRole.SizeHintRole)
    assert size == view.delegate.size_for(long, view.row_width(), None)  # what the view lays out
    qtbot.waitUntil(lambda: view.visualRect(view.model_.index(1, 0)).height() == size.height())
    view.resize(300, 400)
    narrow = lambda: view.model_.index(1, 0).data(Qt.ItemDataRole.SizeHintRole)  # noqa: E731
    qtbot.waitUntil(lambda: narrow().height() > size.height())  # the text wraps onto more lines
    assert narrow() == view.delegate.size_for(long, view.row_width(), None)


def test_a_channel_that_overflows_is_measured_once(qtbot: Any) -> None:
    """The scroll bar appearing does not narrow the rows, so they are not measured again."""
    view = shown_list(qtbot, 420, 300)
    measured: list[Any] = []
    measure = view.model_.measure
    view.model_.measure = lambda m, first: (measured.append(m.id), measure(m, first))[1]
    view.show_rows([row(f"message {i}: " + "a few words that wrap " * 4) for i in range(40)])
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible())
    view.viewport().grab()
    assert len(measured) == 40


def test_a_row_is_painted_once_and_again_only_when_it_changes(qtbot: Any) -> None:
    view = shown_list(qtbot, 420, 300)
    painted: list[str] = []
    paint_row = view.delegate.paint_row
    view.delegate.paint_row = lambda p, m, *a, **k: (painted.append(m.text), paint_row(p, m, *a, **k))[1]
    first, second = row("first"), row("second")
    view.show_rows([first, second])
    before = view.viewport().grab().toImage()
    assert sorted(painted) == ["first", "second"]
    painted.clear()
    again = view.viewport().grab().toImage()
    assert painted == [] and again == before  # drawn from the pictures, pixel for pixel the same
    view.show_rows([first, replace(second, reactions=(("🎉", 1, True),))])
    view.viewport().grab()
    assert painted == ["second"]
