"""Server-authoritative walking: where a click takes an avatar, and when.

Position is a function of time (one tile every STEP_MS along the stored
path), so sending walk messages faster cannot move anyone faster.
"""

from dataclasses import replace

from rooms.floorplan import FloorPlan
from rooms.live import Avatar
from rooms.pathfinding import Tile, find_path


def plan_walk(avatar: Avatar, plan: FloorPlan, target: Tile, blocked: set[Tile], now: int) -> Avatar:
    """The avatar walking to target: from its next tile if it is walking (it
    turns there), from where it stands otherwise."""
    start, start_at = avatar.next_stop(now)
    path = find_path(plan, start, target, blocked - {start})
    return replace(avatar, path=path, started_at=start_at)
