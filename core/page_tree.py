"""The order pages are listed in: depth first, siblings by position, then title.

Plain Python over anything with ``id``, ``parent_page_id``, ``sort_index``, ``title`` and
``created_at``: ORM rows, and the plain rows the window's first paint reads (``core.first_view``).
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

P = TypeVar("P", bound=Any)


def tree_order(rows: list[P]) -> list[tuple[P, int]]:
    """Depth-first order with depth; a page whose parent is not in ``rows`` is a root."""
    ids = {p.id for p in rows}
    children: dict[uuid.UUID | None, list[P]] = {}
    for p in rows:
        parent = p.parent_page_id if p.parent_page_id in ids else None
        children.setdefault(parent, []).append(p)
    for siblings in children.values():
        siblings.sort(key=lambda p: (p.sort_index, p.title.lower(), p.created_at))
    out: list[tuple[P, int]] = []

    def walk(parent: uuid.UUID | None, depth: int) -> None:
        for p in children.get(parent, []):
            out.append((p, depth))
            walk(p.id, depth + 1)

    walk(None, 0)
    return out
