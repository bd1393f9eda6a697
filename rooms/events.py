"""Events on the room-events topic (key: room id)."""

import uuid

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
