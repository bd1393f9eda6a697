"""The built-in floor plans a player picks from when creating a room."""

from dataclasses import dataclass

from rooms.floorplan import FloorPlan


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    plan: FloorPlan


def _layout(name: str, title: str, door: tuple[int, int], text: str) -> Layout:
    return Layout(name, title, FloorPlan.parse(text, *door))


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        _layout("square", "Square (8×8)", (0, 3), "\n".join(["00000000"] * 8)),
        _layout(
            "lounge",
            "Lounge with a raised stage",
            (0, 5),
            """
            xx00000000
            xx00000000
            0000000000
            0000001111
            0000001111
            0000001111
            0000000000
            0000000000
            """,
        ),
        _layout(
            "corridor",
            "Long corridor",
            (0, 1),
            """
            00000000000000
            00000000000000
            00000000000000
            """,
        ),
        _layout(
            "courtyard",
            "Courtyard with a pool in the middle",
            (0, 4),
            """
            000000000
            000000000
            000xxx000
            000xxx000
            000xxx000
            000000000
            000000000
            """,
        ),
        _layout(
            "terraces",
            "Terraces (steps up)",
            (0, 0),
            """
            0000000
            0000000
            1111111
            1111111
            2222222
            2222222
            """,
        ),
    )
}
