"""Drafts: what was typed but not yet saved (chat composers, block editors), kept on the device.

Written a moment after typing stops, through the serial writer, and once more on close; so a
crash loses at most the last few hundred milliseconds of typing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ionflux.core.settings import DRAFT_SECTIONS, draft_key
from ionflux.ui.ops import OpRunner
from ionflux.ui.qt import QObject, QTimer

if TYPE_CHECKING:
    from ionflux.core.store import Store

SAVE_DELAY_MS = 400


class Drafts(QObject):
    """Draft texts by section (``chat``: by channel id, ``blocks``: by block id)."""

    def __init__(self, store: Callable[[], Store], ops: OpRunner, parent: QObject | None = None) -> None:
        """``store()`` gives the store when a read or write runs (off the GUI thread, once it is open)."""
        super().__init__(parent)
        self.store, self.ops = store, ops
        self.sections: dict[str, dict[str, str]] = {s: {} for s in DRAFT_SECTIONS}
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)

    def load(self) -> None:
        self.ops.run(lambda: {s: dict(self.store().get_local(draft_key(s), {}) or {}) for s in DRAFT_SECTIONS},
                     label="reading drafts", on_success=self.restore)

    def restore(self, sections: dict[str, dict[str, str]]) -> None:
        """Take drafts read from the store; a draft edited meanwhile keeps its newer text."""
        for name, values in sections.items():
            self.sections[name] = {**values, **self.sections.get(name, {})}

    def get(self, section: str) -> dict[str, str]:
        return self.sections.get(section, {})

    def update(self, section: str, key: str, text: str | None) -> None:
        values = self.sections.setdefault(section, {})
        if text:
            values[key] = text
        else:
            values.pop(key, None)
        self._dirty.add(section)
        self._timer.start()

    def set(self, section: str, values: dict[str, Any]) -> None:
        self.sections[section] = {str(k): v for k, v in values.items() if v}
        self._dirty.add(section)
        self._timer.start()

    def save(self) -> None:
        for section in list(self._dirty):
            values = dict(self.sections[section])
            self.ops.write(lambda s=section, v=values: self.store().set_local(draft_key(s), v or None),
                           label="keep drafts")
        self._dirty.clear()

    def flush(self) -> None:
        """Write pending drafts now and wait for them (on close)."""
        self._timer.stop()
        self.save()
        self.ops.drain()
