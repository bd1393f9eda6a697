"""A* on a room's height map: eight directions, no cutting corners past
blocked tiles, a bounded step up or down. An unreachable target walks to the
reachable tile nearest to it."""

import heapq
import math
from collections.abc import Set

from rooms.floorplan import FloorPlan

Tile = tuple[int, int]
MAX_STEP = 1  # how many height levels one step may climb or descend
STRAIGHT, DIAGONAL = 10, 14
DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]


def _octile(a: Tile, b: Tile) -> int:
    dx, dy = abs(a[0] - b[0]), abs(a[1] - b[1])
    return STRAIGHT * max(dx, dy) + (DIAGONAL - STRAIGHT) * min(dx, dy)


def _neighbours(tiles: dict[Tile, int], blocked: Set[Tile], tile: Tile):
    x, y = tile
    here = tiles[tile]
    for dx, dy in DIRECTIONS:
        nxt = (x + dx, y + dy)
        height = tiles.get(nxt)
        if height is None or nxt in blocked or abs(height - here) > MAX_STEP:
            continue
        if dx and dy and any(c not in tiles or c in blocked for c in ((x + dx, y), (x, y + dy))):
            continue  # a diagonal may not squeeze past a wall, furniture or an avatar
        yield nxt, DIAGONAL if dx and dy else STRAIGHT


def find_path(plan: FloorPlan, start: Tile, target: Tile, blocked: Set[Tile] = frozenset()) -> list[Tile]:
    """Tiles from start (first) to the target, or to the reachable tile nearest it.

    `blocked` holds furniture and other avatars; the start is never blocked.
    """
    blocked = set(blocked) - {start}
    cost = {start: 0}
    came_from: dict[Tile, Tile] = {}
    frontier = [(_octile(start, target), 0, start)]
    done: set[Tile] = set()
    while frontier:
        _, g, tile = heapq.heappop(frontier)
        if tile in done:
            continue
        done.add(tile)
        if tile == target:
            break
        for nxt, step in _neighbours(plan.tiles, blocked, tile):
            new_cost = g + step
            if new_cost < cost.get(nxt, math.inf):
                cost[nxt] = new_cost
                came_from[nxt] = tile
                heapq.heappush(frontier, (new_cost + _octile(nxt, target), new_cost, nxt))
    # If the target was not reached, A* has explored every reachable tile.
    goal = target if target in done else min(done, key=lambda t: (_octile(t, target), cost[t]))
    path = [goal]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    path.reverse()
    return path
