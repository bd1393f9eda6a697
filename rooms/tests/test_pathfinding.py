from rooms.floorplan import FloorPlan
from rooms.pathfinding import find_path


def plan(text: str) -> FloorPlan:
    rows = text.strip().split()
    return FloorPlan.parse("\n".join(rows), *next((x, y) for y, r in enumerate(rows) for x, c in enumerate(r) if c != "x"))


def steps_are_single_tiles(path):
    return all(max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1 for a, b in zip(path, path[1:]))


def test_open_floor_walks_the_diagonal():
    path = find_path(plan("0000 0000 0000 0000"), (0, 0), (3, 3))
    assert path == [(0, 0), (1, 1), (2, 2), (3, 3)]


def test_walls_are_walked_around_and_never_entered():
    floor = plan("""
        00000
        0xxx0
        00000
    """)
    path = find_path(floor, (0, 1), (4, 1))
    assert path[0] == (0, 1) and path[-1] == (4, 1)
    assert steps_are_single_tiles(path)
    assert all(floor.is_tile(*t) for t in path)


def test_no_corner_cutting_past_a_blocked_tile():
    floor = plan("""
        00
        0x
    """)
    # (0,1) → (1,0) diagonally would squeeze past the void at (1,1): go round via (0,0).
    assert find_path(floor, (0, 1), (1, 0)) == [(0, 1), (0, 0), (1, 0)]


def test_avatars_and_furniture_are_obstacles():
    floor = plan("000 000 000")
    path = find_path(floor, (0, 1), (2, 1), blocked={(1, 1), (1, 0)})
    assert (1, 1) not in path and (1, 0) not in path
    assert path[-1] == (2, 1) and steps_are_single_tiles(path)


def test_steps_higher_than_one_level_are_refused():
    floor = plan("""
        0020
        0120
    """)
    path = find_path(floor, (0, 0), (3, 0))
    # (2, y) is two levels above (3, y): the far column cannot be reached, so stop next to it.
    assert path[-1] == (2, 0)
    assert all(abs(floor.height(*a) - floor.height(*b)) <= 1 for a, b in zip(path, path[1:]))


def test_unreachable_target_walks_to_the_nearest_reachable_tile():
    floor = plan("""
        000x000
        000x000
    """)
    assert find_path(floor, (0, 0), (6, 0))[-1] == (2, 0)


def test_target_occupied_by_an_avatar_stops_next_to_it():
    path = find_path(plan("00000"), (0, 0), (4, 0), blocked={(4, 0)})
    assert path == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_target_on_the_start_is_a_path_of_one():
    assert find_path(plan("000"), (1, 0), (1, 0)) == [(1, 0)]
