"""Floor plans: a height map of rows, one character a tile.

'x' is no tile (void); '0'-'9' is a walkable tile at that height.
Rows are separated by newlines and all have the same width.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache

MAX_SIDE = 64
TILE_CHARS = frozenset("x0123456789")


@dataclass(frozen=True)
class FloorPlan:
    rows: tuple[str, ...]
    door_x: int
    door_y: int

    @classmethod
    def parse(cls, text: str, door_x: int, door_y: int) -> "FloorPlan":
        rows = tuple(row.strip() for row in text.strip().splitlines())
        if not rows or not rows[0]:
            raise ValueError("the floor plan is empty")
        if len(rows) > MAX_SIDE or len(rows[0]) > MAX_SIDE:
            raise ValueError(f"the floor plan is larger than {MAX_SIDE}×{MAX_SIDE}")
        if any(len(row) != len(rows[0]) for row in rows):
            raise ValueError("every row of the floor plan must have the same width")
        if any(ch not in TILE_CHARS for row in rows for ch in row):
            raise ValueError("the floor plan may only hold 'x' and the digits 0-9")
        plan = cls(rows, door_x, door_y)
        if not plan.is_tile(door_x, door_y):
            raise ValueError("the door must be on a tile")
        return plan

    @property
    def width(self) -> int:
        return len(self.rows[0])

    @property
    def depth(self) -> int:
        return len(self.rows)

    @cached_property
    def tiles(self) -> dict[tuple[int, int], int]:
        """Every tile and its height, computed once (pathfinding reads it a lot)."""
        return {(x, y): int(ch) for y, row in enumerate(self.rows) for x, ch in enumerate(row) if ch != "x"}

    def is_tile(self, x: int, y: int) -> bool:
        return (x, y) in self.tiles

    def height(self, x: int, y: int) -> int:
        return self.tiles[(x, y)]

    @property
    def tile_count(self) -> int:
        return len(self.tiles)

    def text(self) -> str:
        return "\n".join(self.rows)


@lru_cache(maxsize=256)  # the plans last used; a room's copy keeps its own plan alive anyway
def shared(text: str, door_x: int, door_y: int) -> FloorPlan:
    """FloorPlan.parse, one instance per distinct plan. A plan never changes,
    so the rooms built from one layout, and every copy of a room a process
    reads again, share its tiles (about 25 KiB for 16×16) instead of each
    parsing its own (bench/README.md, issue 14 target 2)."""
    return FloorPlan.parse(text, door_x, door_y)
