import pytest

from rooms.floorplan import FloorPlan
from rooms.layouts import LAYOUTS


def test_parse_reads_size_tiles_and_heights():
    plan = FloorPlan.parse("x01\n002\n", door_x=1, door_y=0)
    assert (plan.width, plan.depth, plan.tile_count) == (3, 2, 5)
    assert not plan.is_tile(0, 0)
    assert plan.is_tile(2, 1) and plan.height(2, 1) == 2
    assert not plan.is_tile(3, 0) and not plan.is_tile(0, -1)
    assert plan.text() == "x01\n002"


@pytest.mark.parametrize(
    "text, door, error",
    [
        ("", (0, 0), "empty"),
        ("000\n00", (0, 0), "same width"),
        ("0a0", (0, 0), "only hold"),
        ("x00", (0, 0), "door"),
        ("0" * 65, (0, 0), "larger"),
    ],
)
def test_bad_plans_are_refused(text, door, error):
    with pytest.raises(ValueError, match=error):
        FloorPlan.parse(text, *door)


def test_every_builtin_layout_is_valid_and_different():
    plans = {layout.plan.text() for layout in LAYOUTS.values()}
    assert len(plans) == len(LAYOUTS) >= 4
