"""Events on the room-events topic (key: room id)."""

import uuid
from typing import Annotated, Literal

from pydantic import Field, model_validator

from habbo.bus.events import Event
from habbo.bus.topics import ROOM_EVENTS
from habbo.text import PlainText
from rooms.floorplan import MAX_SIDE, FloorPlan
from rooms.models import MAX_CAPACITY, MIN_CAPACITY

# The room form (rooms.forms) takes the same limits.
NAME_MIN, NAME_MAX, DESCRIPTION_MAX = 3, 60, 500
RoomName = PlainText(NAME_MAX, min_length=NAME_MIN)
RoomDescription = PlainText(DESCRIPTION_MAX, min_length=0)
MAX_TRADE_PIECES = 100  # a side of a trade


class RoomCreated(Event):
    TYPE = "room.created"
    TOPIC = ROOM_EVENTS

    room_id: uuid.UUID = Field(description="the new room's id, chosen by the producer; no room has it yet")
    owner_id: int = Field(gt=0, description="an existing user; the actor, if not `null`")
    name: RoomName
    description: RoomDescription = ""
    capacity: int = Field(ge=MIN_CAPACITY, le=MAX_CAPACITY)
    floor_plan: str = Field(
        max_length=5000,
        description=f"height map: rows separated by `\\n`, all of one width, `x` = no tile, `0`–`9` = a tile's height; "
        f"at most {MAX_SIDE}×{MAX_SIDE}",
    )
    door_x: int = Field(ge=0, description="the door tile's column; the door must be a tile")
    door_y: int = Field(ge=0, description="the door tile's row")
    is_public: bool = Field(description="listed in the navigator")

    @model_validator(mode="after")
    def _valid_plan(self) -> "RoomCreated":
        FloorPlan.parse(self.floor_plan, self.door_x, self.door_y)
        return self

    def key(self) -> str:
        return str(self.room_id)


Colour = Annotated[str, Field(pattern=r"^#[0-9a-f]{6}$", description="`#rrggbb`")]


class RoomSettingsChanged(Event):
    """The owner changed the room's settings (the room info window)."""

    TYPE = "room.settings_changed"
    TOPIC = ROOM_EVENTS

    room_id: uuid.UUID = Field(description="an existing room; the actor must be its owner")
    name: RoomName
    description: RoomDescription = ""
    capacity: int = Field(ge=MIN_CAPACITY, le=MAX_CAPACITY)
    access: Literal["open", "doorbell", "locked"] = Field(
        description="`open`; `doorbell`: someone with rights in the room lets each visitor in; "
        "`locked`: only the owner and those with rights"
    )
    is_public: bool = Field(description="listed in the navigator")
    wallpaper: Colour
    floor: Colour

    def key(self) -> str:
        return str(self.room_id)


# What a player reads when a setting is refused (habbo.refusals).
SETTINGS_REFUSALS = {
    "name": f"A room's name is {NAME_MIN} to {NAME_MAX} characters of plain text.",
    "description": f"A room's description is up to {DESCRIPTION_MAX} characters of plain text.",
    "capacity": f"A room holds {MIN_CAPACITY} to {MAX_CAPACITY} players.",
    "access": "Pick open, doorbell or locked.",
    "is_public": "Say whether the room is listed in the navigator.",
    "wallpaper": "Pick a wallpaper colour.",
    "floor": "Pick a floor colour.",
}


class _Presence(Event):
    TOPIC = ROOM_EVENTS

    room_id: uuid.UUID = Field(description="the room")
    user_id: int = Field(gt=0, description="the player")
    visit_id: uuid.UUID = Field(description="the same for the entering and the leaving")
    # Absent from events written before they were added; then the stats count ±1.
    present: int | None = Field(
        default=None, ge=0, description="players in the room right after this change (live state)"
    )
    seq: int | None = Field(
        default=None, ge=0, description="the change's number in its room; only grows: the highest one's count holds"
    )

    def key(self) -> str:
        return str(self.room_id)


class UserEntered(_Presence):
    TYPE = "room.user_entered"


class UserLeft(_Presence):
    TYPE = "room.user_left"


Rotation = Literal[0, 2, 4, 6]


class _InRoom(Event):
    """A change of a room's furniture or rights: keyed by the room, so the
    furniture consumer applies a room's changes one after another."""

    TOPIC = ROOM_EVENTS

    room_id: uuid.UUID = Field(description="the room")

    def key(self) -> str:
        return str(self.room_id)


class _FurniAction(_InRoom):
    user_id: int = Field(gt=0, description="the player acting; the actor")
    furni_id: int = Field(gt=0, description="the piece")


class _Placing(_FurniAction):
    x: int = Field(ge=0, lt=MAX_SIDE, description="the column of the piece's first tile (its lowest x and y)")
    y: int = Field(ge=0, lt=MAX_SIDE, description="the row of the piece's first tile")
    rotation: Rotation = Field(description="one of the kind's rotations")


class FurniPlaced(_Placing):
    """A piece from the player's inventory into the room."""

    TYPE = "furni.placed"


class FurniMoved(_Placing):
    """A piece in the room moved or turned."""

    TYPE = "furni.moved"


class FurniPickedUp(_FurniAction):
    """A piece back to its owner's inventory: picked up, or ejected by the room's owner."""

    TYPE = "furni.picked_up"


class RightsChanged(_InRoom):
    """The owner (the actor) gives a player rights in the room or takes them."""

    TYPE = "room.rights_changed"
    user_id: int = Field(gt=0, description="the player given or refused rights")
    granted: bool


TradeSide = Annotated[list[Annotated[int, Field(gt=0)]], Field(max_length=MAX_TRADE_PIECES)]


class TradeAgreed(_InRoom):
    """Both players confirmed these sides: each side's pieces go to the other
    player, all of them or none. The event's id is made from the trade's, so
    a trade is swapped once, however often it is published."""

    TYPE = "trade.agreed"
    trade_id: uuid.UUID = Field(description="the swap's id; the admin's trade log keeps it")
    users: tuple[Annotated[int, Field(gt=0)], Annotated[int, Field(gt=0)]] = Field(
        description="the two players; the actor is one of them"
    )
    offers: tuple[TradeSide, TradeSide] = Field(description="the pieces each gives, in the order of `users`")

    @model_validator(mode="after")
    def _two_players(self) -> "TradeAgreed":
        if self.users[0] == self.users[1]:
            raise ValueError("a trade is between two players")
        pieces = [*self.offers[0], *self.offers[1]]
        if len(set(pieces)) != len(pieces):
            raise ValueError("a piece is offered twice")
        return self
