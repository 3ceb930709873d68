"""Where a block sits on its page, and the limits every edit is checked against.

Its own module (plain Python) so the canvas can use it without loading the database layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ionflux.core import validation as v

COORD_LIMIT = 1_000_000
MIN_SIZE, MAX_SIZE = 20, 20_000


@dataclass(frozen=True)
class Geometry:
    """Where a block sits on its page."""

    x: int
    y: int
    width: int
    height: int

    def checked(self) -> Geometry:
        v.integer(self.x, "position_x", lo=-COORD_LIMIT, hi=COORD_LIMIT)
        v.integer(self.y, "position_y", lo=-COORD_LIMIT, hi=COORD_LIMIT)
        v.integer(self.width, "width", lo=MIN_SIZE, hi=MAX_SIZE)
        v.integer(self.height, "height", lo=MIN_SIZE, hi=MAX_SIZE)
        return self
