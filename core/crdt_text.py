"""Text that merges: a Yrs (pycrdt) document per text field, edited by diff, never rebuilt from text.

Each device edits the document it already holds: the new text is diffed against the document's
current text and only the differing spans are deleted and inserted, so two devices that changed
different words of one paragraph both keep their words once their updates meet. A document is
created exactly once, by the device that creates the row; every other replica only ever applies
that document's updates (rebuilding one from rendered text would duplicate content on merge).
"""

from __future__ import annotations

import difflib
import hashlib
import threading
from collections import OrderedDict
from typing import Any

ROOT = "text"
#: Above this many differing characters a change is one replace (a diff would cost too much).
_FINE_DIFF_LIMIT = 2_000
_CLIENT_ID_SPACE = (1 << 53) - 1


def client_id(node: str) -> int:
    """The Yrs client id of a device: its node id folded into the 53 bits Yjs peers accept."""
    return int(node, 16) % _CLIENT_ID_SPACE + 1


def _doc(state: bytes | None, node: str | None = None) -> tuple[Any, Any]:
    from pycrdt import Doc, Text

    doc = Doc(client_id=client_id(node)) if node else Doc()
    if state:
        doc.apply_update(state)
    return doc, doc.get(ROOT, type=Text)


def render(state: bytes) -> str:
    """The text a document holds."""
    return str(_doc(state)[1])


def create(text: str, node: str) -> bytes:
    """A new document holding ``text``: its state is also the update that creates it elsewhere."""
    doc, ytext = _doc(None, node)
    if text:
        ytext += text
    return doc.get_update()


#: Live documents of recent edits, keyed by (device, digest of their full state). Decoding a long-edited
#: document costs milliseconds per edit; a document is reused only when the stored state is exactly the
#: one it was left at, so a rolled-back edit simply misses the cache.
_LIVE: OrderedDict[tuple[str, bytes], tuple[Any, Any]] = OrderedDict()
_LIVE_SIZE = 64
_LIVE_LOCK = threading.Lock()


def _digest(state: bytes) -> bytes:
    return hashlib.blake2b(state, digest_size=16).digest()


def edit(state: bytes | None, new_text: str, node: str) -> tuple[bytes, bytes | None]:
    """Change a document's text to ``new_text`` with the smallest edits found.

    Returns:
        (the new full state, the update carrying just this edit, or None when the text is unchanged).

    """
    with _LIVE_LOCK:
        live = _LIVE.pop((node, _digest(state)), None) if state else None
    doc, ytext = live if live is not None else _doc(state, node)
    old = str(ytext)
    if old == new_text:
        return doc.get_update(), None
    before = doc.get_state()
    with doc.transaction():
        for start, end, insert in reversed(_edits(old, new_text)):
            b_start = len(old[:start].encode())
            b_end = b_start + len(old[start:end].encode())
            if b_end > b_start:
                del ytext[b_start:b_end]
            if insert:
                ytext.insert(b_start, insert)
    new_state = doc.get_update()
    with _LIVE_LOCK:
        _LIVE[(node, _digest(new_state))] = (doc, ytext)
        while len(_LIVE) > _LIVE_SIZE:
            _LIVE.popitem(last=False)
    return new_state, doc.get_update(before)


def merge(state: bytes | None, updates: list[bytes]) -> tuple[bytes, str]:
    """Apply ``updates`` (in any order, duplicates allowed) to a document.

    Returns:
        (the new full state, the merged text).

    """
    doc, ytext = _doc(state)
    for update in updates:
        doc.apply_update(update)
    return doc.get_update(), str(ytext)


def _edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) spans of ``old`` in increasing order that turn it into ``new``."""
    if old == new:
        return []
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    a, b = old[prefix:len(old) - suffix], new[prefix:len(new) - suffix]
    if len(a) + len(b) > _FINE_DIFF_LIMIT:
        return [(prefix, prefix + len(a), b)]
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((prefix + i1, prefix + i2, b[j1:j2]))
    return out
