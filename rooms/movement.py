"""Server-authoritative walking: where a click takes an avatar, and when.

Position is a function of time (one tile every STEP_MS along the stored
path), so sending walk messages faster cannot move anyone faster.
"""

from dataclasses import replace

from rooms.floorplan import FloorPlan
from rooms.live import Avatar, Standing, occupied_tiles
from rooms.pathfinding import Tile, find_path, walk_to_nearest


def plan_walk(avatar: Avatar, plan: FloorPlan, target: Tile, blocked: set[Tile], now: int) -> Avatar:
    """The avatar walking to target: from its next tile if it is walking (it
    turns there), from where it stands otherwise."""
    start, start_at = avatar.next_stop(now)
    path = find_path(plan, start, target, blocked - {start})
    return replace(avatar, path=path, started_at=start_at)


def taken_tiles(standing: Standing, at_ms: int, but: int) -> set[Tile]:
    """Where the others stand, step onto or are heading at `at_ms`: no
    entering avatar is sent there (rooms.live checks the same when it enters)."""
    heading = {tuple(path[-1]) for user_id, (path, _) in standing.items() if user_id != but}
    return occupied_tiles(standing, at_ms, but) | heading


def entry_walk(plan: FloorPlan, blocked: set[Tile], taken: set[Tile]) -> list[Tile]:
    """An entering avatar's first steps: from the door to the nearest tile
    nobody has taken, passing others (as a crowd at the door would part) but
    not furniture; straight in through the door, or else to the front,
    where that is as near. Just the door if every tile is taken."""
    door = (plan.door_x, plan.door_y)
    # Into the room is away from the door's sides that have no floor (the wall it is in).
    sides = [(dx, dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)) if not plan.is_tile(door[0] - dx, door[1] - dy)]
    in_x, in_y = sum(dx for dx, _ in sides), sum(dy for _, dy in sides)

    def straight_in_first(tile: Tile) -> tuple[int, int]:
        # Then the tile further to the front: not hidden behind those who came in before.
        return -((tile[0] - door[0]) * in_x + (tile[1] - door[1]) * in_y), -(tile[0] + tile[1])

    return walk_to_nearest(plan, door, blocked, lambda tile: tile not in taken, straight_in_first)
