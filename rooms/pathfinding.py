"""A* on a room's height map: eight directions, no cutting corners past
blocked tiles, a bounded step up or down. An unreachable target walks to the
reachable tile nearest to it.

A floor plan's steps are worked out once (`_graph`): which neighbours a tile
has, at what cost, and which two tiles a diagonal squeezes between. A walk
then only checks those against the tiles blocked right now. Tiles are ints
(x * depth + y), which orders them as (x, y) tuples would.
"""

import heapq
import math
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache

from rooms.floorplan import FloorPlan

Tile = tuple[int, int]
MAX_STEP = 1  # how many height levels one step may climb or descend
STRAIGHT, DIAGONAL = 10, 14
DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]
NO_CORNER = -1


@dataclass(frozen=True)
class _Graph:
    depth: int
    # tile → ((neighbour, cost, corner, corner), ...); a straight step has NO_CORNER.
    steps: dict[int, tuple[tuple[int, int, int, int], ...]]

    def tile(self, index: int) -> Tile:
        return divmod(index, self.depth)

    def index(self, tile: Tile) -> int:
        return tile[0] * self.depth + tile[1]


@lru_cache(maxsize=64)  # a 64x64 plan's graph is a few MB; a process serves a few plans
def _graph(plan: FloorPlan) -> _Graph:
    tiles, depth = plan.tiles, plan.depth
    steps = {}
    for (x, y), here in tiles.items():
        out = []
        for dx, dy in DIRECTIONS:
            height = tiles.get((x + dx, y + dy))
            if height is None or abs(height - here) > MAX_STEP:
                continue
            if dx and dy:
                corners = (x + dx, y), (x, y + dy)
                if any(c not in tiles for c in corners):
                    continue  # a diagonal may not squeeze past a wall
                a, b = (cx * depth + cy for cx, cy in corners)
                out.append(((x + dx) * depth + y + dy, DIAGONAL, a, b))
            else:
                out.append(((x + dx) * depth + y + dy, STRAIGHT, NO_CORNER, NO_CORNER))
        steps[x * depth + y] = tuple(out)
    return _Graph(depth, steps)


def find_path(plan: FloorPlan, start: Tile, target: Tile, blocked: Set[Tile] = frozenset()) -> list[Tile]:
    """Tiles from start (first) to the target, or to the reachable tile nearest it.

    `blocked` holds furniture and other avatars; the start is never blocked.
    """
    graph = _graph(plan)
    steps, depth = graph.steps, graph.depth
    tx, ty = target
    first = graph.index(start)
    goal = graph.index(target) if target in plan.tiles else None
    walls = {graph.index(t) for t in blocked if t in plan.tiles} - {first}

    def estimate(index: int) -> int:
        dx, dy = abs(index // depth - tx), abs(index % depth - ty)
        return STRAIGHT * dx + (DIAGONAL - STRAIGHT) * dy if dx > dy else STRAIGHT * dy + (DIAGONAL - STRAIGHT) * dx

    cost = {first: 0}
    came_from: dict[int, int] = {}
    # Of tiles equally promising, the one furthest along goes first (-cost):
    # on an open floor the estimate is exact, so every tile of every shortest
    # path ties, and nearest-first expanded them all (11 % more time a path).
    frontier = [(estimate(first), 0, first)]
    done: set[int] = set()
    while frontier:
        _, minus_g, here = heapq.heappop(frontier)
        g = -minus_g
        if here in done:
            continue
        done.add(here)
        if here == goal:
            break
        for nxt, step, corner_a, corner_b in steps[here]:
            if nxt in walls or nxt in done or (corner_a != NO_CORNER and (corner_a in walls or corner_b in walls)):
                continue
            new_cost = g + step
            if new_cost < cost.get(nxt, math.inf):
                cost[nxt] = new_cost
                came_from[nxt] = here
                heapq.heappush(frontier, (new_cost + estimate(nxt), -new_cost, nxt))
    # If the target was not reached, A* has explored every reachable tile.
    end = goal if goal in done else min(done, key=lambda i: (estimate(i), cost[i], i))
    path = [end]
    while path[-1] != first:
        path.append(came_from[path[-1]])
    path.reverse()
    return [graph.tile(i) for i in path]


def walk_to_nearest(plan: FloorPlan, start: Tile, blocked: Set[Tile], wanted, order=lambda tile: 0) -> list[Tile]:
    """The shortest walk from start, round blocked tiles as find_path goes,
    to the nearest other tile `wanted(tile)` holds for; of equally near ones,
    the one with the smallest `order(tile)`. [start] if none can be reached."""
    graph = _graph(plan)
    steps = graph.steps
    first = graph.index(start)
    walls = {graph.index(t) for t in blocked if t in plan.tiles} - {first}
    cost = {first: 0}
    came_from: dict[int, int] = {}
    frontier = [(0, order(start), first)]
    done: set[int] = set()
    while frontier:
        g, _, here = heapq.heappop(frontier)  # nearest first (Dijkstra), then by order
        if here in done:
            continue
        done.add(here)
        if here != first and wanted(graph.tile(here)):
            path = [here]
            while path[-1] != first:
                path.append(came_from[path[-1]])
            return [graph.tile(i) for i in reversed(path)]
        for nxt, step, corner_a, corner_b in steps[here]:
            if nxt in walls or nxt in done or (corner_a != NO_CORNER and (corner_a in walls or corner_b in walls)):
                continue
            if g + step < cost.get(nxt, math.inf):
                cost[nxt] = g + step
                came_from[nxt] = here
                heapq.heappush(frontier, (g + step, order(graph.tile(nxt)), nxt))
    return [start]
