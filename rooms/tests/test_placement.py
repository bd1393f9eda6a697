"""The furniture rules (rooms.placement), on their own: both the web
process and the furniture consumer decide with these."""

import pytest

from rooms.floorplan import FloorPlan
from rooms.placement import MAX_PIECES, MAX_STACK, Kind, Piece, Refused, RoomFurniture

# 6 × 5, the door at (0, 2), a void at (5, 0), a step up in column 4 of the last row.
PLAN = FloorPlan.parse("00000x\n000000\n000000\n000000\n000010", door_x=0, door_y=2)
OWNER, FRIEND, STRANGER = 1, 2, 3

CHAIR = Kind(1, 1, 45, can_stack=False, can_sit=True, can_lay=False, can_walk_on=False, rotations=(0, 2, 4, 6))
SOFA = Kind(2, 1, 45, can_stack=False, can_sit=True, can_lay=False, can_walk_on=False, rotations=(0, 2, 4, 6))
BLOCK = Kind(1, 1, 100, can_stack=True, can_sit=False, can_lay=False, can_walk_on=False, rotations=(0,))
TABLE = Kind(2, 2, 70, can_stack=True, can_sit=False, can_lay=False, can_walk_on=False, rotations=(0,))
RUG = Kind(2, 2, 1, can_stack=True, can_sit=False, can_lay=False, can_walk_on=True, rotations=(0, 2))


def room(*pieces: Piece, rights=(FRIEND,)) -> RoomFurniture:
    return RoomFurniture(OWNER, set(rights), {p.id: p for p in pieces})


def place(furniture: RoomFurniture, kind: Kind, x: int, y: int, rotation: int = 0, actor: int = OWNER) -> Piece:
    return furniture.check_place(PLAN, actor=actor, owner=actor, kind=kind, x=x, y=y, rotation=rotation)


def refusal(call) -> str:
    with pytest.raises(Refused) as refused:
        call()
    return refused.value.code


def test_a_piece_stands_on_the_floor_where_it_fits():
    piece = place(room(), SOFA, 2, 1)
    assert piece.z == 0 and piece.tiles() == {(2, 1), (3, 1)}


@pytest.mark.parametrize(
    "kind, x, y, rotation, code",
    [
        (SOFA, 5, 1, 0, "outside_plan"),  # its second tile is off the plan
        (CHAIR, 5, 0, 0, "outside_plan"),  # the void
        (CHAIR, 0, 2, 0, "on_door"),
        (SOFA, 0, 1, 2, "on_door"),  # turned, it reaches down onto the door tile
        (SOFA, 3, 4, 0, "not_level"),  # across the step
        (BLOCK, 1, 1, 2, "bad_rotation"),
    ],
)
def test_where_a_piece_does_not_fit(kind, x, y, rotation, code):
    assert refusal(lambda: place(room(), kind, x, y, rotation)) == code


def test_turning_a_piece_swaps_its_width_and_length():
    assert place(room(), SOFA, 1, 0, rotation=2).tiles() == {(1, 0), (1, 1)}


def test_pieces_stack_only_on_stackable_tops_that_are_level():
    block = Piece(1, OWNER, BLOCK, 2, 2, 0, 0)
    chair = Piece(2, OWNER, CHAIR, 3, 3, 0, 0)
    table = Piece(3, OWNER, TABLE, 1, 0, 0, 0)
    furniture = room(block, chair, table)
    assert place(furniture, BLOCK, 2, 2).z == 100
    assert place(furniture, CHAIR, 1, 1).z == 70  # on the table's corner
    assert refusal(lambda: place(furniture, CHAIR, 3, 3)) == "cannot_stack"
    # Half on the block, half on the floor.
    assert refusal(lambda: place(furniture, SOFA, 2, 2)) == "not_level"
    # A rug is stacked on, like Habbo's: a table on a rug stands on its top.
    assert place(room(Piece(4, OWNER, RUG, 2, 2, 0, 0)), TABLE, 2, 2).z == 1


