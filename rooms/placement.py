"""The rules of furniture in a room: who may place, move and pick up what,
and where a piece fits. One definition, used twice: by the web process on
its live copy of the room, to refuse at once, and by the furniture consumer
on the database, which decides (rooms.furnishing).

A piece fits where its whole footprint is on the plan, off the door tile, on
tiles of one floor height, and on top of nothing or only of stackable pieces
whose tops are level across the footprint; its top stays under MAX_STACK.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rooms.floorplan import FloorPlan
from rooms.pathfinding import Tile

MAX_PIECES = 2500  # in one room
MAX_STACK = 2000  # the highest top a stack may reach, in hundredths of a tile (20 blocks)

REFUSALS = {
    "outside_plan": "That does not fit on the floor there.",
    "on_door": "Nothing may stand on the door tile.",
    "not_level": "That needs a level place to stand on.",
    "cannot_stack": "Nothing can be put on top of that.",
    "too_high": "That stack would be too high.",
    "room_full": f"This room holds {MAX_PIECES} pieces already.",
    "bad_rotation": "That piece cannot turn that way.",
    "avatar_in_the_way": "Someone is standing there.",
    "no_rights": "You need rights in this room to do that.",
    "not_ringing": "Nobody by that name is at the door.",
    "not_yours": "That piece is not yours.",
    "not_owner": "Only the room's owner can do that.",
    "no_player": "There is no such player.",
    "not_in_inventory": "That piece is not in your inventory any more.",
    "not_in_room": "That piece is not in this room any more.",
    "has_on_top": "Something stands on it: take that off first.",
    "no_room": "This room does not exist.",
}


class Refused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = REFUSALS[code]


@dataclass(frozen=True)
class Kind:
    """What the rules need of a kind of furniture (rooms.Item)."""

    width: int
    length: int
    height: int
    can_stack: bool
    can_sit: bool
    can_lay: bool
    can_walk_on: bool
    rotations: tuple[int, ...]


@dataclass(frozen=True)
class Piece:
    id: int
    owner: int
    kind: Kind
    x: int
    y: int
    z: int
    rotation: int

    def tiles(self) -> set[Tile]:
        return footprint(self.kind, self.x, self.y, self.rotation)

    @property
    def top(self) -> int:
        return self.z + self.kind.height


def footprint(kind: Kind, x: int, y: int, rotation: int) -> set[Tile]:
    """The tiles a piece covers; rotations 2 and 6 swap width and length."""
    width, length = (kind.length, kind.width) if rotation in (2, 6) else (kind.width, kind.length)
    return {(x + dx, y + dy) for dx in range(width) for dy in range(length)}


@dataclass
class RoomFurniture:
    """A room's pieces, owner and rights: the web process's live copy
    (kept from the room's frames) or the consumer's, read from the database."""

    owner: int
    rights: set[int]
    pieces: dict[int, Piece]
    seq: int = 0

    def may_furnish(self, user_id: int) -> bool:
        return user_id == self.owner or user_id in self.rights

    def check_place(self, plan: FloorPlan, *, actor: int, owner: int, kind: Kind, x: int, y: int, rotation: int) -> Piece:
        """A piece of `owner`'s inventory, placed by `actor`: the piece as
        placed (its z) or Refused. The piece's id is 0 here; the caller sets it."""
        if actor != owner:
            raise Refused("not_yours")
        if not self.may_furnish(actor):
            raise Refused("no_rights")
        if len(self.pieces) >= MAX_PIECES:
            raise Refused("room_full")
        return Piece(0, owner, kind, x, y, self._fit(plan, kind, x, y, rotation, moving=None), rotation)

    def check_move(self, plan: FloorPlan, *, actor: int, furni_id: int, x: int, y: int, rotation: int) -> Piece:
        piece = self._handled_by(actor, furni_id)
        self._nothing_on(piece)
        return replace(piece, x=x, y=y, rotation=rotation, z=self._fit(plan, piece.kind, x, y, rotation, moving=furni_id))

    def check_pickup(self, *, actor: int, furni_id: int) -> Piece:
        """A player takes back their own piece, with or without rights; the
        owner may eject anyone's (it goes back to its owner's inventory)."""
        piece = self.pieces.get(furni_id)
        if piece is None:
            raise Refused("not_in_room")
        if actor not in (piece.owner, self.owner):
            raise Refused("not_yours")
        self._nothing_on(piece)
        return piece

    def _nothing_on(self, piece: Piece) -> None:
        """A piece carrying others stays put: moved, turned or taken away,
        what stands on it would float."""
        tiles = piece.tiles()
        if any(other.id != piece.id and other.z >= piece.top and other.tiles() & tiles for other in self.pieces.values()):
            raise Refused("has_on_top")

    def _handled_by(self, actor: int, furni_id: int) -> Piece:
        """Moved by its owner with rights, or by the room's owner."""
        piece = self.pieces.get(furni_id)
        if piece is None:
            raise Refused("not_in_room")
        if actor != self.owner:
            if piece.owner != actor:
                raise Refused("not_yours")
            if not self.may_furnish(actor):
                raise Refused("no_rights")
        return piece

    def _fit(self, plan: FloorPlan, kind: Kind, x: int, y: int, rotation: int, *, moving: int | None) -> int:
        """The height the piece stands at there, or Refused."""
        if rotation not in kind.rotations:
            raise Refused("bad_rotation")
        tiles = footprint(kind, x, y, rotation)
        if not all(plan.is_tile(*tile) for tile in tiles):
            raise Refused("outside_plan")
        if (plan.door_x, plan.door_y) in tiles:
            raise Refused("on_door")
        if len({plan.height(*tile) for tile in tiles}) != 1:
            raise Refused("not_level")
        tops = dict.fromkeys(tiles, 0)
        for piece in self.pieces.values():
            if piece.id == moving:
                continue
            under = piece.tiles() & tiles
            if not under:
                continue
            if not piece.kind.can_stack:
                raise Refused("cannot_stack")
            for tile in under:
                tops[tile] = max(tops[tile], piece.top)
        if len(set(tops.values())) != 1:
            raise Refused("not_level")
        z = next(iter(tops.values()))
        if z + kind.height > MAX_STACK:
            raise Refused("too_high")
        return z

    def blocking(self) -> set[Tile]:
        """Tiles an avatar cannot walk onto: under a piece that is not walked
        on, sat on or lain on (whatever is stacked on top)."""
        tiles: set[Tile] = set()
        for piece in self.pieces.values():
            if not (piece.kind.can_walk_on or piece.kind.can_sit or piece.kind.can_lay):
                tiles |= piece.tiles()
        return tiles


def kind_of(item) -> Kind:
    """The rules' view of a kind: a rooms.Item, or a piece's frame (rooms.frames.FurnitureView)."""
    rotations = item.rotations.split(",") if isinstance(item.rotations, str) else item.rotations
    return Kind(
        item.width, item.length, item.height, item.can_stack, item.can_sit, item.can_lay, item.can_walk_on,
        tuple(int(r) for r in rotations),
    )


def pieces_of(views: Iterable) -> dict[int, Piece]:
    """The rules' view of placed pieces as their frames show them (rooms.frames.FurnitureView)."""
    return {v.id: Piece(v.id, v.owner, kind_of(v), v.x, v.y, v.z, v.rotation) for v in views}
