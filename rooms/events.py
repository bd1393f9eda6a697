"""Events on the room-events topic (key: room id)."""

import uuid

from pydantic import Field, model_validator

from habbo.bus.events import Event
from habbo.bus.topics import ROOM_EVENTS
from rooms.floorplan import FloorPlan
from rooms.models import MAX_CAPACITY, MIN_CAPACITY


class RoomCreated(Event):
    TYPE = "room.created"
    TOPIC = ROOM_EVENTS

    room_id: uuid.UUID
    owner_id: int = Field(gt=0)
    name: str = Field(min_length=3, max_length=60)
    description: str = Field(default="", max_length=500)
    capacity: int = Field(ge=MIN_CAPACITY, le=MAX_CAPACITY)
    floor_plan: str = Field(max_length=5000)
    door_x: int = Field(ge=0)
    door_y: int = Field(ge=0)
    is_public: bool

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