def test_a_stack_stops_at_the_height_limit():
    tower = [Piece(i + 1, OWNER, BLOCK, 2, 2, i * 100, 0) for i in range(MAX_STACK // 100 - 1)]
    assert place(room(*tower), BLOCK, 2, 2).top == MAX_STACK
    tower.append(Piece(len(tower) + 1, OWNER, BLOCK, 2, 2, (len(tower)) * 100, 0))
    assert refusal(lambda: place(room(*tower), BLOCK, 2, 2)) == "too_high"


def test_a_room_holds_at_most_its_limit():
    full = RoomFurniture(OWNER, set(), {i: Piece(i, OWNER, RUG, 1, 1, 0, 0) for i in range(1, MAX_PIECES + 1)})
    assert refusal(lambda: place(full, CHAIR, 3, 3)) == "room_full"


def test_who_may_place_move_and_pick_up():
    furniture = room()
    assert place(furniture, CHAIR, 3, 3, actor=FRIEND).owner == FRIEND
    assert refusal(lambda: place(furniture, CHAIR, 3, 3, actor=STRANGER)) == "no_rights"
    # Someone else's inventory is never placed, even by the room's owner.
    assert refusal(lambda: furniture.check_place(PLAN, actor=OWNER, owner=FRIEND, kind=CHAIR, x=3, y=3, rotation=0)) == (
        "not_yours"
    )
    mine, theirs = Piece(1, FRIEND, CHAIR, 3, 3, 0, 0), Piece(2, STRANGER, CHAIR, 1, 1, 0, 0)
    furniture = room(mine, theirs)
    assert furniture.check_move(PLAN, actor=FRIEND, furni_id=1, x=4, y=3, rotation=2).x == 4
    assert refusal(lambda: furniture.check_move(PLAN, actor=FRIEND, furni_id=2, x=4, y=1, rotation=0)) == "not_yours"
    # Rights taken away: no moving, but a player may always take their own piece back.
    strangers = room(mine, theirs, rights=())
    assert refusal(lambda: strangers.check_move(PLAN, actor=FRIEND, furni_id=1, x=4, y=3, rotation=0)) == "no_rights"
    assert strangers.check_pickup(actor=FRIEND, furni_id=1) == mine
    assert refusal(lambda: strangers.check_pickup(actor=FRIEND, furni_id=2)) == "not_yours"
    # The owner moves and ejects anyone's.
    assert strangers.check_move(PLAN, actor=OWNER, furni_id=2, x=1, y=3, rotation=0).y == 3
    assert strangers.check_pickup(actor=OWNER, furni_id=2) == theirs
    assert refusal(lambda: strangers.check_pickup(actor=OWNER, furni_id=9)) == "not_in_room"


def test_a_moved_piece_does_not_stand_on_itself():
    block = Piece(1, OWNER, BLOCK, 2, 2, 0, 0)
    assert room(block).check_move(PLAN, actor=OWNER, furni_id=1, x=2, y=2, rotation=0).z == 0


def test_what_blocks_a_walk():
    pieces = [Piece(1, OWNER, TABLE, 1, 0, 0, 0), Piece(2, OWNER, RUG, 3, 3, 0, 0), Piece(3, OWNER, CHAIR, 0, 4, 0, 0)]
    assert room(*pieces).blocking() == {(1, 0), (2, 0), (1, 1), (2, 1)}


def test_a_piece_with_something_on_it_is_neither_moved_nor_turned_nor_picked_up():
    table = Piece(1, OWNER, TABLE, 1, 1, 0, 0)
    block = Piece(2, OWNER, BLOCK, 2, 2, TABLE.height, 0)  # on the table's front corner
    furniture = room(table, block)
    assert refusal(lambda: furniture.check_move(PLAN, actor=OWNER, furni_id=1, x=2, y=1, rotation=0)) == "has_on_top"
    assert refusal(lambda: furniture.check_pickup(actor=OWNER, furni_id=1)) == "has_on_top"
    # What is on top moves and goes; then the table does.
    assert furniture.check_pickup(actor=OWNER, furni_id=2) == block
    del furniture.pieces[2]
    assert furniture.check_move(PLAN, actor=OWNER, furni_id=1, x=2, y=1, rotation=0).tiles() == {(2, 1), (3, 1), (2, 2), (3, 2)}
    # A piece beside the table, not on it, holds nothing back.
    beside = room(table, Piece(3, OWNER, BLOCK, 3, 1, 0, 0))
    assert beside.check_pickup(actor=OWNER, furni_id=1) == table
